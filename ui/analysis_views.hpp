// The unit-analysis views (paper-notes §5, issue #11): one QCustomPlot each, drawn from
// the workspace (session, stage, selected sentence, AnalysisSettings) with the core's
// functions (experiment/unit_analysis.hpp), so the window's docks and the figures
// (ui/figures, `rssviz render --view ...`) draw the same thing.
//
//   WingletView     |Wout| of every output sorted ascending (the chosen one in colour)
//   PolyvalentView  the polyvalent units: how many outputs list each (click: pick it)
//   ActivityView    activation and variation of the unit set along the selected sentence
//   InfluenceView   mean (± std) summed variation of the unit set per word read (click: mark the word)
//   CellsView       LSTM: cell c(t) and hidden h(t) of every unit; ESN: x(t) of the most-read units
//   OutputsView     the readout along the sentence per slot and group with the decoding
//                   threshold, and the final outputs as bars grouped by concept
// Linking: a click in the polyvalent chart highlights the unit (heatmap row, map colour);
// a click on a word of the influence chart marks its states on the map; hovering a step
// of the activity or outputs plots rings that point of the trajectory on the map.
#pragma once
#include <memory>
#include <qcustomplot.h>

#include "core/experiment/unit_analysis.hpp"
#include "ui/workspace.hpp"

namespace rssviz::ui {

class AnalysisPlot : public QCustomPlot {
  Q_OBJECT
 public:
  explicit AnalysisPlot(Workspace* ws, QWidget* parent = nullptr);
  bool dirty() const { return dirty_; }
  void markDirty() { dirty_ = true; }
  // Rebuilds from the workspace (the window's redraw timer calls it when dirty and visible).
  void refresh();
  // Whether the last refresh drew data (false: a placeholder says why not).
  bool drawn() const { return drawn_; }
  QString placeholderText() const;
  // Data points (lines: points; bars: bars) of the last drawing, for tests.
  int dataCount() const { return data_count_; }

 protected:
  // Draws; returns false with a placeholder message when there is nothing to draw.
  virtual bool rebuild(QString* why) = 0;
  // The selected sentence as the model at the current stage reads it (cached), or null.
  const experiment::SentenceRecord* selectedRecord(QString* why);
  // Clears the layout for a fresh drawing and returns a grid of rows x cols axis rects.
  QList<QCPAxisRect*> makeRects(int rows, int cols);
  // Word labels along a step axis (rows of a record).
  void setWordTicks(QCPAxis* axis, const experiment::SentenceRecord& r, int first_row = 0);
  // Which step (row) a widget position is over in one of `rects`, or -1.
  int stepAt(const QPointF& pos, const QList<QCPAxisRect*>& rects) const;
  void markStep(const QList<QCPAxisRect*>& rects, int rows);  // the hovered step's line
  QString wordName(int w) const;
  void makePlaceholder();
  Workspace* ws_;
  int data_count_ = 0;
  QList<QCPAxisRect*> rects_;
  QList<QCPItemStraightLine*> step_lines_;
  int step_rows_ = 0;

 private:
  QCPItemText* placeholder_;
  bool dirty_ = true;
  bool drawn_ = false;
  bool was_drawn_ = true;
  // Cache of the selected sentence's record.
  const experiment::MapSession* cached_session_ = nullptr;
  int cached_stage_ = -2, cached_sentence_ = -2;
  std::unique_ptr<experiment::SentenceRecord> record_;
  QString record_error_;
};

class WingletView : public AnalysisPlot {
  Q_OBJECT
 public:
  explicit WingletView(Workspace* ws, QWidget* parent = nullptr);
 protected:
  bool rebuild(QString* why) override;
};

class PolyvalentView : public AnalysisPlot {
  Q_OBJECT
 public:
  explicit PolyvalentView(Workspace* ws, QWidget* parent = nullptr);
  const std::vector<analysis::PolyvalentUnit>& units() const { return units_; }
  void pickBar(int i);  // as a click on bar i: highlights the unit, colours the map by it
 protected:
  bool rebuild(QString* why) override;
  void mousePressEvent(QMouseEvent* e) override;
 private:
  std::vector<analysis::PolyvalentUnit> units_;
};

class ActivityView : public AnalysisPlot {
  Q_OBJECT
 public:
  explicit ActivityView(Workspace* ws, QWidget* parent = nullptr);
  int steps() const { return steps_; }
  void hoverStep(int row) { ws_->setHoveredStep(row); }
 protected:
  bool rebuild(QString* why) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void leaveEvent(QEvent* e) override;
 private:
  int steps_ = 0;
  int highlighted_ = -1;
};

class InfluenceView : public AnalysisPlot {
  Q_OBJECT
 public:
  explicit InfluenceView(Workspace* ws, QWidget* parent = nullptr);
  const analysis::WordInfluence& influence() const { return influence_; }
  const std::vector<int>& words() const { return words_; }  // the bars' words, left to right
  void pickBar(int i);  // as a click on bar i: marks the word on the map (again: unmarks)
  int hoveredBar() const { return hovered_bar_; }  // bar outlined for the map's hovered word, or -1
 protected:
  bool rebuild(QString* why) override;
  void mousePressEvent(QMouseEvent* e) override;
 private:
  analysis::WordInfluence influence_;
  std::vector<int> words_;
  int marked_ = -1, hovered_ = -1, hovered_bar_ = -1;
  // Cache: the influence is recomputed only when the session, stage or settings change.
  const experiment::MapSession* cached_session_ = nullptr;
  int cached_stage_ = -2;
  std::vector<int> cached_units_;
  experiment::InfluenceOptions cached_options_;
};

class CellsView : public AnalysisPlot {
  Q_OBJECT
 public:
  explicit CellsView(Workspace* ws, QWidget* parent = nullptr);
  int steps() const { return steps_; }
 protected:
  bool rebuild(QString* why) override;
  void mouseMoveEvent(QMouseEvent* e) override;
 private:
  int steps_ = 0;
};

class OutputsView : public AnalysisPlot {
  Q_OBJECT
 public:
  explicit OutputsView(Workspace* ws, QWidget* parent = nullptr);
  int steps() const { return steps_; }
 protected:
  bool rebuild(QString* why) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void leaveEvent(QEvent* e) override;
 private:
  int steps_ = 0;
};

}  // namespace rssviz::ui
