// Figures of the views, without a window: the same view classes the docks show (MapView,
// HeatmapView, TrainingView), built off screen around a workspace of their own, laid out
// at the size asked and drawn to PNG, SVG or PDF. The window's exports, the context
// menus, the headless `rssviz render` and every animation frame go through here, so a
// file looks like the window.
//
// Size and scale: a figure is W x H pixels, laid out on a canvas of W/scale x H/scale
// logical pixels, so fonts and markers grow with the scale (scale 0 = automatic,
// max(1, min(W / 640, H / 480)): 1600 x 1200 is laid out as 640 x 480 at scale 2.5, whose
// 9 pt text prints at about 7 pt when the figure is 5.3 inches wide, 300 dpi). Fonts are
// in points at 96 dpi on every device, so PNG, SVG and PDF agree. PNG: W x H pixels.
// SVG: width W, height H (px), vector. PDF: one page of W x H pixels at 96 dpi
// (W * 0.75 x H * 0.75 points), vector.
#pragma once
#include <QImage>
#include <QSize>
#include <QString>
#include <memory>
#include <optional>

#include "ui/workspace.hpp"

class QCustomPlot;
class QPainter;

namespace rssviz::ui {
class MapView;
class HeatmapView;
class TrainingView;
class AnalysisPlot;
class ExperimentView;
}  // namespace rssviz::ui

namespace rssviz::ui::figures {

// The unit-analysis views (ui/analysis_views.hpp) follow the figure's workspace: its
// session, stage, selected sentence and AnalysisSettings.
// `experiment` draws an experiment results file (ExperimentView: give it the results
// through experimentView()->setResults); its title is the experiment's description.
enum class View { map, heatmap, training, winglet, polyvalent, activity, influence, cells, outputs, experiment };
QString viewName(View v);                  // "map", "heatmap", "training", "winglet", ..., "outputs"
View viewFromName(const QString& name);    // std::invalid_argument listing the names
QStringList viewNames();                   // every name, in enum order

enum class Format { png, svg, pdf };
QString formatName(Format f);
// From a path's extension (.png, .svg, .pdf, case-insensitive); std::invalid_argument otherwise.
Format formatFromPath(const QString& path);

struct FigureOptions {
  QSize size{1600, 1200};   // output size in pixels (PNG), px (SVG) or px at 96 dpi (PDF); each side 16..16384
  double scale = 0.0;       // layout scale (see above); 0 = automatic; else 0.25..16
  bool title = true;        // a title naming the model, corpus and key hyperparameters (off: for captioned papers)
  QString title_text;       // the title; empty = the session's description
  QString caption;          // a second line under the title (an animation frame's stage and errors)
  bool mark_ends = true;    // map: outline the END states
  int heatmap_units = 60;   // heatmap: units shown (the first in the order), 5..3000
  bool heatmap_by_importance = true;  // heatmap: order by readout importance, else by index
  bool heatmap_polyvalent = false;    // heatmap: show the polyvalent units only (overrides the order above)
  bool heatmap_variation = false;     // heatmap: |x(t) - x(t-1)| instead of x(t)
  std::optional<QRectF> map_range;    // map: the axes' ranges (x, y, width, height); none = fit the points
};
// Throws std::invalid_argument naming the bad field and its range.
void validate(const FigureOptions& o);
double effectiveScale(const FigureOptions& o);

class Figure {
 public:
  Figure(View view, const FigureOptions& options);
  ~Figure();
  Figure(const Figure&) = delete;
  Figure& operator=(const Figure&) = delete;

  // The figure's own workspace: set the session, stage, selection and colour here
  // (or copy them from the window's with copyState).
  Workspace* workspace() { return ws_.get(); }
  void copyState(const Workspace& from);
  void setOptions(const FigureOptions& options);  // e.g. a new caption per animation frame
  const FigureOptions& options() const { return options_; }

  QImage image();         // W x H, ARGB32 premultiplied on white
  QByteArray svg();       // an SVG document
  QByteArray pdf();       // a one-page PDF
  QByteArray png();       // the PNG file's bytes
  // Writes the figure in `format` atomically (QSaveFile; a symlink is written through
  // to its target). Throws std::runtime_error naming the path and the reason.
  void save(const QString& path, Format format);
  void save(const QString& path) { save(path, formatFromPath(path)); }

  // The view drawn (for tests: its legend, colour bar, rows...).
  MapView* mapView() const { return map_; }
  HeatmapView* heatmapView() const { return heatmap_; }
  TrainingView* trainingView() const { return training_; }
  AnalysisPlot* analysisView() const { return analysis_; }
  ExperimentView* experimentView() const { return experiment_; }

 private:
  void paint(QPainter* painter, bool vector);
  QString description() const;  // the automatic title
  QCustomPlot* plot() const;
  void refreshView();
  View view_;
  FigureOptions options_;
  std::unique_ptr<Workspace> ws_;
  MapView* map_ = nullptr;
  HeatmapView* heatmap_ = nullptr;
  TrainingView* training_ = nullptr;
  AnalysisPlot* analysis_ = nullptr;
  ExperimentView* experiment_ = nullptr;
  std::unique_ptr<QWidget> widget_;
};

// Writes `bytes` to `path` atomically (QSaveFile, through symlinks, refusing
// directories and special files). Throws std::runtime_error naming the path.
void writeFileAtomic(const QString& path, const QByteArray& bytes);
// Checks before long work that `path` can be written: its folder exists and is
// writable, and it is not a directory or a special file. Returns "" or the problem.
QString checkWritable(const QString& path);

}  // namespace rssviz::ui::figures
