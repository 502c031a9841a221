// rssviz-cli train --model esn / evaluate of an ESN model file.
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/command.hpp"
#include "app/cli/train.hpp"
#include "core/experiment/esn_protocol.hpp"

namespace rssviz::cli {
namespace {

namespace ex = rssviz::experiment;

struct EsnArgs {
  esn::ReservoirOptions reservoir;
  std::string readout = "ridge";
  std::string weight_init = "expected";
  bool no_bias = false;
};

// ReservoirOptions::validate names the field ("leak_rate = ..."); the user typed the flag.
[[noreturn]] void rethrow_as_flag(const std::invalid_argument& e) {
  std::string msg = e.what();
  const auto eq = msg.find(" = ");
  if (eq != std::string::npos && msg.find(' ') == eq) {
    std::string field = msg.substr(0, eq);
    for (auto& ch : field)
      if (ch == '_') ch = '-';
    msg = "--" + field + msg.substr(eq);
  }
  throw UsageError(msg);
}

std::string percent(double f) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(2) << 100.0 * f << " %";
  return os.str();
}

// The bound variables start at the core's defaults; capture_default_str only shows them
// (default_val would round-trip them through 6-digit text: ridge 10^-3.5 -> 0.000316228).
std::vector<CLI::Option*> add_options(CLI::App& train, const std::shared_ptr<EsnArgs>& a) {
  auto& r = a->reservoir;
  return {
      train.add_option("--units", r.units, "ESN: reservoir size N, >= 1")->capture_default_str(),
      train.add_option("--spectral-radius", r.spectral_radius, "ESN: spectral radius of W, >= 0")
          ->capture_default_str(),
      train.add_option("--leak-rate", r.leak_rate, "ESN: leak rate, in (0, 1]")->capture_default_str(),
      train.add_option("--input-scaling", r.input_scaling, "ESN: input weight scaling, >= 0")
          ->capture_default_str(),
      train.add_option("--density", r.density, "ESN: fraction of nonzero recurrent weights, in (0, 1]")
          ->capture_default_str(),
      train.add_option("--input-connectivity", r.input_connectivity,
                       "ESN: fraction of nonzero input and bias weights, in (0, 1]")
          ->capture_default_str(),
      train.add_option("--bias-scaling", r.bias_scaling, "ESN: bias weight scaling, >= 0")
          ->capture_default_str(),
      train.add_flag("--no-bias", a->no_bias, "ESN: no constant bias input"),
      train.add_option("--ridge", r.ridge, "ESN: ridge regularisation lambda, >= 0 (> 0 for rls; paper 10^-3.5)")
          ->capture_default_str(),
      train.add_option("--readout", a->readout, "ESN: readout training, ridge (closed form) or rls (online)")
          ->check(CLI::IsMember({"ridge", "rls"}))
          ->capture_default_str(),
      train.add_option("--weight-init", a->weight_init,
                       "ESN: scale W by its expected (paper, fast) or exact (eigensolver) spectral radius")
          ->check(CLI::IsMember({"expected", "exact"}))
          ->capture_default_str(),
  };
}

void print_scores(const TrainArgs& t, const metrics::Scores& s, const char* what) {
  std::cout << "  " << what << ": valid error " << percent(s.valid_error) << ", exact error "
            << percent(s.exact_error) << ", RMSE " << std::setprecision(4) << s.rmse << " (" << s.sentences
            << " test sentences)\n";
}

void train(const TrainArgs& t, const EsnArgs& a) {
  ex::EsnExperimentOptions o;
  o.objects = t.objects;
  o.reservoir = a.reservoir;
  o.reservoir.seed = t.seed;
  o.reservoir.threads = t.threads;
  o.reservoir.bias = !a.no_bias;
  o.reservoir.weight_init = esn::weight_init_from_string(a.weight_init);
  o.readout = ex::esn_readout_from_string(a.readout);
  try {
    o.reservoir.validate();
    ex::validate_readout(o.reservoir.ridge, o.readout);
  } catch (const std::invalid_argument& e) {
    rethrow_as_flag(e);
  }
  const ex::EsnRun run = ex::run_esn_protocol(o);
  if (!t.save.empty()) ex::save_esn_model(t.save, run.model);
  if (t.json) {
    nlohmann::json j = {{"model", "esn"},
                        {"objects", t.objects},
                        {"seed", t.seed},
                        {"valid_error", run.test.valid_error},
                        {"exact_error", run.test.exact_error},
                        {"rmse", run.test.rmse},
                        {"train_seconds", run.timings.total()},
                        {"test_sentences", run.test.sentences}};
    std::cout << j.dump() << "\n";
    return;
  }
  const auto& r = o.reservoir;
  std::cout << "ESN: " << r.units << " units, spectral radius " << r.spectral_radius << " ("
            << esn::to_string(r.weight_init) << "), leak rate " << r.leak_rate << ", input scaling "
            << r.input_scaling << ", density " << r.density << ", input connectivity " << r.input_connectivity
            << ", ridge " << r.ridge << " (" << a.readout << ")\n"
            << "corpus: " << t.objects << " objects, seed " << t.seed << "\n";
  print_scores(t, run.test, "test");
  std::cout << std::setprecision(3) << "  time: " << run.timings.total() << " s (build " << run.timings.build
            << ", harvest " << run.timings.harvest << ", fit " << run.timings.fit << ", evaluate "
            << run.timings.evaluate << ")\n";
  if (!t.save.empty()) std::cout << "  saved " << t.save << "\n";
}

void evaluate(const TrainArgs& t) {
  ex::EsnModel m = ex::load_esn_model(t.model_file);
  if (m.objects != t.objects)
    throw UsageError("--objects " + std::to_string(t.objects) + " does not match the model's corpus (" +
                     std::to_string(m.objects) + " objects)");
  auto o = m.reservoir.options();
  o.threads = t.threads;
  m.reservoir = esn::Reservoir::from_weights(o, m.reservoir.unit_w(), m.reservoir.unit_win(),
                                             m.reservoir.unit_bias(), m.reservoir.raw_radius());
  corpus::CorpusOptions co;
  co.objects = t.objects;
  co.seed = t.seed;
  const corpus::Corpus c = corpus::make_corpus(co);
  const auto e = ex::evaluate_esn(m, c.grammar, c.test);
  if (t.json) {
    nlohmann::json j = {{"model", "esn"},
                        {"objects", t.objects},
                        {"seed", t.seed},
                        {"valid_error", e.scores.valid_error},
                        {"exact_error", e.scores.exact_error},
                        {"rmse", e.scores.rmse},
                        {"test_sentences", e.scores.sentences}};
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << "ESN model " << t.model_file << " (" << m.reservoir.units() << " units, trained with seed "
            << o.seed << ") on the test set of " << t.objects << " objects, seed " << t.seed << "\n";
  print_scores(t, e.scores, "test");
}

const ModelRegistrar reg([] {
  auto a = std::make_shared<EsnArgs>();
  ModelCommand c;
  c.name = "esn";
  c.add_options = [a](CLI::App& train) { return add_options(train, a); };
  c.train = [a](const TrainArgs& t) { train(t, *a); };
  c.evaluate = [](const TrainArgs& t) { evaluate(t); };
  return c;
}());

}  // namespace
}  // namespace rssviz::cli
