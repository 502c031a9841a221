#include "ui/main_window.hpp"

#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <qcustomplot.h>

namespace rssviz::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName("MainWindow");
  setWindowTitle("rssviz");
  map_ = new QCustomPlot(this);
  map_->setObjectName("rssvizMap");
  setCentralWidget(map_);
  for (const char* name : {"Model", "Sentences", "Heatmap", "Training"}) {
    auto* dock = new QDockWidget(tr(name), this);
    dock->setObjectName(QString(name).toLower() + "Dock");
    dock->setWidget(new QLabel(tr(name), dock));
    addDockWidget(Qt::RightDockWidgetArea, dock);
  }
  statusBar()->showMessage(tr("Ready"));
  resize(1280, 800);
}

}  // namespace rssviz::ui
