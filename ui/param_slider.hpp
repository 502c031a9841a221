// A slider with an editable numeric field, linear or logarithmic. The slider moves in
// 1000 steps over the range; the field accepts any value in the range.
#pragma once
#include <QWidget>

class QSlider;
class QDoubleSpinBox;

namespace rssviz::ui {

class ParamSlider : public QWidget {
  Q_OBJECT
 public:
  ParamSlider(double lo, double hi, double value, bool logarithmic, int decimals, QWidget* parent = nullptr);
  double value() const { return value_; }
  // Clamps v to [minimum, maximum] and emits valueChanged when it changes; a NaN is
  // refused (returns false, the value stays). Infinities clamp to the ends.
  bool setValue(double v);
  void setToolTips(const QString& tip);
  QSlider* slider() const { return slider_; }
  QDoubleSpinBox* field() const { return field_; }
  double minimum() const { return lo_; }
  double maximum() const { return hi_; }

 signals:
  void valueChanged(double v);

 private:
  int toSlider(double v) const;
  double fromSlider(int s) const;
  double lo_, hi_, value_;
  bool log_;
  QSlider* slider_;
  QDoubleSpinBox* field_;
};

}  // namespace rssviz::ui
