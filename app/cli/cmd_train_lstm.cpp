// rssviz-cli train --model lstm / evaluate of an LSTM model file.
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "app/cli/train.hpp"
#include "core/experiment/lstm_protocol.hpp"
#include "core/lstm/inspect.hpp"
#include "core/lstm/lstm_file.hpp"

namespace rssviz::cli {
namespace cmd_train_lstm {  // this command's own names: a unity build compiles several commands in one unit
namespace {

void print_scores_text(const char* what, const metrics::Scores& s) {
  std::printf("%s: valid error %.2f %%, exact error %.2f %%, RMSE %.4f (%d sentences)\n", what, 100 * s.valid_error,
              100 * s.exact_error, s.rmse, s.sentences);
}

void train(const TrainArgs& t) {
  const auto& a = t.model;
  const auto o = app::lstm_protocol_options(a);
  const bool json = t.json;
  if (!json)
    std::printf("LSTM: %s, seed %llu, %d hidden units, %d epochs, batch %d, learning rate %g\n",
                app::corpus_text(t.model).c_str(), static_cast<unsigned long long>(t.model.seed), a.hidden, a.epochs,
                a.batch_size, a.learning_rate);
  const auto res = experiment::run_lstm_protocol(o, nullptr, [json](const lstm::EpochReport& r) {
    if (json || r.diverged) return;
    std::printf("epoch %3d  loss %.5f  validation: MSE %.5f, valid error %5.2f %%, exact error %5.2f %%  (%.3f s)\n",
                r.epoch, r.train_loss, r.validation_mse, 100 * r.validation_valid_error,
                100 * r.validation_exact_error, r.seconds);
    std::fflush(stdout);
  });
  // A run-away model is no result: no scores, no file, exit code 1.
  if (!res.diagnostic.empty()) throw std::runtime_error(res.diagnostic);
  // The results first: a save that still fails (disk full) loses the file, not them.
  if (json) {
    std::cout << experiment::lstm_result_json(o, res).dump() << std::endl;
  } else {
    std::printf("trained in %.3f s\n", res.train_seconds);
    print_scores_text("test", res.test);
    std::fflush(stdout);
  }
  if (!t.save.empty()) {
    lstm::save_lstm(t.save, res.model, o.corpus, o.trainer, res.history);
    if (!json) std::printf("saved %s\n", t.save.c_str());
  }
}

void evaluate(const TrainArgs& t) {
  const auto loaded = lstm::load_lstm(t.model_file);
  app::check_model_corpus(t.model_file, loaded.meta.at("corpus").value("sha256", std::string()), t.model);
  const auto corpus = corpus::make_corpus(app::corpus_options(t.model));
  if (loaded.model.inputs() != corpus.grammar.vocabulary_size() ||
      loaded.model.outputs() != corpus.grammar.output_size())
    throw std::runtime_error(t.model_file + ": the model was trained on n = " + std::to_string(loaded.corpus.objects) +
                             " objects (" + std::to_string(loaded.model.inputs()) + " inputs, " +
                             std::to_string(loaded.model.outputs()) + " outputs), not " +
                             app::corpus_text(t.model));
  const auto s = lstm::evaluate(loaded.model, corpus.grammar, corpus.test, t.model.threads > 0 ? t.model.threads : 1);
  if (t.json) {
    nlohmann::json j = {{"model", "lstm"},
                        {"seed", t.model.seed},
                        {"valid_error", s.valid_error},
                        {"exact_error", s.exact_error},
                        {"rmse", s.rmse},
                        {"test_sentences", s.sentences},
                        {"model_file", t.model_file}};
    app::add_corpus_json(j, t.model);
    std::cout << j.dump() << "\n";
  } else {
    std::printf("LSTM %s (trained on n = %d, seed %llu)\n", t.model_file.c_str(), loaded.corpus.objects,
                static_cast<unsigned long long>(loaded.corpus.seed));
    print_scores_text("test", s);
  }
}

const ModelRegistrar reg(ModelCommand{"lstm", train, evaluate});

}  // namespace
}  // namespace cmd_train_lstm
}  // namespace rssviz::cli
