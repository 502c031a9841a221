// The main window: dockable views around the RSSviz map.
#pragma once
#include <QMainWindow>

class QCustomPlot;

namespace rssviz::ui {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);

  QCustomPlot* mapPlot() const { return map_; }

 private:
  QCustomPlot* map_ = nullptr;
};

}  // namespace rssviz::ui
