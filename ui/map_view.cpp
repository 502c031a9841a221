#include "ui/map_view.hpp"

#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "core/metrics/metrics.hpp"
#include "ui/colors.hpp"
#include "ui/map_colouring.hpp"

namespace rssviz::ui {

using experiment::MapPoints;

ColoredScatter::ColoredScatter(QCPAxis* key, QCPAxis* value) : QCPAbstractPlottable(key, value) {}

void ColoredScatter::setPoints(QVector<QPointF> points, QVector<QRgb> colours, QVector<bool> ends) {
  points_ = std::move(points);
  colours_ = std::move(colours);
  ends_ = std::move(ends);
}

QCPRange ColoredScatter::getKeyRange(bool& found, QCP::SignDomain) const {
  found = !points_.isEmpty();
  if (!found) return {};
  auto [lo, hi] = std::minmax_element(points_.begin(), points_.end(),
                                      [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
  return {lo->x(), hi->x()};
}

QCPRange ColoredScatter::getValueRange(bool& found, QCP::SignDomain, const QCPRange&) const {
  found = !points_.isEmpty();
  if (!found) return {};
  auto [lo, hi] = std::minmax_element(points_.begin(), points_.end(),
                                      [](const QPointF& a, const QPointF& b) { return a.y() < b.y(); });
  return {lo->y(), hi->y()};
}

const QPixmap& ColoredScatter::sprite(QRgb colour) {
  auto it = sprites_.find(colour);
  if (it != sprites_.end()) return *it;
  // One antialiased disc per colour, drawn once and blitted per point: ~10x faster than
  // an antialiased ellipse per point, which keeps a replot of thousands of points short.
  const qreal dpr = parentPlot() ? parentPlot()->devicePixelRatioF() : 1.0;
  const int size = static_cast<int>(std::ceil(2 * radius_ + 2));
  QPixmap pm(QSize(size, size) * dpr);
  pm.setDevicePixelRatio(dpr);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(Qt::NoPen);
  p.setBrush(QColor::fromRgba(colour));
  p.drawEllipse(QPointF(size / 2.0, size / 2.0), radius_, radius_);
  return *sprites_.insert(colour, pm);
}

void ColoredScatter::draw(QCPPainter* painter) {
  if (points_.isEmpty()) return;
  if (sprites_.size() > 2000) sprites_.clear();
  const QRectF clip = clipRect().adjusted(-5, -5, 5, 5);
  const double half = std::ceil(2 * radius_ + 2) / 2.0;
  // Exports (PNG at any scale, SVG, PDF) draw every disc as a shape, so they stay sharp
  // when scaled and vector files hold circles, not bitmaps; the screen blits sprites.
  const bool shapes = painter->modes().testFlag(QCPPainter::pmNoCaching);
  if (shapes) {
    painter->setAntialiasing(true);
    painter->setPen(Qt::NoPen);
  }
  for (int i = 0; i < points_.size(); ++i) {
    const QPointF c = coordsToPixels(points_[i].x(), points_[i].y());
    if (!clip.contains(c)) continue;
    if (shapes) {
      painter->setBrush(QColor::fromRgba(colours_[i]));
      painter->drawEllipse(c, radius_, radius_);
    } else {
      painter->drawPixmap(QPointF(c.x() - half, c.y() - half), sprite(colours_[i]));
    }
  }
  if (!mark_ends_) return;
  painter->setBrush(Qt::NoBrush);
  painter->setPen(QPen(QColor(20, 20, 20), 1.0));
  painter->setAntialiasing(false);
  for (int i = 0; i < points_.size(); ++i) {
    if (!ends_.value(i)) continue;
    const QPointF c = coordsToPixels(points_[i].x(), points_[i].y());
    if (!clip.contains(c)) continue;
    painter->drawRect(QRectF(c.x() - radius_ - 1.5, c.y() - radius_ - 1.5, 2 * radius_ + 3, 2 * radius_ + 3));
  }
}

MapView::MapView(Workspace* ws, QWidget* parent) : QCustomPlot(parent), ws_(ws) {
  setObjectName("rssvizMap");
  setMinimumSize(320, 260);
  setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  setMouseTracking(true);
  setNoAntialiasingOnDrag(true);
  setToolTip(tr("RSSviz map: one dot per recurrent state after a token. Hover for details, click to select a "
                "sentence, drag to pan, wheel to zoom, double-click to fit."));
  xAxis->setLabel(tr("UMAP 1"));
  yAxis->setLabel(tr("UMAP 2"));
  for (auto* ax : {xAxis, yAxis}) {
    ax->setTickLabelColor(QColor(110, 110, 110));
    ax->setLabelColor(QColor(80, 80, 80));
    ax->grid()->setPen(QPen(QColor(235, 235, 235)));
  }
  // As many ticks as the axes have room for (QCustomPlot's default 5 made the x labels
  // run into each other when the map's dock is narrow): about one per 80 px across,
  // 50 px up, from the axis rect of the last layout.
  connect(this, &QCustomPlot::beforeReplot, this, [this] {
    xAxis->ticker()->setTickCount(std::clamp(axisRect()->width() / 80, 2, 8));
    yAxis->ticker()->setTickCount(std::clamp(axisRect()->height() / 50, 2, 8));
  });
  scatter_ = new ColoredScatter(xAxis, yAxis);
  scatter_->removeFromLegend();
  trajectory_ = new QCPCurve(xAxis, yAxis);
  trajectory_->setPen(QPen(QColor(30, 30, 30, 200), 1.6));
  trajectory_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(30, 30, 30), 1.4),
                                               QBrush(Qt::white), 7));
  trajectory_->removeFromLegend();
  marked_ = new QCPGraph(xAxis, yAxis);
  marked_->setLineStyle(QCPGraph::lsNone);
  marked_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(0, 160, 220), 1.6), Qt::NoBrush, 9));
  marked_->setName(tr("marked word"));
  marked_->removeFromLegend();
  hovered_ = new QCPGraph(xAxis, yAxis);
  hovered_->setLineStyle(QCPGraph::lsNone);
  hovered_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(230, 0, 120), 2.6), Qt::NoBrush, 15));
  hovered_->removeFromLegend();

  // Right-hand column: a title, then either the legend or the colour bar.
  side_ = new QCPLayoutGrid;
  plotLayout()->addElement(0, 1, side_);
  plotLayout()->setColumnStretchFactor(1, 0.001);
  legend_title_element_ = new QCPTextElement(this, "", QFont(font().family(), 9, QFont::Bold));
  side_->addElement(0, 0, legend_title_element_);
  legend->setVisible(true);
  legend->setBorderPen(Qt::NoPen);
  legend->setFont(QFont(font().family(), 9));
  legend->setIconSize(12, 12);
  axisRect()->insetLayout()->take(legend);
  side_->addElement(1, 0, legend);
  colour_scale_ = new QCPColorScale(this);
  colour_scale_->setType(QCPAxis::atRight);
  colour_scale_->setBarWidth(14);
  colour_scale_->setVisible(false);
  // A grid cell gives its element the whole column width (the title's), so the bar
  // gets a row of its own: its column is held to the bar's width, a spacer takes the rest.
  auto* scale_row = new QCPLayoutGrid;
  scale_row->addElement(0, 0, colour_scale_);
  scale_row->addElement(0, 1, new QCPLayoutElement(this));  // unbounded, unlike an empty grid
  scale_row->setColumnStretchFactor(0, 0.001);
  scale_row->setColumnStretchFactor(1, 1);
  scale_row->setColumnSpacing(0);
  side_->addElement(2, 0, scale_row);
  side_->addElement(3, 0, new QCPLayoutGrid);  // takes the slack below a short legend
  side_->setRowStretchFactor(0, 0.001);
  side_->setRowStretchFactor(1, 0.001);
  side_->setRowStretchFactor(2, 1);
  side_->setRowStretchFactor(3, 1);
  auto* group = new QCPMarginGroup(this);
  axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, group);

  placeholder_ = new QCPItemText(this);
  placeholder_->position->setType(QCPItemPosition::ptAxisRectRatio);
  placeholder_->position->setCoords(0.5, 0.5);
  placeholder_->setFont(QFont(font().family(), 12));
  placeholder_->setColor(QColor(120, 120, 120));
  placeholder_->setText(tr("Training the default ESN…"));

  connect(ws_, &Workspace::sessionChanged, this, [this] {
    fit_next_ = true;
    dirty_ = true;
  });
  connect(ws_, &Workspace::selectionChanged, this, [this] { dirty_ = true; });
  connect(ws_, &Workspace::stageChanged, this, [this] { dirty_ = true; });
  connect(ws_, &Workspace::colourChanged, this, [this] { dirty_ = true; });
  connect(ws_, &Workspace::linkChanged, this, [this] {
    updateLinks();
    replot(QCustomPlot::rpQueuedReplot);
  });
  connect(this, &QCustomPlot::mouseDoubleClick, this, [this] { resetZoom(); });
  connect(this, &QCustomPlot::afterLayout, this, [this] { layoutWords(); });
}

void MapView::setPlaceholder(const QString& text) {
  placeholder_->setText(text);
  placeholder_->setVisible(!text.isEmpty());
  replot(QCustomPlot::rpQueuedReplot);
}

void MapView::setMarkEnds(bool on) {
  scatter_->setMarkEnds(on);
  replot(QCustomPlot::rpQueuedReplot);
}

void MapView::fitAxes() {
  rescaleAxes();
  xAxis->scaleRange(1.08);
  yAxis->scaleRange(1.08);
}

void MapView::resetZoom() {
  if (scatter_->points().isEmpty()) return;
  fitAxes();
  replot(QCustomPlot::rpQueuedReplot);
}

QStringList MapView::legendEntries() const {
  QStringList out;
  for (auto* g : legend_graphs_) out << g->name();
  return out;
}

bool MapView::colourBarVisible() const { return colour_scale_->visible(); }

void MapView::rebuildLegend(const QVector<QPair<QString, QColor>>& entries) {
  for (auto* g : legend_graphs_) removeGraph(g);
  legend_graphs_.clear();
  for (const auto& [name, colour] : entries) {
    auto* g = addGraph();
    g->setName(name);
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 9));
    legend_graphs_ << g;
  }
  legend->setVisible(!entries.isEmpty());
}

QString MapView::legendTitle() const { return legend_title_element_->text(); }

void MapView::refresh() {
  dirty_ = false;
  hover_ = -1;
  const auto* pts = ws_->points();
  const auto* lay = ws_->layout();
  if (!pts || !lay || lay->rows() != pts->size()) {
    scatter_->setPoints({}, {}, {});
    trajectory_->data()->clear();
    updateLinks();
    replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  placeholder_->setVisible(false);
  const int n = pts->size();
  QVector<QPointF> xy(n);
  QVector<bool> ends(n);
  for (int i = 0; i < n; ++i) {
    xy[i] = QPointF((*lay)(i, 0), (*lay)(i, 1));
    ends[i] = pts->is_end_point(i);
  }
  MapColouring c = colourMap(*ws_, full_legend_);
  if (c.continuous) {
    colour_scale_->setGradient(c.gradient);
    colour_scale_->setDataRange(c.range);
    colour_scale_->axis()->setLabel(c.bar_label);
  }
  colour_scale_->setVisible(c.continuous);
  rebuildLegend(c.continuous ? QVector<QPair<QString, QColor>>{} : c.legend);
  legend_title_element_->setText(c.title);
  QVector<QRgb> col = std::move(c.colours);
  scatter_->setPoints(std::move(xy), std::move(col), std::move(ends));
  drawTrajectory();
  updateLinks();
  if (fit_next_) {
    fit_next_ = false;
    fitAxes();
  }
  replot(QCustomPlot::rpQueuedReplot);
}

int MapView::markedPoints() const { return marked_->data()->size(); }

void MapView::updateLinks() {
  marked_->data()->clear();
  hovered_->data()->clear();
  hovered_point_ = -1;
  const auto* pts = ws_->points();
  const auto* lay = ws_->layout();
  if (!pts || !lay || lay->rows() != pts->size()) return;
  if (const int w = ws_->markedWord(); w >= 0) {
    QVector<double> x, y;
    for (int i = 0; i < pts->size(); ++i)
      if (pts->word[static_cast<size_t>(i)] == w) {
        x << (*lay)(i, 0);
        y << (*lay)(i, 1);
      }
    marked_->setData(x, y);
  }
  const int ms = ws_->mapIndex(ws_->selected());
  const int r = ws_->hoveredStep();
  if (ms >= 0 && r >= 0 && r < static_cast<int>(pts->point_of[static_cast<size_t>(ms)].size())) {
    hovered_point_ = pts->point_of[static_cast<size_t>(ms)][static_cast<size_t>(r)];
    hovered_->setData(QVector<double>{(*lay)(hovered_point_, 0)}, QVector<double>{(*lay)(hovered_point_, 1)});
  }
}

void MapView::drawTrajectory() {
  for (auto* it : words_) removeItem(it);
  words_.clear();
  labels_.clear();
  trajectory_->data()->clear();
  const int ms = ws_->mapIndex(ws_->selected());
  const auto* pts = ws_->points();
  const auto* lay = ws_->layout();
  if (ms < 0 || !pts) return;
  const auto& s = ws_->session();
  const auto& rows = pts->point_of[static_cast<size_t>(ms)];
  QVector<double> t, x, y;
  for (size_t r = 0; r < rows.size(); ++r) {
    t << static_cast<double>(r);
    x << (*lay)(rows[r], 0);
    y << (*lay)(rows[r], 1);
  }
  trajectory_->setData(t, x, y);
  QFont f(font().family(), 9, QFont::DemiBold);
  for (size_t r = 0; r < rows.size(); ++r) {
    const int w = pts->word_at(s->corpus->test, ms, static_cast<int>(r));
    const QString text = w < 0 ? QStringLiteral("∅") : QString::fromStdString(s->corpus->grammar.vocabulary()[static_cast<size_t>(w)]);
    auto* label = new QCPItemText(this);
    label->setText(text);
    label->setFont(f);
    label->setColor(QColor(20, 20, 20));
    label->setBrush(QColor(255, 255, 255, 200));
    // Anchored to the point in plot coordinates (an invisible tracer), so the word
    // follows pan and zoom, and offset by a few pixels off the dot (layoutWords).
    auto* anchor = new QCPItemTracer(this);
    anchor->setStyle(QCPItemTracer::tsNone);
    anchor->position->setCoords(x[static_cast<int>(r)], y[static_cast<int>(r)]);
    words_ << anchor;
    label->setPadding(QMargins(2, 0, 2, 0));
    label->position->setType(QCPItemPosition::ptAbsolute);
    label->position->setParentAnchor(anchor->position);
    label->setClipToAxisRect(true);
    words_ << label;
    labels_ << Label{label, QPointF(x[static_cast<int>(r)], y[static_cast<int>(r)])};
  }
  layoutWords();
}

void MapView::layoutWords() {
  // Each word beside its point, at the first of four corners that covers neither a word
  // already placed nor a point of the trajectory, inside the plot area if one such corner
  // is; a word with no free corner is hidden
  // (it shows again when a zoom makes room; the tooltip and the heatmap still name it).
  // Run before every redraw, after the layout, so zoom, pan and resize re-place words.
  word_boxes_.clear();
  hidden_words_ = 0;
  if (labels_.isEmpty()) return;
  QList<QRectF>& taken = word_boxes_;
  QList<QPointF> dots;
  for (const auto& l : labels_) dots << QPointF(xAxis->coordToPixel(l.at.x()), yAxis->coordToPixel(l.at.y()));
  const Qt::Alignment corners[] = {Qt::AlignLeft | Qt::AlignBottom, Qt::AlignRight | Qt::AlignBottom,
                                   Qt::AlignLeft | Qt::AlignTop, Qt::AlignRight | Qt::AlignTop};
  const QFontMetricsF fm(labels_.front().item->font());
  for (int i = 0; i < labels_.size(); ++i) {
    const auto& l = labels_[i];
    const QPointF px = dots[i];
    const QSizeF size(fm.horizontalAdvance(l.item->text()) + 4, fm.height());
    bool placed = false;
    // First pass: corners whose box lies inside the plot area; second: any corner (the
    // word is then clipped at the edge rather than hidden).
    for (int pass = 0; pass < 2 && !placed; ++pass)
      for (const auto a : corners) {
        const double left = (a & Qt::AlignLeft) ? px.x() + 4 : px.x() - 4 - size.width();
        const double top = (a & Qt::AlignBottom) ? px.y() - 3 - size.height() : px.y() + 3;
        const QRectF box(QPointF(left, top), size);
        bool free = pass == 1 || QRectF(axisRect()->rect()).contains(box);
        for (const auto& t : taken) free = free && !t.intersects(box);
        for (int j = 0; j < dots.size() && free; ++j) free = j == i || !box.contains(dots[j]);
        if (free) {
          taken << box;
          l.item->position->setCoords((a & Qt::AlignLeft) ? 4 : -4, (a & Qt::AlignBottom) ? -3 : 3);
          l.item->setPositionAlignment(a);
          placed = true;
          break;
        }
      }
    l.item->setVisible(placed);
    hidden_words_ += placed ? 0 : 1;
  }
}

int MapView::pointAt(const QPointF& pos, double pixels) const {
  const auto& p = scatter_->points();
  int best = -1;
  double bd = pixels * pixels;
  for (int i = 0; i < p.size(); ++i) {
    const double px = xAxis->coordToPixel(p[i].x()) - pos.x();
    const double py = yAxis->coordToPixel(p[i].y()) - pos.y();
    const double d = px * px + py * py;
    if (d <= bd) {
      bd = d;
      best = i;
    }
  }
  return best;
}

QString MapView::describePoint(int p) const {
  const auto* pts = ws_->points();
  const auto& s = ws_->session();
  if (!pts || p < 0 || p >= pts->size()) return {};
  const int ms = pts->sentence[static_cast<size_t>(p)];
  const int step = pts->step[static_cast<size_t>(p)];
  const int di = pts->dataset_index[static_cast<size_t>(ms)];
  const auto& g = s->corpus->grammar;
  const auto& sent = s->corpus->test.sentences[static_cast<size_t>(di)];
  const int tok = pts->zero_state_first ? step - 1 : step;
  QString text;
  for (int i = 0; i < sent.length(); ++i) {
    const QString w = QString::fromStdString(g.vocabulary()[static_cast<size_t>(sent.tokens[static_cast<size_t>(i)])]).toHtmlEscaped();
    if (i) text += ' ';
    text += i == tok ? QString("<b><span style='color:#c0392b'>[%1]</span></b>").arg(w)
                     : (i < tok ? w : QString("<span style='color:#999'>%1</span>").arg(w));
  }
  QString html = QString("<p style='white-space:nowrap'>%1</p>").arg(text);
  html += tr("<p>Test sentence %1, step %2 of %3%4</p>")
              .arg(di)
              .arg(step)
              .arg(pts->point_of[static_cast<size_t>(ms)].size() - 1)
              .arg(tok < 0 ? tr(" (zero state)") : QString());
  if (const auto* outs = ws_->outputs()) {
    const Eigen::VectorXd y = outs->row(p).transpose().cast<double>();
    const auto decoded = metrics::decode(g, y);
    const int code = metrics::error_code(decoded, sent.meaning);
    html += tr("<p>Decoded: <b>%1</b><br>Target: %2<br>Error code %3 (%4)</p>")
                .arg(QString::fromStdString(g.meaning_text(decoded)).toHtmlEscaped())
                .arg(QString::fromStdString(g.meaning_text(sent.meaning)).toHtmlEscaped())
                .arg(code)
                .arg(QString::fromStdString(experiment::error_code_name(code)));
  } else {
    html += tr("<p>No readout (untrained reservoir)</p>");
  }
  return html;
}

void MapView::mouseMoveEvent(QMouseEvent* e) {
  QCustomPlot::mouseMoveEvent(e);
  if (e->buttons() != Qt::NoButton) return;
  const int p = pointAt(e->position());
  if (p == hover_) return;  // same point: its tooltip is already up
  hover_ = p;
  if (p >= 0)
    QToolTip::showText(e->globalPosition().toPoint(), describePoint(p), this);
  else
    QToolTip::hideText();
  hoverPoint(p);
}

void MapView::hoverPoint(int p) {
  hover_ = p;
  ws_->setHoveredStep(stepOfPoint(p));
  const auto* pts = ws_->points();
  ws_->setHoveredWord(pts && p >= 0 && p < pts->size() ? pts->word[static_cast<size_t>(p)] : -1);
}

int MapView::stepOfPoint(int p) const {
  // The other way of the step link: a point of the selected sentence's trajectory marks
  // its step in the activity, cell and output plots.
  const int ms = ws_->mapIndex(ws_->selected());
  const auto* pts = ws_->points();
  if (p < 0 || ms < 0 || !pts) return -1;
  const auto& rows = pts->point_of[static_cast<size_t>(ms)];
  for (size_t r = 0; r < rows.size(); ++r)
    if (rows[r] == p) return static_cast<int>(r);
  return -1;
}

void MapView::mousePressEvent(QMouseEvent* e) {
  press_pos_ = e->pos();
  QCustomPlot::mousePressEvent(e);
}

void MapView::mouseReleaseEvent(QMouseEvent* e) {
  QCustomPlot::mouseReleaseEvent(e);
  if (e->button() != Qt::LeftButton || (e->pos() - press_pos_).manhattanLength() > 4) return;  // a drag, not a click
  const int p = pointAt(e->position());
  const auto* pts = ws_->points();
  if (p < 0 || !pts) {
    ws_->select(-1);
    return;
  }
  ws_->select(pts->dataset_index[static_cast<size_t>(pts->sentence[static_cast<size_t>(p)])]);
}

}  // namespace rssviz::ui
