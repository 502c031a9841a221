// Training curves: for the LSTM the loss and validation errors per epoch, drawn live;
// for the ESN the test errors against the number of training sentences (its learning
// stages). A vertical line marks the stage shown in the timeline.
#pragma once
#include <qcustomplot.h>

#include "ui/workspace.hpp"

namespace rssviz::ui {

class TrainingView : public QCustomPlot {
  Q_OBJECT
 public:
  explicit TrainingView(Workspace* ws, QWidget* parent = nullptr);
  // Draws a curve (a live LSTM snapshot or the session's).
  void showCurve(const experiment::TrainingCurve& c, bool live);
  int pointCount() const { return valid_->data()->size(); }
  // Redraws from the workspace's session when something changed (redraw timer).
  bool dirty() const { return dirty_; }
  void refresh();

 private:
  void markStage();
  Workspace* ws_;
  QCPGraph* loss_;
  QCPGraph* valid_;
  QCPGraph* exact_;
  QCPItemStraightLine* marker_;
  QCPItemText* placeholder_;
  bool dirty_ = false;
};

}  // namespace rssviz::ui
