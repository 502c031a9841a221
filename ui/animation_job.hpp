// File > Export animation… as a background job that never freezes the window, in three
// phases: (1) the frames are computed on the job thread (training, projections:
// core/experiment/animation.hpp), (2) drawn on the GUI thread one per event-loop pass
// (widgets live there; one 800 x 600 frame takes a few tens of milliseconds), (3)
// quantised and written on the job thread (figures/animation_export.hpp). Cancel stops
// whichever phase runs; nothing is written over an existing file unless phase 3 finishes.
#pragma once
#include <QObject>
#include <QTimer>
#include <memory>
#include <vector>

#include "ui/figures/animation_export.hpp"
#include "ui/job_runner.hpp"

namespace rssviz::ui {

class AnimationJob : public QObject {
  Q_OBJECT
 public:
  AnimationJob(JobRunner* jobs, QObject* parent = nullptr);
  void start(const experiment::AnimationOptions& animation, const figures::AnimationLook& look,
             const figures::AnimationOutput& output);
  void cancel();
  bool running() const { return phase_ != Phase::idle; }

 signals:
  void progress(const QString& text, int done, int total);
  void finished(const QString& summary);
  void failed(const QString& job, const QString& message);
  void cancelled();

 private:
  enum class Phase { idle, computing, drawing, writing };
  void drawNext();
  void reset();
  JobRunner* jobs_;
  Phase phase_ = Phase::idle;
  figures::AnimationLook look_;
  figures::AnimationOutput output_;
  QString title_;
  std::shared_ptr<std::vector<experiment::AnimationFrame>> frames_;
  std::unique_ptr<figures::AnimationPainter> painter_;
  std::vector<QImage> images_;
  QTimer draw_;
};

}  // namespace rssviz::ui
