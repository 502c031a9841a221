// The paper's LSTM protocol (shared/paper-notes.md section 4) as functions the CLI and
// the GUI share: build the split of a seed, train for the configured epochs on its 1000
// training sentences while validating on the 280 validation sentences, then evaluate
// on the 1000 test sentences with the task's metrics.
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/common/progress.hpp"
#include "core/corpus/dataset.hpp"
#include "core/lstm/lstm.hpp"
#include "core/lstm/trainer.hpp"
#include "core/metrics/metrics.hpp"

namespace rssviz::experiment {

// The paper's settings for one master seed: corpus split, weight initialisation and the
// shuffling stream all derive from `seed`.
struct LstmProtocolOptions {
  corpus::CorpusOptions corpus;   // objects (n) and seed of the split
  lstm::LstmOptions model;        // hidden units, initialisation seed
  lstm::TrainerOptions trainer;   // epochs, batch, Adam, threads
};
LstmProtocolOptions lstm_paper_options(int objects, std::uint64_t seed);

struct LstmProtocolResult {
  lstm::Lstm model;                       // the trained network
  std::vector<lstm::EpochReport> history; // one report per epoch (validation set)
  metrics::Scores test;                   // on the split's 1000 test sentences
  double train_seconds = 0.0;             // wall time of all epochs (validation passes included)
  int epochs = 0;                         // epochs trained (fewer than asked when the training diverged)
  std::string diagnostic;                 // empty, or why the training stopped early (lstm::Trainer::diagnostic())
};

// Trains and evaluates. on_epoch (optional) sees every report as it arrives (a diverged
// epoch's too, with diverged = true); `stop` is checked between batches (throws
// Cancelled). A training that diverges stops there: the result holds the last finite
// model, its scores and the diagnostic.
LstmProtocolResult run_lstm_protocol(const LstmProtocolOptions& options, const StopFlag* stop = nullptr,
                                     const std::function<void(const lstm::EpochReport&)>& on_epoch = {});
// Same, on an already built corpus (its options must be options.corpus's).
LstmProtocolResult run_lstm_protocol(const corpus::Corpus& corpus, const LstmProtocolOptions& options,
                                     const StopFlag* stop = nullptr,
                                     const std::function<void(const lstm::EpochReport&)>& on_epoch = {});

// {"model": "lstm", "objects", "seed", "valid_error", "exact_error", "rmse",
//  "train_seconds", "test_sentences", "epochs"}: the ESN's fields plus "epochs".
nlohmann::json lstm_result_json(const LstmProtocolOptions& options, const LstmProtocolResult& result);

}  // namespace rssviz::experiment
