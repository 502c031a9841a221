// A dock's content for one unit-analysis view: the plot (ui/analysis_views.hpp) under a
// bar of the settings it uses (unit set, output, k, scale, sentences), bound to the
// workspace's AnalysisSettings, so every analysis view follows the same choice.
#pragma once
#include <QWidget>

#include "ui/analysis_views.hpp"

class QComboBox;
class QSpinBox;
class QLineEdit;

namespace rssviz::ui {

class AnalysisPanel : public QWidget {
  Q_OBJECT
 public:
  enum Control { kUnitSet = 1, kOutput = 2, kMinOutputs = 4, kScale = 8, kInfluence = 16 };
  AnalysisPanel(Workspace* ws, AnalysisPlot* plot, int controls, QWidget* parent = nullptr);
  AnalysisPlot* plot() const { return plot_; }

 private:
  void syncFromWorkspace();
  void apply();
  Workspace* ws_;
  AnalysisPlot* plot_;
  QComboBox* units_ = nullptr;
  QLineEdit* hand_ = nullptr;
  QComboBox* output_ = nullptr;
  QSpinBox* k_ = nullptr;
  QComboBox* scale_ = nullptr;
  QSpinBox* sentences_ = nullptr;
  QSpinBox* seed_ = nullptr;
  bool syncing_ = false;
};

}  // namespace rssviz::ui
