// The model options of `rssviz-cli train` (and of every command that trains a model:
// `rssviz-cli states`, `rssviz render` / `rssviz animate`), defined once so that every
// binary has the same names, defaults, ranges, help texts and messages.
//
//   ModelArgs a;
//   auto set = add_model_options(cmd, a);   // before parsing
//   cmd->callback([&] { set.check(); run(esn_experiment_options(a)); });
//
// Every option binds to a field of ModelArgs (its default is the core's default); the
// conversions to the core's option structs fill the master seed and the thread count
// into each of them.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/corpus/corpus_file.hpp"
#include "core/esn/reservoir.hpp"
#include "core/experiment/esn_protocol.hpp"
#include "core/experiment/lstm_protocol.hpp"
#include "core/experiment/workbench.hpp"

namespace rssviz::app {

// Bad usage that CLI11 cannot see (option combinations, values core rejects): the
// front ends print the message and exit with code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ModelArgs {
  std::string model = "esn";          // esn | lstm
  int objects = 4;                    // corpus size n, 1..50
  std::string corpus_path;            // --corpus FILE in place of --objects (empty: the paper's grammar)
  std::shared_ptr<const corpus::CorpusFile> corpus;  // that file, read (and validated) when the option is parsed
  std::uint64_t seed = 1;             // master seed
  int threads = 0;                    // 0 = all cores
  esn::ReservoirOptions reservoir;    // ESN options as parsed (seed/threads filled by the getters below)
  std::string readout = "ridge", weight_init = "expected"; bool no_bias = false;
  int hidden = 20, epochs = 35, batch_size = 2; double learning_rate = 1e-3, clip = 0.0; bool shuffle = false;
};

// What add_model_options added: which options belong to which model, and the arguments
// they fill (which must outlive the handle).
class ModelOptionSet {
 public:
  // After parsing: an option of the other model given -> UsageError("--hidden applies to
  // --model lstm only"); then the chosen model's options validated by the core
  // (ReservoirOptions, the readout's ridge, LstmOptions, TrainerOptions), whose messages
  // name the flag ("--leak-rate = 0 is out of range (0, 1]") -> UsageError.
  void check() const;
  // For commands that train several models (`rssviz-cli experiment --models ...`): an
  // option of a model that is not trained -> UsageError("--hidden applies to the LSTM,
  // which --models does not include"); then the trained models' options validated as
  // check() does.
  void check_models(bool esn, bool lstm) const;
  const std::vector<CLI::Option*>& esn_options() const { return esn_; }
  const std::vector<CLI::Option*>& lstm_options() const { return lstm_; }

 private:
  friend ModelOptionSet add_model_settings(CLI::App* cmd, ModelArgs& a);
  void validate(bool esn, bool lstm) const;
  const ModelArgs* args_ = nullptr;
  std::vector<CLI::Option*> esn_, lstm_;
};

// Adds --model (required or not; not required: `a.model` as preset, "esn" by default),
// then add_run_options, then every ESN and LSTM option of `train` to cmd.
ModelOptionSet add_model_options(CLI::App* cmd, ModelArgs& a, bool model_required = true);
// Only the ESN and LSTM options (no --model, no run options): what add_model_options adds
// after add_run_options.
ModelOptionSet add_model_settings(CLI::App* cmd, ModelArgs& a);

// Adds only --objects/-n, --corpus, --seed/-s and --threads/-j (what `evaluate` takes).
// --seed takes a decimal whole number 0 .. 2^64 - 1 (CLI11 alone would wrap -1 to
// 2^64 - 1 and read 010 as octal). --corpus FILE reads the corpus file while parsing
// (a malformed file fails with every bad line named); with --objects it is a usage error.
void add_run_options(CLI::App* cmd, ModelArgs& a);

// The corpus the arguments describe: --objects and --seed, or the --corpus file.
corpus::CorpusOptions corpus_options(const ModelArgs& a);
// For `evaluate`: a model trained on a corpus file (its SHA-256 recorded, `model_sha256`)
// needs that file as --corpus, and a model of the paper's corpus ("") needs none;
// otherwise UsageError naming both.
void check_model_corpus(const std::string& model_file, const std::string& model_sha256, const ModelArgs& a);
// The corpus in a --json result: "objects" (the file's count with --corpus), and with
// --corpus "corpus" (the path) and "corpus_sha256".
void add_corpus_json(nlohmann::json& j, const ModelArgs& a);
// The corpus in a text line: "4 objects" or "corpus FILE (SHA-256 ...)".
std::string corpus_text(const ModelArgs& a);

// The core's options for what the arguments describe. They do not range-check (only an
// unknown --readout or --weight-init name throws std::invalid_argument): call
// ModelOptionSet::check() first; the core builders validate again, naming the field.
experiment::EsnExperimentOptions esn_experiment_options(const ModelArgs& a);  // what train --model esn runs
experiment::LstmProtocolOptions lstm_protocol_options(const ModelArgs& a);    // what train --model lstm runs
// The workbench sessions (core/experiment/workbench.hpp), with the paper's map
// (200 sentences, paper_map_umap() with `threads`).
experiment::EsnSessionOptions esn_session_options(const ModelArgs& a);
experiment::LstmSessionOptions lstm_session_options(const ModelArgs& a);

// Rethrows a core std::invalid_argument ("leak_rate = 0 is ...", "TrainerOptions.clip_norm
// = ...") as a UsageError naming the command-line flag ("--leak-rate = 0 is ...",
// "--clip = ..."); other messages unchanged.
[[noreturn]] void rethrow_as_flag(const std::invalid_argument& e);

}  // namespace rssviz::app
