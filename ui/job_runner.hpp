// One heavy job at a time, off the GUI thread (DESIGN.md, "UI work").
//
// A QThreadPool of one thread runs each job as a QRunnable holding a QPromise.
// Starting a job cancels the running one by a direct, thread-safe call (its StopFlag),
// never by a queued slot, and bumps a generation counter: a job whose generation is no
// longer the newest when it starts or finishes is dropped, so the newest request always
// wins. Results come back by value on the GUI thread. Progress is written to atomics by
// the worker and read by the GUI's redraw timer (a latest-value mailbox: no signal per
// update, so a chatty job cannot flood the event loop).
#pragma once
#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <QThreadPool>
#include <QRunnable>
#include <atomic>
#include <exception>
#include <functional>
#include <memory>

#include "core/common/progress.hpp"
#include "core/common/sanitizers.hpp"

#if RSSVIZ_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace rssviz::ui {

namespace detail {
// ThreadSanitizer cannot see the synchronisation inside Qt (Debian's Qt is not built
// with it: QMutex is a bare futex), so the hand-offs a job makes through QThreadPool and
// QFuture are declared to it: everything before the task is queued happens before the
// job starts, and everything the job did happens before its watcher's finished().
// Nothing in other builds.
inline void happensBefore([[maybe_unused]] void* p) {
#if RSSVIZ_TSAN
  __tsan_release(p);
#endif
}
inline void happensAfter([[maybe_unused]] void* p) {
#if RSSVIZ_TSAN
  __tsan_acquire(p);
#endif
}

// A job as the pool thread runs it: made on the GUI thread with the job's promise and
// body, handed over through QThreadPool, whose queue lock TSan cannot see; the
// happensAfter(this) here pairs with the happensBefore(task) the runner makes once the
// task is complete, so everything the task holds is declared written before it runs.
template <class R>
class JobTask : public QRunnable {
 public:
  JobTask(QPromise<R> promise, std::function<void(QPromise<R>&)> body)
      : promise_(std::move(promise)), body_(std::move(body)) {}
  void run() override {
    happensAfter(this);
    body_(promise_);
    promise_.finish();
  }

 private:
  QPromise<R> promise_;
  std::function<void(QPromise<R>&)> body_;
};
}  // namespace detail

// What a running job sees: its stop flag and a progress sink.
class JobContext {
 public:
  const StopFlag* stop() const { return stop_.get(); }
  bool cancelled() const { return stop_->requested(); }
  // Throws Cancelled when asked to stop; call between steps.
  void check() const {
    if (stop_->requested()) throw Cancelled();
  }
  void progress(long long done, long long total) const {
    done_->store(done, std::memory_order_relaxed);
    total_->store(total, std::memory_order_relaxed);
  }
  ProgressFn progress_fn() const {
    return [this](long long d, long long t) {
      progress(d, t);
      return !cancelled();
    };
  }

 private:
  friend class JobRunner;
  std::shared_ptr<StopFlag> stop_;
  std::shared_ptr<std::atomic<long long>> done_, total_;
};

class JobRunner : public QObject {
  Q_OBJECT
 public:
  explicit JobRunner(QObject* parent = nullptr);
  ~JobRunner() override;

  // Runs work(ctx) on the job thread; done(result) runs on the GUI thread unless a newer
  // job was started meanwhile or this one was cancelled. A thrown exception other than
  // Cancelled is reported through failed(). Returns the job's generation.
  template <class R>
  quint64 start(const QString& name, std::function<R(const JobContext&)> work, std::function<void(R)> done);

  // Asks the running job to stop (direct call on its atomic flag) and drops its result.
  void cancel();
  // Cancels and blocks until the job thread is idle (window closing).
  void cancelAndWait();
  bool busy() const { return running_ > 0; }
  QString currentName() const { return name_; }
  quint64 generation() const { return generation_; }
  // Latest progress of the running job (done, total); total 0 means unknown.
  std::pair<long long, long long> progress() const;

 signals:
  void started(const QString& name);
  void finished(const QString& name);        // result delivered
  void cancelledJob(const QString& name);    // stopped or superseded
  void failed(const QString& name, const QString& message);
  void busyChanged(bool busy);

 private:
  template <class R>
  static void body(QPromise<R>& promise, std::shared_ptr<JobContext> ctx, std::function<R(const JobContext&)> work,
                   quint64 gen, std::shared_ptr<std::atomic<quint64>> newest, std::shared_ptr<QString> error);
  void begin(const QString& name, const std::shared_ptr<JobContext>& ctx);
  // Gives the job thread a lower scheduling priority than the GUI thread (Linux: nice +5
  // for this thread only; threads it spawns, e.g. OpenMP's, inherit it), so that when
  // both want the CPU the window's event loop wins.
  static void lowerThreadPriority();
  void end();

  QThreadPool pool_;
  std::shared_ptr<std::atomic<quint64>> newest_ = std::make_shared<std::atomic<quint64>>(0);
  quint64 generation_ = 0;
  int running_ = 0;
  QString name_;
  std::shared_ptr<JobContext> ctx_;
};

template <class R>
void JobRunner::body(QPromise<R>& promise, std::shared_ptr<JobContext> ctx, std::function<R(const JobContext&)> work,
                     quint64 gen, std::shared_ptr<std::atomic<quint64>> newest, std::shared_ptr<QString> error) {
  // A queued job superseded before it even started returns at once.
  if (newest->load() != gen || ctx->cancelled()) {
    detail::happensBefore(ctx.get());
    return;
  }
  lowerThreadPriority();
  try {
    promise.addResult(work(*ctx));
  } catch (const Cancelled&) {
  } catch (const std::exception& e) {
    *error = QString::fromUtf8(e.what());
  } catch (...) {
    *error = QStringLiteral("unknown error");
  }
  detail::happensBefore(ctx.get());
}

template <class R>
quint64 JobRunner::start(const QString& name, std::function<R(const JobContext&)> work, std::function<void(R)> done) {
  if (ctx_) ctx_->stop_->request();  // direct call: the running job sees it at its next check
  const quint64 gen = ++generation_;
  newest_->store(gen);
  auto ctx = std::make_shared<JobContext>();
  ctx->stop_ = std::make_shared<StopFlag>();
  ctx->done_ = std::make_shared<std::atomic<long long>>(0);
  ctx->total_ = std::make_shared<std::atomic<long long>>(0);
  auto error = std::make_shared<QString>();
  auto* watcher = new QFutureWatcher<R>(this);
  connect(watcher, &QFutureWatcher<R>::finished, this, [this, watcher, gen, name, ctx, error, done] {
    detail::happensAfter(ctx.get());
    watcher->deleteLater();
    const bool current = gen == generation_;
    if (ctx_ == ctx) ctx_.reset();
    end();
    if (!error->isEmpty()) {
      if (current) emit failed(name, *error);
      return;
    }
    if (!current || ctx->cancelled() || watcher->future().resultCount() == 0) {
      emit cancelledJob(name);
      return;
    }
    done(watcher->future().takeResult());
    emit finished(name);
  });
  QPromise<R> promise;
  QFuture<R> future = promise.future();
  promise.start();
  auto* task = new detail::JobTask<R>(
      std::move(promise), [ctx, work = std::move(work), gen, newest = newest_, error](QPromise<R>& p) {
        body<R>(p, ctx, work, gen, newest, error);
      });
  task->setAutoDelete(true);
  begin(name, ctx);
  watcher->setFuture(future);
  detail::happensBefore(task);
  pool_.start(task);
  return gen;
}

}  // namespace rssviz::ui
