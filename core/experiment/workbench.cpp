#include "core/common/memory.hpp"
#include "core/experiment/workbench.hpp"

#include "core/common/parallel.hpp"
#include "core/common/transpose.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <chrono>
#include <stdexcept>
#include <string>

#include "core/corpus/corpus_file.hpp"
#include "core/analysis/readout_importance.hpp"
#include "core/common/timing.hpp"
#include "core/esn/readout.hpp"
#include "core/experiment/lstm_protocol.hpp"
#include "core/lstm/inspect.hpp"
#include "core/umap/stability.hpp"

namespace rssviz::experiment {

namespace {

void report(const ProgressFn& progress, long long done, long long total) {
  if (progress && !progress(done, total)) throw Cancelled();
}

void check(const StopFlag* stop) {
  if (stop_requested(stop)) throw Cancelled();
}

}  // namespace

std::string format_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

MapPoints esn_map_points(const corpus::Corpus& corpus, const esn::Reservoir& reservoir, int count,
                         const Eigen::MatrixXd& wout, const StopFlag* stop) {
  return esn_map_points(corpus, reservoir, spread_sentences(corpus.test, count), wout, stop);
}

MapPoints esn_map_points(const corpus::Corpus& corpus, const esn::Reservoir& reservoir, const std::vector<int>& chosen,
                         const Eigen::MatrixXd& wout, const StopFlag* stop) {
  std::vector<const std::vector<int>*> tokens;
  tokens.reserve(chosen.size());
  for (int i : chosen) tokens.push_back(&corpus.test.sentences[static_cast<size_t>(i)].tokens);
  const esn::States st = esn::harvest(reservoir, tokens, esn::Keep::kPrefixes, stop);
  check(stop);
  // The harvest already knows which columns share a prefix (bitwise identical states),
  // so duplicates are dropped by prefix id, without hashing the states; this gives the
  // points collect_map_points would (tested), several times faster: the live sliders
  // redo it for every value.
  MapPoints p;
  p.unit_offset = 1;
  p.dataset_index = chosen;
  p.point_of.resize(chosen.size());
  p.rows_total = st.total_steps;
  std::vector<int> point_of_prefix(static_cast<size_t>(st.unique_steps), -1);
  std::vector<Eigen::Index> columns;
  for (size_t s = 0; s < chosen.size(); ++s) {
    const auto& sent = corpus.test.sentences[static_cast<size_t>(chosen[s])];
    const auto parts = sent.parts();
    auto& map = p.point_of[s];
    map.resize(static_cast<size_t>(sent.length()));
    for (int t = 0; t < sent.length(); ++t) {
      const int c = st.prefix_id[static_cast<size_t>(st.offsets[s] + t)];  // x's column of this prefix
      int& pt = point_of_prefix[static_cast<size_t>(c)];
      if (pt < 0) {
        pt = static_cast<int>(columns.size());
        columns.push_back(c);
        p.sentence.push_back(static_cast<int>(s));
        p.step.push_back(t);
        p.word.push_back(sent.tokens[static_cast<size_t>(t)]);
        p.part.push_back(parts[static_cast<size_t>(t)]);
      }
      map[static_cast<size_t>(t)] = pt;
    }
  }
  const auto n = static_cast<Eigen::Index>(columns.size());
  const int units = reservoir.units();
  // X = [1, states'] straight from the harvest's columns, by 8 x 8 register transposes
  // over bands of 16 points (each of X's cache lines written whole); the live sliders
  // redo this for every value, and a plain transposed assignment strides through memory.
  p.X.resize(n, units + 1);
  prefer_huge_pages(p.X);
  p.X.col(0).setOnes();
  constexpr Eigen::Index kBand = 16, kRowsPerBlock = 512;
  const int blocks = static_cast<int>((n + kRowsPerBlock - 1) / kRowsPerBlock);
  const auto source = [&](Eigen::Index i) { return st.x.col(columns[static_cast<size_t>(i)]).data(); };
  parallel_for(blocks, reservoir.options().threads, [&](int b, int) {
    const Eigen::Index r1 = std::min(n, (b + 1) * kRowsPerBlock);
    for (Eigen::Index i0 = b * kRowsPerBlock; i0 < r1; i0 += kBand) {
      const Eigen::Index i1 = std::min(r1, i0 + kBand);
      Eigen::Index u0 = 0;
      for (Eigen::Index g = i0; g + 8 <= i1; g += 8) {
        const float* src[8];
        for (int l = 0; l < 8; ++l) src[l] = source(g + l);
        for (u0 = 0; u0 + 8 <= units; u0 += 8) {
          const float* at[8];
          for (int l = 0; l < 8; ++l) at[l] = src[l] + u0;
          transpose8x8(at, &p.X(g, 1 + u0), static_cast<size_t>(n));
        }
      }
      const Eigen::Index done = i0 + (i1 - i0) / 8 * 8;  // points transposed above
      for (Eigen::Index i = i0; i < i1; ++i) {
        const float* src = source(i);
        for (Eigen::Index u = i < done ? u0 : 0; u < units; ++u) p.X(i, 1 + u) = src[u];
      }
    }
  });
  if (wout.size() > 0) {
    Eigen::MatrixXf x(units, n);
    for (Eigen::Index i = 0; i < n; ++i) x.col(i) = st.x.col(columns[static_cast<size_t>(i)]);
    p.outputs = esn::predict(wout, x).cast<float>();
    p.error_code = point_error_codes(corpus.grammar, corpus.test, p, p.outputs);
  } else {
    p.error_code.assign(static_cast<size_t>(n), kNoCode);
  }
  return p;
}

namespace {
// Row of `points`' point i in `source`'s layout (matched by dataset sentence and step), or
// -1; `source_of` maps dataset sentences to `source`'s sentence index.
struct LayoutSource {
  const MapPoints& points;
  std::vector<int> sentence_of;  // dataset index -> source sentence, -1 if absent
  explicit LayoutSource(const MapPoints& p) : points(p) {
    for (size_t s = 0; s < p.dataset_index.size(); ++s) {
      const int d = p.dataset_index[s];
      if (d >= static_cast<int>(sentence_of.size())) sentence_of.resize(static_cast<size_t>(d) + 1, -1);
      sentence_of[static_cast<size_t>(d)] = static_cast<int>(s);
    }
  }
  int row_of(const MapPoints& target, int i) const {
    const int d = target.dataset_index[static_cast<size_t>(target.sentence[static_cast<size_t>(i)])];
    const int ps = d < static_cast<int>(sentence_of.size()) ? sentence_of[static_cast<size_t>(d)] : -1;
    const int r = target.step[static_cast<size_t>(i)];
    if (ps < 0 || r >= static_cast<int>(points.point_of[static_cast<size_t>(ps)].size())) return -1;
    return points.point_of[static_cast<size_t>(ps)][static_cast<size_t>(r)];
  }
};

Eigen::MatrixXf carry_from(const MapPoints& points, const MapPoints& previous, const Eigen::MatrixXf& previous_layout,
                      const MapPoints* fallback, const Eigen::MatrixXf* fallback_layout) {
  if (previous_layout.rows() != previous.size() || previous.size() == 0) return {};
  const bool use_fallback = fallback && fallback_layout && fallback_layout->rows() == fallback->size() &&
                            fallback->size() > 0 && fallback_layout->cols() == previous_layout.cols();
  const LayoutSource first(previous);
  std::optional<LayoutSource> second;
  if (use_fallback) second.emplace(*fallback);
  const Eigen::RowVectorXf mean = previous_layout.colwise().mean();
  Eigen::MatrixXf init(points.size(), previous_layout.cols());
  int matched = 0;
  for (int i = 0; i < points.size(); ++i) {
    if (const int r = first.row_of(points, i); r >= 0) {
      init.row(i) = previous_layout.row(r);
      ++matched;
    } else if (const int f = second ? second->row_of(points, i) : -1; f >= 0) {
      init.row(i) = fallback_layout->row(f);
    } else {
      init.row(i) = mean;
    }
  }
  return matched > 0 ? init : Eigen::MatrixXf();
}
}  // namespace

Eigen::MatrixXf carry_layout(const MapPoints& points, const MapPoints& previous, const Eigen::MatrixXf& previous_layout) {
  return carry_from(points, previous, previous_layout, nullptr, nullptr);
}

Eigen::MatrixXf carry_layout(const MapPoints& points, const MapPoints& previous, const Eigen::MatrixXf& previous_layout,
                             const MapPoints& fallback, const Eigen::MatrixXf& fallback_layout) {
  return carry_from(points, previous, previous_layout, &fallback, &fallback_layout);
}

namespace {

// The ESN session for a corpus and a reservoir; `given` is the final readout when it is
// known (a loaded model), else it is fitted.
std::shared_ptr<MapSession> esn_session(const EsnSessionOptions& o, std::shared_ptr<const corpus::Corpus> corpus,
                                        std::shared_ptr<const esn::Reservoir> reservoir_ptr,
                                        const Eigen::MatrixXd* given, std::chrono::steady_clock::time_point t0,
                                        const StopFlag* stop, const ProgressFn& progress) {
  constexpr int kSteps = 7;
  const auto& g = corpus->grammar;
  const esn::Reservoir& reservoir = *reservoir_ptr;
  check(stop);
  // Train and test END states in one harvest: they share clause beginnings, so the
  // prefix trie computes each shared prefix once.
  std::vector<const std::vector<int>*> tokens;
  for (const auto* set : {&corpus->train, &corpus->test})
    for (const auto& sent : set->sentences) tokens.push_back(&sent.tokens);
  const esn::States ends = esn::harvest(reservoir, tokens, esn::Keep::kEnd, stop);
  const Eigen::MatrixXf train_x = ends.x.leftCols(corpus->train.size());
  const Eigen::MatrixXf test_x = ends.x.rightCols(corpus->test.size());
  report(progress, 2, kSteps);
  Eigen::MatrixXd wout = given ? *given : fit_readout(train_x, corpus->train.teacher, o.reservoir.ridge, o.readout);
  const Eigen::MatrixXd test_out = esn::predict(wout, test_x);
  auto s = std::make_shared<MapSession>();
  s->model = ModelKind::esn;
  s->trained = true;
  s->corpus = corpus;
  s->scores = metrics::evaluate(g, corpus->test, test_out);
  s->results = metrics::evaluate_each(g, corpus->test, test_out);
  report(progress, 3, kSteps);
  auto points = std::make_shared<MapPoints>(esn_map_points(
      *corpus, reservoir, map_sentences(corpus->test, o.map_sentences, o.include_sentences), wout, stop));
  report(progress, 4, kSteps);
  {
    umap::Umap u(points->X, o.umap, nullptr, stop);
    if (!u.run()) throw Cancelled();
    s->layout = u.embedding();
    s->knn = std::make_shared<const umap::KnnGraph>(u.knn());
  }
  report(progress, 5, kSteps);

  // Learning stages: the readout after k sentences, recolouring the same points.
  std::vector<int> ks;
  for (int k : o.stages)
    if (k >= 1 && k <= corpus->train.size() && (ks.empty() || k > ks.back())) ks.push_back(k);
  const auto ws = esn::readout_checkpoints(train_x, corpus->train.teacher, o.reservoir.ridge, ks);
  const Eigen::MatrixXf units_t = points->X.rightCols(points->units()).transpose();
  s->curve.x_label = "training sentences";
  for (size_t i = 0; i < ks.size(); ++i) {
    check(stop);
    LearningStage st;
    st.label = "after " + std::to_string(ks[i]) + (ks[i] == 1 ? " sentence" : " sentences");
    st.x = ks[i];
    st.outputs = esn::predict(ws[i], units_t).cast<float>();
    st.readout = ws[i];
    st.codes = point_error_codes(g, corpus->test, *points, st.outputs);
    st.scores = metrics::evaluate(g, corpus->test, esn::predict(ws[i], test_x));
    s->curve.x.push_back(ks[i]);
    s->curve.valid_error.push_back(st.scores.valid_error);
    s->curve.exact_error.push_back(st.scores.exact_error);
    s->stages.push_back(std::move(st));
  }
  report(progress, 6, kSteps);
  s->unit_order = analysis::rank_units_by_readout(wout, 1);
  s->readout = std::move(wout);
  s->reservoir = reservoir_ptr;
  s->points = std::move(points);
  const auto& r = o.reservoir;
  s->description = "ESN " + std::to_string(r.units) + " units, spectral radius " + format_number(r.spectral_radius) +
                   ", leak rate " + format_number(r.leak_rate) + ", input scaling " + format_number(r.input_scaling) +
                   ", ridge " + format_number(r.ridge) + " · " + corpus_label(corpus->options) + ", seed " +
                   std::to_string(r.seed);
  s->seconds = seconds_since(t0);
  report(progress, kSteps, kSteps);
  return s;
}

std::shared_ptr<const corpus::Corpus> esn_corpus(const EsnSessionOptions& o) {
  corpus::CorpusOptions co;
  co.objects = o.objects;
  co.seed = o.reservoir.seed;
  co.file = o.corpus_file;
  return std::make_shared<const corpus::Corpus>(corpus::make_corpus(co));
}

}  // namespace

std::shared_ptr<MapSession> build_esn_session(const EsnSessionOptions& o, const StopFlag* stop,
                                              const ProgressFn& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  o.reservoir.validate();
  validate_readout(o.reservoir.ridge, o.readout);
  umap::validate(o.umap);
  auto corpus = esn_corpus(o);
  report(progress, 1, 7);
  auto reservoir = std::make_shared<const esn::Reservoir>(o.reservoir, corpus->grammar.vocabulary_size());
  return esn_session(o, std::move(corpus), std::move(reservoir), nullptr, t0, stop, progress);
}

void check_model_fits(const EsnModel& model, const corpus::Grammar& g) {
  const auto& r = model.reservoir;
  if (r.vocabulary_size() != g.vocabulary_size())
    throw std::invalid_argument("the model reads " + std::to_string(r.vocabulary_size()) + " input words, the corpus has " +
                                std::to_string(g.vocabulary_size()) + " (the model was trained with " +
                                std::to_string(model.objects) + " objects, the corpus has " +
                                std::to_string(g.objects()) + ")");
  if (model.wout.rows() != g.output_size() || model.wout.cols() != r.units() + 1)
    throw std::invalid_argument("the model's readout is " + std::to_string(model.wout.rows()) + " x " +
                                std::to_string(model.wout.cols()) + ", the corpus needs " +
                                std::to_string(g.output_size()) + " x " + std::to_string(r.units() + 1));
}

std::shared_ptr<MapSession> build_esn_session(const EsnSessionOptions& options, const EsnModel& model,
                                              const StopFlag* stop, const ProgressFn& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  EsnSessionOptions o = options;
  const int threads = o.reservoir.threads;
  o.reservoir = model.reservoir.options();
  o.reservoir.threads = threads;
  o.readout = model.readout;
  umap::validate(o.umap);
  auto corpus = esn_corpus(o);
  check_model_fits(model, corpus->grammar);
  report(progress, 1, 7);
  const auto& m = model.reservoir;
  auto reservoir = std::make_shared<const esn::Reservoir>(
      esn::Reservoir::from_weights(o.reservoir, m.unit_w(), m.unit_win(), m.unit_bias(), m.raw_radius()));
  return esn_session(o, std::move(corpus), std::move(reservoir), &model.wout, t0, stop, progress);
}

LstmSessionOptions lstm_session_options(int objects, std::uint64_t seed) {
  const LstmProtocolOptions paper = lstm_paper_options(objects, seed);
  LstmSessionOptions o;
  o.corpus = paper.corpus;
  o.model = paper.model;
  o.trainer = paper.trainer;
  return o;
}

LstmSessionBuilder::LstmSessionBuilder(const LstmSessionOptions& options) : options_(options) {
  umap::validate(options_.umap);
  corpus_ = std::make_shared<const corpus::Corpus>(corpus::make_corpus(options_.corpus));
  trainer_ = std::make_unique<lstm::Trainer>(*corpus_, options_.model, options_.trainer);
  chosen_ = map_sentences(corpus_->test, options_.map_sentences, options_.include_sentences);
  curve_.x_label = "epoch";
}

LstmSessionBuilder::LstmSessionBuilder(const LstmSessionOptions& options, LstmReplay replay) : options_(options) {
  umap::validate(options_.umap);
  corpus_ = std::make_shared<const corpus::Corpus>(corpus::make_corpus(options_.corpus));
  const auto& g = corpus_->grammar;
  const size_t trained = replay.history.size();
  const size_t want = options_.map_every_epoch ? trained + 1 : 1;
  if (replay.frames.size() != want)
    throw std::invalid_argument("LSTM replay: " + std::to_string(replay.frames.size()) + " networks for " +
                                std::to_string(trained) + " epochs; expected " + std::to_string(want));
  if (trained > static_cast<size_t>(options_.trainer.epochs))
    throw std::invalid_argument("LSTM replay: " + std::to_string(trained) + " epochs trained, more than trainer.epochs = " +
                                std::to_string(options_.trainer.epochs));
  for (size_t i = 0; i < replay.frames.size(); ++i) {
    const auto& m = replay.frames[i];
    if (m.inputs() != g.vocabulary_size() || m.outputs() != g.output_size())
      throw std::invalid_argument("LSTM network " + std::to_string(i) + " reads " + std::to_string(m.inputs()) +
                                  " words and writes " + std::to_string(m.outputs()) + " outputs; the corpus has " +
                                  std::to_string(g.vocabulary_size()) + " words and " +
                                  std::to_string(g.output_size()) + " outputs");
  }
  replay_ = std::make_unique<LstmReplay>(std::move(replay));
  chosen_ = map_sentences(corpus_->test, options_.map_sentences, options_.include_sentences);
  curve_.x_label = "epoch";
}

bool LstmSessionBuilder::finished() const {
  if (replay_)
    return options_.map_every_epoch ? frames_.size() == replay_->frames.size() : !frames_.empty();
  return trainer_->finished() && !frames_.empty();
}
int LstmSessionBuilder::epoch() const { return replay_ ? replay_epoch_ : trainer_->epoch(); }
int LstmSessionBuilder::epochs() const { return options_.trainer.epochs; }
const lstm::Lstm& LstmSessionBuilder::model() const {
  if (!replay_) return trainer_->model();
  return replay_->frames[options_.map_every_epoch ? static_cast<size_t>(replay_epoch_) : 0];
}

void LstmSessionBuilder::map_frame(const StopFlag* stop) {
  const auto& g = corpus_->grammar;
  const auto& model = this->model();
  std::vector<std::vector<int>> tokens;
  for (int i : chosen_) tokens.push_back(corpus_->test.sentences[static_cast<size_t>(i)].tokens);
  const lstm::Inspection ins = lstm::inspect(model, tokens);
  std::vector<Trajectory> traj(chosen_.size());
  for (size_t s = 0; s < chosen_.size(); ++s) {
    const int r0 = ins.offsets[s], len = ins.offsets[s + 1] - r0;
    traj[s].states = ins.cell.middleRows(r0, len);
    traj[s].outputs = ins.output.middleRows(r0, len);
  }
  auto points = std::make_shared<MapPoints>(
      collect_map_points(g, corpus_->test, chosen_, traj, {.zero_state_first = true}));
  check(stop);
  LearningStage st;
  const int e = epoch();
  st.label = e == 0 ? "initial weights" : "epoch " + std::to_string(e);
  st.x = e;
  Eigen::MatrixXf init;
  if (!frames_.empty()) init = carry_layout(*points, *frames_.back().points, frames_.back().layout);
  if (init.size() == 0) {
    st.layout = umap::fit(points->X, options_.umap, nullptr, stop);
  } else {
    // Warm start from the previous frame, then remove any drift by a rigid alignment
    // (the convention of carry_layout in workbench.hpp).
    st.layout = umap::align(umap::refine(points->X, init, options_.umap, stop), init).aligned;
  }
  st.outputs = points->outputs;
  st.codes = points->error_code;
  st.scores = lstm::evaluate(model, g, corpus_->test);
  st.readout = model.params().Wy();
  st.lstm = std::make_shared<const lstm::Lstm>(model);
  st.points = std::move(points);
  frames_.push_back(std::move(st));
}

void LstmSessionBuilder::step(const StopFlag* stop) {
  const auto t0 = std::chrono::steady_clock::now();
  if (replay_) {
    const auto add = [this](const lstm::EpochReport& r) {
      curve_.x.push_back(r.epoch);
      curve_.loss.push_back(r.train_loss);
      curve_.valid_error.push_back(r.validation_valid_error);
      curve_.exact_error.push_back(r.validation_exact_error);
    };
    if (frames_.empty() && options_.map_every_epoch) {
      map_frame(stop);
    } else if (options_.map_every_epoch) {
      add(replay_->history[static_cast<size_t>(replay_epoch_)]);
      ++replay_epoch_;
      map_frame(stop);
    } else {
      for (const auto& r : replay_->history) add(r);
      replay_epoch_ = static_cast<int>(replay_->history.size());
      map_frame(stop);
    }
  } else if (frames_.empty() && options_.map_every_epoch) {
    map_frame(stop);
  } else if (!trainer_->finished()) {
    const lstm::EpochReport r = trainer_->run_epoch(stop);
    if (r.diverged) {
      // The trainer kept the last finite model, which frames_ already shows when every
      // epoch is mapped.
      if (!options_.map_every_epoch || frames_.empty()) map_frame(stop);
      seconds_ += seconds_since(t0);
      return;
    }
    curve_.x.push_back(r.epoch);
    curve_.loss.push_back(r.train_loss);
    curve_.valid_error.push_back(r.validation_valid_error);
    curve_.exact_error.push_back(r.validation_exact_error);
    if (options_.map_every_epoch || trainer_->finished()) map_frame(stop);
  } else if (frames_.empty()) {
    map_frame(stop);  // no epoch to train: the initial weights are the final model
  }
  seconds_ += seconds_since(t0);
}

std::shared_ptr<MapSession> build_lstm_session(const LstmSessionOptions& options, const StopFlag* stop,
                                               const ProgressFn& progress) {
  LstmSessionBuilder b(options);
  while (!b.finished()) {
    check(stop);
    b.step(stop);
    report(progress, b.epoch(), b.epochs());
  }
  return b.session();
}

std::shared_ptr<MapSession> LstmSessionBuilder::session() const {
  auto s = std::make_shared<MapSession>();
  s->model = ModelKind::lstm;
  s->trained = true;
  s->corpus = corpus_;
  if (frames_.empty()) throw std::logic_error("LstmSessionBuilder::session: call step() first");
  const auto& last = frames_.back();
  s->points = last.points;
  s->layout = last.layout;
  const auto& g = corpus_->grammar;
  const Eigen::MatrixXd out = lstm::predict(model(), corpus_->test);
  s->scores = metrics::evaluate(g, corpus_->test, out);
  s->results = metrics::evaluate_each(g, corpus_->test, out);
  s->readout = model().params().Wy();
  s->lstm = std::make_shared<const lstm::Lstm>(model());
  s->unit_order = analysis::rank_units_by_readout(s->readout, 0);
  s->stages = frames_;
  s->curve = curve_;
  const auto& t = options_.trainer;
  s->description = "LSTM " + std::to_string(model().hidden()) + " units, epoch " + std::to_string(epoch()) + "/" +
                   std::to_string(epochs()) + ", Adam lr " + format_number(t.learning_rate) + ", batch " +
                   std::to_string(t.batch_size) + " · " + corpus::corpus_label(options_.corpus) + ", seed " +
                   std::to_string(options_.corpus.seed);
  if (trainer_ && trainer_->diverged()) s->description += " · diverged";
  if (trainer_) s->diagnostic = trainer_->diagnostic();
  s->seconds = seconds_;
  return s;
}

}  // namespace rssviz::experiment
