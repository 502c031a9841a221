// Runs an experiment's run list (or one shard of it) into a results file
// (results_file.hpp), resuming what an earlier, interrupted run left, and merges the
// files of the shards into one.
//
//   RunnerOptions ro;  ro.shard = parse_shard("1/4");  ro.stop = &flag;
//   ro.on_row = [](const RunnerProgress& p) { show(p); return true; };
//   auto report = run_experiment(options, "part1.tsv", ro);
//
// Workers: `jobs` threads each take the next unfinished run and train it with `threads`
// threads inside the model (jobs x threads ~ cores: one configuration per thread is the
// default, as independent runs scale better than the threads of one small model). Each
// finished row is appended to the file and flushed (fflush + fsync) before the next is
// reported, so a crash or a kill loses only the runs in flight. When `stop` is set (or
// on_row returns false) the runs in flight are cancelled and their rows dropped. When
// every run of the shard is in the file, it is rewritten atomically in run order, so a
// finished file does not depend on the thread timing (timing columns aside).
#pragma once
#include <filesystem>
#include <functional>
#include <vector>

#include "core/common/progress.hpp"
#include "core/experiment/experiment.hpp"

namespace rssviz::experiment {

struct RunnerProgress {
  int done = 0;            // rows of the shard in the file (resumed ones included)
  int total = 0;           // runs of the shard
  int resumed = 0;         // rows found in the file at the start
  double elapsed = 0.0;    // wall seconds since run_experiment started
  const RunConfig* run = nullptr;  // the run just finished
  const RunResult* result = nullptr;
  // Estimated wall seconds left from this session's rate (NaN before the first row).
  double seconds_left() const;
};

struct RunnerOptions {
  Shard shard;                  // the part of the run list to run (0/1: all of it)
  int jobs = 0;                 // configurations trained at once; 0 = all cores
  int threads = 1;              // threads inside each model; 0 = all cores
  const StopFlag* stop = nullptr;  // set (e.g. by SIGINT) to stop; finished rows are kept
  // Called after each row is written (one call at a time); false stops like `stop`.
  std::function<bool(const RunnerProgress&)> on_row;
};

struct RunnerReport {
  int total = 0;       // runs of the shard
  int resumed = 0;     // rows found in the file and not rerun
  int ran = 0;         // rows added by this call
  bool complete() const { return resumed + ran == total; }
  bool stopped = false;  // stopped before completion (stop flag or on_row)
};

// Runs what the file lacks of `options`' run list, shard `ro.shard`. A file that exists
// must be this experiment's and shard's (read_results(); else std::runtime_error naming
// the file and the difference); a missing or empty one is created. A run that fails
// stops the others and is rethrown as std::runtime_error naming the run.
RunnerReport run_experiment(const ExperimentOptions& options, const std::filesystem::path& out,
                            const RunnerOptions& ro);

struct MergeReport {
  int shards = 0;
  int rows = 0;
};
// Checks that `inputs` are the shards 0..K-1 of one experiment, each exactly once and
// each complete, then writes their rows in run order to `out` (atomically), as the
// unsharded run would have. Throws std::runtime_error naming the offending file (a
// different experiment, a repeated or missing shard, missing rows).
MergeReport merge_results(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& out);

}  // namespace rssviz::experiment
