// Issue #14, divergence in the window: a model that runs away stops with a message in
// the status bar and a warning, the last finite model stays on screen, and the window
// stays usable (the next Train works). The reservoir's extreme corner saturates the
// states but never makes them explode: the map and the readout stay finite.
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QElapsedTimer>
#include <QLabel>
#include <QMessageBox>
#include <QTest>
#include <limits>
#include <stdexcept>

#include "tests/ui/window_helpers.hpp"
#include "ui/main_window.hpp"
#include "ui/map_view.hpp"
#include "ui/param_slider.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_divergence {

using namespace rssviz;
using namespace rssviz::ui;

namespace {

bool waitIdle(MainWindow& w, int ms = 300000) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < ms) {
    if (!w.jobs()->busy()) {
      QTest::qWait(60);
      if (!w.jobs()->busy() && !w.mapView()->dirty()) return true;
    }
    QTest::qWait(10);
  }
  ADD_FAILURE() << "not idle after " << ms << " ms: jobs busy " << w.jobs()->busy() << ", map dirty " << w.mapView()->dirty();
  return false;
}

QString status(MainWindow& w) { return w.findChild<QLabel*>("statusMessage")->text(); }

}  // namespace

TEST(Divergence, LstmAtTheLargestLearningRateStopsWithAMessage) {
  MainWindow w(nullptr, false);
  w.show();
  ModelSettings s;
  s.model = experiment::ModelKind::lstm;
  s.lstm.hidden = 8;
  s.trainer.epochs = 5;
  s.map_sentences = 30;
  s.trainer.learning_rate = 10.0;  // the slider's maximum (the core's limit)
  w.startSession(s);
  ASSERT_EQ(w.modelPanel()->settings().trainer.learning_rate, 10.0);
  ASSERT_TRUE(waitIdle(w, 30000));
  const auto session = w.workspace()->session();
  ASSERT_TRUE(session);
  EXPECT_NE(session->diagnostic.find("training diverged in epoch "), std::string::npos) << session->diagnostic;
  EXPECT_TRUE(status(w).contains("training diverged")) << status(w).toStdString();
  const auto boxes = w.findChildren<QMessageBox*>("errorBox");
  ASSERT_EQ(boxes.size(), 1);
  EXPECT_TRUE(boxes.first()->informativeText().contains("Lower the learning rate"));
  // What is shown is the last finite model: a finite map of every point.
  EXPECT_TRUE(session->layout.allFinite());
  EXPECT_EQ(w.mapView()->scatter()->points().size(), session->points->size());
  EXPECT_LT(static_cast<int>(session->curve.x.size()), s.trainer.epochs);
  boxes.first()->close();
  // Still usable: the paper's rate trains all its epochs.
  s.trainer.learning_rate = 1e-3;
  s.trainer.epochs = 2;
  w.startSession(s);
  ASSERT_TRUE(waitIdle(w));
  ASSERT_TRUE(w.workspace()->session());
  EXPECT_TRUE(w.workspace()->session()->diagnostic.empty());
  EXPECT_EQ(w.workspace()->session()->curve.x.size(), 2u);
  EXPECT_TRUE(status(w).startsWith("LSTM trained")) << status(w).toStdString();
}

TEST(Divergence, ReservoirAtTheSlidersExtremeCornerStaysFinite) {
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(test::smallEsn());
  ASSERT_TRUE(test::waitSession(w));
  auto* p = w.modelPanel();
  // Spectral radius and input scaling at their maxima, leak rate 1: every unit saturates.
  p->leakRate()->setValue(p->leakRate()->maximum());
  p->inputScaling()->setValue(p->inputScaling()->maximum());
  p->spectralRadius()->setValue(p->spectralRadius()->maximum());
  ASSERT_TRUE(waitIdle(w));
  auto s = w.workspace()->session();
  ASSERT_TRUE(s);
  EXPECT_NE(s->description.find("spectral radius 3, leak rate 1, input scaling 5"), std::string::npos) << s->description;
  EXPECT_TRUE(s->points->X.allFinite());
  EXPECT_TRUE(s->layout.allFinite());
  EXPECT_EQ(w.mapView()->scatter()->points().size(), s->points->size());
  // Train there too: a finite readout and scores.
  p->trainButton()->click();
  ASSERT_TRUE(waitIdle(w));
  s = w.workspace()->session();
  ASSERT_TRUE(s && s->trained);
  EXPECT_TRUE(s->readout.allFinite());
  EXPECT_TRUE(s->diagnostic.empty());
  EXPECT_TRUE(w.findChildren<QMessageBox*>("errorBox").isEmpty());
  // The smallest corner: the states nearly vanish (~1e-4), the map is still drawn.
  p->spectralRadius()->setValue(p->spectralRadius()->minimum());
  p->inputScaling()->setValue(p->inputScaling()->minimum());
  p->leakRate()->setValue(p->leakRate()->minimum());
  ASSERT_TRUE(waitIdle(w));
  s = w.workspace()->session();
  EXPECT_TRUE(s->layout.allFinite());
  EXPECT_EQ(w.mapView()->scatter()->points().size(), s->points->size());
  EXPECT_TRUE(w.findChildren<QMessageBox*>("errorBox").isEmpty());
}

// A NaN from anywhere (a session file, a script) never reaches a slider's value.
TEST(Divergence, SlidersRefuseNaNAndClampInfinity) {
  ParamSlider p(0.01, 3.0, 1.1, false, 3);
  QSignalSpy changed(&p, &ParamSlider::valueChanged);
  EXPECT_FALSE(p.setValue(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_EQ(p.value(), 1.1);
  EXPECT_EQ(changed.count(), 0);
  EXPECT_TRUE(p.setValue(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(p.value(), 3.0);
  EXPECT_TRUE(p.setValue(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(p.value(), 0.01);
  EXPECT_EQ(changed.count(), 2);
  ParamSlider q(0.001, 1.0, std::numeric_limits<double>::quiet_NaN(), true, 4);
  EXPECT_EQ(q.value(), 0.001);
  EXPECT_THROW(ParamSlider(0.0, 1.0, 0.5, true, 3), std::invalid_argument);  // a log range must be positive
  EXPECT_THROW(ParamSlider(1.0, std::numeric_limits<double>::infinity(), 2.0, false, 3), std::invalid_argument);
  // ModelPanel::setSettings (what a session file would feed) goes through the same guard.
  ModelPanel panel;
  ModelSettings bad;
  bad.reservoir.spectral_radius = std::numeric_limits<double>::quiet_NaN();
  bad.reservoir.leak_rate = std::numeric_limits<double>::infinity();
  panel.setSettings(bad);
  EXPECT_EQ(panel.settings().reservoir.spectral_radius, ModelSettings{}.reservoir.spectral_radius);
  EXPECT_EQ(panel.settings().reservoir.leak_rate, 1.0);
}

}  // namespace rssviz_test_divergence
