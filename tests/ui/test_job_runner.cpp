// The job runner: results on the GUI thread, newest wins, cancellation, errors.
#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <atomic>

#include "ui/job_runner.hpp"
#include "ui/mailbox.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_job_runner {

using rssviz::ui::JobContext;
using rssviz::ui::JobRunner;

TEST(JobRunner, DeliversTheResultOnTheGuiThread) {
  JobRunner r;
  QThread* worker = nullptr;
  QThread* delivered = nullptr;
  int got = 0;
  QSignalSpy fin(&r, &JobRunner::finished);
  r.start<int>("sum", [&](const JobContext&) {
    worker = QThread::currentThread();
    return 42;
  }, [&](int v) {
    delivered = QThread::currentThread();
    got = v;
  });
  ASSERT_TRUE(fin.wait(5000));
  EXPECT_EQ(got, 42);
  EXPECT_NE(worker, QThread::currentThread());
  EXPECT_EQ(delivered, QThread::currentThread());
  EXPECT_FALSE(r.busy());
}

TEST(JobRunner, NewestJobWinsAndStaleOnesStop) {
  JobRunner r;
  std::atomic<int> stopped{0}, running{0};
  std::vector<int> delivered;
  auto slow = [&](int id) {
    return [&, id](const JobContext& ctx) {
      ++running;
      for (int i = 0; i < 200; ++i) {
        if (ctx.cancelled()) {
          ++stopped;
          ctx.check();  // throws Cancelled
        }
        QThread::msleep(2);
      }
      return id;
    };
  };
  r.start<int>("job", slow(0), [&](int v) { delivered.push_back(v); });
  ASSERT_TRUE(QTest::qWaitFor([&] { return running.load() == 1; }, 5000));
  for (int id = 1; id < 4; ++id)
    r.start<int>("job", slow(id), [&](int v) { delivered.push_back(v); });
  ASSERT_TRUE(QTest::qWaitFor([&] { return !r.busy(); }, 10000));
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0], 3);
  // The first job was running when superseded and saw its flag; the queued jobs 1 and 2
  // were superseded before they started and never ran.
  EXPECT_EQ(stopped.load(), 1);
  EXPECT_EQ(running.load(), 2);
}

TEST(JobRunner, CancelDropsTheResultAndReportsIt) {
  JobRunner r;
  bool delivered = false;
  QSignalSpy cancelled(&r, &JobRunner::cancelledJob);
  r.start<int>("long", [](const JobContext& ctx) {
    while (true) {
      ctx.check();
      QThread::msleep(1);
    }
    return 0;
  }, [&](int) { delivered = true; });
  QTest::qWait(20);
  r.cancel();
  ASSERT_TRUE(cancelled.wait(5000));
  EXPECT_FALSE(delivered);
  EXPECT_FALSE(r.busy());
}

TEST(JobRunner, ErrorsAreReportedWithTheirMessage) {
  JobRunner r;
  QSignalSpy failed(&r, &JobRunner::failed);
  r.start<int>("bad", [](const JobContext&) -> int { throw std::invalid_argument("units = 0 is out of range"); },
               [](int) {});
  ASSERT_TRUE(failed.wait(5000));
  EXPECT_EQ(failed.at(0).at(1).toString(), "units = 0 is out of range");
}

TEST(JobRunner, ProgressIsReadByPolling) {
  JobRunner r;
  std::atomic<bool> go{false};
  r.start<int>("p", [&](const JobContext& ctx) {
    ctx.progress(3, 7);
    while (!go) QThread::msleep(1);
    return 0;
  }, [](int) {});
  ASSERT_TRUE(QTest::qWaitFor([&] { return r.progress().first == 3; }, 5000));
  EXPECT_EQ(r.progress(), std::make_pair(3LL, 7LL));
  go = true;
  ASSERT_TRUE(QTest::qWaitFor([&] { return !r.busy(); }, 5000));
}

TEST(Mailbox, KeepsOnlyTheNewest) {
  rssviz::ui::Mailbox<int> m;
  EXPECT_EQ(m.take(), nullptr);
  m.post(std::make_shared<const int>(1));
  m.post(std::make_shared<const int>(2));
  auto v = m.take();
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 2);
  EXPECT_EQ(m.take(), nullptr);
}

}  // namespace rssviz_test_job_runner
