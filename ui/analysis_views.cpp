#include "ui/analysis_views.hpp"

#include <cmath>

namespace rssviz::ui {

AnalysisPlot::AnalysisPlot(Workspace* ws, QWidget* parent) : QCustomPlot(parent), ws_(ws) {
  setMinimumHeight(150);
  setMouseTracking(true);
  // Each drawing makes its own legends; the first of them would otherwise become the
  // plot's legend and collect every later plottable.
  setAutoAddPlottableToLegend(false);
  makePlaceholder();
  auto dirty = [this] { dirty_ = true; };
  connect(ws_, &Workspace::sessionChanged, this, dirty);
  connect(ws_, &Workspace::selectionChanged, this, dirty);
  connect(ws_, &Workspace::stageChanged, this, dirty);
  connect(ws_, &Workspace::analysisChanged, this, dirty);
  connect(ws_, &Workspace::linkChanged, this, [this] {
    const int k = ws_->hoveredStep();
    for (auto* line : step_lines_) {
      line->point1->setCoords(k, 0);
      line->point2->setCoords(k, 1);
      line->setVisible(k >= 0 && k < step_rows_);
    }
    if (!step_lines_.isEmpty()) replot(QCustomPlot::rpQueuedReplot);
  });
}

QString AnalysisPlot::placeholderText() const { return placeholder_->visible() ? placeholder_->text() : QString(); }

void AnalysisPlot::refresh() {
  dirty_ = false;
  QString why;
  step_lines_.clear();
  data_count_ = 0;
  drawn_ = ws_->session() != nullptr && rebuild(&why);
  if (!ws_->session()) why = tr("No model yet");
  if (!drawn_ && (was_drawn_ || rects_.isEmpty())) {
    makeRects(1, 1);
    rects_.front()->axis(QCPAxis::atBottom)->setVisible(false);
    rects_.front()->axis(QCPAxis::atLeft)->setVisible(false);
  }
  was_drawn_ = drawn_;
  if (!drawn_ && placeholder_->visible() && placeholder_->text() == why) return;  // nothing changed
  placeholder_->setText(why);
  placeholder_->setVisible(!drawn_);
  replot(QCustomPlot::rpQueuedReplot);
}

const experiment::SentenceRecord* AnalysisPlot::selectedRecord(QString* why) {
  const auto& s = ws_->session();
  const int sel = ws_->selected();
  if (!s || sel < 0) {
    *why = tr("Select a sentence:\nclick the map or the Sentences list");
    return nullptr;
  }
  if (s.get() != cached_session_ || ws_->stage() != cached_stage_ || sel != cached_sentence_) {
    cached_session_ = s.get();
    cached_stage_ = ws_->stage();
    cached_sentence_ = sel;
    record_.reset();
    record_error_.clear();
    try {
      record_ = std::make_unique<experiment::SentenceRecord>(experiment::record_sentence(*s, ws_->stage(), sel));
    } catch (const std::exception& e) {
      record_error_ = QString::fromUtf8(e.what());
    }
  }
  if (!record_) *why = record_error_;
  return record_.get();
}

QList<QCPAxisRect*> AnalysisPlot::makeRects(int rows, int cols) {
  clearPlottables();
  clearItems();  // the placeholder too: re-created below
  plotLayout()->clear();
  rects_.clear();
  step_lines_.clear();
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      auto* rect = new QCPAxisRect(this);
      plotLayout()->addElement(r, c, rect);
      for (auto* ax : rect->axes()) {
        ax->setTickLabelFont(QFont(font().family(), 7));
        ax->setLabelFont(QFont(font().family(), 8));
        ax->grid()->setPen(QPen(QColor(225, 225, 225), 0, Qt::DotLine));
      }
      rects_ << rect;
    }
  makePlaceholder();
  return rects_;
}

void AnalysisPlot::makePlaceholder() {
  // Items are cleared with every drawing: the placeholder is made again each time.
  placeholder_ = new QCPItemText(this);
  placeholder_->setClipToAxisRect(false);
  placeholder_->position->setType(QCPItemPosition::ptViewportRatio);
  placeholder_->position->setCoords(0.5, 0.5);
  placeholder_->setColor(QColor(120, 120, 120));
  placeholder_->setVisible(false);
}

QString AnalysisPlot::wordName(int w) const {
  const auto& s = ws_->session();
  if (w < 0 || !s) return QStringLiteral("∅");
  return QString::fromStdString(s->corpus->grammar.vocabulary()[static_cast<size_t>(w)]);
}

void AnalysisPlot::setWordTicks(QCPAxis* axis, const experiment::SentenceRecord& r, int first_row) {
  auto t = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
  for (int k = first_row; k < static_cast<int>(r.words.size()); ++k) t->addTick(k, wordName(r.words[static_cast<size_t>(k)]));
  axis->setTicker(t);
  axis->setTickLabelRotation(40);
  axis->grid()->setVisible(true);
}

int AnalysisPlot::stepAt(const QPointF& pos, const QList<QCPAxisRect*>& rects) const {
  for (auto* r : rects)
    if (r->rect().contains(pos.toPoint())) return static_cast<int>(std::lround(r->axis(QCPAxis::atBottom)->pixelToCoord(pos.x())));
  return -1;
}

void AnalysisPlot::markStep(const QList<QCPAxisRect*>& rects, int rows) {
  const int k = ws_->hoveredStep();
  step_rows_ = rows;
  for (auto* r : rects) {
    auto* line = new QCPItemStraightLine(this);
    line->setClipAxisRect(r);
    line->point1->setAxes(r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft));
    line->point2->setAxes(r->axis(QCPAxis::atBottom), r->axis(QCPAxis::atLeft));
    line->setPen(QPen(QColor(230, 0, 120, 160), 2));
    line->point1->setCoords(k, 0);
    line->point2->setCoords(k, 1);
    line->setVisible(k >= 0 && k < rows);
    step_lines_ << line;
  }
}

}  // namespace rssviz::ui
