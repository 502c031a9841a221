// Offscreen tests of the window's exports: File > Export figure and the context menus
// (FigureExporter), File > Export animation as a background job (AnimationJob) that
// keeps the event loop free and can be cancelled, and File > Export states.
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QAction>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "ui/animation_dialog.hpp"
#include "ui/animation_job.hpp"
#include "ui/figures/export_actions.hpp"
#include "ui/heatmap_view.hpp"
#include "ui/main_window.hpp"
#include "tests/ui/window_helpers.hpp"
#include "ui/map_view.hpp"
#include "ui/training_view.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_window_exports {

using namespace rssviz;
using namespace rssviz::ui;

namespace {

QAction* findAction(QWidget* w, const QString& text) {
  for (auto* a : w->findChildren<QAction*>())
    if (a->text().remove('&').startsWith(text)) return a;
  return nullptr;
}

}  // namespace

TEST(WindowExports, MenusOfferFiguresAnimationsAndStatesWithTheirShortcuts) {
  MainWindow w(nullptr, false);
  auto* fig = findAction(&w, "Export figure");
  ASSERT_NE(fig, nullptr);
  EXPECT_EQ(fig->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  auto* anim = findAction(&w, "Export animation");
  ASSERT_NE(anim, nullptr);
  EXPECT_EQ(anim->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
  EXPECT_NE(findAction(&w, "Export states"), nullptr);
  // No two actions share a shortcut.
  QHash<QString, QString> seen;
  for (auto* a : w.findChildren<QAction*>()) {
    if (a->shortcut().isEmpty()) continue;
    const QString key = a->shortcut().toString();
    EXPECT_FALSE(seen.contains(key)) << key.toStdString() << ": " << seen.value(key).toStdString() << " and "
                                     << a->text().toStdString();
    seen.insert(key, a->text());
  }
  // Each view's context menu exports and copies.
  auto* menu = w.exporter()->contextMenu(figures::View::heatmap, &w);
  QStringList items;
  for (auto* a : menu->actions()) items << a->text().remove('&');
  EXPECT_TRUE(items.contains("Export as PNG…"));
  EXPECT_TRUE(items.contains("Export as SVG…"));
  EXPECT_TRUE(items.contains("Export as PDF…"));
  EXPECT_TRUE(items.contains("Copy to clipboard"));
  delete menu;
}

TEST(WindowExports, FigureOfTheWindowKeepsItsStateAndZoom) {
  MainWindow w(nullptr, false);
  w.resize(1400, 900);
  w.show();
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  w.workspace()->setColour(ColourMode::word);
  QTest::qWait(100);
  auto* map = w.mapView();
  map->xAxis->setRange(map->xAxis->range().center() - 1, map->xAxis->range().center() + 1);  // zoomed in
  const auto o = w.exporter()->windowOptions(figures::View::map);
  ASSERT_TRUE(o.map_range.has_value());
  EXPECT_NEAR(o.map_range->width(), 2.0, 1e-9);
  EXPECT_EQ(o.size, map->size() * 2);
  QTemporaryDir dir;
  const QString path = dir.filePath("window-map.png");
  QSignalSpy done(w.exporter(), &figures::FigureExporter::message);
  ASSERT_TRUE(w.exporter()->exportTo(figures::View::map, path, o));
  EXPECT_EQ(done.count(), 1);
  const QImage img(path);
  EXPECT_EQ(img.size(), o.size);
  // The same state drawn by a fresh figure: the window's colour mode and zoom.
  figures::Figure f(figures::View::map, o);
  f.copyState(*w.workspace());
  f.image();
  EXPECT_EQ(f.mapView()->legendTitle(), "Word read");
  EXPECT_NEAR(f.mapView()->xAxis->range().size(), 2.0, 1e-9);
  // A bad path is reported, not thrown.
  QSignalSpy failed(w.exporter(), &figures::FigureExporter::failed);
  EXPECT_FALSE(w.exporter()->exportTo(figures::View::map, dir.filePath("no/such/x.png"), o));
  EXPECT_EQ(failed.count(), 1);
}

TEST(WindowExports, AnimationRunsInTheBackgroundWithoutStallingAndWritesItsGif) {
  MainWindow w(nullptr, false);
  w.show();
  QTemporaryDir dir;
  experiment::AnimationOptions ao;
  ao.kind = experiment::AnimationKind::lstm_epochs;
  ao.lstm = experiment::lstm_session_options(4, 1);
  ao.lstm.model.hidden = 6;
  ao.lstm.trainer.epochs = 3;
  ao.lstm.map_sentences = 20;
  ao.between = 1;
  figures::AnimationLook look;
  look.figure.size = QSize(400, 300);
  look.colour = parseColourChoice("error");
  figures::AnimationOutput out;
  out.gif = dir.filePath("anim.gif");
  QSignalSpy finished(w.animationJob(), &AnimationJob::finished);
  // The event loop keeps turning: the longest gap between 5 ms ticks stays short.
  QElapsedTimer clock;
  clock.start();
  qint64 last = -1, worst = 0;
  QTimer tick;
  tick.setInterval(5);
  QObject::connect(&tick, &QTimer::timeout, [&] {
    const qint64 now = clock.elapsed();
    if (last >= 0) worst = std::max(worst, now - last);
    last = now;
  });
  tick.start();
  w.animationJob()->start(ao, look, out);
  EXPECT_TRUE(w.animationJob()->running());
  ASSERT_TRUE(finished.wait(120000));
  EXPECT_FALSE(w.animationJob()->running());
  EXPECT_LT(worst, 250) << "the event loop stalled for " << worst << " ms";
  QImageReader gif(out.gif);
  EXPECT_EQ(gif.imageCount(), 1 + 3 * 2);
  EXPECT_EQ(gif.size(), QSize(400, 300));
  EXPECT_NE(finished.first().first().toString().indexOf("7 frames"), -1) << finished.first().first().toString().toStdString();
}

TEST(WindowExports, CancellingAnAnimationWritesNothing) {
  MainWindow w(nullptr, false);
  w.show();
  QTemporaryDir dir;
  experiment::AnimationOptions ao;
  ao.kind = experiment::AnimationKind::sweep;
  ao.explore.reservoir.units = 100;
  ao.explore.map_sentences = 30;
  ao.sweep = experiment::parse_sweep("spectral-radius=0.5:2:40");
  figures::AnimationLook look;
  look.figure.size = QSize(320, 240);
  figures::AnimationOutput out;
  out.gif = dir.filePath("never.gif");
  QSignalSpy cancelled(w.animationJob(), &AnimationJob::cancelled);
  w.animationJob()->start(ao, look, out);
  QTest::qWait(300);
  w.stop();  // Esc / the status bar's Cancel
  EXPECT_FALSE(w.animationJob()->running());
  EXPECT_GE(cancelled.count(), 1);
  QTest::qWait(500);
  EXPECT_FALSE(QFileInfo::exists(out.gif));
  EXPECT_TRUE(QTest::qWaitFor([&] { return !w.jobs()->busy(); }, 30000));
}

TEST(WindowExports, BadAnimationSettingsAreReportedNotStarted) {
  MainWindow w(nullptr, false);
  QSignalSpy failed(w.animationJob(), &AnimationJob::failed);
  experiment::AnimationOptions ao;
  ao.kind = experiment::AnimationKind::sweep;
  ao.sweep.frames = 1;  // out of range
  figures::AnimationLook look;
  figures::AnimationOutput out;
  out.gif = "/no/such/folder/x.gif";
  w.animationJob()->start(ao, look, out);
  EXPECT_EQ(failed.count(), 1);
  EXPECT_FALSE(w.animationJob()->running());
}

TEST(WindowExports, DialogPreviewsFirstAndLastStagesOfTheCurrentSession) {
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  AnimationDialog d(w.modelPanel()->settings(), w.workspace());
  EXPECT_EQ(d.kindBox()->currentIndex(), 0);  // the ESN's readout stages
  ASSERT_FALSE(d.firstPreview()->pixmap().isNull());
  ASSERT_FALSE(d.lastPreview()->pixmap().isNull());
  EXPECT_NE(d.firstPreview()->pixmap().toImage(), d.lastPreview()->pixmap().toImage());
  const auto ao = d.animation();
  EXPECT_EQ(ao.kind, experiment::AnimationKind::esn_readout);
  EXPECT_EQ(ao.esn.reservoir.units, 150);
  d.kindBox()->setCurrentIndex(2);  // a sweep: no preview from a trained session
  EXPECT_TRUE(d.firstPreview()->pixmap().isNull());
  EXPECT_EQ(d.animation().kind, experiment::AnimationKind::sweep);
}

TEST(WindowExports, StatesGoToNumpyLabelsAndMap) {
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  QTemporaryDir dir;
  ASSERT_TRUE(w.exporter()->exportStates(dir.filePath("st.npy")));
  for (const char* f : {"st.npy", "st.tsv", "st-map.npy"}) EXPECT_TRUE(QFileInfo::exists(dir.filePath(f))) << f;
  QFile tsv(dir.filePath("st.tsv"));
  ASSERT_TRUE(tsv.open(QIODevice::ReadOnly));
  const int lines = tsv.readAll().count('\n');
  EXPECT_EQ(lines - 1, static_cast<int>(w.workspace()->session()->points->rows_total));
}

}  // namespace rssviz_test_window_exports
