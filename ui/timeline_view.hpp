// Learning-stage timeline: a slider over the stages (the last position is the final
// model) and a play/pause button that steps through them.
#pragma once
#include <QWidget>

#include "ui/workspace.hpp"

class QSlider;
class QToolButton;
class QLabel;
class QTimer;

namespace rssviz::ui {

class TimelineView : public QWidget {
  Q_OBJECT
 public:
  explicit TimelineView(Workspace* ws, QWidget* parent = nullptr);
  QSlider* slider() const { return slider_; }
  QToolButton* playButton() const { return play_; }
  void setPlaying(bool on);
  bool playing() const;

 private:
  void sync();
  Workspace* ws_;
  QSlider* slider_;
  QToolButton* play_;
  QLabel* label_;
  QTimer* timer_;
};

}  // namespace rssviz::ui
