// The central RSSviz map: one dot per unique state, coloured by the workspace's colour
// mode, with a legend or a colour bar, hover tooltips, click-to-select, the selected
// sentence's trajectory with its words, END markers, pan and zoom.
#pragma once
#include <QHash>
#include <QPixmap>
#include <QVector>
#include <qcustomplot.h>

#include "ui/workspace.hpp"

namespace rssviz::ui {

// A scatter with one colour per point (QCPGraph has one brush per graph).
class ColoredScatter : public QCPAbstractPlottable {
  Q_OBJECT
 public:
  ColoredScatter(QCPAxis* key, QCPAxis* value);
  void setPoints(QVector<QPointF> points, QVector<QRgb> colours, QVector<bool> ends);
  void setMarkEnds(bool on) { mark_ends_ = on; }
  void setRadius(double r) {
    radius_ = r;
    sprites_.clear();
  }
  const QVector<QPointF>& points() const { return points_; }
  const QVector<QRgb>& colours() const { return colours_; }

  double selectTest(const QPointF&, bool, QVariant*) const override { return -1; }
  QCPRange getKeyRange(bool& found, QCP::SignDomain = QCP::sdBoth) const override;
  QCPRange getValueRange(bool& found, QCP::SignDomain = QCP::sdBoth,
                         const QCPRange& = QCPRange()) const override;

 protected:
  void draw(QCPPainter* painter) override;
  void drawLegendIcon(QCPPainter*, const QRectF&) const override {}

 private:
  QVector<QPointF> points_;
  QVector<QRgb> colours_;
  QVector<bool> ends_;
  QHash<QRgb, QPixmap> sprites_;
  const QPixmap& sprite(QRgb colour);
  bool mark_ends_ = true;
  double radius_ = 2.6;
};

class MapView : public QCustomPlot {
  Q_OBJECT
 public:
  explicit MapView(Workspace* ws, QWidget* parent = nullptr);

  // Rebuilds the drawing from the workspace (cheap; called by the redraw timer).
  void refresh();
  void markDirty() { dirty_ = true; }
  bool dirty() const { return dirty_; }
  void setMarkEnds(bool on);
  // Legend of every class of the mode, present or not (animations; default off).
  void setFullLegend(bool on) {
    full_legend_ = on;
    dirty_ = true;
  }
  void resetZoom();
  // Point nearest to a widget position within `pixels`, or -1.
  int pointAt(const QPointF& pos, double pixels = 8.0) const;
  // What the legend / colour bar says now (for tests and the status bar).
  QString legendTitle() const;
  QStringList legendEntries() const;
  bool colourBarVisible() const;
  QRect colourBarRect() const { return colour_scale_->outerRect(); }
  // The trajectory's words as last placed: boxes in pixels (pairwise disjoint) and how
  // many found no free place.
  const QList<QRectF>& wordBoxes() const { return word_boxes_; }
  int hiddenWords() const { return hidden_words_; }
  const ColoredScatter* scatter() const { return scatter_; }
  // The tooltip text for a point (rich text).
  QString describePoint(int p) const;
  void setPlaceholder(const QString& text);
  // The linked marks (workspace: marked word, hovered step): how many points are ringed.
  int markedPoints() const;
  int hoveredPoint() const { return hovered_point_; }
  // Row of the selected sentence's trajectory at point p (its first occurrence), or -1.
  int stepOfPoint(int p) const;
  // As the mouse coming over point p (-1: off every point): the hovered step and word of
  // the workspace follow.
  void hoverPoint(int p);

 protected:
  void mouseMoveEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;

 private:
  void rebuildLegend(const QVector<QPair<QString, QColor>>& entries);
  void drawTrajectory();
  void layoutWords();  // places the trajectory's words for the current axes and size
  void fitAxes();  // rescale to the data plus an 8 % margin
  void updateLinks();  // the marked word's points and the hovered step, without rebuilding the rest

  Workspace* ws_;
  ColoredScatter* scatter_;
  QCPCurve* trajectory_;
  QCPGraph* marked_;   // rings on every state reached by reading the marked word
  QCPGraph* hovered_;  // the hovered step of the selected sentence's trajectory
  int hovered_point_ = -1;
  QCPColorScale* colour_scale_;
  QCPLayoutGrid* side_;
  QCPItemText* placeholder_;
  QList<QCPAbstractItem*> words_;
  struct Label {
    QCPItemText* item;
    QPointF at;  // the word's point, plot coordinates
  };
  QList<Label> labels_;
  QList<QRectF> word_boxes_;
  int hidden_words_ = 0;
  QList<QCPGraph*> legend_graphs_;
  QCPTextElement* legend_title_element_;
  bool dirty_ = true;
  bool full_legend_ = false;
  bool fit_next_ = true;
  int hover_ = -1;  // point whose tooltip is shown, -1 for none
  QPoint press_pos_;
};

}  // namespace rssviz::ui
