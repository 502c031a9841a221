// Issue #14, stress: thousands of random user actions, interleaved and fast (slider drags
// and typed values, Train and Stop presses, colour modes, sentences, learning stages),
// with the event loop running between them. Nothing may crash or leak (the asan preset
// runs this under LeakSanitizer), no job may fail, and when the dust settles the window
// must show exactly what the last request asked for: the map of the final slider values
// (compared with a fresh computation of those values), then the readout a Train of
// those settings fits.
//
// Actions: RSSVIZ_STRESS_ACTIONS (default 3000, a few tens of seconds in release; the
// sanitizer test presets set a smaller count). Seed: RSSVIZ_STRESS_SEED (default 14).
#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QTest>
#include <cstdio>
#include <random>

#include "core/experiment/explore.hpp"
#include "core/experiment/workbench.hpp"
#include "tests/ui/window_helpers.hpp"
#include "ui/main_window.hpp"
#include "ui/map_view.hpp"
#include "ui/param_slider.hpp"
#include "ui/session_jobs.hpp"
#include "ui/timeline_view.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_stress {

using namespace rssviz;
using namespace rssviz::ui;

namespace {

int envInt(const char* name, int fallback) {
  bool ok = false;
  const int v = qEnvironmentVariableIntValue(name, &ok);
  return ok && v > 0 ? v : fallback;
}

bool waitIdle(MainWindow& w, int ms = 120000) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < ms) {
    if (!w.jobs()->busy()) {
      QTest::qWait(60);  // the finished job's result and the redraw timer
      if (!w.jobs()->busy() && !w.mapView()->dirty()) return true;
    }
    QTest::qWait(10);
  }
  return false;
}

// One random action; the caller runs the event loop after it.
void randomAction(MainWindow& w, std::mt19937_64& rng, int& trains, int& stops) {
  auto* panel = w.modelPanel();
  ParamSlider* sliders[] = {panel->spectralRadius(), panel->leakRate(), panel->inputScaling()};
  const auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const int what = pick(100);
  if (what < 45) {  // a drag step: the slider by a few ticks, or a jump
    auto* s = sliders[pick(3)]->slider();
    const int step = pick(4) == 0 ? pick(1001) - s->value() : pick(41) - 20;
    s->setValue(std::clamp(s->value() + step, 0, 1000));
  } else if (what < 55) {  // a typed value, anywhere in the field's range
    auto* p = sliders[pick(3)];
    const double t = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    p->field()->setValue(p->minimum() + t * (p->maximum() - p->minimum()));
  } else if (what < 63) {
    ++trains;
    panel->trainButton()->click();
  } else if (what < 71) {
    if (panel->stopButton()->isEnabled()) ++stops;
    panel->stopButton()->click();  // a press on the disabled button does nothing, as for a user
  } else if (what < 83) {
    w.colourBox()->setCurrentIndex(pick(w.colourBox()->count()));
  } else if (what < 93) {
    w.workspace()->select(pick(1000));
  } else {
    auto* t = w.timelineView()->slider();
    t->setValue(t->minimum() + pick(t->maximum() - t->minimum() + 1));
  }
}

}  // namespace

TEST(Stress, ThousandsOfRandomActionsEndInTheLastRequest) {
  const int actions = envInt("RSSVIZ_STRESS_ACTIONS", 3000);
  const auto seed = static_cast<std::uint64_t>(envInt("RSSVIZ_STRESS_SEED", 14));
  std::mt19937_64 rng(seed);
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(test::smallEsn());
  ASSERT_TRUE(test::waitSession(w));
  QSignalSpy failed(w.jobs(), &JobRunner::failed);
  QSignalSpy shown(&w, &MainWindow::sessionShown);
  int trains = 0, stops = 0;
  QElapsedTimer clock;
  clock.start();
  for (int i = 0; i < actions; ++i) {
    randomAction(w, rng, trains, stops);
    QCoreApplication::processEvents();
    // Sometimes a job gets to finish: a wait of up to 25 ms, ten times longer in a
    // sanitized build, whose jobs run several times slower (else none would finish).
    if (rng() % 10 == 0) QTest::qWait(static_cast<int>(rng() % 25) * (test::kSanitized ? 10 : 1));
  }
  std::printf("stress: %d actions (%d trains, %d stops while busy) in %.1f s, %lld sessions shown\n", actions, trains,
              stops, clock.elapsed() / 1e3, static_cast<long long>(shown.count()));
  EXPECT_GT(shown.count(), 0);  // results did get through between the requests

  // The last request: one more slider move to known values. The map must be theirs.
  auto* panel = w.modelPanel();
  panel->inputScaling()->setValue(0.7);
  panel->leakRate()->setValue(0.3);
  panel->spectralRadius()->setValue(1.7);
  ASSERT_TRUE(waitIdle(w));
  EXPECT_EQ(failed.count(), 0) << (failed.isEmpty() ? "" : failed.first().at(1).toString().toStdString());
  EXPECT_TRUE(w.findChildren<QMessageBox*>("errorBox").isEmpty());
  const ModelSettings final_settings = panel->settings();
  ASSERT_EQ(final_settings.reservoir.spectral_radius, 1.7);
  ASSERT_EQ(final_settings.reservoir.leak_rate, 0.3);
  ASSERT_EQ(final_settings.reservoir.input_scaling, 0.7);
  const auto shown_session = w.workspace()->session();
  ASSERT_TRUE(shown_session);
  EXPECT_FALSE(shown_session->trained);
  const auto fresh = experiment::Explorer(exploreOptions(final_settings))
                         .update(esn::Scalings::of(final_settings.reservoir), nullptr);
  ASSERT_EQ(shown_session->points->dataset_index, fresh->points->dataset_index);
  ASSERT_EQ(shown_session->points->X.rows(), fresh->points->X.rows());
  EXPECT_EQ((shown_session->points->X - fresh->points->X).cwiseAbs().maxCoeff(), 0.0f);  // same states, bit for bit
  EXPECT_EQ(shown_session->description, fresh->description);
  // ... and the map draws that session, every point where its layout puts it.
  const auto& drawn = w.mapView()->scatter()->points();
  ASSERT_EQ(drawn.size(), shown_session->points->size());
  for (int p = 0; p < drawn.size(); p += 17) {
    EXPECT_FLOAT_EQ(static_cast<float>(drawn[p].x()), shown_session->layout(p, 0)) << p;
    EXPECT_FLOAT_EQ(static_cast<float>(drawn[p].y()), shown_session->layout(p, 1)) << p;
  }

  // Then a Train press of those settings: the readout must be the one a fresh build fits.
  panel->trainButton()->click();
  ASSERT_TRUE(waitIdle(w));
  const auto trained = w.workspace()->session();
  ASSERT_TRUE(trained && trained->trained);
  const auto reference = experiment::build_esn_session(esnSessionOptions(final_settings));
  ASSERT_EQ(trained->readout.rows(), reference->readout.rows());
  ASSERT_EQ(trained->readout.cols(), reference->readout.cols());
  EXPECT_EQ((trained->readout - reference->readout).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ(trained->scores.valid_error, reference->scores.valid_error);
  EXPECT_EQ(trained->scores.exact_error, reference->scores.exact_error);
  EXPECT_EQ(failed.count(), 0);
}

}  // namespace rssviz_test_stress
