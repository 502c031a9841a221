// Activity of the unit set along the selected sentence, and the word influence chart
// (analysis/unit_activity.hpp).
#include <QMouseEvent>
#include <algorithm>
#include <numeric>

#include "ui/analysis_views.hpp"
#include "ui/colors.hpp"

namespace rssviz::ui {

namespace {

QString unitSetName(const experiment::UnitSetChoice& c, const corpus::Grammar& g) {
  switch (c.kind) {
    case experiment::UnitSetKind::kPolyvalent: return QObject::tr("polyvalent units");
    case experiment::UnitSetKind::kTopForOutput:
      return QObject::tr("top %1 units of %2").arg(c.top).arg(QString::fromStdString(g.output_name(c.output)));
    case experiment::UnitSetKind::kByHand: return QObject::tr("units picked by hand");
    case experiment::UnitSetKind::kAll: return QObject::tr("all units");
    case experiment::UnitSetKind::kRandom: return QObject::tr("random units");
  }
  return {};
}

// The unit set of the workspace's settings, or empty with the reason.
std::vector<int> unitSet(const Workspace& ws, QString* why) {
  const auto& s = *ws.session();
  try {
    auto u = experiment::choose_units(s, ws.stage(), ws.analysis().units);
    if (u.empty())
      *why = s.trained ? QObject::tr("The unit set is empty (no unit serves k outputs?)")
                       : QObject::tr("No readout, so no polyvalent or top units:\npick units by hand, or press Train");
    return u;
  } catch (const std::exception& e) {
    *why = QString::fromUtf8(e.what());
    return {};
  }
}

}  // namespace

ActivityView::ActivityView(Workspace* ws, QWidget* parent) : AnalysisPlot(ws, parent) {
  setObjectName("activityPlot");
  setToolTip(tr("Activation x_i(t) (top) and variation |x_i(t) - x_i(t-1)| (bottom, 0 at the first step) of the "
                "chosen units along the selected sentence. Hover a word to ring its point on the map"));
  connect(ws_, &Workspace::linkChanged, this, [this] {
    if (highlighted_ != ws_->highlightedUnit()) markDirty();
  });
}

bool ActivityView::rebuild(QString* why) {
  steps_ = 0;
  highlighted_ = ws_->highlightedUnit();
  const auto* rec = selectedRecord(why);
  if (!rec) return false;
  const auto units = unitSet(*ws_, why);
  if (units.empty()) return false;
  const auto a = analysis::unit_activity(rec->states, units);
  const auto rects = makeRects(2, 1);
  auto* group = new QCPMarginGroup(this);
  steps_ = static_cast<int>(a.activation.rows());
  const bool lstm = ws_->session()->model == experiment::ModelKind::lstm;
  const QString name = unitSetName(ws_->analysis().units, ws_->session()->corpus->grammar);
  QVector<double> t(steps_);
  std::iota(t.begin(), t.end(), 0.0);
  for (int panel = 0; panel < 2; ++panel) {
    auto* r = rects[panel];
    r->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    auto* x = r->axis(QCPAxis::atBottom);
    auto* y = r->axis(QCPAxis::atLeft);
    const Eigen::MatrixXd& m = panel == 0 ? a.activation : a.variation;
    for (int k = 0; k < m.cols(); ++k) {
      const bool hi = units[static_cast<size_t>(k)] == highlighted_;
      auto* gr = new QCPGraph(x, y);
      QVector<double> v(steps_);
      for (int i = 0; i < steps_; ++i) v[i] = m(i, k);
      gr->setData(t, v, true);
      QColor c = hi ? QColor(0, 0, 0) : categoryColor(k);
      if (!hi) c.setAlpha(170);
      gr->setPen(QPen(c, hi ? 2.6 : 1.1));
      if (hi) gr->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
      data_count_ += steps_;
    }
    setWordTicks(x, *rec);
    x->setRange(-0.3, steps_ - 0.7);
    y->rescale();
    y->scaleRange(1.1);
    if (panel == 1) y->setRangeLower(0);
    y->setLabel(panel == 0 ? (lstm ? tr("cell state c(t)") : tr("activation x(t)")) : tr("variation |Δ|"));
    x->setTickLabels(panel == 1);
  }
  auto* title = new QCPTextElement(this, tr("%1 (%2) · sentence %3").arg(name).arg(units.size()).arg(ws_->selected()),
                                   QFont(font().family(), 8, QFont::Bold));
  plotLayout()->insertRow(0);
  plotLayout()->addElement(0, 0, title);
  markStep(rects, steps_);
  return true;
}

void ActivityView::mouseMoveEvent(QMouseEvent* e) {
  QCustomPlot::mouseMoveEvent(e);
  if (steps_ == 0) return;
  const int k = stepAt(e->position(), rects_);
  ws_->setHoveredStep(k >= 0 && k < steps_ ? k : -1);
}

void ActivityView::leaveEvent(QEvent* e) {
  QCustomPlot::leaveEvent(e);
  if (steps_ > 0) ws_->setHoveredStep(-1);
}

InfluenceView::InfluenceView(Workspace* ws, QWidget* parent) : AnalysisPlot(ws, parent) {
  setObjectName("influencePlot");
  setToolTip(tr("Word influence: the summed variation of the chosen units at each transition, credited to the word "
                "read there; mean and standard deviation per word over the chosen test sentences (BEGIN excluded). "
                "Structure words in blue, content words in orange. Click a bar to mark that word's states on the map; "
                "hovering a point on the map outlines the bar of the word read to reach it"));
  connect(ws_, &Workspace::linkChanged, this, [this] {
    if (marked_ != ws_->markedWord() || hovered_ != ws_->hoveredWord()) markDirty();
  });
}

bool InfluenceView::rebuild(QString* why) {
  words_.clear();
  marked_ = ws_->markedWord();
  hovered_ = ws_->hoveredWord();
  hovered_bar_ = -1;
  const auto& s = *ws_->session();
  const auto units = unitSet(*ws_, why);
  if (units.empty()) return false;
  const auto& o = ws_->analysis().influence;
  if (&s != cached_session_ || ws_->stage() != cached_stage_ || units != cached_units_ ||
      o.sentences != cached_options_.sentences || o.seed != cached_options_.seed || o.pool != cached_options_.pool) {
    try {
      influence_ = experiment::session_word_influence(s, ws_->stage(), units, o);
    } catch (const std::exception& e) {
      *why = QString::fromUtf8(e.what());
      cached_session_ = nullptr;
      return false;
    }
    cached_session_ = &s;
    cached_stage_ = ws_->stage();
    cached_units_ = units;
    cached_options_ = o;
  }
  for (int w = 0; w < influence_.vocabulary(); ++w)
    if (influence_.count[static_cast<size_t>(w)] > 0) words_.push_back(w);
  std::stable_sort(words_.begin(), words_.end(), [&](int a, int b) {
    return influence_.mean[static_cast<size_t>(a)] > influence_.mean[static_cast<size_t>(b)];
  });
  if (words_.empty()) {
    *why = tr("No transitions to measure");
    return false;
  }
  auto* r = makeRects(1, 1).front();
  auto* x = r->axis(QCPAxis::atBottom);
  auto* y = r->axis(QCPAxis::atLeft);
  const auto& g = s.corpus->grammar;
  auto* structure = new QCPBars(x, y);
  auto* content = new QCPBars(x, y);
  auto* marked = new QCPBars(x, y);
  structure->setBrush(QColor(0x1f77b4));
  content->setBrush(QColor(0xff7f0e));
  marked->setBrush(QColor(0x2ca02c));
  for (auto* b : {structure, content, marked}) b->setPen(Qt::NoPen);
  marked->setPen(QPen(Qt::black, 1.2));
  structure->setName(tr("structure words"));
  content->setName(tr("content words"));
  QVector<double> keys, means, devs;
  auto ticks = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
  double top = 0;
  for (int i = 0; i < static_cast<int>(words_.size()); ++i) {
    const int w = words_[static_cast<size_t>(i)];
    const double m = influence_.mean[static_cast<size_t>(w)], d = influence_.stddev[static_cast<size_t>(w)];
    const bool st = experiment::is_structure_word(g.vocabulary()[static_cast<size_t>(w)]);
    (w == marked_ ? marked : st ? structure : content)->addData(i, m);
    keys << i;
    means << m;
    devs << d;
    top = std::max(top, m + d);
    ticks->addTick(i, wordName(w));
  }
  // The map's hovered point: its word's bar outlined.
  for (int i = 0; i < static_cast<int>(words_.size()); ++i)
    if (words_[static_cast<size_t>(i)] == hovered_) hovered_bar_ = i;
  if (hovered_bar_ >= 0) {
    auto* outline = new QCPBars(x, y);
    outline->setBrush(Qt::NoBrush);
    outline->setPen(QPen(Qt::black, 2.0));
    outline->setWidth(0.9);
    outline->addData(hovered_bar_, influence_.mean[static_cast<size_t>(hovered_)]);
  }
  // Error bars hang on a data plottable with the keys: an invisible graph of the means.
  auto* carrier = new QCPGraph(x, y);
  carrier->setData(keys, means, true);
  carrier->setLineStyle(QCPGraph::lsNone);
  auto* err = new QCPErrorBars(x, y);
  err->setPen(QPen(QColor(60, 60, 60), 1));
  err->setDataPlottable(carrier);
  err->setData(devs);
  data_count_ = static_cast<int>(words_.size());
  x->setTicker(ticks);
  x->setTickLabelRotation(50);
  x->setRange(-0.7, static_cast<double>(words_.size()) - 0.3);
  y->setRange(0, top * 1.08 + 1e-12);
  y->setLabel(tr("summed |Δ| of the units per transition"));
  // The plot's own legend went with the old layout: a legend of this drawing's.
  auto* lg = new QCPLegend;
  r->insetLayout()->addElement(lg, Qt::AlignTop | Qt::AlignRight);
  lg->setFont(QFont(font().family(), 7));
  lg->setBrush(QColor(255, 255, 255, 220));
  lg->addItem(new QCPPlottableLegendItem(lg, structure));
  lg->addItem(new QCPPlottableLegendItem(lg, content));
  const auto c = experiment::structure_contrast(g, influence_);
  auto* title = new QCPTextElement(
      this,
      tr("%1 (%2) over %3 test sentences · structure / content mean %4")
          .arg(unitSetName(ws_->analysis().units, g))
          .arg(units.size())
          .arg(influence_.sentences)
          .arg(c.ratio(), 0, 'f', 2),
      QFont(font().family(), 8, QFont::Bold));
  plotLayout()->insertRow(0);
  plotLayout()->addElement(0, 0, title);
  return true;
}

void InfluenceView::pickBar(int i) {
  if (i < 0 || i >= static_cast<int>(words_.size())) return;
  const int w = words_[static_cast<size_t>(i)];
  ws_->setMarkedWord(ws_->markedWord() == w ? -1 : w);
}

void InfluenceView::mousePressEvent(QMouseEvent* e) {
  QCustomPlot::mousePressEvent(e);
  if (e->button() != Qt::LeftButton || rects_.isEmpty() || words_.empty()) return;
  pickBar(stepAt(e->position(), {rects_.front()}));
}

}  // namespace rssviz::ui
