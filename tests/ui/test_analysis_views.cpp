// Offscreen tests of the unit-analysis views (ui/analysis_views.hpp): each draws for
// both models, follows a change of sentence and stage, exports to PNG / SVG through the
// figure renderer, and links to the map and the heatmap; the window's docks follow the
// session and the selection.
#include <gtest/gtest.h>

#include <QDir>
#include <QDockWidget>
#include <QXmlStreamReader>

#include "core/experiment/workbench.hpp"
#include "ui/analysis_views.hpp"
#include "ui/figures/figure.hpp"
#include "ui/heatmap_view.hpp"
#include "ui/map_view.hpp"
#include "window_helpers.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_analysis_views {

using namespace rssviz;
using namespace rssviz::ui;
using namespace rssviz::ui::figures;

namespace {

std::shared_ptr<const experiment::MapSession> esnS() {
  static std::shared_ptr<const experiment::MapSession> s = [] {
    experiment::EsnSessionOptions o;
    o.reservoir.units = 120;
    o.map_sentences = 40;
    o.include_sentences = {12, 700};
    o.stages = {10, 1000};
    return std::shared_ptr<const experiment::MapSession>(experiment::build_esn_session(o));
  }();
  return s;
}

std::shared_ptr<const experiment::MapSession> lstmS() {
  static std::shared_ptr<const experiment::MapSession> s = [] {
    auto o = experiment::lstm_session_options(4, 1);
    o.model.hidden = 8;
    o.trainer.epochs = 2;
    o.map_sentences = 30;
    o.include_sentences = {12, 700};
    return std::shared_ptr<const experiment::MapSession>(experiment::build_lstm_session(o));
  }();
  return s;
}

constexpr View kAnalysisViews[] = {View::winglet, View::polyvalent, View::activity,
                                   View::influence, View::cells, View::outputs};

double ink(const QImage& img) {
  long long n = 0;
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x) {
      const QRgb p = img.pixel(x, y);
      n += qRed(p) < 240 || qGreen(p) < 240 || qBlue(p) < 240;
    }
  return static_cast<double>(n) / (static_cast<double>(img.width()) * img.height());
}

QStringList svgTexts(const QByteArray& svg) {
  QXmlStreamReader xml(svg);
  QStringList texts;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement() && xml.name() == QLatin1String("text"))
      texts << xml.readElementText(QXmlStreamReader::IncludeChildElements).simplified();
  }
  return xml.hasError() ? QStringList{} : texts;
}

}  // namespace

TEST(AnalysisViews, EachViewDrawsForBothModelsAndFollowsTheSentence) {
  for (const auto& session : {esnS(), lstmS()}) {
    const bool is_lstm = session->model == experiment::ModelKind::lstm;
    for (View v : kAnalysisViews) {
      FigureOptions o;
      o.size = QSize(800, 600);
      Figure f(v, o);
      f.workspace()->setSession(session);
      f.workspace()->select(12);
      const QImage img = f.image();
      auto* view = f.analysisView();
      ASSERT_NE(view, nullptr);
      const std::string what = viewName(v).toStdString() + (is_lstm ? " lstm" : " esn");
      EXPECT_TRUE(view->drawn()) << what << ": " << view->placeholderText().toStdString();
      EXPECT_GT(view->dataCount(), 0) << what;
      EXPECT_EQ(img.size(), QSize(800, 600));
      EXPECT_GT(ink(img), 0.01) << what;
      if (qEnvironmentVariableIsSet("RSSVIZ_TEST_FIGURES"))
        img.save(QDir(qEnvironmentVariable("RSSVIZ_TEST_FIGURES")).filePath(QString::fromStdString(what).replace(' ', '-') + ".png"));
      // Another sentence (two objects, longer): the sentence views follow it.
      const int before = view->dataCount();
      f.workspace()->select(700);
      const QImage other = f.image();
      EXPECT_TRUE(view->drawn()) << what;
      const auto& s12 = session->corpus->test.sentences[12];
      const auto& s700 = session->corpus->test.sentences[700];
      if (v == View::activity || v == View::cells || v == View::outputs) {
        ASSERT_NE(s12.length(), s700.length());
        EXPECT_NE(view->dataCount(), before) << what;
        EXPECT_NE(other, img) << what;
      } else {
        EXPECT_EQ(view->dataCount(), before) << what << " does not depend on the sentence";
      }
    }
  }
}

TEST(AnalysisViews, StepViewsCountTheSentencesRowsAndStagesChangeTheReadout) {
  for (const auto& session : {esnS(), lstmS()}) {
    Workspace ws;
    ws.setSession(session);
    ws.select(700);
    ActivityView a(&ws);
    OutputsView out(&ws);
    CellsView c(&ws);
    WingletView w(&ws);
    for (AnalysisPlot* p : std::initializer_list<AnalysisPlot*>{&a, &out, &c, &w}) p->refresh();
    const int rows = session->corpus->test.sentences[700].length() + (session->model == experiment::ModelKind::lstm ? 1 : 0);
    EXPECT_EQ(a.steps(), rows);
    EXPECT_EQ(out.steps(), rows);
    EXPECT_EQ(c.steps(), rows);
    // A learning stage: the views are marked dirty and redraw from that stage's readout.
    EXPECT_FALSE(w.dirty());
    ws.setStage(0);
    EXPECT_TRUE(w.dirty());
    EXPECT_TRUE(out.dirty());
    w.refresh();
    EXPECT_TRUE(w.drawn());
    // No sentence: the sentence views say so.
    ws.select(-1);
    a.refresh();
    EXPECT_FALSE(a.drawn());
    EXPECT_FALSE(a.placeholderText().isEmpty());
  }
}

TEST(AnalysisViews, ExportsAsSvgWithText) {
  FigureOptions o;
  o.size = QSize(900, 600);
  Figure f(View::influence, o);
  f.workspace()->setSession(esnS());
  const QStringList texts = svgTexts(f.svg());
  ASSERT_FALSE(texts.isEmpty());
  EXPECT_TRUE(texts.contains("and")) << texts.join("|").toStdString();  // the words on the x axis
  EXPECT_TRUE(texts.contains("END"));
  EXPECT_FALSE(texts.contains("BEGIN"));  // excluded by definition
  Figure g(View::outputs, o);
  g.workspace()->setSession(lstmS());
  g.workspace()->select(12);
  const QStringList out = svgTexts(g.svg());
  EXPECT_TRUE(out.contains("object 1 · position")) << out.join("|").toStdString();
  EXPECT_TRUE(out.contains("glass"));
}

TEST(AnalysisViews, LinksPickAUnitMarkAWordAndRingAHoveredStep) {
  Workspace ws;
  ws.setSession(esnS());
  ws.select(12);
  MapView map(&ws);
  map.resize(600, 500);
  HeatmapView heat(&ws);
  heat.resize(500, 400);
  heat.setOrder(HeatmapView::Order::polyvalent);
  PolyvalentView poly(&ws);
  InfluenceView infl(&ws);
  ActivityView act(&ws);
  map.refresh();
  heat.refresh();
  poly.refresh();
  infl.refresh();
  act.refresh();
  ASSERT_FALSE(poly.units().empty());
  // Picking a polyvalent unit: highlighted (its heatmap row outlined) and the map coloured by it.
  poly.pickBar(0);
  const int u = poly.units().front().unit;
  EXPECT_EQ(ws.highlightedUnit(), u);
  EXPECT_EQ(ws.colourMode(), ColourMode::unit);
  EXPECT_EQ(ws.colourParameter(), u);
  EXPECT_EQ(heat.unitAtRow(heat.highlightedRow()), u);
  EXPECT_EQ(heat.highlightedRow(), 0);  // polyvalent order: the first bar is the first row
  // Picking a word: every state reached by reading it is ringed on the map.
  ASSERT_FALSE(infl.words().empty());
  const int w = infl.words().front();
  infl.pickBar(0);
  EXPECT_EQ(ws.markedWord(), w);
  int expected = 0;
  for (int p : esnS()->points->word) expected += p == w;
  EXPECT_EQ(map.markedPoints(), expected);
  EXPECT_GT(expected, 0);
  infl.pickBar(0);  // again: unmarked
  EXPECT_EQ(map.markedPoints(), 0);
  // Hovering a step of the activity plot rings that point of the trajectory.
  act.hoverStep(2);
  const int ms = ws.mapIndex(12);
  EXPECT_EQ(map.hoveredPoint(), esnS()->points->point_of[static_cast<size_t>(ms)][2]);
  // And back: a point of the trajectory is its step, a point off it none.
  EXPECT_EQ(map.stepOfPoint(esnS()->points->point_of[static_cast<size_t>(ms)][4]), 4);
  int off = 0;
  const auto& traj = esnS()->points->point_of[static_cast<size_t>(ms)];
  while (std::find(traj.begin(), traj.end(), off) != traj.end()) ++off;
  EXPECT_EQ(map.stepOfPoint(off), -1);
  // The word link the other way: the point under the mouse outlines its word's bar.
  int content_point = -1;
  for (int p = 0; p < esnS()->points->size() && content_point < 0; ++p)
    if (std::find(infl.words().begin(), infl.words().end(), esnS()->points->word[static_cast<size_t>(p)]) !=
        infl.words().end())
      content_point = p;
  ASSERT_GE(content_point, 0);
  map.hoverPoint(content_point);
  const int hw = esnS()->points->word[static_cast<size_t>(content_point)];
  EXPECT_EQ(ws.hoveredWord(), hw);
  infl.refresh();
  ASSERT_GE(infl.hoveredBar(), 0);
  EXPECT_EQ(infl.words()[static_cast<size_t>(infl.hoveredBar())], hw);
  map.hoverPoint(-1);  // off the points: nothing outlined
  EXPECT_EQ(ws.hoveredWord(), -1);
  infl.refresh();
  EXPECT_EQ(infl.hoveredBar(), -1);
  ws.select(700);  // a new sentence clears the hovered step
  EXPECT_EQ(ws.hoveredStep(), -1);
}

TEST(AnalysisViews, HeatmapVariationModeAndPolyvalentOrder) {
  Workspace ws;
  ws.setSession(esnS());
  ws.select(12);
  HeatmapView heat(&ws);
  heat.setOrder(HeatmapView::Order::polyvalent);
  heat.refresh();
  const auto poly = experiment::session_polyvalent(*esnS(), -1);
  ASSERT_EQ(heat.rows(), std::min<int>(60, static_cast<int>(poly.size())));
  for (int r = 0; r < heat.rows(); ++r) EXPECT_EQ(heat.unitAtRow(r), poly[static_cast<size_t>(r)].unit);
  heat.setVariation(true);
  heat.refresh();
  EXPECT_TRUE(heat.variation());
  // The variation's first column is 0 and every cell >= 0.
  auto* cm = qobject_cast<QCPColorMap*>(heat.plot()->plottable(0));
  ASSERT_NE(cm, nullptr);
  for (int r = 0; r < heat.rows(); ++r) {
    EXPECT_EQ(cm->data()->cell(0, r), 0.0);
    for (int c = 0; c < heat.columns(); ++c) EXPECT_GE(cm->data()->cell(c, r), 0.0);
  }
}

TEST(AnalysisViews, WindowDocksFollowTheSessionAndTheSelection) {
  ui::MainWindow w(nullptr, false);
  w.resize(1440, 900);
  w.show();
  w.startSession(test::smallEsn());
  ASSERT_TRUE(test::waitSession(w));
  // Every analysis dock: shown in turn, drawn from the session.
  for (auto* v : w.analysisViews()) {
    auto* dock = qobject_cast<QDockWidget*>(v->parentWidget()->parentWidget());
    ASSERT_NE(dock, nullptr);
    dock->show();
    dock->raise();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !v->dirty(); }, 5000)) << v->objectName().toStdString();
    // RSSVIZ_TEST_FIGURES=DIR keeps a grab of the window with this dock raised, to look at it.
    if (qEnvironmentVariableIsSet("RSSVIZ_TEST_FIGURES")) {
      QTest::qWait(100);
      w.grab().save(QDir(qEnvironmentVariable("RSSVIZ_TEST_FIGURES")).filePath("window-" + v->objectName() + ".png"));
    }
    EXPECT_TRUE(v->drawn()) << v->objectName().toStdString() << ": " << v->placeholderText().toStdString();
  }
  EXPECT_TRUE(w.activityView()->drawn()) << w.activityView()->placeholderText().toStdString();
  const int rows = w.activityView()->steps();
  // A new selection redraws the shown view with the new sentence.
  auto* dock = qobject_cast<QDockWidget*>(w.outputsView()->parentWidget()->parentWidget());
  dock->raise();
  int other = -1;
  const auto& test_set = w.workspace()->session()->corpus->test;
  for (int i = 0; i < test_set.size() && other < 0; ++i)
    if (test_set.sentences[static_cast<size_t>(i)].length() != rows) other = i;
  w.workspace()->select(other);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !w.outputsView()->dirty(); }, 5000));
  EXPECT_TRUE(w.outputsView()->drawn()) << w.outputsView()->placeholderText().toStdString();
  EXPECT_EQ(w.outputsView()->steps(), test_set.sentences[static_cast<size_t>(other)].length());
}

}  // namespace rssviz_test_analysis_views
