// The map's colouring: what colour each point gets in the workspace's colour mode, and
// what the legend or colour bar says. One function, used by the window's map and by
// every exported figure and animation frame, so a file is coloured like the window.
#pragma once
#include <QColor>
#include <QString>
#include <QVector>
#include <qcustomplot.h>

#include "ui/workspace.hpp"

namespace rssviz::ui {

struct MapColouring {
  ColourMode mode = ColourMode::clausePart;  // the mode used (without a readout, readout modes fall back to clause position)
  QString title;                             // legend or colour-bar title
  QVector<QRgb> colours;                     // one per point
  QVector<QPair<QString, QColor>> legend;    // categorical modes: the classes present
  bool continuous = false;                   // true: a colour bar instead of a legend
  QCPRange range;                            // colour bar range
  QCPColorGradient gradient;                 // colour bar gradient
  QString bar_label;                         // colour bar axis label
};

// Colours the workspace's current points (stage, mode and parameter as set). Empty
// colours when there is nothing to draw. The legend lists the classes present, or with
// `all_classes` every class of the mode (animations: a legend that keeps its size from
// frame to frame keeps the plot still).
MapColouring colourMap(const Workspace& ws, bool all_classes = false);

// "clause", "error", "word", "output:K" or "output:NAME", "unit:K" (the headless
// commands' --colour-by). Throws std::invalid_argument naming the value and the choices.
// The parameter is checked against the session later (colourParameterError).
struct ColourChoice {
  ColourMode mode = ColourMode::clausePart;
  int parameter = 0;
  QString output_name;  // output:NAME, resolved against the grammar by resolveColour
};
ColourChoice parseColourChoice(const QString& text);
// Resolves an output name and checks the parameter against the session (outputs and
// units). Returns an empty string when fine, else a message naming the problem.
QString resolveColour(ColourChoice& c, const experiment::MapSession& s);
QString colourModeName(ColourMode m);  // for captions: "clause position", ...

}  // namespace rssviz::ui
