#include "ui/heatmap_view.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "core/experiment/unit_analysis.hpp"
#include "ui/colors.hpp"

namespace rssviz::ui {

HeatmapView::HeatmapView(Workspace* ws, QWidget* parent) : QWidget(parent), ws_(ws) {
  setObjectName("heatmapView");
  auto* lay = new QVBoxLayout(this);
  lay->setContentsMargins(4, 4, 4, 4);
  auto* bar = new QHBoxLayout;
  order_ = new QComboBox;
  order_->setObjectName("heatmapOrder");
  order_->addItems({tr("Readout importance"), tr("Unit index"), tr("Polyvalent units")});
  order_->setToolTip(tr("Order the units by the L1 norm of their readout weights (most used first), by index, or "
                        "show the polyvalent units (in the top 5 + / top 5 - weights of at least k outputs)"));
  mode_ = new QComboBox;
  mode_->setObjectName("heatmapMode");
  mode_->addItems({tr("Activation x(t)"), tr("Variation |x(t) - x(t-1)|")});
  mode_->setToolTip(tr("Show each unit's activation or how much it moved at each word (0 at the first step)"));
  count_ = new QSpinBox;
  count_->setObjectName("heatmapCount");
  count_->setRange(5, 3000);
  count_->setValue(60);
  count_->setSuffix(tr(" units"));
  count_->setToolTip(tr("How many units to show (the first ones in the chosen order)"));
  info_ = new QLabel;
  info_->setStyleSheet("color: #666");
  bar->addWidget(new QLabel(tr("Order:")));
  bar->addWidget(order_);
  bar->addWidget(count_);
  bar->addWidget(mode_);
  bar->addStretch(1);
  bar->addWidget(info_);
  lay->addLayout(bar);
  plot_ = new QCustomPlot;
  plot_->setObjectName("heatmapPlot");
  plot_->setMinimumHeight(160);
  plot_->setToolTip(tr("Activation of each unit (rows) after each word (columns) of the selected sentence; "
                       "click a row to colour the map by that unit"));
  lay->addWidget(plot_, 1);
  map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  map_->setInterpolate(false);
  map_->setTightBoundary(true);
  scale_ = new QCPColorScale(plot_);
  scale_->setType(QCPAxis::atRight);
  scale_->setBarWidth(10);
  scale_->axis()->setLabel(tr("activation"));
  plot_->plotLayout()->addElement(0, 1, scale_);
  map_->setColorScale(scale_);
  scale_->setGradient(divergingGradient());
  auto* group = new QCPMarginGroup(plot_);
  plot_->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, group);
  scale_->setMarginGroup(QCP::msTop | QCP::msBottom, group);
  plot_->yAxis->setLabel(tr("unit"));
  plot_->yAxis->setRangeReversed(true);
  plot_->xAxis->setTickLabelRotation(40);
  plot_->xAxis->grid()->setVisible(false);
  plot_->yAxis->grid()->setVisible(false);
  placeholder_ = new QCPItemText(plot_);
  placeholder_->position->setType(QCPItemPosition::ptAxisRectRatio);
  placeholder_->position->setCoords(0.5, 0.5);
  placeholder_->setColor(QColor(120, 120, 120));
  placeholder_->setText(tr("Select a sentence:\nclick the map or the Sentences list"));
  highlight_ = new QCPItemRect(plot_);
  highlight_->setPen(QPen(QColor(0, 0, 0), 2));
  highlight_->setBrush(Qt::NoBrush);
  highlight_->setVisible(false);

  connect(mode_, &QComboBox::currentIndexChanged, this, [this] { dirty_ = true; });
  connect(ws_, &Workspace::analysisChanged, this, [this] {
    if (order_->currentIndex() == 2) dirty_ = true;
  });
  connect(ws_, &Workspace::linkChanged, this, [this] {
    placeHighlight();
    plot_->replot(QCustomPlot::rpQueuedReplot);
  });
  connect(order_, &QComboBox::currentIndexChanged, this, [this] { dirty_ = true; });
  connect(count_, &QSpinBox::valueChanged, this, [this] { dirty_ = true; });
  connect(ws_, &Workspace::sessionChanged, this, [this] { dirty_ = true; });
  connect(ws_, &Workspace::selectionChanged, this, [this] { dirty_ = true; });
  connect(ws_, &Workspace::stageChanged, this, [this] { dirty_ = true; });
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
    // Left button only: the right button opens the export menu.
    if (e->button() != Qt::LeftButton) return;
    if (units_.empty() || !plot_->axisRect()->rect().contains(e->pos())) return;
    activateRow(static_cast<int>(std::lround(plot_->yAxis->pixelToCoord(e->position().y()))));
  });
}

int HeatmapView::unitAtRow(int r) const {
  return (r >= 0 && r < rows()) ? units_[static_cast<size_t>(r)] : -1;
}

void HeatmapView::setOrder(bool by_importance) { order_->setCurrentIndex(by_importance ? 0 : 1); }
void HeatmapView::setOrder(Order order) { order_->setCurrentIndex(static_cast<int>(order)); }
HeatmapView::Order HeatmapView::order() const { return static_cast<Order>(order_->currentIndex()); }
void HeatmapView::setVariation(bool on) { mode_->setCurrentIndex(on ? 1 : 0); }
bool HeatmapView::variation() const { return mode_->currentIndex() == 1; }

int HeatmapView::highlightedRow() const {
  const int u = ws_->highlightedUnit();
  for (int r = 0; r < rows(); ++r)
    if (units_[static_cast<size_t>(r)] == u) return r;
  return -1;
}

void HeatmapView::placeHighlight() {
  const int r = highlightedRow();
  highlight_->setVisible(r >= 0 && columns_ > 0);
  if (r < 0) return;
  // The colour map has a tight boundary (it ends at the first and last cells' centres):
  // the outline follows it.
  highlight_->topLeft->setCoords(0, std::max(r - 0.5, 0.0));
  highlight_->bottomRight->setCoords(columns_ - 1, std::min(r + 0.5, rows() - 1.0));
}

void HeatmapView::setUnitCount(int units) { count_->setValue(units); }

void HeatmapView::activateRow(int r) {
  const int u = unitAtRow(r);
  if (u < 0) return;
  ws_->setColour(ColourMode::unit, u);
  ws_->setHighlightedUnit(u);
}

void HeatmapView::refresh() {
  dirty_ = false;
  const auto* pts = ws_->points();
  const int ms = ws_->mapIndex(ws_->selected());
  units_.clear();
  columns_ = 0;
  if (!pts || ms < 0) {
    placeholder_->setText(ws_->selected() >= 0
                              ? tr("Sentence %1 is not on the map:\nno states recorded").arg(ws_->selected())
                              : tr("Select a sentence:\nclick the map or the Sentences list"));
    map_->data()->clear();
    map_->setVisible(false);
    scale_->setVisible(false);
    placeholder_->setVisible(true);
    info_->clear();
    highlight_->setVisible(false);
    plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  const auto& s = ws_->session();
  const bool by_importance = order_->currentIndex() == 0 && !s->unit_order.empty();
  const bool polyvalent = order_->currentIndex() == 2;
  const int total = pts->units();
  if (polyvalent) {
    analysis::PolyvalentOptions po = ws_->analysis().units.polyvalent;
    for (const auto& p : experiment::session_polyvalent(*s, ws_->stage(), po))
      if (static_cast<int>(units_.size()) < count_->value()) units_.push_back(p.unit);
  } else {
    const int n = std::min(count_->value(), total);
    for (int i = 0; i < n; ++i) units_.push_back(by_importance ? s->unit_order[static_cast<size_t>(i)] : i);
  }
  const int show = static_cast<int>(units_.size());
  Eigen::MatrixXf m = pts->sentence_units(ms);  // rows: steps
  if (variation()) {
    // |x(t) - x(t-1)|, 0 at the first step (analysis::unit_activity's definition).
    const Eigen::MatrixXf x = m;
    m.row(0).setZero();
    for (Eigen::Index t = 1; t < x.rows(); ++t) m.row(t) = (x.row(t) - x.row(t - 1)).cwiseAbs();
  }
  columns_ = static_cast<int>(m.rows());
  if (show == 0) {
    placeholder_->setText(polyvalent ? tr("No polyvalent units: the model has no readout,\nor no unit serves k outputs")
                                     : tr("No units"));
    map_->data()->clear();
    map_->setVisible(false);
    scale_->setVisible(false);
    placeholder_->setVisible(true);
    highlight_->setVisible(false);
    info_->clear();
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  map_->data()->setSize(columns_, show);
  map_->data()->setRange(QCPRange(0, columns_ - 1), QCPRange(0, show - 1));
  float mx = 1e-6f;
  for (int c = 0; c < columns_; ++c)
    for (int r = 0; r < show; ++r) {
      const float v = m(c, units_[static_cast<size_t>(r)]);
      mx = std::max(mx, std::abs(v));
      map_->data()->setCell(c, r, v);
    }
  if (variation()) {
    map_->setDataRange(QCPRange(0, mx));
    scale_->setGradient(QCPColorGradient(QCPColorGradient::gpThermal));
    scale_->axis()->setLabel(tr("|x(t) - x(t-1)|"));
  } else {
    map_->setDataRange(QCPRange(-mx, mx));
    scale_->setGradient(divergingGradient());
    scale_->axis()->setLabel(tr("activation"));
  }
  map_->setVisible(true);
  scale_->setVisible(true);
  placeholder_->setVisible(false);
  auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
  for (int c = 0; c < columns_; ++c) {
    const int w = pts->word_at(s->corpus->test, ms, c);
    ticker->addTick(c, w < 0 ? QStringLiteral("∅") : QString::fromStdString(s->corpus->grammar.vocabulary()[static_cast<size_t>(w)]));
  }
  plot_->xAxis->setTicker(ticker);
  if (show <= 40) {
    auto yt = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    for (int r = 0; r < show; ++r) yt->addTick(r, QString::number(units_[static_cast<size_t>(r)]));
    plot_->yAxis->setTicker(yt);
    plot_->yAxis->setLabel(tr("unit"));
  } else {
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    plot_->yAxis->setLabel(polyvalent ? tr("polyvalent unit (most outputs first)")
                           : by_importance ? tr("rank by readout importance") : tr("unit"));
  }
  placeHighlight();
  plot_->xAxis->setRange(-0.5, columns_ - 0.5);
  plot_->yAxis->setRange(-0.5, show - 0.5);
  info_->setText(tr("%1 of %2 units · sentence %3").arg(show).arg(total).arg(ws_->selected()));
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace rssviz::ui
