#include "core/experiment/results_summary.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <stdexcept>

namespace rssviz::experiment {

namespace {

// The last five cells of a row line, which read_results() has checked are numbers.
std::vector<double> measured_cells(const std::string& line) {
  std::vector<double> v;
  size_t end = line.size();
  while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) --end;
  for (int k = 0; k < 5; ++k) {
    const size_t tab = line.rfind('\t', end - 1);
    const size_t begin = tab == std::string::npos ? 0 : tab + 1;
    const std::string cell = line.substr(begin, end - begin);
    double x = std::nan("");
    if (cell != "nan") {
      const auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), x);
      if (ec != std::errc() || p != cell.data() + cell.size())
        throw std::invalid_argument("results row \"" + line.substr(0, end) + "\": \"" + cell + "\" is not a number");
    }
    v.push_back(x);
    if (tab == std::string::npos) break;
    end = tab;
  }
  if (v.size() != 5) throw std::invalid_argument("results row \"" + line.substr(0, end) + "\" has too few columns");
  std::reverse(v.begin(), v.end());
  return v;
}

}  // namespace

std::vector<ResultRow> result_rows(const ResultsFile& file) {
  const auto runs = make_run_list(file.options);
  std::vector<ResultRow> rows;
  rows.reserve(file.rows.size());
  for (const auto& [index, line] : file.rows) {  // std::map: run order
    if (index < 0 || static_cast<size_t>(index) >= runs.size())
      throw std::invalid_argument("results row of run " + std::to_string(index) + ": not a run of the experiment");
    const auto v = measured_cells(line);
    ResultRow r;
    r.run = runs[static_cast<size_t>(index)];
    r.valid_error = v[0];
    r.exact_error = v[1];
    r.rmse = v[2];
    r.train_cpu_seconds = v[3];
    r.train_wall_seconds = v[4];
    rows.push_back(r);
  }
  return rows;
}

std::string to_string(ResultMetric m) {
  switch (m) {
    case ResultMetric::kValidError: return "valid_error";
    case ResultMetric::kExactError: return "exact_error";
    case ResultMetric::kRmse: return "rmse";
    case ResultMetric::kCpuSeconds: return "train_cpu_seconds";
    case ResultMetric::kWallSeconds: return "train_wall_seconds";
  }
  return {};
}

ResultMetric result_metric_from_string(const std::string& s) {
  for (auto m : {ResultMetric::kValidError, ResultMetric::kExactError, ResultMetric::kRmse, ResultMetric::kCpuSeconds,
                 ResultMetric::kWallSeconds})
    if (to_string(m) == s) return m;
  throw std::invalid_argument("metric \"" + s +
                              "\" is not one of valid_error, exact_error, rmse, train_cpu_seconds, train_wall_seconds");
}

std::string metric_label(ResultMetric m) {
  switch (m) {
    case ResultMetric::kValidError: return "valid error (%)";
    case ResultMetric::kExactError: return "exact error (%)";
    case ResultMetric::kRmse: return "RMSE";
    case ResultMetric::kCpuSeconds: return "training CPU time (s)";
    case ResultMetric::kWallSeconds: return "training wall time (s)";
  }
  return {};
}

double metric_value(const ResultRow& r, ResultMetric m) {
  switch (m) {
    case ResultMetric::kValidError: return r.valid_error;
    case ResultMetric::kExactError: return r.exact_error;
    case ResultMetric::kRmse: return r.rmse;
    case ResultMetric::kCpuSeconds: return r.train_cpu_seconds;
    case ResultMetric::kWallSeconds: return r.train_wall_seconds;
  }
  return std::nan("");
}

double swept_value(ExperimentKind kind, const RunConfig& run) {
  switch (kind) {
    case ExperimentKind::kObjects: return run.objects;
    case ExperimentKind::kTrainingSize: return run.train_sentences;
    case ExperimentKind::kUnits: return run.units;
    case ExperimentKind::kSearch: return run.trial;
  }
  return 0.0;
}

std::string swept_label(ExperimentKind kind) {
  switch (kind) {
    case ExperimentKind::kObjects: return "objects (n)";
    case ExperimentKind::kTrainingSize: return "training sentences";
    case ExperimentKind::kUnits: return "reservoir units";
    case ExperimentKind::kSearch: return "trial";
  }
  return {};
}

std::vector<ResultSeries> summarize(const ExperimentOptions& options, const std::vector<ResultRow>& rows,
                                    ResultMetric metric) {
  std::vector<ResultSeries> out;
  for (RunModel model : options.models) {
    std::map<double, std::vector<double>> at;
    for (const auto& r : rows) {
      if (r.run.model != model) continue;
      auto& values = at[swept_value(options.kind, r.run)];
      const double v = metric_value(r, metric);
      if (std::isfinite(v)) values.push_back(v);
    }
    if (at.empty()) continue;
    ResultSeries s;
    s.model = model;
    for (const auto& [x, values] : at) {
      if (values.empty()) continue;
      SummaryPoint p;
      p.x = x;
      p.n = static_cast<int>(values.size());
      double sum = 0.0;
      for (double v : values) sum += v;  // in run (seed) order: reproducible
      p.mean = sum / p.n;
      double ss = 0.0;
      for (double v : values) ss += (v - p.mean) * (v - p.mean);
      p.sd = p.n > 1 ? std::sqrt(ss / (p.n - 1)) : 0.0;
      p.min = *std::min_element(values.begin(), values.end());
      p.max = *std::max_element(values.begin(), values.end());
      s.points.push_back(p);
    }
    if (!s.points.empty()) out.push_back(std::move(s));
  }
  return out;
}

std::vector<ResultRow> rank_search(std::vector<ResultRow> rows) {
  const auto key = [](double v) { return std::isnan(v) ? INFINITY : v; };
  std::stable_sort(rows.begin(), rows.end(), [&](const ResultRow& a, const ResultRow& b) {
    if (key(a.exact_error) != key(b.exact_error)) return key(a.exact_error) < key(b.exact_error);
    if (key(a.valid_error) != key(b.valid_error)) return key(a.valid_error) < key(b.valid_error);
    return a.run.trial < b.run.trial;
  });
  return rows;
}

}  // namespace rssviz::experiment
