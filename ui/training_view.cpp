#include "ui/training_view.hpp"

namespace rssviz::ui {

TrainingView::TrainingView(Workspace* ws, QWidget* parent) : QCustomPlot(parent), ws_(ws) {
  setObjectName("trainingPlot");
  setMinimumHeight(150);
  setToolTip(tr("Errors while the model learns: ESN against training sentences (online readout), LSTM per epoch"));
  yAxis->setLabel(tr("error (%)"));
  yAxis2->setLabel(tr("loss (MSE)"));
  valid_ = addGraph();
  valid_->setName(tr("valid error"));
  valid_->setPen(QPen(QColor(0x1f77b4), 2));
  valid_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
  exact_ = addGraph();
  exact_->setName(tr("exact error"));
  exact_->setPen(QPen(QColor(0xd62728), 2));
  exact_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
  loss_ = addGraph(xAxis, yAxis2);
  loss_->setName(tr("training loss"));
  loss_->setPen(QPen(QColor(0x7f7f7f), 1.5, Qt::DashLine));
  legend->setVisible(true);
  legend->setFont(QFont(font().family(), 8));
  legend->setBrush(QColor(255, 255, 255, 210));
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  marker_ = new QCPItemStraightLine(this);
  marker_->setPen(QPen(QColor(90, 90, 90), 1, Qt::DotLine));
  marker_->setVisible(false);
  placeholder_ = new QCPItemText(this);
  placeholder_->position->setType(QCPItemPosition::ptAxisRectRatio);
  placeholder_->position->setCoords(0.5, 0.5);
  placeholder_->setColor(QColor(120, 120, 120));
  placeholder_->setText(tr("No training yet"));
  connect(ws_, &Workspace::sessionChanged, this, [this] { dirty_ = true; });
  connect(ws_, &Workspace::stageChanged, this, [this] { dirty_ = true; });
}

void TrainingView::showCurve(const experiment::TrainingCurve& c, bool live) {
  QVector<double> x(c.x.begin(), c.x.end());
  auto pct = [](const std::vector<double>& v) {
    QVector<double> o;
    for (double e : v) o << 100.0 * e;
    return o;
  };
  valid_->setData(x.mid(0, static_cast<int>(c.valid_error.size())), pct(c.valid_error), true);
  exact_->setData(x.mid(0, static_cast<int>(c.exact_error.size())), pct(c.exact_error), true);
  loss_->setData(x.mid(0, static_cast<int>(c.loss.size())), QVector<double>(c.loss.begin(), c.loss.end()), true);
  const bool has_loss = !c.loss.empty();
  yAxis2->setVisible(has_loss);
  if (has_loss) loss_->addToLegend(); else loss_->removeFromLegend();
  xAxis->setLabel(QString::fromStdString(c.x_label.empty() ? std::string("training") : c.x_label) +
                  (live ? tr(" (training…)") : QString()));
  placeholder_->setVisible(c.x.empty());
  placeholder_->setText(ws_->session() && !ws_->session()->trained ? tr("Untrained reservoir: press Train")
                                                                   : tr("No training yet"));
  if (!c.x.empty()) {
    rescaleAxes();
    yAxis->setRangeLower(0);
    if (c.x_label == "training sentences" && c.x.back() > 0 && c.x.front() > 0) {
      xAxis->setScaleType(QCPAxis::stLogarithmic);
      xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
      xAxis->setRange(c.x.front() * 0.8, c.x.back() * 1.25);
    } else {
      xAxis->setScaleType(QCPAxis::stLinear);
      xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
      xAxis->scaleRange(1.05);
    }
    yAxis->setRangeUpper(yAxis->range().upper * 1.1 + 1);
    if (has_loss) yAxis2->setRangeLower(0);
  }
  markStage();
}

void TrainingView::refresh() {
  dirty_ = false;
  if (const auto& s = ws_->session()) showCurve(s->curve, false);
}

void TrainingView::markStage() {
  const auto& s = ws_->session();
  const int k = ws_->stage();
  if (!s || k < 0 || k >= static_cast<int>(s->stages.size())) {
    marker_->setVisible(false);
  } else {
    const double x = s->stages[static_cast<size_t>(k)].x;
    marker_->point1->setCoords(x, 0);
    marker_->point2->setCoords(x, 1);
    marker_->setVisible(true);
  }
  replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace rssviz::ui
