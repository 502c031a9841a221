#include "core/experiment/experiment.hpp"

#include <time.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/corpus/corpus_file.hpp"
#include "core/common/check.hpp"
#include "core/common/timing.hpp"
#include "core/experiment/bag_of_words.hpp"
#include "core/experiment/lstm_protocol.hpp"
#include "core/lstm/lstm_file.hpp"

namespace rssviz::experiment {

std::string to_string(ExperimentKind k) {
  switch (k) {
    case ExperimentKind::kObjects: return "objects";
    case ExperimentKind::kTrainingSize: return "training-size";
    case ExperimentKind::kUnits: return "units";
    case ExperimentKind::kSearch: return "search";
  }
  return "?";
}

ExperimentKind experiment_kind_from_string(const std::string& s) {
  for (auto k : {ExperimentKind::kObjects, ExperimentKind::kTrainingSize, ExperimentKind::kUnits,
                 ExperimentKind::kSearch})
    if (to_string(k) == s) return k;
  throw std::invalid_argument("experiment = \"" + s + "\" is not one of: objects, training-size, units, search");
}

std::string to_string(RunModel m) {
  switch (m) {
    case RunModel::kEsn: return "esn";
    case RunModel::kLstm: return "lstm";
    case RunModel::kBagOfWords: return "bow";
  }
  return "?";
}

RunModel run_model_from_string(const std::string& s) {
  for (auto m : {RunModel::kEsn, RunModel::kLstm, RunModel::kBagOfWords})
    if (to_string(m) == s) return m;
  throw std::invalid_argument("models = \"" + s + "\" is not one of: esn, lstm, bow");
}

namespace {

bool swept(ExperimentKind k) { return k != ExperimentKind::kSearch; }

bool has(const std::vector<RunModel>& v, RunModel m) { return std::find(v.begin(), v.end(), m) != v.end(); }

std::vector<int> swept_values(const ExperimentOptions& o) {
  std::vector<int> v;
  for (long long x = o.from; x <= o.to; x += o.step) v.push_back(static_cast<int>(x));
  return v;
}

int seeds_of(const ExperimentOptions& o, RunModel m) {
  return m == RunModel::kLstm && o.lstm_seeds > 0 ? o.lstm_seeds : o.seeds;
}

}  // namespace

void ExperimentOptions::validate() const {
  if (models.empty()) throw std::invalid_argument("models: the list is empty (choose from esn, lstm, bow)");
  for (size_t i = 0; i < models.size(); ++i)
    for (size_t j = i + 1; j < models.size(); ++j)
      if (models[i] == models[j]) throw std::invalid_argument("models: \"" + to_string(models[i]) + "\" is listed twice");
  if ((kind == ExperimentKind::kUnits || kind == ExperimentKind::kSearch) &&
      (models.size() != 1 || models[0] != RunModel::kEsn))
    throw std::invalid_argument("models: the " + to_string(kind) + " experiment runs the ESN only (models = esn)");
  if (swept(kind)) {
    int lo = 1, hi = 1;
    switch (kind) {
      case ExperimentKind::kObjects: hi = corpus::kMaxObjects; break;
      case ExperimentKind::kTrainingSize: hi = 100000; break;
      default: hi = 100000; break;  // units
    }
    check_range("from", from, lo, hi);
    check_range("to", to, lo, hi);
    if (to < from)
      throw std::invalid_argument("to = " + std::to_string(to) + " is below from = " + std::to_string(from));
    check_range("step", step, 1, hi);
  }
  if (kind != ExperimentKind::kObjects) check_range("objects", objects, 1, corpus::kMaxObjects);
  if ((corpus_file || !corpus_sha256.empty()) && (kind == ExperimentKind::kObjects || kind == ExperimentKind::kTrainingSize))
    throw std::invalid_argument("corpus_file: the " + to_string(kind) + " experiment builds the paper's corpus for each " +
                                (kind == ExperimentKind::kObjects ? "n" : "training size") +
                                "; a corpus file applies to units and search only");
  if (kind == ExperimentKind::kTrainingSize) {
    // The largest training set's two-object sentences, the test and validation ones
    // must be distinct pairs of the (172 n)^2.
    RunConfig r;
    r.objects = objects;
    r.train_sentences = from + (to - from) / step * step;
    const auto c = run_corpus_options(r);
    const long long m = static_cast<long long>(corpus::kClausesPerObject) * objects;
    const long long need = static_cast<long long>(c.train_two_object) + c.test_two_object + c.validation_two_object;
    if (need > m * m)
      throw std::invalid_argument("to = " + std::to_string(to) + " training sentences need " + std::to_string(need) +
                                  " distinct two-object sentences with the test and validation sets, but n = " +
                                  std::to_string(objects) + " has " + std::to_string(m * m));
  }
  check_range("seeds", seeds, 1, 100000);
  check_range("lstm_seeds", lstm_seeds, 0, 100000);
  if (first_seed > std::numeric_limits<std::uint64_t>::max() - 200000)
    throw std::invalid_argument("seed = " + std::to_string(first_seed) + " leaves no room for the seeds after it");
  if (kind == ExperimentKind::kSearch) check_range("trials", trials, 0, 10000000);
  if (has(models, RunModel::kEsn)) {
    reservoir.validate();
    validate_readout(reservoir.ridge, readout);
  }
  if (has(models, RunModel::kLstm)) {
    lstm.validate();
    trainer.validate();
  }
  long long runs = 0;
  const long long values = kind == ExperimentKind::kSearch ? trials + 1LL : (to - from) / step + 1LL;
  for (auto m : models) runs += values * seeds_of(*this, m);
  if (runs > 100000000LL)
    throw std::invalid_argument("the experiment has " + std::to_string(runs) + " runs, more than 10^8");
}

ExperimentOptions default_experiment(ExperimentKind kind) {
  ExperimentOptions o;
  o.kind = kind;
  switch (kind) {
    case ExperimentKind::kObjects: o.from = 3, o.to = 50, o.step = 1; break;
    case ExperimentKind::kTrainingSize: o.from = 100, o.to = 5000, o.step = 100; break;
    case ExperimentKind::kUnits: o.from = 50, o.to = 3000, o.step = 50; break;
    case ExperimentKind::kSearch: o.trials = 100; break;
  }
  return o;
}

std::vector<RunConfig> make_run_list(const ExperimentOptions& o) {
  o.validate();
  std::vector<RunConfig> runs;
  RunConfig base;
  base.objects = o.objects;
  base.units = o.reservoir.units;
  base.point = SearchPoint{o.reservoir.leak_rate, o.reservoir.spectral_radius, o.reservoir.density,
                           std::log10(o.reservoir.ridge)};
  auto add = [&](RunConfig c) {
    for (auto m : o.models)
      for (int s = 0; s < seeds_of(o, m); ++s) {
        c.model = m;
        c.seed = o.first_seed + static_cast<std::uint64_t>(s);
        c.index = static_cast<int>(runs.size());
        runs.push_back(c);
      }
  };
  if (o.kind == ExperimentKind::kSearch) {
    auto pts = sample_search(o.trials, o.sampler, o.first_seed);
    pts.insert(pts.begin(), kPaperPoint);
    for (size_t t = 0; t < pts.size(); ++t) {
      RunConfig c = base;
      c.trial = static_cast<int>(t);
      c.point = pts[t];
      add(c);
    }
    return runs;
  }
  for (int v : swept_values(o)) {
    RunConfig c = base;
    if (o.kind == ExperimentKind::kObjects) c.objects = v;
    if (o.kind == ExperimentKind::kTrainingSize) c.train_sentences = v;
    if (o.kind == ExperimentKind::kUnits) c.units = v;
    add(c);
  }
  return runs;
}

Shard parse_shard(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument("shard = \"" + text + "\" " + why);
  };
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw bad("is not I/K (e.g. 0/4: the first of 4 parts)");
  auto number = [&](std::string_view s, int& out) {
    if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
  };
  Shard s;
  const std::string_view v(text);
  if (!number(v.substr(0, slash), s.index) || !number(v.substr(slash + 1), s.count))
    throw bad("is not I/K with whole numbers I and K");
  if (s.count < 1 || s.count > 100000) throw bad("has K out of range [1, 100000]");
  if (s.index >= s.count) throw bad("has I >= K (I counts from 0 to K - 1)");
  return s;
}

std::string to_string(const Shard& s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

namespace {
// The LSTM's options in an experiment's description: the model's and the trainer's fields
// in one object, without those each run sets (seeds, threads, snapshots).
nlohmann::json lstm_identity(const lstm::LstmOptions& m, const lstm::TrainerOptions& t) {
  nlohmann::ordered_json j = lstm::to_json(m);
  j.update(lstm::to_json(t));
  for (const char* run : {"seed", "threads", "keep_snapshots"}) j.erase(run);
  return j;
}
}  // namespace

nlohmann::json experiment_identity(const ExperimentOptions& o) {
  nlohmann::json j;
  j["experiment"] = to_string(o.kind);
  std::vector<std::string> models;
  for (auto m : o.models) models.push_back(to_string(m));
  j["models"] = models;
  j["seeds"] = o.seeds;
  if (has(o.models, RunModel::kLstm)) j["lstm_seeds"] = seeds_of(o, RunModel::kLstm);
  j["first_seed"] = o.first_seed;
  if (swept(o.kind)) j["values"] = {{"from", o.from}, {"to", o.to}, {"step", o.step}};
  if (o.kind != ExperimentKind::kObjects) j["objects"] = o.objects;
  if (const auto sha = o.corpus_file ? o.corpus_file->identity.sha256 : o.corpus_sha256; !sha.empty())
    j["corpus_sha256"] = sha;
  if (o.kind == ExperimentKind::kSearch) {
    j["trials"] = o.trials;
    j["sampler"] = to_string(o.sampler);
  }
  if (has(o.models, RunModel::kEsn)) {
    // Seeds and threads are the runs' (make_run_list, run_reservoir_options).
    nlohmann::json esn = reservoir_options_json(o.reservoir, {.seed = false, .threads = false});
    esn["readout"] = to_string(o.readout);
    j["esn"] = esn;
  }
  if (has(o.models, RunModel::kLstm)) {
    j["lstm"] = lstm_identity(o.lstm, o.trainer);
  }
  return j;
}

ExperimentOptions experiment_from_identity(const nlohmann::json& j) {
  try {
    ExperimentOptions o = default_experiment(experiment_kind_from_string(j.at("experiment").get<std::string>()));
    o.models.clear();
    for (const auto& m : j.at("models")) o.models.push_back(run_model_from_string(m.get<std::string>()));
    o.seeds = j.at("seeds").get<int>();
    o.lstm_seeds = j.value("lstm_seeds", 0);
    o.first_seed = j.at("first_seed").get<std::uint64_t>();
    if (swept(o.kind)) {
      const auto& v = j.at("values");
      o.from = v.at("from").get<int>();
      o.to = v.at("to").get<int>();
      o.step = v.at("step").get<int>();
    }
    if (o.kind != ExperimentKind::kObjects) o.objects = j.at("objects").get<int>();
    o.corpus_sha256 = j.value("corpus_sha256", std::string());
    if (o.kind == ExperimentKind::kSearch) {
      o.trials = j.at("trials").get<int>();
      o.sampler = search_sampler_from_string(j.at("sampler").get<std::string>());
    }
    if (has(o.models, RunModel::kEsn)) {
      const auto& e = j.at("esn");
      o.reservoir = reservoir_options_from_json(e, {.seed = false, .threads = false}, o.reservoir);
      o.readout = esn_readout_from_string(e.at("readout").get<std::string>());
    }
    if (has(o.models, RunModel::kLstm)) {
      const auto& l = j.at("lstm");
      const nlohmann::json written = lstm_identity(o.lstm, o.trainer);
      for (const auto& item : written.items())  // every field written is required
        if (!l.contains(item.key())) throw std::invalid_argument("experiment description: lstm." + item.key() + " is missing");
      const lstm::TrainerOptions per_run = o.trainer;  // not in the description: each run sets them
      const std::uint64_t model_seed = o.lstm.seed;
      o.lstm = lstm::lstm_options_from_json(l);
      o.trainer = lstm::trainer_options_from_json(l);
      o.lstm.seed = model_seed;
      o.trainer.seed = per_run.seed;
      o.trainer.threads = per_run.threads;
      o.trainer.keep_snapshots = per_run.keep_snapshots;
    }
    o.validate();
    return o;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("experiment description: ") + e.what());
  }
}

corpus::CorpusOptions run_corpus_options(const RunConfig& run) {
  corpus::CorpusOptions c;
  c.objects = run.objects;
  c.seed = run.seed;
  if (run.train_sentences != c.train_one_object + c.train_two_object) {
    // The paper's 30 % one-object sentences, but never more than leave the 300 test
    // one-object sentences disjoint from them (n >= 2: 172 n > 300).
    const int m = corpus::kClausesPerObject * run.objects;
    const int cap = m > c.test_one_object ? m - c.test_one_object : m;
    c.train_one_object = std::min(static_cast<int>(std::lround(0.3 * run.train_sentences)), cap);
    c.train_two_object = run.train_sentences - c.train_one_object;
  }
  return c;
}

esn::ReservoirOptions run_reservoir_options(const ExperimentOptions& o, const RunConfig& run) {
  esn::ReservoirOptions ro = o.reservoir;
  ro.seed = run.seed;
  ro.threads = 0;
  ro.units = run.units;
  if (o.kind == ExperimentKind::kSearch) {
    ro.leak_rate = run.point.leak_rate;
    ro.spectral_radius = run.point.spectral_radius;
    ro.density = run.point.density;
    ro.ridge = std::pow(10.0, run.point.log10_ridge);
  }
  return ro;
}

LstmProtocolOptions run_lstm_options(const ExperimentOptions& o, const RunConfig& run) {
  LstmProtocolOptions lo;
  lo.corpus = run_corpus_options(run);
  lo.corpus.file = o.corpus_file;
  lo.model = o.lstm;
  lo.model.seed = run.seed;
  lo.trainer = o.trainer;
  lo.trainer.seed = run.seed;
  lo.trainer.threads = 0;
  lo.trainer.keep_snapshots = false;
  return lo;
}

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

RunResult run_configuration(const ExperimentOptions& o, const RunConfig& run, int threads, bool process_cpu,
                            const StopFlag* stop) {
  if (stop_requested(stop)) throw Cancelled();
  auto co = run_corpus_options(run);
  co.file = o.corpus_file;
  const corpus::Corpus c = corpus::make_corpus(co);
  if (stop_requested(stop)) throw Cancelled();
  const bool per_thread = threads == 1;
  const double cpu0 = per_thread ? thread_cpu_seconds() : cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  RunResult r;
  switch (run.model) {
    case RunModel::kEsn: {
      esn::ReservoirOptions ro = run_reservoir_options(o, run);
      ro.threads = threads;
      r.test = run_esn_protocol(c, ro, o.readout, stop).test;
      break;
    }
    case RunModel::kLstm: {
      LstmProtocolOptions lo = run_lstm_options(o, run);
      lo.trainer.threads = threads;
      r.test = run_lstm_protocol(c, lo, stop).test;
      break;
    }
    case RunModel::kBagOfWords: r.test = run_bag_of_words(c).test; break;
  }
  r.wall_seconds = seconds_since(t0);
  if (per_thread)
    r.cpu_seconds = thread_cpu_seconds() - cpu0;
  else if (process_cpu)
    r.cpu_seconds = cpu_seconds() - cpu0;
  else
    r.cpu_seconds = std::numeric_limits<double>::quiet_NaN();
  return r;
}

}  // namespace rssviz::experiment
