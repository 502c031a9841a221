#include "core/experiment/lstm_protocol.hpp"

#include <chrono>

#include "core/corpus/corpus_file.hpp"
#include "core/lstm/inspect.hpp"

namespace rssviz::experiment {

LstmProtocolOptions lstm_paper_options(int objects, std::uint64_t seed) {
  LstmProtocolOptions o;
  o.corpus.objects = objects;
  o.corpus.seed = seed;
  o.model.seed = seed;
  o.trainer.seed = seed;
  return o;
}

LstmProtocolResult run_lstm_protocol(const LstmProtocolOptions& options, const StopFlag* stop,
                                     const std::function<void(const lstm::EpochReport&)>& on_epoch) {
  return run_lstm_protocol(corpus::make_corpus(options.corpus), options, stop, on_epoch);
}

LstmProtocolResult run_lstm_protocol(const corpus::Corpus& corpus, const LstmProtocolOptions& options,
                                     const StopFlag* stop,
                                     const std::function<void(const lstm::EpochReport&)>& on_epoch) {
  const auto t0 = std::chrono::steady_clock::now();
  lstm::Trainer trainer(corpus, options.model, options.trainer);
  while (!trainer.finished()) {
    const auto r = trainer.run_epoch(stop);
    if (on_epoch) on_epoch(r);
  }
  LstmProtocolResult res;
  res.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.model = trainer.model();
  res.history = trainer.history();
  res.epochs = trainer.epoch();
  res.test = lstm::evaluate(res.model, corpus.grammar, corpus.test, options.trainer.threads);
  return res;
}

nlohmann::json lstm_result_json(const LstmProtocolOptions& options, const LstmProtocolResult& result) {
  nlohmann::json j = {{"model", "lstm"},
          {"objects", options.corpus.objects},
          {"seed", options.corpus.seed},
          {"valid_error", result.test.valid_error},
          {"exact_error", result.test.exact_error},
          {"rmse", result.test.rmse},
          {"train_seconds", result.train_seconds},
          {"test_sentences", result.test.sentences},
          {"epochs", result.epochs}};
  if (const auto& f = options.corpus.file) {
    j["corpus"] = f->identity.path;
    j["corpus_sha256"] = f->identity.sha256;
  }
  return j;
}

}  // namespace rssviz::experiment
