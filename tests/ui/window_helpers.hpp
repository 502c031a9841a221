// Helpers shared by the offscreen window tests.
#pragma once
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <algorithm>

#include "core/common/sanitizers.hpp"
#include "ui/heatmap_view.hpp"
#include "ui/main_window.hpp"
#include "ui/map_view.hpp"
#include "ui/training_view.hpp"

namespace rssviz::test {

// Built with a sanitizer (the asan and tsan presets): instrumented code runs 2-20x
// slower, so the tests that bound the event loop's latency print it instead of
// asserting it (it says nothing about the product there).
#if RSSVIZ_ASAN || RSSVIZ_TSAN
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

// A small ESN session, quick enough for tests (the default one is the paper's 1000 units).
inline ui::ModelSettings smallEsn() {
  ui::ModelSettings s;
  s.reservoir.units = 150;
  s.map_sentences = 60;
  return s;
}

// Waits for the next session to reach the views and for the redraw timer to draw it.
inline bool waitSession(ui::MainWindow& w, int ms = 60000) {
  QSignalSpy spy(&w, &ui::MainWindow::sessionShown);
  if (!spy.wait(ms)) return false;
  // The redraw timer rebuilds one plot per 33 ms tick: wait until all are drawn.
  return QTest::qWaitFor(
      [&] { return !w.mapView()->dirty() && !w.heatmapView()->dirty() && !w.trainingView()->dirty(); }, 10000);
}

// The longest gap between 5 ms timer ticks since construction: how long the event loop
// stalled at worst.
class StallMeter {
 public:
  StallMeter() {
    timer_.setInterval(5);
    QObject::connect(&timer_, &QTimer::timeout, [this] {
      const qint64 now = clock_.elapsed();
      if (last_ >= 0) worst_ = std::max(worst_, now - last_);
      last_ = now;
    });
    clock_.start();
    timer_.start();
  }
  qint64 worst() const { return worst_; }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ = -1, worst_ = 0;
};

}  // namespace rssviz::test
