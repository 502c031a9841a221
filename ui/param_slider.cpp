#include "ui/param_slider.hpp"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QSlider>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace rssviz::ui {

namespace {
constexpr int kSteps = 1000;
}

ParamSlider::ParamSlider(double lo, double hi, double value, bool logarithmic, int decimals, QWidget* parent)
    : QWidget(parent), lo_(lo), hi_(hi), value_(std::isnan(value) ? lo : std::clamp(value, lo, hi)), log_(logarithmic) {
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi && (!logarithmic || lo > 0)))
    throw std::invalid_argument("ParamSlider: the range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                "] is not a finite, increasing range" + (logarithmic ? " of positive values" : ""));
  auto* lay = new QHBoxLayout(this);
  lay->setContentsMargins(0, 0, 0, 0);
  slider_ = new QSlider(Qt::Horizontal);
  slider_->setRange(0, kSteps);
  slider_->setValue(toSlider(value_));
  field_ = new QDoubleSpinBox;
  field_->setRange(lo, hi);
  field_->setDecimals(decimals);
  field_->setKeyboardTracking(false);
  field_->setValue(value_);
  field_->setMinimumWidth(78);
  field_->setAlignment(Qt::AlignRight);
  if (logarithmic) field_->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
  else field_->setSingleStep((hi - lo) / 100.0);
  lay->addWidget(slider_, 1);
  lay->addWidget(field_);
  connect(slider_, &QSlider::valueChanged, this, [this](int s) {
    if (toSlider(value_) == s) return;  // programmatic sync from the field
    setValue(fromSlider(s));
  });
  connect(field_, &QDoubleSpinBox::valueChanged, this, [this](double v) { setValue(v); });
}

void ParamSlider::setToolTips(const QString& tip) {
  setToolTip(tip);
  slider_->setToolTip(tip);
  field_->setToolTip(tip);
}

int ParamSlider::toSlider(double v) const {
  const double t = log_ ? std::log(v / lo_) / std::log(hi_ / lo_) : (v - lo_) / (hi_ - lo_);
  return static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * kSteps));
}

double ParamSlider::fromSlider(int s) const {
  const double t = static_cast<double>(s) / kSteps;
  const double v = log_ ? lo_ * std::pow(hi_ / lo_, t) : lo_ + t * (hi_ - lo_);
  // Round to what the field shows so the two always agree.
  const double scale = std::pow(10.0, field_->decimals());
  return std::clamp(std::round(v * scale) / scale, lo_, hi_);
}

bool ParamSlider::setValue(double v) {
  if (std::isnan(v)) return false;  // std::clamp would let it through
  v = std::clamp(v, lo_, hi_);
  if (v == value_) return true;
  value_ = v;
  slider_->blockSignals(true);
  slider_->setValue(toSlider(v));
  slider_->blockSignals(false);
  field_->blockSignals(true);
  field_->setValue(v);
  field_->blockSignals(false);
  emit valueChanged(v);
  return true;
}

}  // namespace rssviz::ui
