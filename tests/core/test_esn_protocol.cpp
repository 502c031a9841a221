#include "core/experiment/esn_protocol.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/io/model_file.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_esn_protocol {

using namespace rssviz;
namespace ex = rssviz::experiment;

namespace {

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("rssviz-esn-" + std::to_string(::getpid()) + "-" + name);
}

// The paper's settings (1000 units) on the basic corpus (n = 4), seeds 1-5.
const std::vector<ex::EsnRun>& paper_runs() {
  static const std::vector<ex::EsnRun> runs = [] {
    std::vector<ex::EsnRun> r;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      ex::EsnExperimentOptions o;
      o.reservoir.seed = seed;
      r.push_back(ex::run_esn_protocol(o));
    }
    return r;
  }();
  return runs;
}
const ex::EsnRun& paper_run() { return paper_runs().front(); }

}  // namespace

// The headline, as the issue states it: the mean over seeds 1-5 has a valid error at
// most 1 % and an exact error at most 7 % (paper: ~0.6 % and ~6.5 %; the five-seed table
// is in docs/REPRODUCTION.md).
TEST(EsnProtocol, PaperSettingsReachThePapersErrors) {
  double valid = 0.0, exact = 0.0;
  for (const auto& run : paper_runs()) {
    EXPECT_EQ(run.test.sentences, 1000);
    EXPECT_LE(run.test.valid_error, 0.015);  // every seed close to the paper
    EXPECT_LE(run.test.exact_error, 0.09);
    EXPECT_GT(run.test.exact_error, 0.0);  // the task's ambiguity: never perfect
    EXPECT_LT(run.unique_steps, run.harvested_steps);
    EXPECT_EQ(run.model.wout.rows(), 22);
    EXPECT_EQ(run.model.wout.cols(), 1001);
    valid += run.test.valid_error / 5.0;
    exact += run.test.exact_error / 5.0;
  }
  EXPECT_LE(valid, 0.01);
  EXPECT_LE(exact, 0.07);
}

TEST(EsnProtocol, SameSeedSameResultAndThreadsDoNotMatter) {
  ex::EsnExperimentOptions o;
  o.reservoir.units = 300;
  o.reservoir.seed = 4;
  o.reservoir.threads = 1;
  const auto a = ex::run_esn_protocol(o);
  o.reservoir.threads = 2;
  const auto b = ex::run_esn_protocol(o);
  EXPECT_EQ(a.model.reservoir.unit_w(), b.model.reservoir.unit_w());
  EXPECT_EQ(a.test.valid_error, b.test.valid_error);
  EXPECT_EQ(a.test.exact_error, b.test.exact_error);
  EXPECT_NEAR(a.test.rmse, b.test.rmse, 1e-12);
  EXPECT_LT((a.model.wout - b.model.wout).cwiseAbs().maxCoeff(), 1e-9 * a.model.wout.cwiseAbs().maxCoeff());
  o.reservoir.seed = 5;
  const auto c = ex::run_esn_protocol(o);
  EXPECT_NE(a.model.reservoir.unit_w(), c.model.reservoir.unit_w());
}

TEST(EsnProtocol, RlsReadoutGivesTheRidgeErrors) {
  ex::EsnExperimentOptions o;
  o.reservoir.units = 200;
  o.reservoir.seed = 2;
  const auto ridge = ex::run_esn_protocol(o);
  o.readout = ex::EsnReadout::kRls;
  const auto rls = ex::run_esn_protocol(o);
  EXPECT_LT((rls.model.wout - ridge.model.wout).norm() / ridge.model.wout.norm(), 1e-5);
  EXPECT_NEAR(rls.test.valid_error, ridge.test.valid_error, 0.0011);  // at most one sentence apart
  EXPECT_NEAR(rls.test.exact_error, ridge.test.exact_error, 0.0011);
  EXPECT_NEAR(rls.test.rmse, ridge.test.rmse, 1e-6);
}

TEST(EsnProtocol, SavedModelEvaluatesIdentically) {
  const auto& run = paper_run();
  const auto path = temp_file("model.rssviz");
  ex::save_esn_model(path, run.model);
  const ex::EsnModel m = ex::load_esn_model(path);
  EXPECT_EQ(m.objects, 4);
  EXPECT_EQ(m.reservoir.unit_w(), run.model.reservoir.unit_w());
  EXPECT_EQ(m.reservoir.unit_win(), run.model.reservoir.unit_win());
  EXPECT_EQ(m.reservoir.unit_bias(), run.model.reservoir.unit_bias());
  EXPECT_EQ(m.wout, run.model.wout);
  EXPECT_EQ(m.reservoir.options().leak_rate, 0.05);
  corpus::CorpusOptions co;
  co.seed = 1;
  const auto c = corpus::make_corpus(co);
  const auto e1 = ex::evaluate_esn(run.model, c.grammar, c.test);
  const auto e2 = ex::evaluate_esn(m, c.grammar, c.test);
  EXPECT_EQ(e1.outputs, e2.outputs);
  // The protocol harvested train + test together: the same decisions, and the same RMSE
  // (bit for bit with the AVX-512 and the AVX2 harvests; the portable harvest's matrix
  // products round differently for another batch of sentences, in the last bits).
  EXPECT_EQ(e2.scores.valid_error, run.test.valid_error);
  EXPECT_EQ(e2.scores.exact_error, run.test.exact_error);
  EXPECT_NEAR(e2.scores.rmse, run.test.rmse, 1e-6 * run.test.rmse);  // float states
  // A corpus with another vocabulary is refused.
  co.objects = 10;
  const auto c10 = corpus::make_corpus(co);
  EXPECT_THROW((void)ex::evaluate_esn(m, c10.grammar, c10.test), std::invalid_argument);
  std::filesystem::remove(path);
}

TEST(EsnProtocol, LoadRejectsOtherModelsAndBadArrays) {
  const auto path = temp_file("bad.rssviz");
  io::ModelFile f;
  f.model = "lstm";
  io::save_model_file(path, f);
  try {
    (void)ex::load_esn_model(path);
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not an ESN"), std::string::npos) << e.what();
  }
  // A well-formed file whose W has the wrong shape.
  ex::EsnModel small;
  esn::ReservoirOptions o;
  o.units = 10;
  small.reservoir = esn::Reservoir(o, 20);
  small.wout = Eigen::MatrixXd::Zero(22, 11);
  ex::save_esn_model(path, small);
  auto g = io::load_model_file(path);
  g.arrays["W"] = Eigen::MatrixXd::Zero(9, 9);
  io::save_model_file(path, g);
  try {
    (void)ex::load_esn_model(path);
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("W is 9x9"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

TEST(EsnProtocol, CancelledBetweenStages) {
  StopFlag stop;
  stop.request();
  ex::EsnExperimentOptions o;
  o.reservoir.units = 20;
  EXPECT_THROW((void)ex::run_esn_protocol(o, &stop), Cancelled);
}

}  // namespace rssviz_test_esn_protocol
