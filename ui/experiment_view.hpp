// The plot of an experiment results file (core/experiment/results_summary.hpp).
//
// objects, training-size, units: three panels against the swept value, valid error,
// exact error and training CPU time (log scale), one colour per model: the mean over
// seeds as a line with markers and the spread (min..max over seeds) as a band.
// search: exact error against each of the four searched settings (leak rate, spectral
// radius, density, log10 ridge), every trial a grey dot, the ten best in blue and the
// paper's point (trial 0) as a red star.
// The window's results dock and `rssviz plot` (through ui/figures) draw with this class.
#pragma once
#include <QString>
#include <qcustomplot.h>
#include <vector>

#include "core/experiment/results_summary.hpp"

namespace rssviz::ui {

class ExperimentView : public QCustomPlot {
  Q_OBJECT
 public:
  explicit ExperimentView(QWidget* parent = nullptr);
  void setResults(const experiment::ExperimentOptions& options, std::vector<experiment::ResultRow> rows);
  void clearResults();
  bool hasResults() const { return has_; }
  // "ESN, bag of words: error against objects (n = 3..50), 5 seeds; 470 of 480 runs".
  QString description() const;
  // Rebuilds the panels from the results (after a resize, nothing to do: QCustomPlot lays out).
  void refresh();
  // The panels drawn (tests): one axis rect per panel, in order.
  QList<QCPAxisRect*> panels() const { return panels_; }
  static QColor modelColor(experiment::RunModel m);
  static QString modelName(experiment::RunModel m);

 private:
  void drawSweep();
  void drawSearch();
  void addLegend(int column);
  QCPAxisRect* addPanel(int row, int column, const QString& x_label, const QString& y_label);
  experiment::ExperimentOptions options_;
  std::vector<experiment::ResultRow> rows_;
  bool has_ = false;
  QList<QCPAxisRect*> panels_;
};

}  // namespace rssviz::ui
