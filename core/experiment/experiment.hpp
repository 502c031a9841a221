// The paper's experiments as run lists (issue #12): what to train, on which corpus, with
// which seed and which swept setting, one RunConfig per row of the results file.
//
//   objects        error against the number of objects n (from..to step), every model;
//   training-size  ESN (or bag of words, LSTM) error against the training sentences on
//                  the corpus of `objects` (30 % one-object, 70 % two-object sentences);
//   units          ESN error against the reservoir size;
//   search         ESN error over random or Sobol points of the paper's search space
//                  (search_space.hpp); trial 0 is the paper's own point, 1..trials sampled.
// Run list order: swept value (or trial), then model, then seed. Shards are the
// run-index classes modulo K (shard I of K holds runs I, I + K, I + 2K, ...): disjoint,
// complete, balanced across cheap and costly settings, and independent of which shard
// runs where. run_configuration() trains and scores one run; the runner
// (experiment_runner.hpp) drives many of them, writes the rows, resumes and merges.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/common/progress.hpp"
#include "core/esn/reservoir.hpp"
#include "core/experiment/esn_protocol.hpp"
#include "core/experiment/lstm_protocol.hpp"
#include "core/experiment/search_space.hpp"
#include "core/lstm/lstm.hpp"
#include "core/lstm/trainer.hpp"
#include "core/metrics/metrics.hpp"

namespace rssviz::experiment {

enum class ExperimentKind { kObjects, kTrainingSize, kUnits, kSearch };
std::string to_string(ExperimentKind k);                          // "objects" | "training-size" | "units" | "search"
ExperimentKind experiment_kind_from_string(const std::string& s);  // throws std::invalid_argument

enum class RunModel { kEsn, kLstm, kBagOfWords };
std::string to_string(RunModel m);                     // "esn" | "lstm" | "bow"
RunModel run_model_from_string(const std::string& s);  // throws std::invalid_argument

struct ExperimentOptions {
  ExperimentKind kind = ExperimentKind::kObjects;
  std::vector<RunModel> models{RunModel::kEsn};  // objects, training-size: any; units, search: esn only
  int from = 3, to = 50, step = 1;  // the swept values from, from + step, ... <= to (objects | sentences | units)
  int objects = 4;                  // corpus size n of training-size, units and search (objects: swept)
  // A corpus file in place of the paper's `objects` (units and search only; `objects`
  // is then the file's object count). Its SHA-256 is part of the identity, so results of
  // different corpora are never resumed or merged together.
  std::shared_ptr<const corpus::CorpusFile> corpus_file;
  std::string corpus_sha256;        // read back from a results file's identity (corpus_file's when set)
  int seeds = 1;                    // seeds first_seed .. first_seed + seeds - 1 per configuration, >= 1
  int lstm_seeds = 0;               // seeds of the LSTM runs (slower); 0 = `seeds`
  std::uint64_t first_seed = 1;     // also the seed of the random search sampler
  int trials = 100;                 // search: sampled points (the paper's point is added as trial 0)
  SearchSampler sampler = SearchSampler::kRandom;
  esn::ReservoirOptions reservoir;  // the ESN of every run; seed and threads are set per run
  EsnReadout readout = EsnReadout::kRidge;
  lstm::LstmOptions lstm;           // the LSTM (seed set per run)
  lstm::TrainerOptions trainer;     // its training (seed and threads set per run)
  // Throws std::invalid_argument naming the field ("to = 2 is below from = 3", "models:
  // units runs the ESN only").
  void validate() const;
};
// The default ranges: objects 3..50 step 1; training-size 100..5000 step 100;
// units 50..3000 step 50; search: 100 trials, random.
ExperimentOptions default_experiment(ExperimentKind kind);

struct RunConfig {
  int index = 0;                 // position in the run list (the results file's `run` column)
  RunModel model = RunModel::kEsn;
  int objects = 4;
  std::uint64_t seed = 1;
  int train_sentences = 1000;    // training-size: swept (else the paper's 1000)
  int units = 1000;              // units: swept (else the reservoir's)
  int trial = -1;                // search: 0 = the paper's point, 1.. sampled (else -1)
  SearchPoint point;             // search: the configuration (else the reservoir's)
};

std::vector<RunConfig> make_run_list(const ExperimentOptions& options);

struct Shard {
  int index = 0;  // I, 0 <= I < count (a Slurm array's task id)
  int count = 1;  // K; 1 = the whole run list
  bool contains(int run_index) const { return run_index % count == index; }
  friend bool operator==(const Shard&, const Shard&) = default;
};
// "I/K" (0 <= I < K <= 100000); throws std::invalid_argument naming the text.
Shard parse_shard(const std::string& text);
std::string to_string(const Shard& s);  // "I/K"

// Everything that defines the experiment's results (kind, range, models, seeds, every
// model option), as written in the results file's first line; not the shard, the thread
// counts or the output path. experiment_from_identity inverts it (throws
// std::invalid_argument naming the missing or bad field).
nlohmann::json experiment_identity(const ExperimentOptions& options);
ExperimentOptions experiment_from_identity(const nlohmann::json& identity);

// The corpus options of one run (training-size changes the training set's size; the
// test set is always the paper's 300 + 700 sentences).
corpus::CorpusOptions run_corpus_options(const RunConfig& run);

// The models a run trains, as run_configuration() builds them (the window loads a
// results row's configuration through these); threads = 0 (all cores).
esn::ReservoirOptions run_reservoir_options(const ExperimentOptions& options, const RunConfig& run);
LstmProtocolOptions run_lstm_options(const ExperimentOptions& options, const RunConfig& run);

struct RunResult {
  metrics::Scores test;
  double cpu_seconds = 0.0;   // processor time to train and test (corpus construction excluded); NaN if not measurable
  double wall_seconds = 0.0;  // wall time of the same
};
// Trains and scores one run with `threads` threads inside the model (0 = all cores).
// cpu_seconds is the calling thread's processor time when threads == 1 (the model then
// runs on the calling thread, whatever runs beside it), the process's when
// `process_cpu` (the caller runs nothing else meanwhile), else NaN. Throws Cancelled
// when `stop` is set.
RunResult run_configuration(const ExperimentOptions& options, const RunConfig& run, int threads, bool process_cpu,
                            const StopFlag* stop = nullptr);

}  // namespace rssviz::experiment
