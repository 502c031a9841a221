#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/experiment/esn_protocol.hpp"
#include "tests/cli/run_cli.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_cli_esn {

using rssviz::test::run_cli;

namespace {

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("rssviz-cli-esn-" + std::to_string(::getpid()) + "-" + name);
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST(CliEsn, TrainJsonHasExactlyTheDocumentedFields) {
  auto r = run_cli("train --model esn --objects 4 --seed 1 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(lines(r.out), 1) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  const std::vector<std::string> keys = {"model",      "objects",       "seed", "valid_error",
                                         "exact_error", "rmse", "train_seconds", "test_sentences"};
  EXPECT_EQ(j.size(), keys.size()) << r.out;
  for (const auto& k : keys) EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["model"], "esn");
  EXPECT_EQ(j["objects"], 4);
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["test_sentences"], 1000);
  // One seed is near the paper's figures; the five-seed mean is checked in test_esn_protocol.
  EXPECT_LE(j["valid_error"].get<double>(), 0.015);
  EXPECT_LE(j["exact_error"].get<double>(), 0.09);
  EXPECT_GT(j["train_seconds"].get<double>(), 0.0);
}

TEST(CliEsn, SaveThenEvaluateGivesIdenticalScores) {
  const auto path = temp_file("m.rssviz");
  auto t = run_cli("train --model esn --objects 5 --seed 3 --units 250 --leak-rate 0.1 --weight-init exact --json --save " +
                   path.string());
  ASSERT_EQ(t.code, 0) << t.err;
  auto e = run_cli("evaluate --model-file " + path.string() + " --objects 5 --seed 3 --json --threads 1");
  ASSERT_EQ(e.code, 0) << e.err;
  const auto jt = nlohmann::json::parse(t.out), je = nlohmann::json::parse(e.out);
  EXPECT_EQ(jt["valid_error"], je["valid_error"]);
  EXPECT_EQ(jt["exact_error"], je["exact_error"]);
  // The states are bitwise the same (EsnReservoir.HarvestIsIndependentOfBatchAndThreads);
  // the readout product Wout [1; x] is an Eigen GEMM whose blocking follows the thread
  // count (train: all cores, evaluate: --threads 1), so the RMSE may differ in its last bit.
  EXPECT_NEAR(jt["rmse"].get<double>(), je["rmse"].get<double>(), 1e-12);
  // Readable summary without --json.
  auto h = run_cli("evaluate --model-file " + path.string() + " --objects 5 --seed 3");
  ASSERT_EQ(h.code, 0) << h.err;
  EXPECT_NE(h.out.find("exact error"), std::string::npos) << h.out;
  // Another corpus size than the model's is bad usage.
  auto bad = run_cli("evaluate --model-file " + path.string() + " --objects 6 --seed 3");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--objects"), std::string::npos) << bad.err;
  std::filesystem::remove(path);
}

TEST(CliEsn, BadOptionsExitTwoNamingTheOption) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--leak-rate 0", "--leak-rate"},         {"--leak-rate 1.5", "--leak-rate"},
      {"--leak-rate nan", "--leak-rate"},       {"--units 0", "--units"},
      {"--spectral-radius -1", "--spectral-radius"}, {"--ridge -0.5", "--ridge"},
      {"--density 0", "--density"},             {"--input-connectivity 2", "--input-connectivity"},
      {"--readout foo", "--readout"},           {"--weight-init maybe", "--weight-init"},
      {"--readout rls --ridge 0", "--ridge"},
  };
  for (const auto& [args, name] : cases) {
    auto r = run_cli("train --model esn " + args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
    EXPECT_EQ(lines(r.err), 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find(name), std::string::npos) << args << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << args;
  }
}

TEST(CliEsn, UnwritableSaveIsARuntimeFailure) {
  auto r = run_cli("train --model esn --units 20 --save /nonexistent-dir/m.rssviz");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("/nonexistent-dir/m.rssviz"), std::string::npos) << r.err;
}

TEST(CliEsn, BenchPrintsTimesAndThroughput) {
  auto r = run_cli("bench esn --runs 1 --units 100 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["median_seconds"].get<double>(), 0.0);
  EXPECT_GT(j["harvest_gflops"].get<double>(), 0.0);
  EXPECT_GT(j["peak_rss_mib"].get<double>(), 0.0);
  EXPECT_LT(j["unique_prefixes"].get<long long>(), j["tokens"].get<long long>());
}

// Regression: CLI11's default_val round-tripped the defaults through 6-digit text, so the
// CLI trained with ridge 0.000316228 instead of the core's 10^-3.5.
TEST(CliEsn, DefaultsAreExactlyTheCoresDefaults) {
  auto r = run_cli("train --model esn --objects 4 --seed 2 --units 200 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  rssviz::experiment::EsnExperimentOptions o;
  o.reservoir.units = 200;
  o.reservoir.seed = 2;
  const auto run = rssviz::experiment::run_esn_protocol(o);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["rmse"].get<double>(), run.test.rmse);
  EXPECT_EQ(j["exact_error"].get<double>(), run.test.exact_error);
}

}  // namespace rssviz_test_cli_esn
