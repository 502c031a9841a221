// Winglet and polyvalent-units charts: the readout's weights (analysis/readout_weights.hpp).
#include <QMouseEvent>
#include <cmath>

#include "ui/analysis_views.hpp"
#include "ui/colors.hpp"

namespace rssviz::ui {

WingletView::WingletView(Workspace* ws, QWidget* parent) : AnalysisPlot(ws, parent) {
  setObjectName("wingletPlot");
  setToolTip(tr("Readout weights |Wout| of each output sorted ascending (the \"winglet\"): most are small, a few "
                "large. The chosen output is drawn in colour, the others in grey"));
}

bool WingletView::rebuild(QString* why) {
  const auto& s = *ws_->session();
  const Eigen::MatrixXd& w = experiment::readout_at(s, ws_->stage());
  if (w.size() == 0) {
    *why = tr("No readout: an untrained reservoir has no weights to rank\n(press Train)");
    return false;
  }
  auto* r = makeRects(1, 1).front();
  auto* x = r->axis(QCPAxis::atBottom);
  auto* y = r->axis(QCPAxis::atLeft);
  const bool esn = s.model == experiment::ModelKind::esn;
  x->setLabel(esn ? tr("rank of |w| over [1; x] (bias included)") : tr("rank of |w| over the hidden units"));
  y->setLabel(tr("|readout weight|"));
  const int chosen = std::clamp(ws_->analysis().output, 0, static_cast<int>(w.rows()) - 1);
  const auto& g = s.corpus->grammar;
  QVector<double> ranks(static_cast<int>(w.cols()));
  for (int k = 0; k < ranks.size(); ++k) ranks[k] = k;
  for (int o = 0; o < w.rows(); ++o) {
    if (o == chosen) continue;
    const auto sw = analysis::winglet(w, o);
    auto* gr = new QCPGraph(x, y);
    gr->setData(ranks, QVector<double>(sw.value.begin(), sw.value.end()), true);
    gr->setPen(QPen(QColor(170, 170, 170, 150), 1));
    data_count_ += static_cast<int>(sw.value.size());
  }
  const auto sw = analysis::winglet(w, chosen);
  auto* gr = new QCPGraph(x, y);
  gr->setData(ranks, QVector<double>(sw.value.begin(), sw.value.end()), true);
  gr->setPen(QPen(QColor(0xd62728), 2.2));
  gr->setName(QString::fromStdString(g.output_name(chosen)));
  data_count_ += static_cast<int>(sw.value.size());
  // Where the bias sits in the chosen output's ranking (ESN).
  if (esn) {
    const auto it = std::find(sw.column.begin(), sw.column.end(), 0);
    const int k = static_cast<int>(it - sw.column.begin());
    auto* b = new QCPGraph(x, y);
    b->setLineStyle(QCPGraph::lsNone);
    b->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QColor(0x1f77b4), QColor(0x1f77b4), 8));
    b->setData(QVector<double>{static_cast<double>(k)}, QVector<double>{sw.value[static_cast<size_t>(k)]});
    b->setName(tr("bias (index 0)"));
  }
  x->setRange(-0.5, static_cast<double>(w.cols()) - 0.5);
  y->rescale();
  y->setRangeLower(0);
  y->setRangeUpper(y->range().upper * 1.05);
  auto* label = new QCPItemText(this);
  label->setClipAxisRect(r);
  label->position->setAxisRect(r);
  label->position->setType(QCPItemPosition::ptAxisRectRatio);
  label->position->setCoords(0.03, 0.06);
  label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
  label->setColor(QColor(0xd62728));
  label->setFont(QFont(font().family(), 9, QFont::Bold));
  label->setText(tr("%1 (largest |w| %2)").arg(QString::fromStdString(g.output_name(chosen))).arg(sw.value.back(), 0, 'g', 3));
  if (esn) {
    auto* bias = new QCPItemText(this);
    bias->setClipAxisRect(r);
    bias->position->setAxisRect(r);
    bias->position->setType(QCPItemPosition::ptAxisRectRatio);
    bias->position->setCoords(0.03, 0.13);
    bias->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    bias->setColor(QColor(0x1f77b4));
    bias->setFont(QFont(font().family(), 9, QFont::Bold));
    bias->setText(tr("◆ the bias (column 0 of [1; x])"));
  }
  return true;
}

PolyvalentView::PolyvalentView(Workspace* ws, QWidget* parent) : AnalysisPlot(ws, parent) {
  setObjectName("polyvalentPlot");
  setToolTip(tr("Polyvalent units: units among the 5 most positive or 5 most negative readout weights of at least k "
                "outputs, with how many outputs list them. Click a bar to highlight the unit and colour the map by it"));
  connect(ws_, &Workspace::linkChanged, this, [this] {
    if (!units_.empty()) markDirty();
  });
}

bool PolyvalentView::rebuild(QString* why) {
  const auto& s = *ws_->session();
  units_.clear();
  if (experiment::readout_at(s, ws_->stage()).size() == 0) {
    *why = tr("No readout: an untrained reservoir has no polyvalent units\n(press Train)");
    return false;
  }
  const auto& po = ws_->analysis().units.polyvalent;
  units_ = experiment::session_polyvalent(s, ws_->stage(), po);
  if (units_.empty()) {
    *why = tr("No unit is listed for %1 or more outputs").arg(po.min_outputs);
    return false;
  }
  auto* r = makeRects(1, 1).front();
  auto* x = r->axis(QCPAxis::atBottom);
  auto* y = r->axis(QCPAxis::atLeft);
  auto* bars = new QCPBars(x, y);
  auto* hi = new QCPBars(x, y);
  bars->setBrush(QColor(0x1f77b4));
  bars->setPen(Qt::NoPen);
  hi->setBrush(QColor(0xff7f0e));
  hi->setPen(QPen(Qt::black, 1));
  auto ticks = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
  const int n = static_cast<int>(units_.size());
  const int every = std::max(1, n / 40);  // at most ~40 labels
  for (int i = 0; i < n; ++i) {
    const auto& p = units_[static_cast<size_t>(i)];
    (p.unit == ws_->highlightedUnit() ? hi : bars)->addData(i, p.count);
    if (i % every == 0) ticks->addTick(i, QString::number(p.unit));
  }
  data_count_ = n;
  x->setTicker(ticks);
  x->setTickLabelRotation(60);
  x->setLabel(s.model == experiment::ModelKind::esn ? tr("reservoir unit") : tr("LSTM unit"));
  x->setRange(-0.7, n - 0.3);
  y->setLabel(tr("outputs listing the unit (of %1)").arg(experiment::readout_at(s, ws_->stage()).rows()));
  y->setRange(0, units_.front().count + 1);
  auto* k = new QCPItemStraightLine(this);
  k->setClipAxisRect(r);
  k->point1->setAxes(x, y);
  k->point2->setAxes(x, y);
  k->point1->setCoords(0, po.min_outputs);
  k->point2->setCoords(1, po.min_outputs);
  k->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
  auto* label = new QCPItemText(this);
  label->setClipAxisRect(r);
  label->position->setAxisRect(r);
  label->position->setType(QCPItemPosition::ptAxisRectRatio);
  label->position->setCoords(0.98, 0.04);
  label->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
  label->setFont(QFont(font().family(), 8));
  label->setText(tr("%1 polyvalent units (top %2 + / top %2 − of ≥ %3 outputs)").arg(n).arg(po.per_sign).arg(po.min_outputs));
  return true;
}

void PolyvalentView::pickBar(int i) {
  if (i < 0 || i >= static_cast<int>(units_.size())) return;
  const int u = units_[static_cast<size_t>(i)].unit;
  ws_->setHighlightedUnit(u);
  ws_->setColour(ColourMode::unit, u);
}

void PolyvalentView::mousePressEvent(QMouseEvent* e) {
  QCustomPlot::mousePressEvent(e);
  if (e->button() != Qt::LeftButton || rects_.isEmpty() || units_.empty()) return;
  const int i = stepAt(e->position(), {rects_.front()});
  pickBar(i);
}

}  // namespace rssviz::ui
