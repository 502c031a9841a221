// The experiment results file: tab-separated values, one row per finished run.
//
//   # rssviz experiment {"experiment":"objects","models":["esn"],...,"shard":"1/4"}
//   run  model  objects  seed  [swept columns]  valid_error  exact_error  rmse  train_cpu_seconds  train_wall_seconds
//   0    esn    3        1     ...
//
// Line 1 is the experiment's identity (experiment_identity() as compact JSON, plus
// "shard" when the file holds one part of K > 1); line 2 the column names; then the rows.
// Swept columns: training-size `train_sentences`; units `units`; search `trial`,
// `leak_rate`, `spectral_radius`, `density`, `log10_ridge`. Errors and the search
// point are written in the shortest form that reads back to the same double; seconds
// with 4 decimals ("nan" when not measurable). `run` is the row's index in the run
// list; rows may come in any order while an experiment runs (they are appended as they
// finish) and are in run order once it is complete or merged.
#pragma once
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/experiment/experiment.hpp"

namespace rssviz::experiment {

std::vector<std::string> results_columns(ExperimentKind kind);
// Line 1 and line 2, each ending in '\n'.
std::string results_preamble(const nlohmann::json& identity, ExperimentKind kind);
// The configuration columns of a run (run .. the swept ones), tab-separated, no newline.
std::string format_run_config(ExperimentKind kind, const RunConfig& run);
// A whole row, ending in '\n'.
std::string format_row(ExperimentKind kind, const RunConfig& run, const RunResult& result);

struct ResultsFile {
  nlohmann::json identity;      // line 1 without "shard"
  Shard shard;                  // from "shard" (0/1 when absent)
  ExperimentOptions options;    // experiment_from_identity(identity)
  std::map<int, std::string> rows;  // run index -> the row's line (with '\n')
  std::vector<int> order;       // run indices in file order
  bool incomplete_tail = false; // the last line had no '\n' (a write cut short): ignored
};

// Reads and validates a results file: identity, column names, and every row (column
// count, run index inside the run list and in the file's shard, configuration columns
// equal to the run list's, numbers where numbers belong, no run twice). Throws
// std::runtime_error "<file>:<line>: <problem>".
ResultsFile read_results(const std::filesystem::path& path);

// "" when equal, else the first differing field as "esn.units: 100 here, 200 there".
std::string identity_difference(const nlohmann::json& here, const nlohmann::json& there);

}  // namespace rssviz::experiment
