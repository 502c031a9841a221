#include "ui/colors.hpp"

namespace rssviz::ui {

QCPColorGradient infernoGradient() {
  QCPColorGradient g;
  g.clearColorStops();
  const QColor stops[] = {QColor(0, 0, 4),     QColor(40, 11, 84),   QColor(101, 21, 110), QColor(159, 42, 99),
                          QColor(212, 72, 66), QColor(245, 125, 21), QColor(250, 193, 39), QColor(252, 255, 164)};
  for (int i = 0; i < 8; ++i) g.setColorStopAt(i / 7.0, stops[i]);
  g.setColorInterpolation(QCPColorGradient::ciRGB);
  return g;
}

QCPColorGradient divergingGradient() {
  QCPColorGradient g;
  g.clearColorStops();
  g.setColorStopAt(0.0, QColor(5, 48, 97));
  g.setColorStopAt(0.25, QColor(67, 147, 195));
  g.setColorStopAt(0.5, QColor(247, 247, 247));
  g.setColorStopAt(0.75, QColor(214, 96, 77));
  g.setColorStopAt(1.0, QColor(103, 0, 31));
  g.setColorInterpolation(QCPColorGradient::ciRGB);
  return g;
}

QColor categoryColor(int i) {
  // Tableau-20 ordering: strong colours first, their light partners after.
  static const QRgb palette[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
                                 0x7f7f7f, 0xbcbd22, 0x17becf, 0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896,
                                 0xc5b0d5, 0xc49c94, 0xf7b6d2, 0xc7c7c7, 0xdbdb8d, 0x9edae5};
  constexpr int n = sizeof(palette) / sizeof(palette[0]);
  if (i < 0) return QColor(150, 150, 150);
  QColor c(palette[i % n]);
  if (i >= n) c = c.darker(130 + 20 * (i / n));
  return c;
}

QColor clausePartColor(int part) {
  static const QRgb c[] = {0x4477aa, 0xee6677, 0x228833, 0xccbb44};
  return (part >= 0 && part < 4) ? QColor(c[part]) : QColor(150, 150, 150);
}

QColor errorCodeColor(int code) {
  // Exact in both slots is green; the more a slot misses the redder, the second slot's
  // failures darker. 9 distinguishable classes.
  static const QRgb c[] = {0xb2182b, 0xe08214, 0xfdb863,  // slot2 wrong
                           0x762a83, 0x9970ab, 0xc2a5cf,  // slot2 valid
                           0x8c510a, 0x5aae61, 0x1b7837}; // slot2 exact
  return (code >= 0 && code < 9) ? QColor(c[code]) : QColor(170, 170, 170);
}

}  // namespace rssviz::ui
