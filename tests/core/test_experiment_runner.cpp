#include "core/experiment/experiment_runner.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/experiment/results_file.hpp"
#include "core/io/atomic_file.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_experiment_runner {

using namespace rssviz;
namespace ex = rssviz::experiment;
namespace fs = std::filesystem;

namespace {

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("rssviz-experiment-" + std::to_string(::getpid()) + "-" + name);
}

// n = 3..5, ESN of 20 units and the bag of words, 2 seeds: 12 runs of a few milliseconds.
ex::ExperimentOptions small_objects() {
  auto o = ex::default_experiment(ex::ExperimentKind::kObjects);
  o.from = 3, o.to = 5, o.step = 1;
  o.models = {ex::RunModel::kEsn, ex::RunModel::kBagOfWords};
  o.seeds = 2;
  o.reservoir.units = 20;
  return o;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

// The file without its two timing columns (the only ones that differ between runs).
std::string without_timings(const fs::path& p) {
  std::string out;
  for (const auto& l : lines_of(io::read_file(p))) {
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

ex::RunnerOptions serial() {
  ex::RunnerOptions ro;
  ro.jobs = 1;
  ro.threads = 1;
  return ro;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

struct Files {
  std::vector<fs::path> paths;
  fs::path add(const std::string& name) {
    paths.push_back(temp_file(name));
    fs::remove(paths.back());
    return paths.back();
  }
  ~Files() {
    for (const auto& p : paths) fs::remove(p);
  }
};

}  // namespace

TEST(ExperimentResults, TsvHasTheIdentityTheColumnsAndOneRowPerRun) {
  Files f;
  const auto out = f.add("format.tsv");
  const auto o = small_objects();
  const auto rep = ex::run_experiment(o, out, serial());
  EXPECT_TRUE(rep.complete());
  EXPECT_EQ(rep.total, 12);
  EXPECT_EQ(rep.ran, 12);
  const auto lines = lines_of(io::read_file(out));
  ASSERT_EQ(lines.size(), 14u);
  EXPECT_EQ(lines[0], "# rssviz experiment " + ex::experiment_identity(o).dump());
  EXPECT_EQ(lines[1],
            "run\tmodel\tobjects\tseed\tvalid_error\texact_error\trmse\ttrain_cpu_seconds\ttrain_wall_seconds");
  const auto runs = ex::make_run_list(o);
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto& l = lines[i + 2];
    EXPECT_TRUE(l.starts_with(ex::format_run_config(o.kind, runs[i]) + "\t")) << l;
    std::istringstream cells(l);
    std::vector<std::string> c;
    for (std::string s; std::getline(cells, s, '\t');) c.push_back(s);
    ASSERT_EQ(c.size(), 9u) << l;
    const double valid = std::stod(c[4]), exact = std::stod(c[5]), rmse = std::stod(c[6]);
    EXPECT_GE(valid, 0.0);
    EXPECT_LE(valid, exact);  // exact implies valid
    EXPECT_LE(exact, 1.0);
    EXPECT_GT(rmse, 0.0);
    EXPECT_GE(std::stod(c[7]), 0.0);
    EXPECT_GE(std::stod(c[8]), 0.0);
  }
  EXPECT_EQ(lines[2].substr(0, 12), "0\tesn\t3\t1\t0.");
  EXPECT_EQ(lines[4].substr(0, 8), "2\tbow\t3\t");
  // The reader accepts what the writer wrote.
  const auto back = ex::read_results(out);
  EXPECT_EQ(back.rows.size(), 12u);
  EXPECT_EQ(ex::identity_difference(back.identity, ex::experiment_identity(o)), "");
}

TEST(ExperimentResults, SearchColumnsHoldTheSampledPoint) {
  Files f;
  const auto out = f.add("search.tsv");
  auto o = ex::default_experiment(ex::ExperimentKind::kSearch);
  o.trials = 2;
  o.reservoir.units = 20;
  ASSERT_TRUE(ex::run_experiment(o, out, serial()).complete());
  const auto lines = lines_of(io::read_file(out));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[1],
            "run\tmodel\tobjects\tseed\ttrial\tleak_rate\tspectral_radius\tdensity\tlog10_ridge\tvalid_error\texact_"
            "error\trmse\ttrain_cpu_seconds\ttrain_wall_seconds");
  EXPECT_TRUE(lines[2].starts_with("0\tesn\t4\t1\t0\t0.05\t1.1\t0.85\t-3.5\t")) << lines[2];
}

TEST(ExperimentResults, ReaderNamesTheFileAndLine) {
  Files f;
  const auto out = f.add("bad.tsv");
  const auto o = small_objects();
  ASSERT_TRUE(ex::run_experiment(o, out, serial()).complete());
  const std::string good = io::read_file(out);
  auto lines = lines_of(good);
  auto write = [&](const std::vector<std::string>& ls) {
    std::string s;
    for (const auto& l : ls) s += l + "\n";
    io::write_file_atomic(out, s);
  };
  auto bad = lines;
  bad[3] = "1\tesn\t4\t2\t0\t0\t0\t0\t0";  // run 1 is n = 3
  write(bad);
  EXPECT_NE(error_of([&] { ex::read_results(out); }).find(out.string() + ":4: the configuration of run 1"),
            std::string::npos);
  bad = lines;
  bad[4] = bad[3];
  write(bad);
  EXPECT_NE(error_of([&] { ex::read_results(out); }).find(":5: run 1 appears twice"), std::string::npos);
  bad = lines;
  bad[5] += "\textra";
  write(bad);
  EXPECT_NE(error_of([&] { ex::read_results(out); }).find(":6: 10 columns, expected 9"), std::string::npos);
  bad = lines;
  bad[1] = "run\tmodel";
  write(bad);
  EXPECT_NE(error_of([&] { ex::read_results(out); }).find(":2: the column names"), std::string::npos);
  bad = lines;
  bad[0] = "run\tmodel";
  write(bad);
  EXPECT_NE(error_of([&] { ex::read_results(out); }).find(":1: not an rssviz experiment results file"),
            std::string::npos);
}

// A run stopped after k rows (as by Ctrl+C or a kill between rows), then resumed, ends
// with the same file as an uninterrupted run (timing columns aside).
TEST(ExperimentRunner, ResumedRunEqualsUninterruptedRun) {
  Files f;
  const auto whole = f.add("whole.tsv"), part = f.add("part.tsv");
  const auto o = small_objects();
  ASSERT_TRUE(ex::run_experiment(o, whole, serial()).complete());

  auto ro = serial();
  int seen = 0;
  ro.on_row = [&](const ex::RunnerProgress& p) {
    EXPECT_EQ(p.total, 12);
    EXPECT_EQ(p.done, ++seen);
    return p.done < 5;
  };
  const auto first = ex::run_experiment(o, part, ro);
  EXPECT_FALSE(first.complete());
  EXPECT_TRUE(first.stopped);
  EXPECT_EQ(first.ran, 5);
  EXPECT_EQ(lines_of(io::read_file(part)).size(), 2u + 5u);  // every finished row is in the file

  // A crash in the middle of a write leaves a cut line: it is dropped and rerun.
  {
    std::ofstream app(part, std::ios::app);
    app << "5\tesn\t4\t2\t0.0";
  }
  auto again = serial();
  int resumed_seen = -1;
  again.on_row = [&](const ex::RunnerProgress& p) {
    resumed_seen = p.resumed;
    return true;
  };
  const auto second = ex::run_experiment(o, part, again);
  EXPECT_TRUE(second.complete());
  EXPECT_EQ(second.resumed, 5);
  EXPECT_EQ(second.ran, 7);
  EXPECT_EQ(resumed_seen, 5);
  EXPECT_EQ(without_timings(part), without_timings(whole));

  // Nothing left to do: the file stays as it is.
  const auto third = ex::run_experiment(o, part, serial());
  EXPECT_EQ(third.ran, 0);
  EXPECT_EQ(third.resumed, 12);
  EXPECT_EQ(without_timings(part), without_timings(whole));
}

TEST(ExperimentRunner, ParallelRunsGiveTheSameFile) {
  Files f;
  const auto one = f.add("one.tsv"), two = f.add("two.tsv");
  const auto o = small_objects();
  ASSERT_TRUE(ex::run_experiment(o, one, serial()).complete());
  ex::RunnerOptions ro;
  ro.jobs = 3;
  ro.threads = 1;
  ASSERT_TRUE(ex::run_experiment(o, two, ro).complete());
  EXPECT_EQ(without_timings(one), without_timings(two));
}

TEST(ExperimentRunner, StopFlagKeepsFinishedRowsOnly) {
  Files f;
  const auto out = f.add("stopped.tsv");
  StopFlag stop;
  stop.request();
  auto ro = serial();
  ro.stop = &stop;
  const auto rep = ex::run_experiment(small_objects(), out, ro);
  EXPECT_TRUE(rep.stopped);
  EXPECT_EQ(rep.ran, 0);
  EXPECT_EQ(lines_of(io::read_file(out)).size(), 2u);  // the header is there for the resume
}

TEST(ExperimentRunner, RefusesToResumeAnotherExperiment) {
  Files f;
  const auto out = f.add("other.tsv");
  auto o = small_objects();
  ASSERT_TRUE(ex::run_experiment(o, out, serial()).complete());
  o.reservoir.units = 21;
  const auto msg = error_of([&] { ex::run_experiment(o, out, serial()); });
  EXPECT_NE(msg.find(out.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("esn.units: 21 here, 20 there"), std::string::npos) << msg;
  o.reservoir.units = 20;
  auto ro = serial();
  ro.shard = {1, 2};
  EXPECT_NE(error_of([&] { ex::run_experiment(o, out, ro); }).find("holds shard 0/1, not 1/2"), std::string::npos);
}

TEST(ExperimentMerge, ShardsAreDisjointCompleteAndMergeToTheUnshardedRun) {
  Files f;
  const auto o = small_objects();
  const auto whole = f.add("m-whole.tsv");
  ASSERT_TRUE(ex::run_experiment(o, whole, serial()).complete());
  std::vector<fs::path> parts;
  std::set<int> seen;
  size_t rows = 0;
  for (int i = 0; i < 3; ++i) {
    parts.push_back(f.add("m-part" + std::to_string(i) + ".tsv"));
    auto ro = serial();
    ro.shard = {i, 3};
    ro.jobs = 2;
    const auto rep = ex::run_experiment(o, parts.back(), ro);
    ASSERT_TRUE(rep.complete());
    EXPECT_EQ(rep.total, 4);
    const auto r = ex::read_results(parts.back());
    for (const auto& [idx, line] : r.rows) EXPECT_TRUE(seen.insert(idx).second) << "run " << idx << " twice";
    rows += r.rows.size();
  }
  EXPECT_EQ(rows, 12u);
  EXPECT_EQ(seen.size(), 12u);
  const auto merged = f.add("m-merged.tsv");
  // In any order.
  const auto rep = ex::merge_results({parts[2], parts[0], parts[1]}, merged);
  EXPECT_EQ(rep.shards, 3);
  EXPECT_EQ(rep.rows, 12);
  EXPECT_EQ(without_timings(merged), without_timings(whole));

  // A missing shard, a repeated one, an incomplete one, another experiment: errors naming them.
  std::string msg = error_of([&] { ex::merge_results({parts[0], parts[2]}, merged); });
  EXPECT_NE(msg.find("shard 1/3 is missing"), std::string::npos) << msg;
  msg = error_of([&] { ex::merge_results({parts[0], parts[1], parts[2], parts[1]}, merged); });
  EXPECT_NE(msg.find(parts[1].string() + ": shard 1/3 is given twice (also " + parts[1].string()), std::string::npos)
      << msg;
  const auto dup = f.add("m-dup.tsv");
  fs::copy_file(parts[2], dup);
  msg = error_of([&] { ex::merge_results({parts[0], parts[1], parts[2], dup}, merged); });
  EXPECT_NE(msg.find(dup.string() + ": shard 2/3 is given twice (also " + parts[2].string() + ")"), std::string::npos)
      << msg;
  auto lines = lines_of(io::read_file(parts[1]));
  lines.pop_back();
  std::string cut;
  for (const auto& l : lines) cut += l + "\n";
  io::write_file_atomic(parts[1], cut);
  msg = error_of([&] { ex::merge_results(parts, merged); });
  EXPECT_NE(msg.find(parts[1].string() + ": shard 1/3 is incomplete (3 of its 4 runs"), std::string::npos) << msg;
  msg = error_of([&] { ex::merge_results({whole, parts[0]}, merged); });
  EXPECT_NE(msg.find(parts[0].string() + ": shard 0/3, but " + whole.string() + " is one of 1 shards"),
            std::string::npos)
      << msg;
  // The merge never wrote over the good merged file.
  EXPECT_EQ(without_timings(merged), without_timings(whole));
}

}  // namespace rssviz_test_experiment_runner
