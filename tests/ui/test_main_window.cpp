// Offscreen tests of the main window: the default session, live exploration, cancel,
// linked selection, colour modes, and an event loop that never stalls.
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSlider>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QToolBar>
#include <cstdio>

#include "ui/heatmap_view.hpp"
#include "ui/main_window.hpp"
#include "tests/ui/window_helpers.hpp"
#include "ui/map_view.hpp"
#include "ui/param_slider.hpp"
#include "ui/sentences_view.hpp"
#include "ui/timeline_view.hpp"
#include "ui/training_view.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_main_window {

using namespace rssviz::ui;


TEST(MainWindow, DocksAndToolbarsHaveObjectNames) {
  MainWindow w(nullptr, false);
  w.show();
  ASSERT_NE(w.mapPlot(), nullptr);
  const auto docks = w.findChildren<QDockWidget*>();
  // Model, Training, Unit heatmap, Learning stages, Sentences + the 6 unit analyses (#11)
  // + Experiment results (#12).
  EXPECT_EQ(docks.size(), 12);
  for (auto* d : docks) {
    EXPECT_FALSE(d->objectName().isEmpty());
    EXPECT_NE(d->widget(), nullptr);
  }
  for (auto* t : w.findChildren<QToolBar*>()) EXPECT_FALSE(t->objectName().isEmpty());
}

TEST(MainWindow, DefaultSessionTrainsAndDraws) {
  MainWindow w;  // starts the embedded default session: the paper's ESN on the basic corpus
  w.show();
  ASSERT_TRUE(rssviz::test::waitSession(w, 120000));
  const auto& s = w.workspace()->session();
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->trained);
  EXPECT_EQ(s->points->units(), 1000);
  EXPECT_EQ(s->points->dataset_index.size(), 200u);
  EXPECT_LT(s->scores.valid_error, 0.02);  // paper-notes §3: below 1 % expected
  EXPECT_LT(s->scores.exact_error, 0.12);
  // Every unique state is a dot; the legend says what the colours are.
  EXPECT_EQ(w.mapView()->scatter()->points().size(), s->points->size());
  EXPECT_EQ(w.mapView()->legendEntries().size(), 4);
  EXPECT_EQ(w.sentencesView()->table()->model()->rowCount(), 1000);
  EXPECT_GT(w.trainingView()->pointCount(), 3);
  // A two-object sentence is preselected so the heatmap is not empty.
  EXPECT_GE(w.workspace()->selected(), 0);
  EXPECT_GT(w.heatmapView()->rows(), 0);
  EXPECT_FALSE(w.jobs()->busy());
}

TEST(MainWindow, SliderChangeProducesNewMap) {
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  const auto before = w.workspace()->session();
  w.modelPanel()->spectralRadius()->setValue(2.0);  // as a drag or a typed value would
  ASSERT_TRUE(rssviz::test::waitSession(w));
  const auto after = w.workspace()->session();
  ASSERT_NE(after, before);
  EXPECT_FALSE(after->trained);  // exploration maps the untrained reservoir
  EXPECT_EQ(after->points->dataset_index, before->points->dataset_index);
  EXPECT_EQ(after->layout.rows(), after->points->size());
  // New states, hence a new picture.
  EXPECT_GT((after->points->X - before->points->X).cwiseAbs().maxCoeff(), 1e-3f);
  EXPECT_NE(QString::fromStdString(after->description).indexOf("spectral radius 2,"), -1);
  // Colour modes that need a readout fall back to one that does not.
  EXPECT_EQ(w.workspace()->colourMode(), ColourMode::clausePart);
}

TEST(MainWindow, NewestSliderValueWins) {
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  QSignalSpy shown(&w, &MainWindow::sessionShown);
  for (double v : {0.1, 0.2, 0.3, 0.4, 0.6}) {
    w.modelPanel()->leakRate()->setValue(v);
    QTest::qWait(5);
  }
  // Wait until the runner is idle: only results of the last value may be shown last.
  QElapsedTimer t;
  t.start();
  while (w.jobs()->busy() && t.elapsed() < 60000) QTest::qWait(20);
  QTest::qWait(60);
  ASSERT_GE(shown.count(), 1);
  EXPECT_LT(shown.count(), 5);  // stale values were dropped, not all drawn
  EXPECT_NE(QString::fromStdString(w.workspace()->session()->description).indexOf("leak rate 0.6"), -1);
}

TEST(MainWindow, CancelStopsTheJob) {
  MainWindow w(nullptr, false);
  w.show();
  auto s = ModelSettings{};
  s.reservoir.units = 2500;  // long enough to be caught running
  QSignalSpy cancelled(w.jobs(), &JobRunner::cancelledJob);
  QSignalSpy shown(&w, &MainWindow::sessionShown);
  w.startSession(s);
  ASSERT_TRUE(w.jobs()->busy());
  QTest::qWait(150);
  w.stop();
  ASSERT_TRUE(cancelled.wait(30000));
  EXPECT_FALSE(w.jobs()->busy());
  EXPECT_EQ(shown.count(), 0);
  EXPECT_FALSE(w.workspace()->session());
}

TEST(MainWindow, SelectionInOneViewShowsInTheOthers) {
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  const auto& s = w.workspace()->session();
  // Sentences -> workspace, map trajectory, heatmap.
  const int target = s->points->dataset_index[7];
  auto* table = w.sentencesView()->table();
  const QModelIndex row = table->model()->index(target, 0);  // sorted by index: row == test index
  table->selectionModel()->setCurrentIndex(row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  EXPECT_EQ(w.workspace()->selected(), target);
  QTest::qWait(80);
  const int len = s->corpus->test.sentences[static_cast<size_t>(target)].length();
  EXPECT_EQ(w.heatmapView()->columns(), len);
  int curve_points = 0;
  for (int i = 0; i < w.mapView()->plottableCount(); ++i)
    if (auto* c = qobject_cast<QCPCurve*>(w.mapView()->plottable(i))) curve_points = c->dataCount();
  EXPECT_EQ(curve_points, len);
  // Its words: one per point, placed or hidden, never covering one another.
  const auto& boxes = w.mapView()->wordBoxes();
  EXPECT_EQ(boxes.size() + w.mapView()->hiddenWords(), len);
  EXPECT_GE(boxes.size(), 1);
  for (int a = 0; a < boxes.size(); ++a)
    for (int b = a + 1; b < boxes.size(); ++b) EXPECT_FALSE(boxes[a].intersects(boxes[b])) << a << " " << b;
  // Map click -> table and heatmap.
  const int p = s->points->point_of[20][3];
  const QPoint px(qRound(w.mapView()->xAxis->coordToPixel(s->layout(p, 0))),
                  qRound(w.mapView()->yAxis->coordToPixel(s->layout(p, 1))));
  ASSERT_GE(w.mapView()->pointAt(px, 1.0), 0);  // within a pixel's rounding
  QTest::mouseClick(w.mapView(), Qt::LeftButton, {}, px);
  const int picked = w.workspace()->selected();
  ASSERT_GE(picked, 0);
  // The click picks the point nearest the cursor (p, or one drawn on the same pixel).
  const int under = w.mapView()->pointAt(px);
  EXPECT_EQ(picked, s->points->dataset_index[static_cast<size_t>(s->points->sentence[static_cast<size_t>(under)])]);
  EXPECT_EQ(w.sentencesView()->selectedInTable(), picked);
  // The hover text names the sentence with the current word highlighted, the step and
  // the decoded output at that step.
  const QString tip = w.mapView()->describePoint(under);
  const auto& sent = s->corpus->test.sentences[static_cast<size_t>(picked)];
  const int step = s->points->step[static_cast<size_t>(under)];
  const QString word = QString::fromStdString(s->corpus->grammar.vocabulary()[static_cast<size_t>(sent.tokens[static_cast<size_t>(step)])]);
  EXPECT_TRUE(tip.contains("[" + word + "]")) << tip.toStdString();
  EXPECT_TRUE(tip.contains(QString("step %1").arg(step))) << tip.toStdString();
  EXPECT_TRUE(tip.contains("Decoded")) << tip.toStdString();
  QTest::qWait(80);
  EXPECT_EQ(w.heatmapView()->columns(), s->corpus->test.sentences[static_cast<size_t>(picked)].length());
  // Heatmap row click -> the map is coloured by that unit.
  w.heatmapView()->activateRow(2);
  EXPECT_EQ(w.workspace()->colourMode(), ColourMode::unit);
  EXPECT_EQ(w.workspace()->colourParameter(), w.heatmapView()->unitAtRow(2));
  EXPECT_EQ(w.colourBox()->currentIndex(), static_cast<int>(ColourMode::unit));
}

TEST(MainWindow, ColourModesChangeColoursAndLegend) {
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  auto* map = w.mapView();
  QStringList titles;
  QVector<QVector<QRgb>> colours;
  for (int mode = 0; mode < 5; ++mode) {
    w.colourBox()->setCurrentIndex(mode);
    QTest::qWait(70);
    titles << map->legendTitle();
    colours << map->scatter()->colours();
    const bool continuous = mode >= 3;
    EXPECT_EQ(map->colourBarVisible(), continuous) << mode;
    // The colour bar is a bar with its axis, not a block as wide as the legend column.
    if (continuous) EXPECT_LT(map->colourBarRect().width(), 90) << mode;
    // ... and the side column never squeezes the map itself.
    EXPECT_GT(map->axisRect()->height(), map->height() / 2) << mode;
    if (continuous) EXPECT_GT(map->colourBarRect().height(), map->height() / 3) << mode;
    EXPECT_EQ(map->legendEntries().isEmpty(), continuous) << mode;
  }
  EXPECT_EQ(titles[0], "Clause position");
  EXPECT_EQ(titles[2], "Word read");
  EXPECT_TRUE(titles[3].startsWith("Output"));
  EXPECT_TRUE(titles[4].contains("unit"));
  for (int a = 0; a < 5; ++a)
    for (int b = a + 1; b < 5; ++b) EXPECT_NE(colours[a], colours[b]) << a << " vs " << b;
  // Error-code legend names only the codes present; word legend the words present.
  w.colourBox()->setCurrentIndex(2);
  QTest::qWait(70);
  EXPECT_TRUE(map->legendEntries().contains("and"));
  EXPECT_TRUE(map->legendEntries().contains("END"));
  // The learning-stage timeline recolours the error codes: the first stage (one sentence
  // seen) differs from the final readout.
  w.colourBox()->setCurrentIndex(1);
  QTest::qWait(70);
  const auto final_colours = map->scatter()->colours();
  w.timelineView()->slider()->setValue(0);
  QTest::qWait(70);
  EXPECT_NE(map->scatter()->colours(), final_colours);
  EXPECT_TRUE(map->legendTitle().contains("after 1 sentence"));
}

TEST(MainWindow, EventLoopNeverStallsWhileTrainingOrExploring) {
  MainWindow w(nullptr, false);
  w.show();
  {
    rssviz::test::StallMeter m;
    w.startSession(ModelSettings{});  // the paper's 1000-unit ESN: several seconds of work
    ASSERT_TRUE(rssviz::test::waitSession(w, 120000));
    std::printf("longest event-loop gap while training: %lld ms\n", static_cast<long long>(m.worst()));
    if (!rssviz::test::kSanitized) EXPECT_LT(m.worst(), 50) << "event loop stalled while training";
  }
  {
    rssviz::test::StallMeter m;
    // A burst of slider moves, as a drag produces, each restarting the exploration.
    for (int i = 0; i < 25; ++i) {
      w.modelPanel()->spectralRadius()->slider()->setValue(300 + 12 * i);
      QTest::qWait(16);
    }
    QElapsedTimer t;
    t.start();
    while (w.jobs()->busy() && t.elapsed() < 60000) QTest::qWait(10);
    QTest::qWait(100);
    std::printf("longest event-loop gap during the slider burst: %lld ms\n", static_cast<long long>(m.worst()));
    if (!rssviz::test::kSanitized) EXPECT_LT(m.worst(), 50) << "event loop stalled during the slider burst";
    EXPECT_FALSE(w.workspace()->session()->trained);
  }
}

TEST(MainWindow, ClosingDuringAJobCancelsIt) {
  auto* w = new MainWindow(nullptr, false);
  w->show();
  w->startSession(ModelSettings{});
  QTest::qWait(100);
  ASSERT_TRUE(w->jobs()->busy());
  QElapsedTimer t;
  t.start();
  w->close();  // cancels and waits for the job thread
  delete w;
  EXPECT_LT(t.elapsed(), 10000);
}

TEST(MainWindow, LstmTrainsLiveAndItsStagesMoveTheMap) {
  MainWindow w(nullptr, false);
  w.show();
  ModelSettings s;
  s.model = rssviz::experiment::ModelKind::lstm;
  s.lstm.hidden = 8;
  s.trainer.epochs = 3;
  s.map_sentences = 40;
  QSignalSpy shown(&w, &MainWindow::sessionShown);
  w.startSession(s);
  QElapsedTimer t;
  t.start();
  while (w.jobs()->busy() && t.elapsed() < 60000) QTest::qWait(20);
  QTest::qWait(160);
  ASSERT_FALSE(w.jobs()->busy());
  EXPECT_GE(shown.count(), 2);  // live frames while training, then the final session
  const auto& session = w.workspace()->session();
  ASSERT_TRUE(session);
  EXPECT_EQ(session->model, rssviz::experiment::ModelKind::lstm);
  ASSERT_EQ(session->stages.size(), 4u);  // initial weights + 3 epochs
  EXPECT_EQ(w.trainingView()->pointCount(), 3);
  // Moving the timeline to the initial weights shows that frame's own points and layout.
  w.timelineView()->slider()->setValue(0);
  QTest::qWait(120);
  const auto& first = session->stages[0];
  ASSERT_EQ(w.mapView()->scatter()->points().size(), first.points->size());
  EXPECT_FLOAT_EQ(static_cast<float>(w.mapView()->scatter()->points()[5].x()), first.layout(5, 0));
  EXPECT_EQ(w.heatmapView()->rows(), std::min(60, 8));
}

// Regression (asan preset, UBSan: "member call on address ... which does not point to an
// object of type Workspace"): the window's members were destroyed before QWidget's
// destructor deleted the views, and a view being torn down still read the workspace.
TEST(MainWindow, ClosingAWindowDeletesItsViewsBeforeItsWorkspace) {
  auto* w = new MainWindow(nullptr, false);
  w->show();
  w->startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(*w));
  QStringList order;
  QObject::connect(w->workspace(), &QObject::destroyed, [&] { order << "workspace"; });
  QObject::connect(w->sentencesView(), &QObject::destroyed, [&] { order << "sentences"; });
  QObject::connect(w->mapView(), &QObject::destroyed, [&] { order << "map"; });
  delete w;
  ASSERT_EQ(order.size(), 3) << order.join(", ").toStdString();
  EXPECT_EQ(order.last(), "workspace") << order.join(", ").toStdString();
}

}  // namespace rssviz_test_main_window
