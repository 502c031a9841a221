// rssviz-cli experiment: the paper's experiments end to end (small models, few corpora).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/io/atomic_file.hpp"
#include "tests/cli/run_cli.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_cli_experiment {

namespace fs = std::filesystem;
using rssviz::test::run_cli;

namespace {

struct Dir {
  fs::path dir;
  explicit Dir(const std::string& name)
      : dir(fs::temp_directory_path() / ("rssviz-cli-experiment-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Dir() { fs::remove_all(dir); }
  std::string operator/(const std::string& f) const { return (dir / f).string(); }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

std::string without_timings(const std::string& path) {
  std::string out;
  for (const auto& l : lines_of(rssviz::io::read_file(path))) {
    if (l.starts_with("#")) {
      out += l + "\n";
      continue;
    }
    auto cut = l.rfind('\t');
    cut = l.rfind('\t', cut - 1);
    out += l.substr(0, cut) + "\n";
  }
  return out;
}

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

const std::string kSmall = "experiment objects --from 3 --to 5 --models esn,bow --units 30 --seeds 2 -q";

}  // namespace

TEST(CliExperiment, ObjectsEndToEnd) {
  Dir d("objects");
  auto r = run_cli(kSmall + " --out " + (d / "r.tsv"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("12 runs (12 run now, 0 resumed)"), std::string::npos) << r.out;
  const auto lines = lines_of(rssviz::io::read_file(d / "r.tsv"));
  ASSERT_EQ(lines.size(), 14u);
  EXPECT_TRUE(lines[0].starts_with("# rssviz experiment {")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with("run\tmodel\tobjects\tseed\tvalid_error")) << lines[1];
  EXPECT_TRUE(lines[2].starts_with("0\tesn\t3\t1\t")) << lines[2];
  EXPECT_TRUE(lines.back().starts_with("11\tbow\t5\t2\t")) << lines.back();
  // Rerun: everything is resumed, nothing recomputed.
  r = run_cli(kSmall + " --out " + (d / "r.tsv"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("(0 run now, 12 resumed)"), std::string::npos) << r.out;
}

TEST(CliExperiment, ProgressLineOnStandardError) {
  Dir d("progress");
  auto r = run_cli("experiment units --from 20 --to 40 --step 20 --out " + (d / "u.tsv"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("experiment units: 1/2 runs, 0:0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" elapsed, ~0:0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" left\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("experiment units: 2/2 runs"), std::string::npos) << r.err;
  EXPECT_TRUE(lines_of(rssviz::io::read_file(d / "u.tsv"))[1].starts_with("run\tmodel\tobjects\tseed\tunits\t"));
}

TEST(CliExperiment, ShardsMergeToTheUnshardedRun) {
  Dir d("shards");
  ASSERT_EQ(run_cli(kSmall + " --out " + (d / "all.tsv")).code, 0);
  std::string parts;
  for (int i = 0; i < 3; ++i) {
    const auto p = d / ("part" + std::to_string(i) + ".tsv");
    auto r = run_cli(kSmall + " --shard " + std::to_string(i) + "/3 --out " + p);
    ASSERT_EQ(r.code, 0) << r.err;
    parts += " " + p;
  }
  auto r = run_cli("experiment merge" + parts + " --out " + (d / "merged.tsv"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("12 runs from 3 shard(s)"), std::string::npos) << r.out;
  EXPECT_EQ(without_timings(d / "merged.tsv"), without_timings(d / "all.tsv"));
  r = run_cli("experiment merge " + (d / "part0.tsv") + " " + (d / "part2.tsv") + " --out " + (d / "m2.tsv"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("shard 1/3 is missing"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d / "m2.tsv"));
}

TEST(CliExperiment, BadOptionsAreOneLineErrorsNamingTheOption) {
  Dir d("bad");
  const std::string out = " --out " + (d / "x.tsv");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"experiment objects --models esn,foo", "--models: \"foo\" is not one of: esn, lstm, bow"},
      {"experiment objects --models esn,esn", "listed twice"},
      {"experiment objects --from 0", "--from = 0 is out of range [1, 50]"},
      {"experiment objects --from 9 --to 4", "--to = 4 is below from = 9"},
      {"experiment objects --step 0", "--step = 0"},
      {"experiment objects --trials 5", "--trials applies to the search experiment only"},
      {"experiment objects --objects 5", "--objects does not apply to the objects experiment"},
      {"experiment objects --hidden 5", "--hidden applies to the LSTM, which --models does not include"},
      {"experiment objects --models bow --units 5", "--units applies to the ESN, which --models does not include"},
      {"experiment objects --leak-rate 0", "--leak-rate = 0 is out of range"},
      {"experiment objects --shard 3/3", "--shard = \"3/3\" has I >= K"},
      {"experiment objects --shard 1", "--shard = \"1\" is not I/K"},
      {"experiment units --models lstm", "the units experiment runs the ESN only"},
      {"experiment units --units 30", "--units does not apply to the units experiment"},
      {"experiment search --from 3", "--from does not apply to search"},
      {"experiment search --leak-rate 0.5", "--leak-rate does not apply to search"},
      {"experiment search --sampler tpe", "--sampler"},
      {"experiment objects --seeds 0", "--seeds"},
      {"experiment objects --lstm-seeds 3", "--lstm-seeds applies when --models includes lstm"},
  };
  for (const auto& [args, message] : cases) {
    auto r = run_cli(args + out);
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << args << ": " << r.err;
    EXPECT_FALSE(fs::exists(d / "x.tsv")) << args;
  }
  // Another experiment's file is not overwritten.
  ASSERT_EQ(run_cli("experiment units --from 20 --to 20 -q" + out).code, 0);
  const auto before = rssviz::io::read_file(d / "x.tsv");
  auto r = run_cli("experiment units --from 20 --to 30 --step 10 -q" + out);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("holds the results of a different experiment (values.step: 10 here, 50 there)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(rssviz::io::read_file(d / "x.tsv"), before);
}

// Ctrl+C: the finished rows stay, the exit code is 130, and the same command resumes.
TEST(CliExperiment, InterruptKeepsFinishedRowsAndResumes) {
  Dir d("sigint");
  const std::string cmd = std::string(RSSVIZ_CLI_PATH) +
                          " experiment objects --from 3 --to 30 --models esn --units 50 --jobs 1 -q --out " +
                          (d / "r.tsv");
  // Start, wait for the first rows, interrupt, report the exit code.
  const std::string script = "sh -c '" + cmd + " 2>" + (d / "err") + " & p=$!; i=0; " +
                             "while [ $(cat " + (d / "r.tsv") + " 2>/dev/null | wc -l) -lt 5 ] && [ $i -lt 600 ]; " +
                             "do sleep 0.05; i=$((i+1)); done; kill -INT $p; wait $p; echo $? > " + (d / "code") + "'";
  ASSERT_EQ(std::system(script.c_str()), 0);
  const int code = std::stoi(rssviz::io::read_file(d / "code"));
  const int rows = static_cast<int>(lines_of(rssviz::io::read_file(d / "r.tsv")).size()) - 2;
  if (code == 0) GTEST_SKIP() << "the run finished before the interrupt";
  EXPECT_EQ(code, 130) << rssviz::io::read_file(d / "err");
  EXPECT_GE(rows, 3);
  EXPECT_LT(rows, 28);
  EXPECT_NE(rssviz::io::read_file(d / "err").find("rows kept in"), std::string::npos);
  auto r = run_cli("experiment objects --from 3 --to 30 --models esn --units 50 --jobs 1 -q --out " + (d / "r.tsv"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(std::to_string(rows) + " resumed"), std::string::npos) << r.out;
  EXPECT_EQ(lines_of(rssviz::io::read_file(d / "r.tsv")).size(), 30u);
}

}  // namespace rssviz_test_cli_experiment
