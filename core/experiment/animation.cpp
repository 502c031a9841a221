#include "core/experiment/animation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/corpus/corpus_file.hpp"
#include "core/common/check.hpp"
#include "core/umap/stability.hpp"

namespace rssviz::experiment {

namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string short_number(double v) { return format_number(v); }

double parse_number(const std::string& text, const std::string& what, const std::string& whole) {
  std::size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !std::isfinite(v))
    throw std::invalid_argument("sweep \"" + whole + "\": " + what + " \"" + text + "\" is not a finite number");
  return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

// The map of one LSTM epoch as a session of its own (the animation draws it at stage -1).
std::shared_ptr<MapSession> stage_session(const std::shared_ptr<const corpus::Corpus>& corpus, const LearningStage& st,
                                          const std::string& description) {
  auto s = std::make_shared<MapSession>();
  s->model = ModelKind::lstm;
  s->trained = true;
  s->corpus = corpus;
  s->points = st.points;
  s->layout = st.layout;
  s->scores = st.scores;
  s->description = description;
  return s;
}

}  // namespace

std::string to_string(SweepParameter p) {
  switch (p) {
    case SweepParameter::spectral_radius: return "spectral-radius";
    case SweepParameter::leak_rate: return "leak-rate";
    case SweepParameter::input_scaling: return "input-scaling";
  }
  return "?";
}

SweepParameter sweep_parameter_from_string(const std::string& s) {
  for (auto p : {SweepParameter::spectral_radius, SweepParameter::leak_rate, SweepParameter::input_scaling})
    if (s == to_string(p)) return p;
  throw std::invalid_argument("sweep parameter \"" + s + "\" is not one of spectral-radius, leak-rate, input-scaling");
}

SweepSpec parse_sweep(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos)
    throw std::invalid_argument("sweep \"" + text + "\": expected NAME=FROM:TO:FRAMES[:log], e.g. spectral-radius=0.1:3:30");
  SweepSpec s;
  s.parameter = sweep_parameter_from_string(text.substr(0, eq));
  const auto parts = split(text.substr(eq + 1), ':');
  if (parts.size() < 3 || parts.size() > 4)
    throw std::invalid_argument("sweep \"" + text + "\": expected FROM:TO:FRAMES[:log] after '=', got " +
                                std::to_string(parts.size()) + " field(s)");
  s.from = parse_number(parts[0], "FROM", text);
  s.to = parse_number(parts[1], "TO", text);
  const double frames = parse_number(parts[2], "FRAMES", text);
  if (frames != std::floor(frames) || frames < 2 || frames > 1000)
    throw std::invalid_argument("sweep \"" + text + "\": FRAMES = " + parts[2] + " must be an integer in [2, 1000]");
  s.frames = static_cast<int>(frames);
  if (parts.size() == 4) {
    if (parts[3] == "log") s.log_steps = true;
    else if (parts[3] == "linear") s.log_steps = false;
    else throw std::invalid_argument("sweep \"" + text + "\": step \"" + parts[3] + "\" is not log or linear");
  }
  validate(s);
  return s;
}

void validate(const SweepSpec& s) {
  check_range("sweep frames", s.frames, 2, 1000);
  for (double v : {s.from, s.to}) {
    switch (s.parameter) {
      case SweepParameter::spectral_radius: check_range("spectral-radius", v, 0.0, 1e6); break;
      case SweepParameter::leak_rate: check_range_open_low("leak-rate", v, 0.0, 1.0); break;
      case SweepParameter::input_scaling: check_range("input-scaling", v, 0.0, 1e6); break;
    }
  }
  if (s.log_steps && (s.from <= 0.0 || s.to <= 0.0))
    throw std::invalid_argument("sweep: log steps need FROM and TO > 0 (got " + short_number(s.from) + " and " +
                                short_number(s.to) + ")");
}

std::vector<double> sweep_values(const SweepSpec& s) {
  validate(s);
  std::vector<double> v(static_cast<std::size_t>(s.frames));
  for (int i = 0; i < s.frames; ++i) {
    const double t = static_cast<double>(i) / (s.frames - 1);
    v[static_cast<std::size_t>(i)] =
        s.log_steps ? std::exp(std::log(s.from) + t * (std::log(s.to) - std::log(s.from))) : s.from + t * (s.to - s.from);
  }
  v.front() = s.from;  // exactly the end points, whatever the rounding
  v.back() = s.to;
  return v;
}

std::vector<int> readout_stage_counts(int frames, int max_count) {
  check_range("max_count", max_count, 1, 1 << 30);
  check_range("frames", frames, 1, max_count);
  std::vector<int> k;
  for (int i = 0; i < frames; ++i) {
    const double t = frames == 1 ? 1.0 : static_cast<double>(i) / (frames - 1);
    int v = static_cast<int>(std::lround(std::pow(static_cast<double>(max_count), t)));
    if (!k.empty()) v = std::max(v, k.back() + 1);
    k.push_back(v);
  }
  // Pushing collisions up can overshoot the end: pull the tail back below max_count.
  k.back() = max_count;
  for (int i = frames - 2; i >= 0; --i) k[static_cast<std::size_t>(i)] = std::min(k[static_cast<std::size_t>(i)], k[static_cast<std::size_t>(i) + 1] - 1);
  return k;
}

std::string to_string(AnimationKind k) {
  switch (k) {
    case AnimationKind::esn_readout: return "readout";
    case AnimationKind::lstm_epochs: return "epochs";
    case AnimationKind::sweep: return "sweep";
  }
  return "?";
}

std::string scores_text(const metrics::Scores& s) {
  return "valid " + fixed(100 * s.valid_error, 1) + " % · exact " + fixed(100 * s.exact_error, 1) + " %";
}

void validate(const AnimationOptions& o) {
  switch (o.kind) {
    case AnimationKind::esn_readout:
      o.esn.reservoir.validate();
      umap::validate(o.esn.umap);
      check_range("readout frames", o.readout_frames, 1, 1000);
      break;
    case AnimationKind::lstm_epochs:
      o.lstm.model.validate();
      o.lstm.trainer.validate();
      umap::validate(o.lstm.umap);
      check_range("between", o.between, 0, 30);
      check_range("LSTM epochs", o.lstm.trainer.epochs, 1, 1000);
      break;
    case AnimationKind::sweep:
      o.explore.reservoir.validate();
      umap::validate(o.explore.umap);
      validate(o.sweep);
      break;
  }
}

Eigen::MatrixXf interpolate_layout(const MapPoints& points, const Eigen::MatrixXf& to_layout, const MapPoints& from,
                                   const Eigen::MatrixXf& from_layout, double t) {
  if (to_layout.rows() != points.size())
    throw std::invalid_argument("interpolate_layout: to_layout has " + std::to_string(to_layout.rows()) +
                                " rows for " + std::to_string(points.size()) + " points");
  t = std::clamp(t, 0.0, 1.0);
  const float e = static_cast<float>(t * t * (3.0 - 2.0 * t));  // smoothstep: starts and ends at rest
  Eigen::MatrixXf start = carry_layout(points, from, from_layout);
  if (start.size() == 0) return to_layout;
  // carry_layout puts unmatched points at the previous mean; they should not fly in from there.
  std::vector<int> prev_of;
  for (std::size_t s = 0; s < from.dataset_index.size(); ++s) {
    const int d = from.dataset_index[s];
    if (d >= static_cast<int>(prev_of.size())) prev_of.resize(static_cast<std::size_t>(d) + 1, -1);
    prev_of[static_cast<std::size_t>(d)] = static_cast<int>(s);
  }
  Eigen::MatrixXf out(to_layout.rows(), to_layout.cols());
  for (int i = 0; i < points.size(); ++i) {
    const int d = points.dataset_index[static_cast<std::size_t>(points.sentence[static_cast<std::size_t>(i)])];
    const int ps = d < static_cast<int>(prev_of.size()) ? prev_of[static_cast<std::size_t>(d)] : -1;
    const bool matched = ps >= 0 && points.step[static_cast<std::size_t>(i)] <
                                        static_cast<int>(from.point_of[static_cast<std::size_t>(ps)].size());
    out.row(i) = matched ? Eigen::RowVectorXf(start.row(i) + e * (to_layout.row(i) - start.row(i)))
                         : Eigen::RowVectorXf(to_layout.row(i));
  }
  return out;
}

struct Animation::State {
  AnimationOptions o;
  int done = 0;
  int total = 0;
  // ESN
  std::vector<int> ks;
  std::shared_ptr<const MapSession> esn;
  // LSTM
  std::unique_ptr<LstmSessionBuilder> lstm;
  // Sweep
  std::vector<double> values;
  std::unique_ptr<Explorer> explorer;
  std::shared_ptr<const MapSession> previous;
};

Animation::Animation(const AnimationOptions& options) : s_(std::make_unique<State>()) {
  validate(options);
  s_->o = options;
  switch (options.kind) {
    case AnimationKind::esn_readout:
      s_->ks = readout_stage_counts(options.readout_frames, 1000);
      s_->total = static_cast<int>(s_->ks.size());
      break;
    case AnimationKind::lstm_epochs:
      s_->total = 1 + options.lstm.trainer.epochs * (options.between + 1);
      break;
    case AnimationKind::sweep:
      s_->values = sweep_values(options.sweep);
      s_->total = static_cast<int>(s_->values.size());
      break;
  }
}

Animation::~Animation() = default;

int Animation::total_frames() const { return s_->total; }
int Animation::frames_done() const { return s_->done; }

std::string Animation::title() const {
  const auto& o = s_->o;
  switch (o.kind) {
    case AnimationKind::esn_readout: {
      const auto& r = o.esn.reservoir;
      return "ESN " + std::to_string(r.units) + " units, spectral radius " + short_number(r.spectral_radius) +
             ", leak rate " + short_number(r.leak_rate) + ", input scaling " + short_number(r.input_scaling) +
             ", ridge " + short_number(r.ridge) + " · " + corpus::corpus_label(o.esn.objects, o.esn.corpus_file) + ", seed " +
             std::to_string(r.seed);
    }
    case AnimationKind::lstm_epochs:
      return "LSTM " + std::to_string(o.lstm.model.hidden) + " units, Adam lr " +
             short_number(o.lstm.trainer.learning_rate) + ", batch " + std::to_string(o.lstm.trainer.batch_size) +
             " · " + corpus::corpus_label(o.lstm.corpus) + ", seed " + std::to_string(o.lstm.corpus.seed);
    case AnimationKind::sweep: {
      const auto& r = o.explore.reservoir;
      std::string fixedpart;
      if (o.sweep.parameter != SweepParameter::spectral_radius) fixedpart += ", spectral radius " + short_number(r.spectral_radius);
      if (o.sweep.parameter != SweepParameter::leak_rate) fixedpart += ", leak rate " + short_number(r.leak_rate);
      if (o.sweep.parameter != SweepParameter::input_scaling) fixedpart += ", input scaling " + short_number(r.input_scaling);
      return "untrained ESN " + std::to_string(r.units) + " units" + fixedpart + " · " +
             corpus::corpus_label(o.explore.objects, o.explore.corpus_file) + ", seed " + std::to_string(r.seed);
    }
  }
  return {};
}

std::vector<AnimationFrame> Animation::next(const StopFlag* stop) {
  auto& s = *s_;
  if (s.done >= s.total) return {};
  std::vector<AnimationFrame> out;
  switch (s.o.kind) {
    case AnimationKind::esn_readout: {
      if (!s.esn) {
        auto eo = s.o.esn;
        eo.stages = s.ks;
        s.esn = build_esn_session(eo, stop);
        // The training set may be smaller than a stage count (never for the CSL split).
        s.total = static_cast<int>(s.esn->stages.size());
        if (s.total == 0) throw std::runtime_error("readout animation: the session has no learning stages");
      }
      const auto& st = s.esn->stages[static_cast<std::size_t>(s.done)];
      const int k = static_cast<int>(st.x);
      out.push_back({s.esn, s.done,
                     "readout after " + std::to_string(k) + (k == 1 ? " training sentence" : " training sentences") +
                         " · " + scores_text(st.scores),
                     st.x});
      break;
    }
    case AnimationKind::lstm_epochs: {
      if (!s.lstm) s.lstm = std::make_unique<LstmSessionBuilder>(s.o.lstm);
      s.lstm->step(stop);
      const auto& frames = s.lstm->frames();
      const auto& st = frames.back();
      const int e = static_cast<int>(st.x);
      const int epochs = s.lstm->epochs();
      const std::string desc = "LSTM " + std::to_string(s.o.lstm.model.hidden) + " units, n=" +
                               std::to_string(s.o.lstm.corpus.objects) + ", seed " + std::to_string(s.o.lstm.corpus.seed);
      const std::string caption = (e == 0 ? std::string("initial weights") : "epoch " + std::to_string(e) + " / " + std::to_string(epochs)) +
                                  " · " + scores_text(st.scores);
      auto target = stage_session(s.lstm->corpus(), st, desc);
      if (frames.size() >= 2) {
        const auto& prev = frames[frames.size() - 2];
        for (int j = 1; j <= s.o.between; ++j) {
          const double t = static_cast<double>(j) / (s.o.between + 1);
          auto mid = std::make_shared<MapSession>(*target);
          mid->layout = interpolate_layout(*st.points, st.layout, *prev.points, prev.layout, t);
          // The first half still shows where the points come from; the second half where they go.
          out.push_back({mid, -1, t < 0.5 ? "epoch " + std::to_string(e - 1) + " → " + std::to_string(e) + " · " +
                                                scores_text(prev.scores)
                                          : caption,
                         e - 1 + t});
        }
      }
      out.push_back({target, -1, caption, static_cast<double>(e)});
      break;
    }
    case AnimationKind::sweep: {
      const auto& eo = s.o.explore;
      if (!s.explorer) s.explorer = std::make_unique<Explorer>(eo);
      const double v = s.values[static_cast<std::size_t>(s.done)];
      esn::Scalings sc = esn::Scalings::of(eo.reservoir);
      switch (s.o.sweep.parameter) {
        case SweepParameter::spectral_radius: sc.spectral_radius = v; break;
        case SweepParameter::leak_rate: sc.leak_rate = v; break;
        case SweepParameter::input_scaling: sc.input_scaling = v; break;
      }
      std::shared_ptr<MapSession> m = s.explorer->update(sc, s.previous.get(), stop);
      if (s.previous) {
        // Warm starts drift a little each frame; a rigid alignment to the previous frame
        // keeps the picture from turning.
        const Eigen::MatrixXf init = carry_layout(*m->points, *s.previous->points, s.previous->layout);
        if (init.size() > 0) m->layout = umap::align(m->layout, init).aligned;
      }
      const std::string name = s.o.sweep.parameter == SweepParameter::spectral_radius ? "spectral radius"
                               : s.o.sweep.parameter == SweepParameter::leak_rate     ? "leak rate"
                                                                                      : "input scaling";
      out.push_back({m, -1, name + " " + short_number(v) + " (untrained reservoir)", v});
      s.previous = m;
      break;
    }
  }
  s.done += static_cast<int>(s.o.kind == AnimationKind::lstm_epochs ? out.size() : 1);
  return out;
}

}  // namespace rssviz::experiment
