// LSTM cell / hidden states and the readout along the selected sentence
// (analysis/output_activity.hpp).
#include <QMouseEvent>
#include <numeric>

#include "ui/analysis_views.hpp"
#include "ui/colors.hpp"

namespace rssviz::ui {

CellsView::CellsView(Workspace* ws, QWidget* parent) : AnalysisPlot(ws, parent) {
  setObjectName("cellsPlot");
  setToolTip(tr("LSTM: the cell state c(t) (its memory, what the map projects) and the hidden state h(t) of every "
                "unit along the selected sentence. ESN: the reservoir state x(t) of the 40 units the readout uses most"));
}

bool CellsView::rebuild(QString* why) {
  steps_ = 0;
  const auto* rec = selectedRecord(why);
  if (!rec) return false;
  const auto& s = *ws_->session();
  const bool lstm = s.model == experiment::ModelKind::lstm;
  std::vector<int> units;
  if (lstm) {
    units.resize(static_cast<size_t>(rec->states.cols()));
    std::iota(units.begin(), units.end(), 0);
  } else {
    for (int u : s.unit_order)
      if (static_cast<int>(units.size()) < 40) units.push_back(u);
  }
  struct Panel {
    const Eigen::MatrixXd* m;
    QString label;
  };
  std::vector<Panel> panels{{&rec->states, lstm ? tr("cell c(t)") : tr("x(t), most-read units")}};
  if (lstm && rec->hidden.size() > 0) panels.push_back({&rec->hidden, tr("hidden h(t)")});
  const auto rects = makeRects(static_cast<int>(panels.size()), 1);
  auto* group = new QCPMarginGroup(this);
  steps_ = static_cast<int>(rec->states.rows());
  const int n = static_cast<int>(units.size());
  for (size_t p = 0; p < panels.size(); ++p) {
    auto* r = rects[static_cast<int>(p)];
    auto* x = r->axis(QCPAxis::atBottom);
    auto* y = r->axis(QCPAxis::atLeft);
    auto* map = new QCPColorMap(x, y);
    map->setInterpolate(false);
    map->setTightBoundary(true);
    map->data()->setSize(steps_, n);
    map->data()->setRange(QCPRange(0, steps_ - 1), QCPRange(0, n - 1));
    double mx = 1e-6;
    for (int t = 0; t < steps_; ++t)
      for (int k = 0; k < n; ++k) {
        const double v = (*panels[p].m)(t, units[static_cast<size_t>(k)]);
        mx = std::max(mx, std::abs(v));
        map->data()->setCell(t, k, v);
      }
    data_count_ += steps_ * n;
    auto* scale = new QCPColorScale(this);
    scale->setType(QCPAxis::atRight);
    scale->setBarWidth(8);
    scale->axis()->setLabel(panels[p].label);
    scale->axis()->setTickLabelFont(QFont(font().family(), 7));
    scale->axis()->setLabelFont(QFont(font().family(), 8));
    plotLayout()->addElement(static_cast<int>(p), 1, scale);
    map->setColorScale(scale);
    scale->setGradient(divergingGradient());
    map->setDataRange(QCPRange(-mx, mx));
    r->setMarginGroup(QCP::msTop | QCP::msBottom | QCP::msLeft, group);
    scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    setWordTicks(x, *rec);
    x->grid()->setVisible(false);
    x->setTickLabels(p + 1 == panels.size());
    x->setRange(-0.5, steps_ - 0.5);
    y->setRangeReversed(true);
    y->setRange(-0.5, n - 0.5);
    y->setLabel(lstm ? tr("unit") : tr("rank by readout"));
    y->grid()->setVisible(false);
    if (n <= 40) {
      auto yt = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
      for (int k = 0; k < n; k += (n > 20 ? 2 : 1)) yt->addTick(k, QString::number(units[static_cast<size_t>(k)]));
      y->setTicker(yt);
    }
  }
  markStep(rects, steps_);
  return true;
}

void CellsView::mouseMoveEvent(QMouseEvent* e) {
  QCustomPlot::mouseMoveEvent(e);
  if (steps_ == 0) return;
  const int k = stepAt(e->position(), rects_);
  ws_->setHoveredStep(k >= 0 && k < steps_ ? k : -1);
}

OutputsView::OutputsView(Workspace* ws, QWidget* parent) : AnalysisPlot(ws, parent) {
  setObjectName("outputsPlot");
  setToolTip(tr("The readout along the selected sentence, one panel per object slot and attribute group, with the "
                "decoding threshold (dashed; softmax view: 1.3 / k), and the final outputs as bars per concept "
                "(object 1 dark, object 2 light). Hover a word to ring its point on the map"));
}

bool OutputsView::rebuild(QString* why) {
  steps_ = 0;
  const auto* rec = selectedRecord(why);
  if (!rec) return false;
  if (rec->outputs.size() == 0) {
    *why = tr("No readout: an untrained reservoir has no outputs\n(press Train)");
    return false;
  }
  const auto& g = ws_->session()->corpus->grammar;
  const auto scale = ws_->analysis().scale;
  const auto panels = analysis::output_panels(g, rec->outputs, scale);
  // Layout: a 2 x 3 grid of line panels over one wide bar chart.
  clearPlottables();
  clearItems();
  plotLayout()->clear();
  rects_.clear();
  step_lines_.clear();
  auto* grid = new QCPLayoutGrid;
  plotLayout()->addElement(0, 0, grid);
  auto* bars_rect = new QCPAxisRect(this);
  plotLayout()->addElement(1, 0, bars_rect);
  plotLayout()->setRowStretchFactors({2.2, 1.0});
  auto* group = new QCPMarginGroup(this);
  steps_ = static_cast<int>(rec->outputs.rows());
  QVector<double> t(steps_);
  std::iota(t.begin(), t.end(), 0.0);
  const QString scale_name = QString::fromStdString(analysis::to_string(scale));
  for (size_t p = 0; p < panels.size(); ++p) {
    const auto& pn = panels[p];
    // Each cell: the panel and, beside it, its legend (inside the panel it covered the
    // curves and the title).
    auto* cell = new QCPLayoutGrid;
    grid->addElement(pn.slot, static_cast<int>(pn.group), cell);
    auto* r = new QCPAxisRect(this);
    cell->addElement(0, 0, r);
    r->setMarginGroup(QCP::msLeft, group);
    rects_ << r;
    auto* x = r->axis(QCPAxis::atBottom);
    auto* y = r->axis(QCPAxis::atLeft);
    for (auto* ax : r->axes()) {
      ax->setTickLabelFont(QFont(font().family(), 6));
      ax->setLabelFont(QFont(font().family(), 7));
    }
    for (int j = 0; j < pn.values.cols(); ++j) {
      auto* gr = new QCPGraph(x, y);
      QVector<double> v(steps_);
      for (int i = 0; i < steps_; ++i) v[i] = pn.values(i, j);
      gr->setData(t, v, true);
      gr->setPen(QPen(categoryColor(j), 1.4));
      gr->setName(QString::fromStdString(pn.concepts[static_cast<size_t>(j)]));
      data_count_ += steps_;
    }
    if (!std::isnan(pn.threshold)) {
      auto* th = new QCPItemStraightLine(this);
      th->setClipAxisRect(r);
      th->point1->setAxes(x, y);
      th->point2->setAxes(x, y);
      th->point1->setCoords(0, pn.threshold);
      th->point2->setCoords(1, pn.threshold);
      th->setPen(QPen(QColor(80, 80, 80), 1, Qt::DashLine));
    }
    // The concepts' names in their colours: a compact legend right of the panel.
    auto* lg = new QCPLegend;
    auto* side = new QCPLayoutGrid;  // the legend at the top, a spacer under it
    cell->addElement(0, 1, side);
    cell->setColumnStretchFactor(1, 0.001);  // as narrow as its entries
    side->addElement(0, 0, lg);
    side->addElement(1, 0, new QCPLayoutElement(this));
    side->setRowStretchFactors({0.001, 1.0});
    lg->setLayer(QLatin1String("legend"));
    lg->setFont(QFont(font().family(), 6));
    lg->setBorderPen(Qt::NoPen);
    lg->setBrush(Qt::NoBrush);
    lg->setIconSize(10, 6);
    lg->setRowSpacing(-2);
    lg->setMargins(QMargins(2, 0, 0, 0));
    for (int j = 0; j < r->plottables().size(); ++j) lg->addItem(new QCPPlottableLegendItem(lg, r->plottables()[j]));
    setWordTicks(x, *rec);
    // A third of the width each: a long sentence's words only fit upright.
    if (steps_ > 9) x->setTickLabelRotation(90);
    x->setTickLabels(pn.slot == 1);
    x->setRange(-0.3, steps_ - 0.7);
    if (scale == analysis::OutputScale::kRaw) {
      y->rescale();
      y->scaleRange(1.1);
    } else {
      y->setRange(-0.02, 1.02);
    }
    // The panel's title above it (the top axis's label), clear of the curves.
    auto* top = r->axis(QCPAxis::atTop);
    top->setVisible(true);
    top->setTicks(false);
    top->setTickLabels(false);
    top->setBasePen(Qt::NoPen);
    top->grid()->setVisible(false);
    top->setLabelPadding(1);
    top->setLabelFont(QFont(font().family(), 7, QFont::Bold));
    top->setLabel(QString::fromStdString(pn.title()));
    if (pn.group == analysis::AttributeGroup::kObject) y->setLabel(scale_name);
  }
  // Final outputs (after END) per concept, both slots side by side.
  const auto fin = analysis::final_outputs_by_concept(g, rec->outputs.row(steps_ - 1).transpose(), scale);
  auto* bx = bars_rect->axis(QCPAxis::atBottom);
  auto* by = bars_rect->axis(QCPAxis::atLeft);
  for (auto* ax : bars_rect->axes()) {
    ax->setTickLabelFont(QFont(font().family(), 7));
    ax->setLabelFont(QFont(font().family(), 7));
  }
  bars_rect->setMarginGroup(QCP::msLeft, group);
  auto* b1 = new QCPBars(bx, by);
  auto* b2 = new QCPBars(bx, by);
  b1->setBrush(QColor(0x1f77b4));
  b2->setBrush(QColor(0xaec7e8));
  b1->setPen(Qt::NoPen);
  b2->setPen(Qt::NoPen);
  b1->setWidth(0.38);
  b2->setWidth(0.38);
  b1->setName(tr("object 1"));
  b2->setName(tr("object 2"));
  auto ticks = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
  for (size_t i = 0; i < fin.size(); ++i) {
    const double k = static_cast<double>(i);
    b1->addData(k - 0.2, fin[i].slot[0]);
    b2->addData(k + 0.2, fin[i].slot[1]);
    ticks->addTick(k, QString::fromStdString(fin[i].concept_name));
    if (!std::isnan(fin[i].threshold)) {
      auto* th = new QCPItemLine(this);
      th->setClipAxisRect(bars_rect);
      th->start->setAxes(bx, by);
      th->end->setAxes(bx, by);
      th->start->setCoords(k - 0.45, fin[i].threshold);
      th->end->setCoords(k + 0.45, fin[i].threshold);
      th->setPen(QPen(QColor(80, 80, 80), 1, Qt::DashLine));
    }
  }
  data_count_ += static_cast<int>(2 * fin.size());
  bx->setTicker(ticks);
  bx->setTickLabelRotation(40);
  bx->setRange(-0.6, static_cast<double>(fin.size()) - 0.4);
  if (scale == analysis::OutputScale::kRaw) {
    by->rescale();
    by->scaleRange(1.1);
  } else {
    by->setRange(0, 1.02);
  }
  by->setLabel(tr("after END"));
  auto* lg = new QCPLegend;
  bars_rect->insetLayout()->addElement(lg, Qt::AlignTop | Qt::AlignRight);
  lg->setFont(QFont(font().family(), 7));
  lg->setBrush(QColor(255, 255, 255, 220));
  lg->addItem(new QCPPlottableLegendItem(lg, b1));
  lg->addItem(new QCPPlottableLegendItem(lg, b2));
  // The placeholder went with the items: AnalysisPlot::refresh needs one.
  makePlaceholder();
  markStep(rects_, steps_);
  return true;
}

void OutputsView::mouseMoveEvent(QMouseEvent* e) {
  QCustomPlot::mouseMoveEvent(e);
  if (steps_ == 0) return;
  const int k = stepAt(e->position(), rects_);
  ws_->setHoveredStep(k >= 0 && k < steps_ ? k : -1);
}

void OutputsView::leaveEvent(QEvent* e) {
  QCustomPlot::leaveEvent(e);
  if (steps_ > 0) ws_->setHoveredStep(-1);
}

}  // namespace rssviz::ui
