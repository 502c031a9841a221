// A results file (results_file.hpp) decoded for reading: its rows as runs and numbers,
// the mean and spread over seeds of each model at each swept value (the plots of
// `rssviz-cli experiment --plot` and `rssviz plot`), the search trials ranked, and the
// model configuration of any row (the window loads it into the model panel).
#pragma once
#include <string>
#include <vector>

#include "core/experiment/experiment.hpp"
#include "core/experiment/results_file.hpp"

namespace rssviz::experiment {

// One finished run: its configuration (from the run list) and what it measured.
struct ResultRow {
  RunConfig run;
  double valid_error = 0.0;
  double exact_error = 0.0;
  double rmse = 0.0;
  double train_cpu_seconds = 0.0;   // NaN when the run could not measure it
  double train_wall_seconds = 0.0;
};
// The file's rows in run order.
std::vector<ResultRow> result_rows(const ResultsFile& file);

enum class ResultMetric { kValidError, kExactError, kRmse, kCpuSeconds, kWallSeconds };
std::string to_string(ResultMetric m);                          // the column name: "valid_error", ...
ResultMetric result_metric_from_string(const std::string& s);   // throws std::invalid_argument listing the names
std::string metric_label(ResultMetric m);                       // "valid error (%)", "training CPU time (s)", ...
double metric_value(const ResultRow& row, ResultMetric m);      // errors as fractions, seconds as seconds

// The swept value of a run: objects | train_sentences | units | trial.
double swept_value(ExperimentKind kind, const RunConfig& run);
std::string swept_label(ExperimentKind kind);  // "objects (n)", "training sentences", "reservoir units", "trial"

// Mean and spread of one model at one swept value, over its seeds (non-finite values,
// e.g. unmeasured seconds, are left out; n counts those kept, and a point with n = 0 is
// not listed). sd is the sample standard deviation (0 when n = 1).
struct SummaryPoint {
  double x = 0.0;
  int n = 0;
  double mean = 0.0, sd = 0.0, min = 0.0, max = 0.0;
};
struct ResultSeries {
  RunModel model = RunModel::kEsn;
  std::vector<SummaryPoint> points;  // increasing x
};
// One series per model of the experiment that has rows, in the experiment's model order.
std::vector<ResultSeries> summarize(const ExperimentOptions& options, const std::vector<ResultRow>& rows,
                                    ResultMetric metric);

// Search rows ranked best first: by exact error, then valid error, then trial.
std::vector<ResultRow> rank_search(std::vector<ResultRow> rows);

}  // namespace rssviz::experiment
