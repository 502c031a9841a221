// rssviz-cli train --model lstm, evaluate of an LSTM model file, bench lstm.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli/run_cli.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_cli_lstm {

using rssviz::test::run_cli;

TEST(CliLstm, TrainJsonHasTheEsnFieldsPlusEpochs) {
  auto r = run_cli("train --model lstm --objects 4 --seed 2 --epochs 3 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);  // exactly one JSON object
  EXPECT_EQ(j.at("model"), "lstm");
  EXPECT_EQ(j.at("objects"), 4);
  EXPECT_EQ(j.at("seed"), 2);
  EXPECT_EQ(j.at("epochs"), 3);
  EXPECT_EQ(j.at("test_sentences"), 1000);
  for (const char* k : {"valid_error", "exact_error"}) {
    EXPECT_GE(j.at(k).get<double>(), 0.0);
    EXPECT_LE(j.at(k).get<double>(), 1.0);
  }
  EXPECT_GT(j.at("rmse").get<double>(), 0.0);
  EXPECT_GT(j.at("train_seconds").get<double>(), 0.0);
  // Same seed, same result (the time aside), whatever the thread count.
  auto r2 = run_cli("train --model lstm --objects 4 --seed 2 --epochs 3 --json --threads 2");
  ASSERT_EQ(r2.code, 0) << r2.err;
  const auto j2 = nlohmann::json::parse(r2.out);
  EXPECT_EQ(j2.at("exact_error"), j.at("exact_error"));
  EXPECT_EQ(j2.at("rmse"), j.at("rmse"));
}

TEST(CliLstm, TextModePrintsEveryEpochAndTheSummary) {
  auto r = run_cli("train --model lstm -n 4 -s 1 --epochs 2 --hidden 8 --batch-size 4 --learning-rate 0.002 --clip 5");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("epoch   1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("epoch   2"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("epoch   3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("8 hidden units"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("test: valid error"), std::string::npos) << r.out;
}

TEST(CliLstm, SaveThenEvaluateGivesTheSameScores) {
  const auto path = std::filesystem::temp_directory_path() / ("rssviz-cli-lstm-" + std::to_string(::getpid()) + ".rssviz");
  auto t = run_cli("train --model lstm -n 4 -s 3 --epochs 2 --json --save " + path.string());
  ASSERT_EQ(t.code, 0) << t.err;
  auto e = run_cli("evaluate --model-file " + path.string() + " -n 4 -s 3 --json");
  ASSERT_EQ(e.code, 0) << e.err;
  const auto jt = nlohmann::json::parse(t.out), je = nlohmann::json::parse(e.out);
  EXPECT_EQ(je.at("model"), "lstm");
  EXPECT_EQ(je.at("valid_error"), jt.at("valid_error"));
  EXPECT_EQ(je.at("exact_error"), jt.at("exact_error"));
  EXPECT_EQ(je.at("rmse"), jt.at("rmse"));
  // A model of n = 4 cannot read the n = 5 corpus: runtime failure naming the file.
  auto bad = run_cli("evaluate --model-file " + path.string() + " -n 5 -s 3");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find(path.string()), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("n = 4"), std::string::npos) << bad.err;
  std::filesystem::remove(path);
}

TEST(CliLstm, BadOptionsExitTwoNamingTheOption) {
  for (const char* args : {"--hidden 0", "--epochs 0", "--batch-size 0", "--learning-rate -1", "--clip -2"}) {
    auto r = run_cli(std::string("train --model lstm ") + args);
    EXPECT_EQ(r.code, 2) << args;
    const std::string opt = std::string(args).substr(0, std::string(args).find(' '));
    EXPECT_NE(r.err.find(opt), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(CliLstm, BenchPrintsTheMedian) {
  auto r = run_cli("bench lstm --runs 2 --epochs 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("median"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("over 2 runs"), std::string::npos) << r.out;
}

// Issue #14: a learning rate far too large makes the loss run away; the command stops
// with the trainer's diagnostic and exit code 1, prints no scores and saves nothing.
TEST(CliLstm, DivergedTrainingFailsWithTheDiagnostic) {
  const auto save = std::filesystem::temp_directory_path() / ("rssviz-diverged-" + std::to_string(::getpid()) + ".rsm");
  auto r = run_cli("train --model lstm --hidden 8 --epochs 5 --learning-rate 10 --save " + save.string());
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("rssviz-cli: error: training diverged in epoch "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Lower the learning rate (now 10)"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("test: valid error"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(save));
  auto j = run_cli("train --model lstm --hidden 8 --epochs 5 --learning-rate 10 --json");
  EXPECT_EQ(j.code, 1);
  EXPECT_TRUE(j.out.empty()) << j.out;  // exactly one JSON object on success, none on failure
  // The same run at the paper's rate trains.
  EXPECT_EQ(run_cli("train --model lstm --hidden 8 --epochs 1").code, 0);
}

// NaN and infinity are refused with the allowed range, before any work.
TEST(CliLstm, NonFiniteOptionsExitTwoWithTheRange) {
  for (const char* v : {"nan", "inf", "-inf"}) {
    auto r = run_cli(std::string("train --model lstm --learning-rate ") + v);
    EXPECT_EQ(r.code, 2) << v;
    EXPECT_NE(r.err.find("--learning-rate"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("is not a finite number in [1e-12, 10]"), std::string::npos) << r.err;
    auto e = run_cli(std::string("train --model esn --units 20 --input-scaling ") + v);
    EXPECT_EQ(e.code, 2) << v;
    EXPECT_NE(e.err.find("--input-scaling = "), std::string::npos) << e.err;
    EXPECT_NE(e.err.find("is out of range [0, 1e+06]"), std::string::npos) << e.err;
  }
}

}  // namespace rssviz_test_cli_lstm
