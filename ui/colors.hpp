// Colour palettes and gradients for the maps: categorical palettes for labels and the
// inferno / diverging gradients for activations.
#pragma once
#include <QColor>
#include <QString>
#include <qcustomplot.h>

namespace rssviz::ui {

// Perceptually ordered inferno (matplotlib's key colours), for output activations.
QCPColorGradient infernoGradient();
// Blue-white-red for signed unit activations.
QCPColorGradient divergingGradient();
// i-th colour of a categorical palette with room for at least 20 classes.
QColor categoryColor(int i);
// Clause parts: first clause, and, second clause, END.
QColor clausePartColor(int part);
// Error codes 0..8 (score(slot1) + 3 score(slot2)), grey for "no readout".
QColor errorCodeColor(int code);

}  // namespace rssviz::ui
