// The window's figure exports: File > Export… (a dialog: view, format, size, scale,
// title), each view's context menu (Export as PNG / SVG / PDF…, Copy), all drawn by
// Figure from a copy of the window's workspace state, so the file shows what the
// window shows (the map's zoom included) at the size asked.
#pragma once
#include <QDialog>
#include <QHash>
#include <QObject>

#include "ui/figures/figure.hpp"

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QCheckBox;
class QLineEdit;
class QMenu;

namespace rssviz::ui::figures {

class FigureExporter : public QObject {
  Q_OBJECT
 public:
  // `views[v]` is the on-screen widget of view v (for its size and the map's zoom).
  FigureExporter(Workspace* ws, QWidget* map, QWidget* heatmap, QWidget* training, QWidget* parent);

  // Figure options matching what the window shows for `v` (its size x 2 at scale 2,
  // the map's current axes).
  FigureOptions windowOptions(View v) const;
  // The on-screen widget of an analysis view (for its size), registered by the window.
  void setViewWidget(View v, QWidget* w);
  // Writes view v to `path` (format from the extension); reports through the signals.
  bool exportTo(View v, const QString& path, const FigureOptions& o);
  void copy(View v);
  // File > Export…
  void showDialog(View initial = View::map);
  // Export as PNG / SVG / PDF…, Copy to clipboard.
  QMenu* contextMenu(View v, QWidget* parent);
  // File > Export states…: the map's states (.npy), their labels (.tsv) and the layout
  // (-map.npy) of the current session, as `rssviz-cli states` writes them (one row per
  // (sentence, step), duplicates kept). Returns false (and reports) on failure.
  bool exportStates(const QString& npy_path);
  void askAndExportStates();

 signals:
  void message(const QString& text);
  void failed(const QString& job, const QString& message);

 private:
  QWidget* widgetOf(View v) const;
  void askAndExport(View v, Format f);
  Workspace* ws_;
  QWidget* map_;
  QWidget* heatmap_;
  QWidget* training_;
  QWidget* parent_;
  QHash<int, QWidget*> extra_;
};

class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  ExportDialog(FigureExporter* exporter, View initial, QWidget* parent);
  View view() const;
  FigureOptions options() const;
  QString path() const;
  QLineEdit* pathEdit() const { return path_; }

 private:
  void viewChanged();
  void accept() override;
  FigureExporter* exporter_;
  QComboBox* view_;
  QSpinBox* width_;
  QSpinBox* height_;
  QDoubleSpinBox* scale_;
  QCheckBox* title_;
  QCheckBox* zoom_;
  QLineEdit* path_;
};

}  // namespace rssviz::ui::figures
