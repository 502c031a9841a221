#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QDockWidget>

#include "ui/main_window.hpp"

TEST(MainWindow, CreatesWithMapAndNamedDocks) {
  rssviz::ui::MainWindow w;
  w.show();
  ASSERT_NE(w.mapPlot(), nullptr);
  const auto docks = w.findChildren<QDockWidget*>();
  EXPECT_GE(docks.size(), 4);
  for (auto* d : docks) EXPECT_FALSE(d->objectName().isEmpty());
}
