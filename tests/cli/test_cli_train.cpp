// rssviz-cli train / evaluate: the options every model shares (app/common/model_args.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/io/model_file.hpp"
#include "tests/cli/run_cli.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_cli_train {

using rssviz::test::run_cli;

namespace {
int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }
}  // namespace

// Regression: CLI11 reads unsigned options with strtoull, so `--seed -1` trained with seed
// 2^64 - 1 without a word (and `--seed 010` with the octal seed 8).
TEST(CliTrain, NegativeSeedIsRefusedNotWrappedTo2Pow64Minus1) {
  for (const char* cmd : {"train --model esn --units 20", "train --model lstm --epochs 1",
                          "evaluate --model-file /dev/null"}) {
    for (const char* seed : {"-1", "18446744073709551616", "1.5", "x", "''"}) {
      auto r = run_cli(std::string(cmd) + " --seed " + seed);
      EXPECT_EQ(r.code, 2) << cmd << " --seed " << seed << ": " << r.err;
      EXPECT_EQ(lines(r.err), 1) << r.err;
      EXPECT_NE(r.err.find("--seed"), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("18446744073709551615"), std::string::npos) << r.err;  // says the range
      EXPECT_TRUE(r.out.empty()) << r.out;
    }
  }
}

TEST(CliTrain, SeedsAreDecimalUpTo2Pow64Minus1) {
  auto top = run_cli("train --model esn --units 20 --json --seed 18446744073709551615");
  ASSERT_EQ(top.code, 0) << top.err;
  EXPECT_EQ(nlohmann::json::parse(top.out).at("seed").get<std::uint64_t>(), 18446744073709551615ULL);
  // A leading zero is decimal, not octal: 010 is seed 10.
  auto ten = run_cli("train --model esn --units 20 --json --seed 010");
  auto ref = run_cli("train --model esn --units 20 --json --seed 10");
  ASSERT_EQ(ten.code, 0) << ten.err;
  ASSERT_EQ(ref.code, 0) << ref.err;
  const auto a = nlohmann::json::parse(ten.out), b = nlohmann::json::parse(ref.out);
  EXPECT_EQ(a.at("seed"), 10);
  EXPECT_EQ(a.at("rmse"), b.at("rmse"));
}

TEST(CliTrain, AnOptionOfTheOtherModelIsBadUsage) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--model esn --hidden 8", "--hidden applies to --model lstm only"},
      {"--model esn --shuffle", "--shuffle applies to --model lstm only"},
      {"--model lstm --units 50", "--units applies to --model esn only"},
      {"--model lstm --no-bias", "--no-bias applies to --model esn only"},
      {"--model lstm --readout rls", "--readout applies to --model esn only"},
  };
  for (const auto& [args, message] : cases) {
    auto r = run_cli("train " + args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << args;
  }
}

TEST(CliTrain, ModelIsRequiredAndChecked) {
  auto none = run_cli("train --units 20");
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("--model"), std::string::npos) << none.err;
  auto bad = run_cli("train --model gru");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--model"), std::string::npos) << bad.err;
}

// Issue #14: a model file of a type this build does not read is a file error naming the
// file (exit 1), not a usage error about --model.
TEST(CliTrain, EvaluateNamesTheFileOfAnUnknownModelType) {
  const auto path = std::filesystem::temp_directory_path() / ("rssviz-unknown-model-" + std::to_string(::getpid()));
  rssviz::io::ModelFile m;
  m.model = "gru";
  m.arrays["W"] = Eigen::MatrixXd::Ones(2, 2);
  rssviz::io::save_model_file(path, m);
  const auto r = run_cli("evaluate --model-file " + path.string());
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find(path.string() + ": not a model this build reads: \"gru\" (it reads "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("esn"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lstm"), std::string::npos) << r.err;
  std::filesystem::remove(path);
}

// Issue #14: an unwritable --save path was found only after the training (and the run's
// results were then not printed). It fails before any work now: nothing is trained.
TEST(CliTrain, UnwritableSavePathFailsBeforeTraining) {
  const auto esn = run_cli("train --model esn --units 2000 --save /nonexistent-rssviz-dir/m.rssviz");
  EXPECT_EQ(esn.code, 1) << esn.err;
  EXPECT_NE(esn.err.find("/nonexistent-rssviz-dir/m.rssviz"), std::string::npos) << esn.err;
  EXPECT_NE(esn.err.find("does not exist"), std::string::npos) << esn.err;
  EXPECT_EQ(esn.out.find("test:"), std::string::npos) << esn.out;  // no training ran
  const auto lstm = run_cli("train --model lstm --epochs 30 --save /proc/rssviz-model");
  EXPECT_EQ(lstm.code, 1) << lstm.err;
  EXPECT_NE(lstm.err.find("cannot create a file in folder /proc"), std::string::npos) << lstm.err;
  EXPECT_EQ(lstm.out.find("epoch"), std::string::npos) << lstm.out;
  const auto dir = run_cli("train --model esn --units 20 --save /tmp");
  EXPECT_EQ(dir.code, 1) << dir.err;
  EXPECT_EQ(dir.out.find("test:"), std::string::npos) << dir.out;
}

}  // namespace rssviz_test_cli_train
