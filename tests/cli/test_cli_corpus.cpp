#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "tests/cli/run_cli.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_cli_corpus {

using rssviz::test::run_cli;

namespace {
int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }
}  // namespace

TEST(CliCorpus, VersionAndHelpExitZero) {
  auto v = run_cli("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find("rssviz-cli"), std::string::npos);
  auto h = run_cli("corpus --help");
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("--objects"), std::string::npos);
}

TEST(CliCorpus, WritesTheSplitAsTsv) {
  auto r = run_cli("corpus --objects 4 --seed 3");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "split\tsentence\tmeaning");
  EXPECT_EQ(count_lines(r.out), 2001);
  EXPECT_NE(r.out.find("\ntrain\t"), std::string::npos);
  EXPECT_NE(r.out.find("\ntest\t"), std::string::npos);
  EXPECT_EQ(r.out.find("BEGIN"), std::string::npos);
  EXPECT_NE(r.out.find(" and "), std::string::npos);
}

TEST(CliCorpus, OutFileEqualsStdout) {
  const auto path = std::filesystem::temp_directory_path() / ("rssviz-corpus-" + std::to_string(::getpid()) + ".tsv");
  auto a = run_cli("corpus --objects 5 --seed 2 --out " + path.string());
  ASSERT_EQ(a.code, 0) << a.err;
  auto b = run_cli("corpus --objects 5 --seed 2");
  EXPECT_EQ(rssviz::test::slurp(path), b.out);
  std::filesystem::remove(path);
}

TEST(CliCorpus, ClausesOnePerLine) {
  auto r = run_cli("corpus --objects 4 --clauses");
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(count_lines(r.out), 688);
  EXPECT_EQ(r.out.substr(0, r.out.find('\t')), "this is a red glass");
}

TEST(CliCorpus, SummaryJson) {
  auto r = run_cli("corpus --objects 10 --summary --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["clauses"], 1720);
  EXPECT_EQ(j["vocabulary"], 26);
  EXPECT_EQ(j["outputs"], 34);
  EXPECT_EQ(j["train"]["sentences"], 1000);
  EXPECT_EQ(j["test"]["sentences"], 1000);
  EXPECT_EQ(j["train"]["min_length"], 6);
  EXPECT_EQ(j["train"]["max_length"], 19);
  auto t = run_cli("corpus --objects 4 --summary");
  ASSERT_EQ(t.code, 0);
  EXPECT_NE(t.out.find("688"), std::string::npos);
}

TEST(CliCorpus, UsageErrorsExitTwoAndNameTheOption) {
  for (const char* bad : {"corpus --objects 0", "corpus --objects 51", "corpus --objects four", "corpus",
                          "corpus --objects 4 --bogus", "corpus --objects 4 --clauses --summary", "nosuchcommand"}) {
    auto r = run_cli(bad);
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_EQ(count_lines(r.err), 1) << bad << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << bad;
  }
  auto r = run_cli("corpus --objects 60");
  EXPECT_NE(r.err.find("--objects"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("50"), std::string::npos) << r.err;
}

TEST(CliCorpus, UnwritableOutFailsCleanly) {
  auto r = run_cli("corpus --objects 4 --out /nonexistent-dir/x.tsv");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("/nonexistent-dir/x.tsv"), std::string::npos) << r.err;
}

}  // namespace rssviz_test_cli_corpus
