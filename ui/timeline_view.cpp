#include "ui/timeline_view.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

namespace rssviz::ui {

TimelineView::TimelineView(Workspace* ws, QWidget* parent) : QWidget(parent), ws_(ws) {
  setObjectName("timelineView");
  auto* lay = new QHBoxLayout(this);
  lay->setContentsMargins(6, 2, 6, 2);
  play_ = new QToolButton;
  play_->setObjectName("timelinePlay");
  play_->setCheckable(true);
  play_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
  play_->setToolTip(tr("Play the learning stages (the map, heatmap and colours follow)"));
  slider_ = new QSlider(Qt::Horizontal);
  slider_->setObjectName("timelineSlider");
  slider_->setToolTip(tr("Learning stage: ESN = online readout after k training sentences (states fixed); "
                         "LSTM = the network after each epoch (states change, layouts aligned)"));
  slider_->setTickPosition(QSlider::TicksBelow);
  slider_->setPageStep(1);
  label_ = new QLabel;
  label_->setMinimumWidth(260);
  lay->addWidget(play_);
  lay->addWidget(slider_, 1);
  lay->addWidget(label_);
  timer_ = new QTimer(this);
  timer_->setInterval(700);
  connect(play_, &QToolButton::toggled, this, &TimelineView::setPlaying);
  connect(timer_, &QTimer::timeout, this, [this] {
    if (slider_->value() >= slider_->maximum()) {
      setPlaying(false);
      return;
    }
    slider_->setValue(slider_->value() + 1);
  });
  connect(slider_, &QSlider::valueChanged, this, [this](int v) {
    const auto& s = ws_->session();
    const int n = s ? static_cast<int>(s->stages.size()) : 0;
    ws_->setStage(v >= n ? -1 : v);
  });
  connect(ws_, &Workspace::sessionChanged, this, &TimelineView::sync);
  connect(ws_, &Workspace::stageChanged, this, &TimelineView::sync);
  sync();
}

bool TimelineView::playing() const { return timer_->isActive(); }

void TimelineView::setPlaying(bool on) {
  if (on && slider_->value() >= slider_->maximum()) slider_->setValue(0);
  if (on) timer_->start(); else timer_->stop();
  play_->blockSignals(true);
  play_->setChecked(on);
  play_->blockSignals(false);
  play_->setIcon(style()->standardIcon(on ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

void TimelineView::sync() {
  const auto& s = ws_->session();
  const int n = s ? static_cast<int>(s->stages.size()) : 0;
  slider_->blockSignals(true);
  slider_->setRange(0, n);
  slider_->setValue(ws_->stage() < 0 ? n : ws_->stage());
  slider_->blockSignals(false);
  slider_->setEnabled(n > 0);
  play_->setEnabled(n > 0);
  if (!s) label_->setText(tr("no model yet"));
  else if (n == 0) label_->setText(s->trained ? tr("no learning stages") : tr("untrained reservoir: no stages"));
  else if (ws_->stage() < 0) label_->setText(tr("final model · valid %1 % · exact %2 %")
                                                 .arg(100 * s->scores.valid_error, 0, 'f', 1)
                                                 .arg(100 * s->scores.exact_error, 0, 'f', 1));
  else {
    const auto& st = s->stages[static_cast<size_t>(ws_->stage())];
    label_->setText(tr("%1 · valid %2 % · exact %3 %")
                        .arg(QString::fromStdString(st.label))
                        .arg(100 * st.scores.valid_error, 0, 'f', 1)
                        .arg(100 * st.scores.exact_error, 0, 'f', 1));
  }
}

}  // namespace rssviz::ui
