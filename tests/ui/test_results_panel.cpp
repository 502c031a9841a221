// Offscreen tests of the "Experiment results" dock: a results file read in the
// background, its plot, a table that sorts numbers as numbers, a double-click that loads
// a run's exact configuration into the model panel and trains it, and refused files that
// leave the shown results in place.
#include <gtest/gtest.h>
#include <unistd.h>

#include <QDockWidget>
#include <QLabel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/corpus/corpus_file.hpp"
#include "core/experiment/experiment_runner.hpp"
#include "core/experiment/results_file.hpp"
#include "core/io/atomic_file.hpp"
#include "tests/ui/window_helpers.hpp"
#include "ui/experiment_view.hpp"
#include "ui/results_panel.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_results_panel {

using namespace rssviz;
using namespace rssviz::ui;
namespace ex = rssviz::experiment;
namespace fs = std::filesystem;

namespace {

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("rssviz-results-ui-" + std::to_string(::getpid()) + "-" + name);
}

// A search of 12 trials (13 runs with the paper's point) whose exact errors are known:
// run k has exact error (13 - k) % 13 * 0.9 % + 0.5 %, so the sort needs numbers ("9.5"
// before "10.4" only as numbers), and 40-unit reservoirs so a loaded run trains quickly.
ex::ExperimentOptions search13() {
  auto o = ex::default_experiment(ex::ExperimentKind::kSearch);
  o.trials = 12;
  o.reservoir.units = 40;
  return o;
}

double exactOf(int k) { return (((13 - k) % 13) * 0.9 + 0.5) / 100.0; }

fs::path writeSearch(const std::string& name) {
  const auto o = search13();
  std::string text = ex::results_preamble(ex::experiment_identity(o), o.kind);
  for (const auto& r : ex::make_run_list(o)) {
    ex::RunResult res;
    res.test.exact_error = exactOf(r.index);
    res.test.valid_error = res.test.exact_error / 4;
    res.test.rmse = 0.3;
    res.cpu_seconds = 0.5;
    res.wall_seconds = 0.5;
    text += ex::format_row(o.kind, r, res);
  }
  const auto p = temp_file(name);
  io::write_file_atomic(p, text);
  return p;
}

bool waitLoaded(ResultsPanel& panel, const QString& path, QString* error = nullptr) {
  QSignalSpy ok(&panel, &ResultsPanel::loaded), bad(&panel, &ResultsPanel::failed);
  panel.openFile(path);
  if (!QTest::qWaitFor([&] { return ok.count() + bad.count() > 0; }, 20000)) return false;
  if (error && bad.count()) *error = bad.first().first().toString();
  return ok.count() == 1;
}

int column(const ResultsPanel& p, const QString& title) {
  for (int c = 0; c < p.model()->columnCount(); ++c)
    if (p.model()->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString() == title) return c;
  return -1;
}

}  // namespace

TEST(ResultsPanel, ReadsAFileIntoThePlotAndTheTable) {
  const auto p = writeSearch("read.tsv");
  ResultsPanel panel;
  ASSERT_TRUE(waitLoaded(panel, QString::fromStdString(p.string())));
  EXPECT_EQ(panel.model()->rowCount(), 13);
  EXPECT_EQ(panel.model()->columnCount(), static_cast<int>(ex::results_columns(ex::ExperimentKind::kSearch).size()));
  EXPECT_TRUE(panel.plot()->hasResults());
  EXPECT_EQ(panel.plot()->panels().size(), 4);  // exact error against each searched setting
  EXPECT_NE(panel.plot()->description().indexOf("13 of 13 runs"), -1) << panel.plot()->description().toStdString();
  fs::remove(p);
}

TEST(ResultsPanel, ColumnsSortAsNumbers) {
  const auto p = writeSearch("sort.tsv");
  ResultsPanel panel;
  ASSERT_TRUE(waitLoaded(panel, QString::fromStdString(p.string())));
  const int exact = column(panel, "exact error (%)");
  ASSERT_GE(exact, 0);
  // A search opens sorted best first.
  EXPECT_EQ(panel.runAt(0).run.index, 0);  // exact error 0.5 %
  panel.table()->sortByColumn(exact, Qt::DescendingOrder);
  double previous = INFINITY;
  for (int r = 0; r < panel.proxy()->rowCount(); ++r) {
    const double v = panel.runAt(r).exact_error;
    EXPECT_LE(v, previous) << "row " << r;
    previous = v;
  }
  EXPECT_EQ(panel.runAt(0).run.index, 1);  // 11.3 %, which a text sort would put after 2.3 %
  fs::remove(p);
}

TEST(ResultsPanel, ChoosingARunGivesItsExactConfiguration) {
  const auto p = writeSearch("choose.tsv");
  ResultsPanel panel;
  ModelSettings base;
  base.map_sentences = 77;
  panel.setBaseSettings(base);
  ASSERT_TRUE(waitLoaded(panel, QString::fromStdString(p.string())));
  QSignalSpy chosen(&panel, &ResultsPanel::configurationChosen);
  panel.table()->sortByColumn(0, Qt::AscendingOrder);  // by run
  panel.chooseRow(5);
  ASSERT_EQ(chosen.count(), 1);
  const auto s = chosen.first().at(0).value<ModelSettings>();
  const auto runs = ex::make_run_list(search13());
  const auto want = ex::run_reservoir_options(search13(), runs[5]);
  EXPECT_EQ(s.model, ex::ModelKind::esn);
  EXPECT_EQ(s.reservoir.units, 40);
  EXPECT_EQ(s.reservoir.leak_rate, want.leak_rate);
  EXPECT_EQ(s.reservoir.spectral_radius, want.spectral_radius);
  EXPECT_EQ(s.reservoir.density, want.density);
  EXPECT_EQ(s.reservoir.ridge, want.ridge);
  EXPECT_EQ(s.seed(), runs[5].seed);
  EXPECT_EQ(s.objects, 4);
  EXPECT_EQ(s.map_sentences, 77);  // kept from the window
  EXPECT_NE(chosen.first().at(1).toString().indexOf("trial 5"), -1);
  fs::remove(p);
}

TEST(ResultsPanel, ABagOfWordsRunHasNoModelToLoad) {
  auto o = ex::default_experiment(ex::ExperimentKind::kObjects);
  o.from = 3, o.to = 3;
  o.models = {ex::RunModel::kBagOfWords};
  std::string text = ex::results_preamble(ex::experiment_identity(o), o.kind);
  for (const auto& r : ex::make_run_list(o)) text += ex::format_row(o.kind, r, ex::RunResult{});
  const auto p = temp_file("bow.tsv");
  io::write_file_atomic(p, text);
  ResultsPanel panel;
  ASSERT_TRUE(waitLoaded(panel, QString::fromStdString(p.string())));
  QSignalSpy chosen(&panel, &ResultsPanel::configurationChosen), failed(&panel, &ResultsPanel::failed);
  panel.chooseRow(0);
  EXPECT_EQ(chosen.count(), 0);
  ASSERT_EQ(failed.count(), 1);
  EXPECT_NE(failed.first().first().toString().indexOf("bag-of-words"), -1);
  fs::remove(p);
}

TEST(ResultsPanel, ABadFileIsRefusedAndTheShownResultsStay) {
  const auto good = writeSearch("good.tsv");
  ResultsPanel panel;
  ASSERT_TRUE(waitLoaded(panel, QString::fromStdString(good.string())));
  // A row whose configuration is not the experiment's (line 5: run 2 with a changed seed).
  std::ifstream in(good);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  std::vector<std::string> lines;
  for (size_t a = 0, b; (b = text.find('\n', a)) != std::string::npos; a = b + 1) lines.push_back(text.substr(a, b - a));
  auto& l = lines[4];  // run, model, objects, seed, ...: the seed becomes 99
  const auto t1 = l.find('\t'), t2 = l.find('\t', t1 + 1), t3 = l.find('\t', t2 + 1), t4 = l.find('\t', t3 + 1);
  l = l.substr(0, t3 + 1) + "99" + l.substr(t4);
  std::string bad_text;
  for (const auto& x : lines) bad_text += x + "\n";
  const auto bad = temp_file("bad.tsv");
  io::write_file_atomic(bad, bad_text);
  QString error;
  EXPECT_FALSE(waitLoaded(panel, QString::fromStdString(bad.string()), &error));
  EXPECT_NE(error.indexOf(QString::fromStdString(bad.string()) + ":5:"), -1) << error.toStdString();
  EXPECT_EQ(panel.model()->rowCount(), 13);
  EXPECT_EQ(panel.path(), QString::fromStdString(good.string()));
  EXPECT_FALSE(waitLoaded(panel, QString::fromStdString(temp_file("missing.tsv").string()), &error));
  EXPECT_NE(error.indexOf("missing.tsv"), -1) << error.toStdString();
  EXPECT_EQ(panel.model()->rowCount(), 13);
  fs::remove(good);
  fs::remove(bad);
}

TEST(ResultsPanel, DoubleClickInTheWindowLoadsAndTrainsTheRun) {
  const auto p = writeSearch("window.tsv");
  MainWindow w(nullptr, false);
  w.show();
  auto* panel = w.resultsPanel();
  ASSERT_TRUE(panel);
  QSignalSpy loaded(panel, &ResultsPanel::loaded);
  w.openResults(QString::fromStdString(p.string()));
  ASSERT_TRUE(QTest::qWaitFor([&] { return loaded.count() == 1; }, 20000));
  auto* dock = w.findChild<QDockWidget*>("resultsDock");
  ASSERT_TRUE(dock);
  EXPECT_TRUE(dock->isVisible());
  panel->table()->sortByColumn(0, Qt::AscendingOrder);
  auto* table = panel->table();
  ASSERT_TRUE(QTest::qWaitFor([&] { return table->isVisible() && table->viewport()->height() > 20; }, 10000))
      << table->isVisible() << " " << table->viewport()->height() << " dock " << dock->height();
  const QModelIndex cell = panel->proxy()->index(3, 1);
  table->scrollTo(cell);
  const QRect rect = table->visualRect(cell);
  ASSERT_TRUE(rect.isValid());
  // A press that selects the row, then the double-click (as a user's hand does).
  QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
  QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, rect.center());
  const auto want = ex::run_reservoir_options(search13(), ex::make_run_list(search13())[3]);
  const auto s = w.modelPanel()->settings();
  EXPECT_EQ(s.reservoir.units, 40);
  EXPECT_EQ(s.reservoir.leak_rate, want.leak_rate);
  EXPECT_EQ(s.reservoir.spectral_radius, want.spectral_radius);
  EXPECT_EQ(s.reservoir.ridge, want.ridge);
  ASSERT_TRUE(rssviz::test::waitSession(w, 60000)) << w.findChild<QLabel*>("statusMessage")->text().toStdString();
  const auto& session = w.workspace()->session();
  ASSERT_TRUE(session);
  EXPECT_TRUE(session->trained);
  EXPECT_EQ(session->points->units(), 40);
  fs::remove(p);
}

TEST(ResultsPanel, ALoadedRunTrainsInTheWindowToTheErrorsOfItsRow) {
  // A real search of two trials with 60-unit reservoirs; the window retrains trial 2 from
  // its row and must score exactly what the experiment wrote.
  auto o = ex::default_experiment(ex::ExperimentKind::kSearch);
  o.trials = 2;
  o.reservoir.units = 60;
  const auto p = temp_file("real.tsv");
  fs::remove(p);
  ex::RunnerOptions ro;
  ro.jobs = 1;
  ro.threads = 1;
  ASSERT_TRUE(ex::run_experiment(o, p, ro).complete());
  MainWindow w(nullptr, false);
  w.show();
  auto* panel = w.resultsPanel();
  QSignalSpy loaded(panel, &ResultsPanel::loaded);
  w.openResults(QString::fromStdString(p.string()));
  ASSERT_TRUE(QTest::qWaitFor([&] { return loaded.count() == 1; }, 20000));
  panel->table()->sortByColumn(0, Qt::AscendingOrder);
  const auto row = panel->runAt(2);
  ASSERT_EQ(row.run.trial, 2);
  panel->chooseRow(2);
  ASSERT_TRUE(rssviz::test::waitSession(w, 60000));
  const auto& s = w.workspace()->session();
  ASSERT_TRUE(s && s->trained);
  EXPECT_EQ(s->points->units(), 60);
  EXPECT_EQ(s->scores.valid_error, row.valid_error);
  EXPECT_EQ(s->scores.exact_error, row.exact_error);
  EXPECT_NEAR(s->scores.rmse, row.rmse, 1e-9);  // the readout's sums follow the thread count
  fs::remove(p);
}

TEST(ResultsPanel, ACorpusFileRunLoadsOnlyWithThatCorpus) {
  auto o = search13();
  o.corpus_sha256 = std::string(64, 'a');  // as read back from a corpus-file experiment's identity
  const auto run = ex::make_run_list(o)[1];
  ModelSettings base, out;
  QStringList notes;
  // The window holds the paper's corpus: refused, saying what to do.
  EXPECT_FALSE(settingsForRun(o, run, base, &out, &notes));
  ASSERT_EQ(notes.size(), 1);
  EXPECT_NE(notes.first().indexOf("Open corpus"), -1) << notes.first().toStdString();
  // Another corpus file: refused too.
  auto other = std::make_shared<corpus::CorpusFile>();
  other->identity.sha256 = std::string(64, 'b');
  base.corpus_file = other;
  EXPECT_FALSE(settingsForRun(o, run, base, &out, &notes));
  // That corpus: loaded, on it.
  auto same = std::make_shared<corpus::CorpusFile>();
  same->identity.sha256 = std::string(64, 'a');
  base.corpus_file = same;
  ASSERT_TRUE(settingsForRun(o, run, base, &out, &notes));
  EXPECT_EQ(out.corpus_file, same);
  // A paper-corpus experiment's run drops a corpus file the window holds.
  ASSERT_TRUE(settingsForRun(search13(), run, base, &out, &notes));
  EXPECT_EQ(out.corpus_file, nullptr);
}

}  // namespace rssviz_test_results_panel
