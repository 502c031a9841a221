// Unit heatmap: units x tokens of the selected sentence (QCPColorMap), the words along
// the x axis, units ordered by readout importance, by index, or the polyvalent units
// only (most outputs first); the activation x(t) or its variation |x(t) - x(t-1)| (0 at
// the first step, analysis/unit_activity.hpp). Clicking a unit colours the map by that
// unit's activation and highlights it everywhere; the highlighted unit's row is outlined.
#pragma once
#include <QWidget>
#include <vector>

#include "ui/workspace.hpp"

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QComboBox;
class QSpinBox;
class QLabel;
class QCPItemText;
class QCPItemRect;

namespace rssviz::ui {

class HeatmapView : public QWidget {
  Q_OBJECT
 public:
  explicit HeatmapView(Workspace* ws, QWidget* parent = nullptr);
  void refresh();
  bool dirty() const { return dirty_; }
  // Unit shown in row r (0 = top), -1 if none.
  int unitAtRow(int r) const;
  // Rows and columns currently drawn.
  int rows() const { return static_cast<int>(units_.size()); }
  int columns() const { return columns_; }
  QCustomPlot* plot() const { return plot_; }
  // Simulates a click on row r (tests, keyboard).
  void activateRow(int r);
  // Row order (readout importance or index) and how many units are shown.
  enum class Order { importance = 0, index = 1, polyvalent = 2 };
  void setOrder(bool by_importance);
  void setOrder(Order order);
  Order order() const;
  // Variation mode: |x(t) - x(t-1)| instead of x(t).
  void setVariation(bool on);
  bool variation() const;
  // Row of the highlighted unit, -1 when it is not shown.
  int highlightedRow() const;
  void setUnitCount(int units);

 private:
  Workspace* ws_;
  QCustomPlot* plot_;
  QCPColorMap* map_;
  QCPColorScale* scale_;
  QCPItemText* placeholder_;
  QComboBox* order_;
  QComboBox* mode_;
  QCPItemRect* highlight_;
  void placeHighlight();
  QSpinBox* count_;
  QLabel* info_;
  std::vector<int> units_;
  int columns_ = 0;
  bool dirty_ = true;
};

}  // namespace rssviz::ui
