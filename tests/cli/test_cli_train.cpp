// rssviz-cli train / evaluate: the options every model shares (app/common/model_args.hpp).
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/cli/run_cli.hpp"

using rssviz::test::run_cli;

namespace {
int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }
}  // namespace

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
