#include "ui/figures/figure.hpp"

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <cmath>
#include <stdexcept>
#include <qcustomplot.h>

#include "ui/analysis_views.hpp"
#include "ui/experiment_view.hpp"
#include "ui/heatmap_view.hpp"
#include "ui/map_view.hpp"
#include "ui/training_view.hpp"

namespace rssviz::ui::figures {

namespace {

constexpr int kDotsPerMeter96 = 3780;  // 96 dpi: points convert to the same pixels on every device

std::runtime_error fileError(const QString& path, const QString& why) {
  return std::runtime_error(QString("%1: %2").arg(path, why).toStdString());
}

}  // namespace

QString viewName(View v) {
  switch (v) {
    case View::map: return "map";
    case View::heatmap: return "heatmap";
    case View::training: return "training";
    case View::winglet: return "winglet";
    case View::polyvalent: return "polyvalent";
    case View::activity: return "activity";
    case View::influence: return "influence";
    case View::cells: return "cells";
    case View::outputs: return "outputs";
    case View::experiment: return "experiment";
  }
  return {};
}

namespace {
constexpr View kViews[] = {View::map,        View::heatmap,  View::training,  View::winglet, View::polyvalent,
                           View::activity,   View::influence, View::cells,    View::outputs, View::experiment};
}

QStringList viewNames() {
  QStringList names;
  for (View v : kViews) names << viewName(v);
  return names;
}

View viewFromName(const QString& name) {
  for (View v : kViews)
    if (viewName(v) == name) return v;
  throw std::invalid_argument(
      QString("--view \"%1\" is not one of %2").arg(name, viewNames().join(", ")).toStdString());
}

QString formatName(Format f) {
  switch (f) {
    case Format::png: return "png";
    case Format::svg: return "svg";
    case Format::pdf: return "pdf";
  }
  return {};
}

Format formatFromPath(const QString& path) {
  const QString ext = QFileInfo(path).suffix().toLower();
  if (ext == "png") return Format::png;
  if (ext == "svg") return Format::svg;
  if (ext == "pdf") return Format::pdf;
  throw std::invalid_argument(
      QString("%1: unknown figure format \".%2\" (use .png, .svg or .pdf)").arg(path, ext).toStdString());
}

void validate(const FigureOptions& o) {
  for (const auto& [name, v] : {std::pair{"width", o.size.width()}, std::pair{"height", o.size.height()}})
    if (v < 16 || v > 16384)
      throw std::invalid_argument(QString("figure %1 = %2 is out of range [16, 16384] pixels").arg(name).arg(v).toStdString());
  if (!(o.scale == 0.0 || (o.scale >= 0.25 && o.scale <= 16.0)))
    throw std::invalid_argument(
        QString("figure scale = %1 is out of range [0.25, 16] (0 = automatic)").arg(o.scale).toStdString());
  if (o.heatmap_units < 5 || o.heatmap_units > 3000)
    throw std::invalid_argument(QString("heatmap units = %1 is out of range [5, 3000]").arg(o.heatmap_units).toStdString());
}

double effectiveScale(const FigureOptions& o) {
  if (o.scale > 0.0) return o.scale;
  return std::max(1.0, std::min(o.size.width() / 640.0, o.size.height() / 480.0));
}

Figure::Figure(View view, const FigureOptions& options) : view_(view), ws_(std::make_unique<Workspace>()) {
  setOptions(options);
  switch (view) {
    case View::map:
      map_ = new MapView(ws_.get());
      map_->setPlaceholder({});
      widget_.reset(map_);
      break;
    case View::heatmap:
      heatmap_ = new HeatmapView(ws_.get());
      widget_.reset(heatmap_);
      break;
    case View::training:
      training_ = new TrainingView(ws_.get());
      widget_.reset(training_);
      break;
    case View::winglet: analysis_ = new WingletView(ws_.get()); break;
    case View::polyvalent: analysis_ = new PolyvalentView(ws_.get()); break;
    case View::activity: analysis_ = new ActivityView(ws_.get()); break;
    case View::influence: analysis_ = new InfluenceView(ws_.get()); break;
    case View::cells: analysis_ = new CellsView(ws_.get()); break;
    case View::outputs: analysis_ = new OutputsView(ws_.get()); break;
    case View::experiment:
      experiment_ = new ExperimentView;
      widget_.reset(experiment_);
      break;
  }
  if (analysis_) widget_.reset(analysis_);
  widget_->setAttribute(Qt::WA_DontShowOnScreen);
}

Figure::~Figure() = default;

void Figure::setOptions(const FigureOptions& options) {
  validate(options);
  options_ = options;
}

void Figure::copyState(const Workspace& from) {
  ws_->setColour(from.colourMode(), from.colourParameter());
  ws_->setSession(from.session());
  ws_->setStage(from.stage());
  ws_->select(from.selected());
  ws_->setAnalysis(from.analysis());
  ws_->setHighlightedUnit(from.highlightedUnit());
  ws_->setMarkedWord(from.markedWord());
  ws_->setHoveredStep(from.hoveredStep());
}

QString Figure::description() const {
  if (experiment_) return experiment_->description();
  return ws_->session() ? QString::fromStdString(ws_->session()->description) : QString();
}

QCustomPlot* Figure::plot() const {
  if (map_) return map_;
  if (heatmap_) return heatmap_->plot();
  if (analysis_) return analysis_;
  if (experiment_) return experiment_;
  return training_;
}

void Figure::refreshView() {
  if (map_) {
    map_->setMarkEnds(options_.mark_ends);
    map_->refresh();
    if (options_.map_range) {
      const QRectF r = *options_.map_range;
      map_->xAxis->setRange(r.left(), r.right());
      map_->yAxis->setRange(r.top(), r.bottom());
    }
  } else if (heatmap_) {
    heatmap_->setOrder(options_.heatmap_polyvalent ? HeatmapView::Order::polyvalent
                       : options_.heatmap_by_importance ? HeatmapView::Order::importance
                                                        : HeatmapView::Order::index);
    heatmap_->setVariation(options_.heatmap_variation);
    heatmap_->setUnitCount(options_.heatmap_units);
    heatmap_->refresh();
  } else if (analysis_) {
    analysis_->refresh();
  } else if (experiment_) {
    experiment_->refresh();
  } else {
    training_->refresh();
  }
}

void Figure::paint(QPainter* painter, bool vector) {
  auto* p = static_cast<QCPPainter*>(painter);
  const double s = effectiveScale(options_);
  const QSizeF logical(options_.size.width() / s, options_.size.height() / s);
  p->save();
  p->scale(s, s);
  p->fillRect(QRectF(QPointF(0, 0), logical), Qt::white);
  const QString family = widget_->font().family();
  double top = 0.0;
  const QString title = options_.title ? (!options_.title_text.isEmpty() ? options_.title_text : description())
                                       : QString();
  const double margin = 6.0;
  auto line = [&](const QString& text, const QFont& f, const QColor& colour) {
    if (text.isEmpty()) return;
    p->setFont(f);
    p->setPen(colour);
    const QFontMetricsF fm(f, p->device());
    const double width = logical.width() - 2 * margin;
    // A title too long for one line breaks at its " · " (model | corpus), then elides.
    QStringList rows{text};
    if (fm.horizontalAdvance(text) > width && text.contains(QStringLiteral(" · ")))
      rows = text.split(QStringLiteral(" · "));
    for (const QString& row : rows) {
      const QRectF box(margin, top + margin * 0.5, width, fm.height());
      p->drawText(box, Qt::AlignHCenter | Qt::AlignVCenter, fm.elidedText(row, Qt::ElideRight, width));
      top += fm.height() + margin * 0.25;
    }
    top += margin * 0.25;
  };
  QFont tf(family, 10, QFont::Bold);
  QFont cf(family, 9);
  line(title, tf, QColor(30, 30, 30));
  line(options_.caption, cf, QColor(70, 70, 70));
  if (top > 0) top += margin * 0.5;
  const int w = static_cast<int>(std::floor(logical.width()));
  const int h = static_cast<int>(std::floor(logical.height() - top));
  widget_->resize(w, std::max(h, 16));
  refreshView();
  p->translate(0, top);
  p->setMode(QCPPainter::pmNoCaching, true);
  p->setMode(QCPPainter::pmVectorized, vector);
  plot()->toPainter(p, w, std::max(h, 16));
  p->restore();
}

QImage Figure::image() {
  QImage img(options_.size, QImage::Format_ARGB32_Premultiplied);
  img.setDotsPerMeterX(kDotsPerMeter96);
  img.setDotsPerMeterY(kDotsPerMeter96);
  img.fill(Qt::white);
  QCPPainter p(&img);
  p.setRenderHint(QPainter::Antialiasing);
  p.setRenderHint(QPainter::TextAntialiasing);
  p.setRenderHint(QPainter::SmoothPixmapTransform);
  paint(&p, false);
  p.end();
  return img;
}

QByteArray Figure::png() {
  QByteArray bytes;
  QBuffer buf(&bytes);
  buf.open(QIODevice::WriteOnly);
  if (!image().save(&buf, "PNG")) throw std::runtime_error("PNG encoding failed");
  return bytes;
}

QByteArray Figure::svg() {
  QByteArray bytes;
  QBuffer buf(&bytes);
  buf.open(QIODevice::WriteOnly);
  QSvgGenerator gen;
  gen.setOutputDevice(&buf);
  gen.setSize(options_.size);
  gen.setViewBox(QRect(QPoint(0, 0), options_.size));
  gen.setResolution(96);
  gen.setTitle(description().isEmpty() ? QString("rssviz") : description());
  gen.setDescription(QString("rssviz %1 figure").arg(viewName(view_)));
  QCPPainter p(&gen);
  paint(&p, true);
  p.end();
  return bytes;
}

QByteArray Figure::pdf() {
  QByteArray bytes;
  QBuffer buf(&bytes);
  buf.open(QIODevice::WriteOnly);
  QPdfWriter w(&buf);
  w.setResolution(96);
  w.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout::Point);
  w.setPageSize(QPageSize(QSizeF(options_.size.width() * 0.75, options_.size.height() * 0.75), QPageSize::Point,
                          QString(), QPageSize::ExactMatch));
  w.setCreator(QString("rssviz %1").arg(RSSVIZ_VERSION));
  w.setTitle(description().isEmpty() ? QString("rssviz") : description());
  QCPPainter p(&w);
  p.setRenderHint(QPainter::Antialiasing);
  paint(&p, true);
  p.end();
  return bytes;
}

void Figure::save(const QString& path, Format format) {
  const QString problem = checkWritable(path);
  if (!problem.isEmpty()) throw std::runtime_error(problem.toStdString());
  switch (format) {
    case Format::png: writeFileAtomic(path, png()); break;
    case Format::svg: writeFileAtomic(path, svg()); break;
    case Format::pdf: writeFileAtomic(path, pdf()); break;
  }
}

QString checkWritable(const QString& path) {
  if (path.isEmpty()) return "the output path is empty";
  const QFileInfo fi(path);
  QFileInfo target = fi;
  if (fi.isSymLink()) target = QFileInfo(fi.symLinkTarget());
  const QFileInfo dir(target.absolutePath());
  if (!dir.exists()) return QString("%1: the folder %2 does not exist").arg(path, dir.filePath());
  if (!dir.isDir()) return QString("%1: %2 is not a folder").arg(path, dir.filePath());
  if (!dir.isWritable()) return QString("%1: the folder %2 is not writable").arg(path, dir.filePath());
  if (target.exists()) {
    if (target.isDir()) return QString("%1: is a folder, not a file").arg(path);
    if (!target.isFile()) return QString("%1: is not a regular file (a device or a pipe); refusing to replace it").arg(path);
    if (!target.isWritable()) return QString("%1: the file is not writable").arg(path);
  }
  return {};
}

void writeFileAtomic(const QString& path, const QByteArray& bytes) {
  const QString problem = checkWritable(path);
  if (!problem.isEmpty()) throw std::runtime_error(problem.toStdString());
  const QFileInfo fi(path);
  // Written through a symlink to its target, so the link stays a link.
  const QString target = fi.isSymLink() ? QFileInfo(fi.symLinkTarget()).absoluteFilePath() : path;
  QSaveFile f(target);
  if (!f.open(QIODevice::WriteOnly)) throw fileError(path, f.errorString());
  if (f.write(bytes) != bytes.size()) {
    const QString why = f.errorString();
    f.cancelWriting();
    throw fileError(path, why);
  }
  if (!f.commit()) throw fileError(path, f.errorString());
}

}  // namespace rssviz::ui::figures
