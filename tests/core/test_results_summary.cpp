#include "core/experiment/results_summary.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "core/experiment/experiment.hpp"
#include "core/io/atomic_file.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_results_summary {

using namespace rssviz;
namespace ex = rssviz::experiment;
namespace fs = std::filesystem;

namespace {

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("rssviz-summary-" + std::to_string(::getpid()) + "-" + name);
}

// objects 3..4, ESN and bag of words, 3 seeds: 12 runs.
ex::ExperimentOptions objects_3_4() {
  auto o = ex::default_experiment(ex::ExperimentKind::kObjects);
  o.from = 3, o.to = 4, o.step = 1;
  o.models = {ex::RunModel::kEsn, ex::RunModel::kBagOfWords};
  o.seeds = 3;
  return o;
}

ex::RunResult result(double valid, double exact, double cpu) {
  ex::RunResult r;
  r.test.valid_error = valid;
  r.test.exact_error = exact;
  r.test.rmse = 0.5;
  r.cpu_seconds = cpu;
  r.wall_seconds = 2 * cpu;
  return r;
}

// A results file written with made-up numbers that the test knows: the ESN's valid error
// at n = 3 over seeds 1, 2, 3 is 0.1, 0.2, 0.6; everything else is 0.01 * (run + 1).
fs::path write_known(const ex::ExperimentOptions& o, const std::string& name, bool skip_last = false) {
  const auto runs = ex::make_run_list(o);
  std::string text = ex::results_preamble(ex::experiment_identity(o), o.kind);
  for (size_t i = 0; i + (skip_last ? 1 : 0) < runs.size(); ++i) {
    const auto& r = runs[i];
    double valid = 0.01 * static_cast<double>(i + 1);
    double cpu = 1.0;
    if (r.model == ex::RunModel::kEsn && r.objects == 3) valid = r.seed == 1 ? 0.1 : r.seed == 2 ? 0.2 : 0.6;
    if (r.model == ex::RunModel::kBagOfWords && r.objects == 4 && r.seed == 2) cpu = std::nan("");
    text += ex::format_row(o.kind, r, result(valid, valid / 2, cpu));
  }
  const auto p = temp_file(name);
  io::write_file_atomic(p, text);
  return p;
}

}  // namespace

TEST(ResultsSummary, RowsDecodeEveryColumnInRunOrder) {
  const auto o = objects_3_4();
  const auto p = write_known(o, "rows.tsv");
  const auto rows = ex::result_rows(ex::read_results(p));
  const auto runs = ex::make_run_list(o);
  ASSERT_EQ(rows.size(), runs.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].run.index, runs[i].index);
    EXPECT_EQ(rows[i].run.model, runs[i].model);
    EXPECT_EQ(rows[i].run.seed, runs[i].seed);
    EXPECT_DOUBLE_EQ(rows[i].exact_error, rows[i].valid_error / 2);
    EXPECT_DOUBLE_EQ(rows[i].rmse, 0.5);
  }
  fs::remove(p);
}

TEST(ResultsSummary, MeanSpreadAndExtremesOverSeedsAreTheKnownOnes) {
  const auto o = objects_3_4();
  const auto p = write_known(o, "known.tsv");
  const auto rows = ex::result_rows(ex::read_results(p));
  const auto series = ex::summarize(o, rows, ex::ResultMetric::kValidError);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].model, ex::RunModel::kEsn);
  EXPECT_EQ(series[1].model, ex::RunModel::kBagOfWords);
  ASSERT_EQ(series[0].points.size(), 2u);
  const auto& at3 = series[0].points[0];
  EXPECT_EQ(at3.x, 3);
  EXPECT_EQ(at3.n, 3);
  EXPECT_NEAR(at3.mean, 0.3, 1e-15);
  // Sample sd of 0.1, 0.2, 0.6: deviations -0.2, -0.1, 0.3 -> sqrt(0.14 / 2).
  EXPECT_NEAR(at3.sd, std::sqrt(0.07), 1e-15);
  EXPECT_DOUBLE_EQ(at3.min, 0.1);
  EXPECT_DOUBLE_EQ(at3.max, 0.6);
  EXPECT_EQ(series[0].points[1].x, 4);
  fs::remove(p);
}

TEST(ResultsSummary, UnmeasuredSecondsAreLeftOutOfTheirPoint) {
  const auto o = objects_3_4();
  const auto p = write_known(o, "nan.tsv");
  const auto series = ex::summarize(o, ex::result_rows(ex::read_results(p)), ex::ResultMetric::kCpuSeconds);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[1].points[1].x, 4);
  EXPECT_EQ(series[1].points[1].n, 2);  // seeds 1 and 3; seed 2 has "nan"
  EXPECT_DOUBLE_EQ(series[1].points[1].mean, 1.0);
  EXPECT_EQ(series[1].points[0].n, 3);
  fs::remove(p);
}

TEST(ResultsSummary, AnUnfinishedFileSummarisesWhatItHas) {
  const auto o = objects_3_4();
  const auto p = write_known(o, "partial.tsv", true);
  const auto rows = ex::result_rows(ex::read_results(p));
  EXPECT_EQ(rows.size(), ex::make_run_list(o).size() - 1);
  const auto series = ex::summarize(o, rows, ex::ResultMetric::kExactError);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[1].points.back().n, 2);
  fs::remove(p);
}

TEST(ResultsSummary, MetricNamesRoundTripAndUnknownOnesAreRefused) {
  for (auto m : {ex::ResultMetric::kValidError, ex::ResultMetric::kExactError, ex::ResultMetric::kRmse,
                 ex::ResultMetric::kCpuSeconds, ex::ResultMetric::kWallSeconds})
    EXPECT_EQ(ex::result_metric_from_string(ex::to_string(m)), m);
  try {
    ex::result_metric_from_string("accuracy");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("accuracy"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("exact_error"), std::string::npos);
  }
}

TEST(ResultsSummary, SearchTrialsRankByExactThenValidErrorThenTrial) {
  auto o = ex::default_experiment(ex::ExperimentKind::kSearch);
  o.trials = 4;
  auto runs = ex::make_run_list(o);
  ASSERT_EQ(runs.size(), 5u);
  std::vector<ex::ResultRow> rows;
  const double exact[] = {0.2, 0.1, 0.2, std::nan(""), 0.1};
  const double valid[] = {0.05, 0.3, 0.01, 0.0, 0.3};
  for (size_t i = 0; i < runs.size(); ++i) {
    ex::ResultRow r;
    r.run = runs[i];
    r.exact_error = exact[i];
    r.valid_error = valid[i];
    rows.push_back(r);
  }
  const auto ranked = ex::rank_search(rows);
  std::vector<int> trials;
  for (const auto& r : ranked) trials.push_back(r.run.trial);
  EXPECT_EQ(trials, (std::vector<int>{1, 4, 2, 0, 3}));  // NaN last
}

TEST(ResultsSummary, ARowsModelIsTheOneItsRunTrained) {
  auto o = ex::default_experiment(ex::ExperimentKind::kSearch);
  o.trials = 3;
  const auto runs = ex::make_run_list(o);
  const auto& r = runs[2];
  const auto ro = ex::run_reservoir_options(o, r);
  EXPECT_EQ(ro.leak_rate, r.point.leak_rate);
  EXPECT_EQ(ro.spectral_radius, r.point.spectral_radius);
  EXPECT_EQ(ro.density, r.point.density);
  EXPECT_EQ(ro.ridge, std::pow(10.0, r.point.log10_ridge));
  EXPECT_EQ(ro.seed, r.seed);
  // The paper's point is trial 0.
  const auto paper = ex::run_reservoir_options(o, runs[0]);
  EXPECT_EQ(paper.leak_rate, ex::kPaperPoint.leak_rate);
  EXPECT_EQ(paper.spectral_radius, ex::kPaperPoint.spectral_radius);

  auto u = ex::default_experiment(ex::ExperimentKind::kUnits);
  u.from = 100, u.to = 300, u.step = 100;
  const auto ur = ex::make_run_list(u);
  EXPECT_EQ(ex::run_reservoir_options(u, ur.back()).units, 300);

  auto t = ex::default_experiment(ex::ExperimentKind::kTrainingSize);
  t.models = {ex::RunModel::kLstm};
  t.from = 200, t.to = 200, t.step = 100;
  const auto tr = ex::make_run_list(t);
  const auto lo = ex::run_lstm_options(t, tr[0]);
  EXPECT_EQ(lo.corpus.train_one_object + lo.corpus.train_two_object, 200);
  EXPECT_EQ(lo.model.seed, tr[0].seed);
  EXPECT_EQ(lo.trainer.seed, tr[0].seed);
}

}  // namespace rssviz_test_results_summary
