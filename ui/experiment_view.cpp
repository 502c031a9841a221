#include "ui/experiment_view.hpp"

#include <algorithm>
#include <cmath>

namespace rssviz::ui {

namespace ex = rssviz::experiment;

namespace {

constexpr int kBest = 10;  // search: trials drawn as "best"

}  // namespace

ExperimentView::ExperimentView(QWidget* parent) : QCustomPlot(parent) {
  setObjectName("experimentPlot");
  setMinimumSize(320, 200);
  setAutoAddPlottableToLegend(false);
  refresh();
}

QColor ExperimentView::modelColor(ex::RunModel m) {
  switch (m) {
    case ex::RunModel::kEsn: return QColor(0x1f77b4);
    case ex::RunModel::kLstm: return QColor(0xff7f0e);
    case ex::RunModel::kBagOfWords: return QColor(0x2ca02c);
  }
  return Qt::black;
}

QString ExperimentView::modelName(ex::RunModel m) {
  switch (m) {
    case ex::RunModel::kEsn: return tr("ESN");
    case ex::RunModel::kLstm: return tr("LSTM");
    case ex::RunModel::kBagOfWords: return tr("bag of words");
  }
  return {};
}

void ExperimentView::setResults(const ex::ExperimentOptions& options, std::vector<ex::ResultRow> rows) {
  options_ = options;
  rows_ = std::move(rows);
  has_ = true;
  refresh();
}

void ExperimentView::clearResults() {
  rows_.clear();
  has_ = false;
  refresh();
}

QString ExperimentView::description() const {
  if (!has_) return tr("No results");
  QStringList models;
  for (auto m : options_.models) models << modelName(m);
  const auto& o = options_;
  const int total = static_cast<int>(ex::make_run_list(o).size());
  const QString runs = tr("%1 of %2 runs").arg(rows_.size()).arg(total);
  if (o.kind == ex::ExperimentKind::kSearch)
    return tr("ESN hyperparameter search: %1 %2 trials and the paper's point, n = %3 objects · %4")
        .arg(o.trials)
        .arg(QString::fromStdString(ex::to_string(o.sampler)))
        .arg(o.objects)
        .arg(runs);
  const QString swept = o.kind == ex::ExperimentKind::kObjects        ? tr("objects (n = %1..%2)")
                        : o.kind == ex::ExperimentKind::kTrainingSize ? tr("training sentences (%1..%2)")
                                                                      : tr("reservoir units (%1..%2)");
  QString seeds = o.seeds == 1 ? tr("1 seed") : tr("%1 seeds").arg(o.seeds);
  if (o.lstm_seeds > 0 && std::count(o.models.begin(), o.models.end(), ex::RunModel::kLstm))
    seeds += tr(" (LSTM %1)").arg(o.lstm_seeds);
  QString text = tr("%1: error against %2").arg(models.join(", "), swept.arg(o.from).arg(o.to));
  if (o.kind != ex::ExperimentKind::kObjects) text += tr(", n = %1 objects").arg(o.objects);
  return text + QStringLiteral(" · ") + seeds + QStringLiteral(", ") + runs;
}

QCPAxisRect* ExperimentView::addPanel(int row, int column, const QString& x_label, const QString& y_label) {
  auto* rect = new QCPAxisRect(this);
  plotLayout()->addElement(row, column, rect);
  rect->axis(QCPAxis::atBottom)->setLabel(x_label);
  rect->axis(QCPAxis::atLeft)->setLabel(y_label);
  for (auto* a : rect->axes()) {
    a->setLabelFont(QFont(font().family(), 9));
    a->setTickLabelFont(QFont(font().family(), 8));
  }
  panels_ << rect;
  return rect;
}

void ExperimentView::addLegend(int column) {
  // A column of its own right of the panels, the legend at its top (a spacer below it
  // takes the rest of the height, so the entries stay together).
  auto* side = new QCPLayoutGrid;
  plotLayout()->addElement(0, column, side);
  plotLayout()->setColumnStretchFactor(column, 0.001);
  legend = new QCPLegend;
  legend->setFont(QFont(font().family(), 8));
  legend->setBorderPen(Qt::NoPen);
  side->addElement(0, 0, legend);
  side->addElement(1, 0, new QCPLayoutElement(this));
  side->setRowStretchFactor(0, 0.001);
  side->setRowStretchFactor(1, 1.0);
}

void ExperimentView::refresh() {
  clearPlottables();
  clearItems();
  plotLayout()->clear();
  panels_.clear();
  legend = nullptr;
  if (!has_ || rows_.empty()) {
    auto* rect = addPanel(0, 0, QString(), QString());
    auto* text = new QCPItemText(this);
    text->setClipAxisRect(rect);
    text->position->setAxisRect(rect);
    text->position->setType(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(0.5, 0.5);
    text->setColor(QColor(120, 120, 120));
    text->setText(has_ ? tr("No finished runs in this file yet") : tr("Open a results file (File > Open results…)"));
    replot(rpQueuedReplot);
    return;
  }
  if (options_.kind == ex::ExperimentKind::kSearch)
    drawSearch();
  else
    drawSweep();
  replot(rpQueuedReplot);
}

void ExperimentView::drawSweep() {
  const QString x_label = QString::fromStdString(ex::swept_label(options_.kind));
  const ex::ResultMetric metrics[] = {ex::ResultMetric::kValidError, ex::ResultMetric::kExactError,
                                      ex::ResultMetric::kCpuSeconds};
  addLegend(3);
  for (int k = 0; k < 3; ++k) {
    const auto metric = metrics[k];
    const bool percent = metric != ex::ResultMetric::kCpuSeconds;
    auto* rect = addPanel(0, k, x_label, QString::fromStdString(ex::metric_label(metric)));
    auto* xa = rect->axis(QCPAxis::atBottom);
    auto* ya = rect->axis(QCPAxis::atLeft);
    if (!percent) {
      ya->setScaleType(QCPAxis::stLogarithmic);
      ya->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
      ya->setNumberFormat("gb");
    }
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& s : ex::summarize(options_, rows_, metric)) {
      const double f = percent ? 100.0 : 1.0;
      QVector<double> x, mean, low, high;
      for (const auto& p : s.points) {
        x << p.x;
        mean << f * p.mean;
        low << f * p.min;
        high << f * p.max;
        lo = std::min(lo, f * p.min);
        hi = std::max(hi, f * p.max);
      }
      const QColor c = modelColor(s.model);
      auto* lower = addGraph(xa, ya);
      lower->setData(x, low, true);
      lower->setPen(Qt::NoPen);
      auto* upper = addGraph(xa, ya);
      upper->setData(x, high, true);
      upper->setPen(Qt::NoPen);
      QColor band = c;
      band.setAlpha(55);
      upper->setBrush(band);
      upper->setChannelFillGraph(lower);
      auto* line = addGraph(xa, ya);
      line->setData(x, mean, true);
      line->setPen(QPen(c, 1.6));
      line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, c, x.size() > 60 ? 3 : 5));
      line->setName(modelName(s.model));
      if (k == 0) line->addToLegend(legend);
    }
    if (k == 0) {
      auto* band_item = new QCPTextElement(this, tr("line: mean over seeds\nband: min..max"), QFont(font().family(), 7));
      band_item->setTextColor(QColor(90, 90, 90));
      legend->addElement(legend->rowCount(), 0, band_item);
    }
    rect->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    xa->rescale();
    xa->scaleRange(1.06);
    if (percent) {
      ya->setRange(0, std::isfinite(hi) ? std::max(1.0, hi * 1.08) : 100.0);
    } else if (std::isfinite(lo) && lo > 0) {
      ya->setRange(lo / 1.5, hi * 1.5);
    }
  }
  for (auto* p : panels_) p->setMinimumSize(120, 100);
}

void ExperimentView::drawSearch() {
  struct Setting {
    const char* label;
    double ex::SearchPoint::*field;
  };
  const Setting settings[] = {{"leak rate", &ex::SearchPoint::leak_rate},
                              {"spectral radius", &ex::SearchPoint::spectral_radius},
                              {"density", &ex::SearchPoint::density},
                              {"log10 ridge", &ex::SearchPoint::log10_ridge}};
  const auto ranked = ex::rank_search(rows_);
  std::vector<char> best(ex::make_run_list(options_).size(), 0);
  for (int i = 0; i < std::min<int>(kBest, static_cast<int>(ranked.size())); ++i)
    if (std::isfinite(ranked[static_cast<size_t>(i)].exact_error)) best[static_cast<size_t>(ranked[i].run.index)] = 1;
  addLegend(4);
  for (int k = 0; k < 4; ++k) {
    auto* rect = addPanel(0, k, tr(settings[k].label), k == 0 ? tr("exact error (%)") : QString());
    auto* xa = rect->axis(QCPAxis::atBottom);
    auto* ya = rect->axis(QCPAxis::atLeft);
    QVector<double> ax, ay, bx, by, px, py;
    for (const auto& r : rows_) {
      const double x = r.run.point.*settings[k].field;
      const double y = 100.0 * r.exact_error;
      if (!std::isfinite(y)) continue;
      if (r.run.trial == 0) {
        px << x;
        py << y;
      } else if (best[static_cast<size_t>(r.run.index)]) {
        bx << x;
        by << y;
      } else {
        ax << x;
        ay << y;
      }
    }
    auto dots = [&](const QVector<double>& x, const QVector<double>& y, const QCPScatterStyle& style,
                    const QString& name) {
      auto* g = addGraph(xa, ya);
      g->setLineStyle(QCPGraph::lsNone);
      g->setScatterStyle(style);
      g->setData(x, y);
      g->setName(name);
      if (k == 0 && !x.isEmpty()) g->addToLegend(legend);
    };
    dots(ax, ay, QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(150, 150, 150, 140), QColor(150, 150, 150, 140), 3),
         tr("trial"));
    dots(bx, by, QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0x1f77b4), QColor(0x1f77b4), 6),
         tr("%1 best").arg(kBest));
    dots(px, py, QCPScatterStyle(QCPScatterStyle::ssStar, QPen(QColor(0xd62728), 2), Qt::NoBrush, 11),
         tr("paper's point"));
    const double ranges[4][2] = {{0, 1}, {0.3, 3}, {0.1, 0.9}, {-4, -0.1}};
    const double pad = 0.03 * (ranges[k][1] - ranges[k][0]);
    xa->setRange(ranges[k][0] - pad, ranges[k][1] + pad);
    ya->setRange(0, 100);
    rect->setMinimumSize(100, 100);
  }
}

}  // namespace rssviz::ui
