#include "core/common/parallel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/umap/knn.hpp"
#include "tests/core/point_sets.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_parallel {

using rssviz::Cancelled;
using rssviz::parallel_for;
using rssviz::parallel_for_std_threads;
using rssviz::StopFlag;

namespace {

// The documented partition: thread t of T takes q (+1 if t < r) blocks from t q + min(t, r).
int owner_of(int b, int blocks, int threads) {
  const int T = std::max(1, std::min(threads, blocks));
  const int q = blocks / T, r = blocks % T;
  for (int t = 0; t < T; ++t) {
    const int b0 = t * q + std::min(t, r), b1 = b0 + q + (t < r ? 1 : 0);
    if (b >= b0 && b < b1) return t;
  }
  return -1;
}

enum class Backend { kOpenMP, kStdThreads };

template <class F>
void run(Backend w, int blocks, int threads, F&& body, const StopFlag* stop = nullptr) {
  if (w == Backend::kOpenMP)
    parallel_for(blocks, threads, body, stop);
  else
    parallel_for_std_threads(blocks, threads, body, stop);
}

class Parallel : public ::testing::TestWithParam<Backend> {};

}  // namespace

TEST_P(Parallel, StaticContiguousPartitionEachBlockOnceCallerIsThreadZero) {
  for (int threads : {1, 2, 3, 8}) {
    for (int blocks : {0, 1, 2, 5, 11, 1000}) {
      std::vector<int> owner(static_cast<std::size_t>(blocks), -1), count(static_cast<std::size_t>(blocks), 0);
      std::vector<std::vector<int>> order(static_cast<std::size_t>(threads));
      std::mutex m;
      std::set<std::thread::id> zero_ids;
      const auto caller = std::this_thread::get_id();
      run(GetParam(), blocks, threads, [&](int b, int t) {
        std::lock_guard<std::mutex> lock(m);
        ASSERT_GE(t, 0);
        ASSERT_LT(t, threads);
        owner[static_cast<std::size_t>(b)] = t;
        ++count[static_cast<std::size_t>(b)];
        order[static_cast<std::size_t>(t)].push_back(b);
        if (t == 0) zero_ids.insert(std::this_thread::get_id());
      });
      for (int b = 0; b < blocks; ++b) {
        EXPECT_EQ(count[static_cast<std::size_t>(b)], 1) << b;
        EXPECT_EQ(owner[static_cast<std::size_t>(b)], owner_of(b, blocks, threads))
            << "block " << b << " of " << blocks << ", " << threads << " threads";
      }
      for (int t = 0; t < threads; ++t)
        for (std::size_t i = 1; i < order[static_cast<std::size_t>(t)].size(); ++i)
          EXPECT_EQ(order[static_cast<std::size_t>(t)][i - 1] + 1, order[static_cast<std::size_t>(t)][i]);  // in order
      if (blocks > 0) {
        ASSERT_EQ(zero_ids.size(), 1u);
        EXPECT_EQ(*zero_ids.begin(), caller);
      }
    }
  }
}

TEST_P(Parallel, NeverMoreThreadsThanBlocksAndBadCounts) {
  std::atomic<int> max_thread{-1}, calls{0};
  run(GetParam(), 3, 64, [&](int, int t) {
    ++calls;
    int m = max_thread.load();
    while (t > m && !max_thread.compare_exchange_weak(m, t)) {
    }
  });
  EXPECT_EQ(calls.load(), 3);
  EXPECT_LE(max_thread.load(), 2);
  EXPECT_EQ(rssviz::threads_for(3, 64), 3);
  EXPECT_EQ(rssviz::threads_for(1, 64), 1);
  EXPECT_EQ(rssviz::threads_for(0, 64), 1);
  EXPECT_EQ(rssviz::threads_for(100, 1), 1);
  EXPECT_THROW(run(GetParam(), -1, 2, [](int, int) {}), std::invalid_argument);
  EXPECT_THROW(run(GetParam(), 4, -2, [](int, int) {}), std::invalid_argument);
  EXPECT_THROW((void)rssviz::threads_for(4, -1), std::invalid_argument);
}

TEST_P(Parallel, ThreadsZeroIsTheCurrentScope) {
  const rssviz::ThreadScope three(3);
  EXPECT_EQ(rssviz::current_threads(), 3);
  EXPECT_EQ(rssviz::threads_for(100, 0), 3);
  std::atomic<int> max_thread{-1};
  run(GetParam(), 100, 0, [&](int, int t) {
    int m = max_thread.load();
    while (t > m && !max_thread.compare_exchange_weak(m, t)) {
    }
  });
  EXPECT_LE(max_thread.load(), 2);
}

TEST_P(Parallel, AWorkersExceptionReachesTheCallerWithItsTypeAndMessage) {
  for (int threads : {2, 3, 8}) {
    const int blocks = 4 * threads;
    const int bad = owner_of(blocks - 1, blocks, threads) == 0 ? 1 : blocks - 1;  // not block 0, not on the caller
    ASSERT_NE(owner_of(bad, blocks, threads), 0);
    std::atomic<bool> on_caller{false};
    const auto caller = std::this_thread::get_id();
    try {
      run(GetParam(), blocks, threads, [&](int b, int) {
        if (b == bad) {
          on_caller = std::this_thread::get_id() == caller;
          throw std::out_of_range("block " + std::to_string(b) + " failed");
        }
      });
      ADD_FAILURE() << "no exception with " << threads << " threads";
    } catch (const std::out_of_range& e) {
      EXPECT_EQ(std::string(e.what()), "block " + std::to_string(bad) + " failed");
    }
    EXPECT_FALSE(on_caller.load()) << threads;
  }
}

TEST_P(Parallel, TheLowestBlocksExceptionWins) {
  for (int threads : {1, 2, 3, 8}) {
    // Every thread's first block throws once all have started; block 0 throws last.
    const int blocks = 3 * threads;
    std::atomic<int> arrived{0};
    try {
      run(GetParam(), blocks, threads, [&](int b, int) {
        if (b % 3 != 0) return;
        ++arrived;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (arrived.load() < threads && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
        if (b == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        throw std::runtime_error(std::to_string(b));
      });
      ADD_FAILURE();
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "0") << threads;
    }
  }
  // A body's error wins over a Cancelled, from a lower block or from the stop flag.
  StopFlag stop;
  std::atomic<bool> second{false};
  try {
    run(GetParam(), 2, 2, [&](int b, int) {
      if (b == 0) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!second.load() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
        throw Cancelled();
      }
      second = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      throw std::logic_error("real error");
    });
    ADD_FAILURE();
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "real error");
  }
  try {
    run(GetParam(), 100, 2, [&](int b, int) {
      if (b == 50) {
        stop.request();
        throw std::logic_error("real error");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }, &stop);
    ADD_FAILURE();
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "real error");
  }
}

TEST_P(Parallel, AfterAThrowTheOthersStopTakingBlocks) {
  for (int threads : {1, 2, 3, 8}) {
    const int blocks = 4000;
    std::atomic<int> ran{0};
    EXPECT_THROW(run(GetParam(), blocks, threads, [&](int b, int) {
      ++ran;
      if (b == 3) throw std::runtime_error("early");
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }), std::runtime_error);
    EXPECT_LT(ran.load(), blocks / 2) << threads;  // strictly fewer than all, by far
  }
}

TEST_P(Parallel, StopBeforeTheCallRunsNoBlock) {
  for (int threads : {1, 2, 8}) {
    StopFlag stop;
    stop.request();
    std::atomic<int> calls{0};
    EXPECT_THROW(run(GetParam(), 10, threads, [&](int, int) { ++calls; }, &stop), Cancelled);
    EXPECT_EQ(calls.load(), 0);
    run(GetParam(), 0, threads, [&](int, int) { ++calls; }, &stop);  // no blocks: nothing to stop
    EXPECT_EQ(calls.load(), 0);
  }
}

TEST_P(Parallel, StopDuringTheCallIsSeenBetweenBlocks) {
  for (int threads : {1, 2, 3}) {
    StopFlag stop;
    std::atomic<int> started{0}, finished{0};
    EXPECT_THROW(run(GetParam(), 1000, threads, [&](int b, int) {
      ++started;
      if (b == 10) {
        stop.request();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the block still finishes
      }
      std::this_thread::sleep_for(std::chrono::microseconds(50));
      ++finished;
    }, &stop), Cancelled);
    EXPECT_EQ(started.load(), finished.load());  // every block that started finished
    EXPECT_LT(started.load(), 1000);
    EXPECT_GE(started.load(), 11);  // thread 0 ran blocks 0 .. 10 before it saw the stop
  }
}

TEST_P(Parallel, NestedCallsRunInline) {
  for (int threads : {1, 2, 3}) {
    std::vector<std::atomic<int>> hits(20 * 7);
    std::atomic<int> bad_thread{0};
    run(GetParam(), 20, threads, [&](int b, int) {
      // Nested parallel_for inside a body: inline on the worker, or its own team when
      // the outer one is std::threads; every inner block runs once either way.
      parallel_for(7, 4, [&](int c, int t) {
        if (t < 0 || t >= 4) ++bad_thread;
        ++hits[static_cast<std::size_t>(b * 7 + c)];
      });
    });
    for (auto& h : hits) EXPECT_EQ(h.load(), 1);
    EXPECT_EQ(bad_thread.load(), 0);
  }
  // Inside an OpenMP team a nested call has one thread.
  std::atomic<int> inner_max{-1};
  parallel_for(2, 2, [&](int, int) {
    EXPECT_EQ(rssviz::threads_for(50, 4), 1);
    parallel_for(50, 4, [&](int, int t) {
      int m = inner_max.load();
      while (t > m && !inner_max.compare_exchange_weak(m, t)) {
      }
    });
  });
  EXPECT_LE(inner_max.load(), 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, Parallel, ::testing::Values(Backend::kOpenMP, Backend::kStdThreads),
                         [](const ::testing::TestParamInfo<Backend>& i) {
                           return i.param == Backend::kOpenMP ? std::string("OpenMP") : std::string("StdThreads");
                         });

TEST(ParallelFor, OneBlockWithManyThreadsRunsNestedOpenMPOnOneThread) {
  // As on a team: a body's nested OpenMP (Eigen) sees one thread, so a block's bits do
  // not depend on whether it ran inline or on a team.
  const rssviz::ThreadScope two(2);
  int inside = -1;
  parallel_for(1, 2, [&](int, int) { inside = rssviz::current_threads(); });
  EXPECT_EQ(inside, 1);
  EXPECT_EQ(rssviz::current_threads(), 2);  // restored
  parallel_for(1, 1, [&](int, int) { inside = rssviz::current_threads(); });
  EXPECT_EQ(inside, 2);  // threads = 1: a body's own threading is left alone
}

// Regression: parallel_for_std_threads started threads even inside an OpenMP region,
// where its contract (parallel_for's inline cases) says it runs inline on the caller.
TEST(ParallelForStdThreads, InsideAParallelRegionRunsInlineInOrderOnTheCaller) {
  std::mutex m;
  std::vector<std::vector<int>> order(2), threads(2);
  std::atomic<int> wrong_caller{0};
  parallel_for(2, 2, [&](int outer, int) {
    ASSERT_EQ(rssviz::threads_for(8, 4), 1);  // inside a team of two
    const auto caller = std::this_thread::get_id();
    parallel_for_std_threads(8, 4, [&](int b, int t) {
      if (std::this_thread::get_id() != caller) ++wrong_caller;
      std::lock_guard<std::mutex> lock(m);
      order[static_cast<std::size_t>(outer)].push_back(b);
      threads[static_cast<std::size_t>(outer)].push_back(t);
    });
  });
  for (int outer = 0; outer < 2; ++outer) {
    EXPECT_EQ(order[static_cast<std::size_t>(outer)], (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7})) << outer;
    EXPECT_EQ(threads[static_cast<std::size_t>(outer)], std::vector<int>(8, 0)) << outer;
  }
  EXPECT_EQ(wrong_caller.load(), 0);
}

// Regression: the neighbour search checked `stop` only between regions of 4 T blocks
// and its raw OpenMP regions let no exception out; a stop raised mid-search now ends it
// between blocks with Cancelled on the caller, for any thread count.
TEST(ParallelFor, AStopRaisedMidSearchCancelsTheNeighbourSearch) {
  const Eigen::MatrixXf X = rssviz::test::gaussian(12000, 64, 7);
  for (int threads : {1, 2}) {
    const rssviz::ThreadScope scope(threads);
    StopFlag stop;
    std::thread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      stop.request();
    });
    bool cancelled = false;
    try {
      (void)rssviz::umap::exact_knn(X, 15, rssviz::umap::Metric::euclidean, &stop);
    } catch (const Cancelled&) {
      cancelled = true;
    }
    stopper.join();
    EXPECT_TRUE(cancelled) << threads << " threads: the search finished within 20 ms";
  }
}

}  // namespace rssviz_test_parallel
