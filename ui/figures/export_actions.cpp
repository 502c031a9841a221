#include "ui/figures/export_actions.hpp"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <qcustomplot.h>

#include "core/experiment/states_export.hpp"
#include "ui/heatmap_view.hpp"
#include "ui/map_view.hpp"

namespace rssviz::ui::figures {

FigureExporter::FigureExporter(Workspace* ws, QWidget* map, QWidget* heatmap, QWidget* training, QWidget* parent)
    : QObject(parent), ws_(ws), map_(map), heatmap_(heatmap), training_(training), parent_(parent) {}

QWidget* FigureExporter::widgetOf(View v) const {
  switch (v) {
    case View::map: return map_;
    case View::heatmap: return heatmap_;
    case View::training: return training_;
    default: break;
  }
  if (QWidget* w = extra_.value(static_cast<int>(v), nullptr)) return w;
  return map_;
}

void FigureExporter::setViewWidget(View v, QWidget* w) { extra_.insert(static_cast<int>(v), w); }

FigureOptions FigureExporter::windowOptions(View v) const {
  FigureOptions o;
  const QSize on_screen = widgetOf(v)->size().expandedTo(QSize(320, 240));
  o.scale = 2.0;
  o.size = (on_screen * 2).boundedTo(QSize(16384, 16384));
  if (auto* m = qobject_cast<MapView*>(map_); v == View::map && m && !m->scatter()->points().isEmpty())
    o.map_range = QRectF(QPointF(m->xAxis->range().lower, m->yAxis->range().lower),
                         QPointF(m->xAxis->range().upper, m->yAxis->range().upper));
  return o;
}

bool FigureExporter::exportTo(View v, const QString& path, const FigureOptions& o) {
  try {
    Figure f(v, o);
    f.copyState(*ws_);
    f.save(path);
  } catch (const std::exception& e) {
    emit failed(tr("Export %1").arg(viewName(v)), QString::fromUtf8(e.what()));
    return false;
  }
  emit message(tr("%1 saved to %2 (%3 x %4)").arg(viewName(v), path).arg(o.size.width()).arg(o.size.height()));
  return true;
}

void FigureExporter::copy(View v) {
  try {
    Figure f(v, windowOptions(v));
    f.copyState(*ws_);
    QApplication::clipboard()->setImage(f.image());
    emit message(tr("%1 copied to the clipboard").arg(viewName(v)));
  } catch (const std::exception& e) {
    emit failed(tr("Copy %1").arg(viewName(v)), QString::fromUtf8(e.what()));
  }
}

void FigureExporter::askAndExport(View v, Format f) {
  const QString ext = formatName(f);
  const QString path = QFileDialog::getSaveFileName(parent_, tr("Export %1 as %2").arg(viewName(v), ext.toUpper()),
                                                    QString("rssviz-%1.%2").arg(viewName(v), ext),
                                                    tr("%1 (*.%2)").arg(ext.toUpper(), ext));
  if (path.isEmpty()) return;
  exportTo(v, QFileInfo(path).suffix().isEmpty() ? path + "." + ext : path, windowOptions(v));
}

QMenu* FigureExporter::contextMenu(View v, QWidget* parent) {
  auto* menu = new QMenu(parent);
  menu->setAttribute(Qt::WA_DeleteOnClose);
  menu->addAction(tr("Export as &PNG…"), this, [this, v] { askAndExport(v, Format::png); });
  menu->addAction(tr("Export as &SVG…"), this, [this, v] { askAndExport(v, Format::svg); });
  menu->addAction(tr("Export as P&DF…"), this, [this, v] { askAndExport(v, Format::pdf); });
  menu->addAction(tr("E&xport…"), this, [this, v] { showDialog(v); });
  menu->addSeparator();
  menu->addAction(tr("&Copy to clipboard"), this, [this, v] { copy(v); });
  return menu;
}

bool FigureExporter::exportStates(const QString& npy_path) {
  const auto& s = ws_->session();
  if (!s || !s->points) {
    emit failed(tr("Export states"), tr("No map yet: train a model or explore a reservoir first"));
    return false;
  }
  QString base = npy_path;
  if (base.endsWith(".npy", Qt::CaseInsensitive)) base.chop(4);
  experiment::StatesFiles files;
  files.states = (base + ".npy").toStdString();
  files.labels = (base + ".tsv").toStdString();
  files.embedding = (base + "-map.npy").toStdString();
  try {
    experiment::check_states_files(files);
    // The map shown: the session's own, or the learning stage's (LSTM epochs).
    std::shared_ptr<const experiment::MapSession> shown = s;
    if (ws_->stage() >= 0 && s->stages[static_cast<size_t>(ws_->stage())].points) {
      auto copy = std::make_shared<experiment::MapSession>(*s);
      copy->points = s->stages[static_cast<size_t>(ws_->stage())].points;
      copy->layout = s->stages[static_cast<size_t>(ws_->stage())].layout;
      shown = copy;
    }
    const auto table = experiment::make_states_table(*shown, false);
    experiment::write_states(*shown, table, files);
    emit message(tr("%1 states written: %2.npy, %2.tsv, %2-map.npy").arg(table.rows()).arg(base));
  } catch (const std::exception& e) {
    emit failed(tr("Export states"), QString::fromUtf8(e.what()));
    return false;
  }
  return true;
}

void FigureExporter::askAndExportStates() {
  const QString path = QFileDialog::getSaveFileName(parent_, tr("Export states (also writes .tsv labels and -map.npy)"),
                                                    "rssviz-states.npy", tr("NumPy array (*.npy)"));
  if (!path.isEmpty()) exportStates(path);
}

void FigureExporter::showDialog(View initial) {
  auto* d = new ExportDialog(this, initial, parent_);
  d->setAttribute(Qt::WA_DeleteOnClose);
  d->open();
}

ExportDialog::ExportDialog(FigureExporter* exporter, View initial, QWidget* parent)
    : QDialog(parent), exporter_(exporter) {
  setObjectName("exportDialog");
  setWindowTitle(tr("Export figure"));
  auto* form = new QFormLayout(this);
  view_ = new QComboBox;
  view_->setObjectName("exportView");
  view_->addItems({tr("RSSviz map"), tr("Unit heatmap"), tr("Training curves"), tr("Readout weights (winglet)"),
                   tr("Polyvalent units"), tr("Unit activity"), tr("Word influence"), tr("LSTM cell / hidden states"),
                   tr("Output activations")});
  view_->setCurrentIndex(static_cast<int>(initial));
  width_ = new QSpinBox;
  height_ = new QSpinBox;
  for (auto* s : {width_, height_}) {
    s->setRange(16, 16384);
    s->setSuffix(tr(" px"));
  }
  auto* size = new QHBoxLayout;
  size->addWidget(width_);
  size->addWidget(new QLabel(QStringLiteral("×")));
  size->addWidget(height_);
  scale_ = new QDoubleSpinBox;
  scale_->setRange(0.0, 16.0);
  scale_->setSingleStep(0.5);
  scale_->setSpecialValueText(tr("automatic"));
  scale_->setToolTip(tr("Layout scale: the figure is laid out at (size / scale) and drawn at the full size, so text "
                        "and markers grow with it. 2 = as on screen, twice the pixels; automatic = max(1, W/640)"));
  title_ = new QCheckBox(tr("Title naming the model, corpus and hyperparameters"));
  title_->setChecked(true);
  zoom_ = new QCheckBox(tr("Keep the map's zoom"));
  zoom_->setChecked(true);
  path_ = new QLineEdit;
  path_->setObjectName("exportPath");
  path_->setPlaceholderText(tr("file.png, file.svg or file.pdf"));
  auto* browse = new QPushButton(tr("Browse…"));
  auto* file = new QHBoxLayout;
  file->addWidget(path_, 1);
  file->addWidget(browse);
  form->addRow(tr("View"), view_);
  form->addRow(tr("Size"), size);
  form->addRow(tr("Scale"), scale_);
  form->addRow(QString(), title_);
  form->addRow(QString(), zoom_);
  form->addRow(tr("File"), file);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString p = QFileDialog::getSaveFileName(this, tr("Export figure"), path_->text(),
                                                   tr("PNG image (*.png);;SVG vector image (*.svg);;PDF (*.pdf)"));
    if (!p.isEmpty()) path_->setText(p);
  });
  connect(view_, &QComboBox::currentIndexChanged, this, &ExportDialog::viewChanged);
  viewChanged();
}

void ExportDialog::viewChanged() {
  const auto o = exporter_->windowOptions(view());
  width_->setValue(o.size.width());
  height_->setValue(o.size.height());
  scale_->setValue(o.scale);
  zoom_->setEnabled(view() == View::map);
  if (path_->text().isEmpty() || path_->text().startsWith("rssviz-"))
    path_->setText(QString("rssviz-%1.png").arg(viewName(view())));
}

View ExportDialog::view() const { return static_cast<View>(view_->currentIndex()); }

FigureOptions ExportDialog::options() const {
  FigureOptions o = exporter_->windowOptions(view());
  o.size = QSize(width_->value(), height_->value());
  o.scale = scale_->value();
  o.title = title_->isChecked();
  if (!zoom_->isChecked()) o.map_range.reset();
  return o;
}

QString ExportDialog::path() const { return path_->text().trimmed(); }

void ExportDialog::accept() {
  if (exporter_->exportTo(view(), path(), options())) QDialog::accept();
}

}  // namespace rssviz::ui::figures
