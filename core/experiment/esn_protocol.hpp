// The paper's ESN protocol as functions the CLI and the GUI share: build the corpus split
// and the reservoir, harvest the END states of the training and test sentences (in one
// batch: they share prefixes), fit the readout, evaluate on the test set; save and load
// the trained model. Specification: shared/paper-notes.md section 3.
#pragma once
#include <Eigen/Core>
#include <filesystem>
#include <string>

#include "core/common/progress.hpp"
#include "core/corpus/dataset.hpp"
#include "core/esn/readout.hpp"
#include "core/esn/reservoir.hpp"
#include "core/io/model_file.hpp"
#include "core/metrics/metrics.hpp"

namespace rssviz::experiment {

enum class EsnReadout {
  kRidge,  // closed-form ridge on the END states (fast; the default)
  kRls,    // the paper's online RLS, one sentence at a time (same solution, slower)
};
std::string to_string(EsnReadout r);                    // "ridge" | "rls"
EsnReadout esn_readout_from_string(const std::string& s);  // throws std::invalid_argument
// Throws std::invalid_argument when `ridge` does not suit the readout: the RLS starts
// from P(0) = I / ridge, so it needs 0 < ridge <= 1e6 (the options' upper bound).
void validate_readout(double ridge, EsnReadout readout);

struct EsnExperimentOptions {
  int objects = 4;                        // corpus size n, 1-50 (4 = the basic corpus)
  std::shared_ptr<const corpus::CorpusFile> corpus_file;  // a corpus file in place of the paper's n objects (null: `objects`)
  esn::ReservoirOptions reservoir;        // reservoir.seed is the master seed: corpus split, teachers, weights
  EsnReadout readout = EsnReadout::kRidge;  // how Wout is fitted
};

// Wall-clock seconds of each stage of run_esn_protocol.
struct EsnTimings {
  double corpus = 0.0;    // grammar, split, teachers
  double build = 0.0;     // drawing and scaling the weights
  double harvest = 0.0;   // END states of the train + test sentences
  double fit = 0.0;       // readout
  double evaluate = 0.0;  // prediction and scores on the test set
  // Time to train and test the model: build + harvest + fit + evaluate (the corpus excluded).
  double total() const { return build + harvest + fit + evaluate; }
  // Processor time of the process (all threads) over the same stages, and of the harvest:
  // unlike wall time, not inflated when other processes share the cores.
  double cpu_total = 0.0;
  double cpu_harvest = 0.0;
};

struct EsnModel {
  esn::Reservoir reservoir;
  Eigen::MatrixXd wout;  // K x (N+1), column 0 the bias
  EsnReadout readout = EsnReadout::kRidge;
  int objects = 4;       // corpus it was trained on
  std::string corpus_sha256;  // the corpus file's SHA-256 when trained on one ("" = the paper's grammar)
};

struct EsnRun {
  EsnModel model;
  metrics::Scores test;   // scores on the 1000 test sentences
  metrics::Scores train;  // scores on the training sentences (fit quality)
  EsnTimings timings;
  long long harvested_steps = 0;  // tokens of the train + test sentences
  long long unique_steps = 0;     // distinct prefixes the harvest computed
  double harvest_flops = 0.0;     // floating-point operations of the harvest's recurrent GEMMs
};

// Fits the readout on the training END states (N x S) and teachers (S x K).
Eigen::MatrixXd fit_readout(const Eigen::MatrixXf& end_states, const Eigen::MatrixXd& teacher, double ridge,
                            EsnReadout kind);

// The whole protocol for options.objects and options.reservoir.seed. Checks `stop`
// between stages (and inside the harvest); throws Cancelled.
EsnRun run_esn_protocol(const EsnExperimentOptions& options, const StopFlag* stop = nullptr);
// Same on a corpus the caller already built (its grammar's vocabulary sets the input size).
EsnRun run_esn_protocol(const corpus::Corpus& corpus, const esn::ReservoirOptions& reservoir, EsnReadout readout,
                        const StopFlag* stop = nullptr);

// Outputs (one row per sentence) and scores of a trained model on a data set.
struct EsnEvaluation {
  Eigen::MatrixXd outputs;  // sentences x K, the readout after END
  metrics::Scores scores;
};
EsnEvaluation evaluate_esn(const EsnModel& model, const corpus::Grammar& grammar, const corpus::Dataset& data,
                           const StopFlag* stop = nullptr);

// Model file (core/io/model_file.hpp, model "esn"; layout in docs/FORMATS.md). Atomic;
// throws std::runtime_error naming the path. `seed` and `objects` of the training corpus
// are recorded in the meta.
void save_esn_model(const std::filesystem::path& path, const EsnModel& model);
// Throws std::runtime_error naming the file and the problem (wrong model type, missing
// or mis-shaped array, invalid options).
EsnModel load_esn_model(const std::filesystem::path& path);
// The same as a model file in memory (an ESN embedded in a session); `name` starts the
// error messages.
io::ModelFile to_model_file(const EsnModel& model);
EsnModel esn_model_from_file(const io::ModelFile& file, const std::string& name);

// esn::ReservoirOptions as a JSON object, the one list of its fields for every file that
// stores them (model files, session files, experiment descriptions), in declaration
// order; `fields` leaves out those a file does not keep (the seed, the threads).
struct ReservoirJsonFields {
  bool seed = true;     // "seed"
  bool threads = true;  // "threads"
};
nlohmann::ordered_json reservoir_options_json(const esn::ReservoirOptions& o, ReservoirJsonFields fields = {});
// Reads every field of `fields` (nlohmann::json::exception when one is missing or of the
// wrong type; an unknown weight_init throws std::invalid_argument); the others stay as in
// `base`. Does not validate.
esn::ReservoirOptions reservoir_options_from_json(const nlohmann::json& j, ReservoirJsonFields fields = {},
                                                  esn::ReservoirOptions base = {});

}  // namespace rssviz::experiment
