// rssviz-cli train --model esn / evaluate of an ESN model file.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/command.hpp"
#include "app/cli/train.hpp"
#include "core/experiment/esn_protocol.hpp"

namespace rssviz::cli {
namespace cmd_train_esn {  // this command's own names: a unity build compiles several commands in one unit
namespace {

namespace ex = rssviz::experiment;

std::string percent(double f) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(2) << 100.0 * f << " %";
  return os.str();
}

void print_scores(const TrainArgs& t, const metrics::Scores& s, const char* what) {
  std::cout << "  " << what << ": valid error " << percent(s.valid_error) << ", exact error "
            << percent(s.exact_error) << ", RMSE " << std::setprecision(4) << s.rmse << " (" << s.sentences
            << " test sentences)\n";
}

void train(const TrainArgs& t) {
  const auto o = app::esn_experiment_options(t.model);
  const ex::EsnRun run = ex::run_esn_protocol(o);
  // The results first: a save that still fails (disk full) loses the file, not them.
  const auto save = [&] {
    if (t.save.empty()) return;
    ex::save_esn_model(t.save, run.model);
    if (!t.json) std::cout << "  saved " << t.save << "\n";
  };
  if (t.json) {
    nlohmann::json j = {{"model", "esn"},
                        {"seed", t.model.seed},
                        {"valid_error", run.test.valid_error},
                        {"exact_error", run.test.exact_error},
                        {"rmse", run.test.rmse},
                        {"train_seconds", run.timings.total()},
                        {"test_sentences", run.test.sentences}};
    app::add_corpus_json(j, t.model);
    std::cout << j.dump() << std::endl;
    save();
    return;
  }
  const auto& r = o.reservoir;
  std::cout << "ESN: " << r.units << " units, spectral radius " << r.spectral_radius << " ("
            << esn::to_string(r.weight_init) << "), leak rate " << r.leak_rate << ", input scaling "
            << r.input_scaling << ", density " << r.density << ", input connectivity " << r.input_connectivity
            << ", ridge " << r.ridge << " (" << t.model.readout << ")\n"
            << "corpus: " << app::corpus_text(t.model) << ", seed " << t.model.seed << "\n";
  print_scores(t, run.test, "test");
  std::cout << std::setprecision(3) << "  time: " << run.timings.total() << " s (build " << run.timings.build
            << ", harvest " << run.timings.harvest << ", fit " << run.timings.fit << ", evaluate "
            << run.timings.evaluate << ")" << std::endl;
  save();
}

void evaluate(const TrainArgs& t) {
  ex::EsnModel m = ex::load_esn_model(t.model_file);
  app::check_model_corpus(t.model_file, m.corpus_sha256, t.model);
  if (!t.model.corpus && m.objects != t.model.objects)
    throw UsageError("--objects " + std::to_string(t.model.objects) + " does not match the model's corpus (" +
                     std::to_string(m.objects) + " objects)");
  auto o = m.reservoir.options();
  o.threads = t.model.threads;
  m.reservoir = esn::Reservoir::from_weights(o, m.reservoir.unit_w(), m.reservoir.unit_win(),
                                             m.reservoir.unit_bias(), m.reservoir.raw_radius());
  const corpus::Corpus c = corpus::make_corpus(app::corpus_options(t.model));
  const auto e = ex::evaluate_esn(m, c.grammar, c.test);
  if (t.json) {
    nlohmann::json j = {{"model", "esn"},
                        {"seed", t.model.seed},
                        {"valid_error", e.scores.valid_error},
                        {"exact_error", e.scores.exact_error},
                        {"rmse", e.scores.rmse},
                        {"test_sentences", e.scores.sentences}};
    app::add_corpus_json(j, t.model);
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << "ESN model " << t.model_file << " (" << m.reservoir.units() << " units, trained with seed "
            << o.seed << ") on the test set of " << app::corpus_text(t.model) << ", seed " << t.model.seed << "\n";
  print_scores(t, e.scores, "test");
}

const ModelRegistrar reg(ModelCommand{"esn", train, evaluate});

}  // namespace
}  // namespace cmd_train_esn
}  // namespace rssviz::cli
