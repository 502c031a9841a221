#include "ui/animation_job.hpp"

namespace rssviz::ui {

namespace {
const char* const kComputing = "Computing the animation's frames";
const char* const kWriting = "Writing the animation";
}  // namespace

AnimationJob::AnimationJob(JobRunner* jobs, QObject* parent) : QObject(parent), jobs_(jobs) {
  draw_.setInterval(0);
  connect(&draw_, &QTimer::timeout, this, &AnimationJob::drawNext);
  // A job of ours superseded or cancelled through the runner ends the export.
  connect(jobs_, &JobRunner::cancelledJob, this, [this](const QString& name) {
    if ((phase_ == Phase::computing && name == tr(kComputing)) || (phase_ == Phase::writing && name == tr(kWriting))) {
      reset();
      emit cancelled();
    }
  });
  connect(jobs_, &JobRunner::failed, this, [this](const QString& name, const QString& message) {
    if ((phase_ == Phase::computing && name == tr(kComputing)) || (phase_ == Phase::writing && name == tr(kWriting))) {
      reset();
      emit failed(tr("Export animation"), message);
    }
  });
}

void AnimationJob::reset() {
  draw_.stop();
  phase_ = Phase::idle;
  frames_.reset();
  painter_.reset();
  images_.clear();
}

void AnimationJob::start(const experiment::AnimationOptions& animation, const figures::AnimationLook& look,
                         const figures::AnimationOutput& output) {
  reset();
  std::shared_ptr<experiment::Animation> a;
  try {
    figures::validate(output);
    figures::validate(look.figure);
    a = std::make_shared<experiment::Animation>(animation);
  } catch (const std::exception& e) {
    emit failed(tr("Export animation"), QString::fromUtf8(e.what()));
    return;
  }
  look_ = look;
  output_ = output;
  title_ = QString::fromStdString(a->title());
  phase_ = Phase::computing;
  const auto colour = look.colour;
  jobs_->start<std::shared_ptr<std::vector<experiment::AnimationFrame>>>(
      tr(kComputing),
      [a, colour](const JobContext& ctx) {
        return std::make_shared<std::vector<experiment::AnimationFrame>>(
            figures::computeFrames(*a, colour, ctx.stop(), ctx.progress_fn()));
      },
      [this](std::shared_ptr<std::vector<experiment::AnimationFrame>> frames) {
        if (phase_ != Phase::computing) return;
        frames_ = std::move(frames);
        painter_ = std::make_unique<figures::AnimationPainter>(look_, title_, *frames_);
        phase_ = Phase::drawing;
        draw_.start();
      });
}

void AnimationJob::drawNext() {
  if (phase_ != Phase::drawing) return;
  const size_t i = images_.size();
  try {
    images_.push_back(painter_->render((*frames_)[i]));
  } catch (const std::exception& e) {
    reset();
    emit failed(tr("Export animation"), QString::fromUtf8(e.what()));
    return;
  }
  const int total = static_cast<int>(frames_->size());
  emit progress(tr("Drawing frame %1 of %2").arg(i + 1).arg(total), static_cast<int>(i + 1), total);
  if (images_.size() < frames_->size()) return;
  draw_.stop();
  painter_.reset();
  frames_.reset();
  phase_ = Phase::writing;
  auto images = std::make_shared<std::vector<QImage>>(std::move(images_));
  images_.clear();
  const auto out = output_;
  jobs_->start<figures::AnimationReport>(
      tr(kWriting),
      [images, out](const JobContext& ctx) { return figures::writeAnimation(*images, out, ctx.stop(), ctx.progress_fn()); },
      [this](figures::AnimationReport r) {
        if (phase_ != Phase::writing) return;
        QStringList parts;
        if (!output_.gif.isEmpty())
          parts << tr("%1 (%2 kB, %3 colours)").arg(output_.gif).arg(r.gif_bytes / 1024).arg(r.palette_size);
        if (!output_.webp.isEmpty()) parts << tr("%1 (%2 kB)").arg(output_.webp).arg(r.webp_bytes / 1024);
        if (!output_.png_dir.isEmpty()) parts << tr("%1 PNG frames in %2").arg(r.png_files).arg(output_.png_dir);
        reset();
        emit finished(tr("Animation of %1 frames written: %2").arg(r.frames).arg(parts.join(", ")));
      });
}

void AnimationJob::cancel() {
  if (phase_ == Phase::idle) return;
  const bool ours = phase_ == Phase::computing || phase_ == Phase::writing;
  reset();
  if (ours) jobs_->cancel();
  emit cancelled();
}

}  // namespace rssviz::ui
