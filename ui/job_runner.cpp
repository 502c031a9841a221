#include "ui/job_runner.hpp"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace rssviz::ui {

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
  pool_.setMaxThreadCount(1);
  pool_.setExpiryTimeout(-1);
}

JobRunner::~JobRunner() { cancelAndWait(); }

void JobRunner::lowerThreadPriority() {
#ifdef __linux__
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  // Per-thread nice value (Linux); failure only costs responsiveness, so it is ignored.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
#endif
}

void JobRunner::begin(const QString& name, const std::shared_ptr<JobContext>& ctx) {
  ctx_ = ctx;
  name_ = name;
  if (running_++ == 0) emit busyChanged(true);
  emit started(name);
}

void JobRunner::end() {
  if (--running_ == 0) {
    name_.clear();
    emit busyChanged(false);
  }
}

void JobRunner::cancel() {
  ++generation_;
  newest_->store(generation_);
  if (ctx_) ctx_->stop_->request();
}

void JobRunner::cancelAndWait() {
  cancel();
  pool_.waitForDone();
}

std::pair<long long, long long> JobRunner::progress() const {
  if (!ctx_) return {0, 0};
  return {ctx_->done_->load(std::memory_order_relaxed), ctx_->total_->load(std::memory_order_relaxed)};
}

}  // namespace rssviz::ui
