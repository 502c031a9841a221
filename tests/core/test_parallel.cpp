#include "core/common/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_parallel {

using rssviz::Cancelled;
using rssviz::parallel_blocks;
using rssviz::StopFlag;

TEST(ParallelBlocks, StaticPartitionEachBlockOnceCallerIsThreadZero) {
  for (int threads : {1, 2, 3, 8}) {
    const int blocks = 11;
    std::vector<int> owner(blocks, -1), count(blocks, 0);
    std::vector<std::vector<int>> order(static_cast<std::size_t>(threads));
    std::mutex m;
    std::set<std::thread::id> zero_ids;
    const auto caller = std::this_thread::get_id();
    parallel_blocks(blocks, threads, [&](int b, int t) {
      std::lock_guard<std::mutex> lock(m);
      owner[static_cast<std::size_t>(b)] = t;
      ++count[static_cast<std::size_t>(b)];
      order[static_cast<std::size_t>(t)].push_back(b);
      if (t == 0) zero_ids.insert(std::this_thread::get_id());
    });
    for (int b = 0; b < blocks; ++b) {
      EXPECT_EQ(count[static_cast<std::size_t>(b)], 1) << b;
      EXPECT_EQ(owner[static_cast<std::size_t>(b)], b % threads) << b;  // thread t: t, t + T, ...
    }
    for (int t = 0; t < threads; ++t)
      for (std::size_t i = 1; i < order[static_cast<std::size_t>(t)].size(); ++i)
        EXPECT_LT(order[static_cast<std::size_t>(t)][i - 1], order[static_cast<std::size_t>(t)][i]);  // in order
    ASSERT_EQ(zero_ids.size(), 1u);
    EXPECT_EQ(*zero_ids.begin(), caller);
  }
}

TEST(ParallelBlocks, MoreThreadsThanBlocksAndNoBlocks) {
  std::atomic<int> max_thread{-1}, calls{0};
  parallel_blocks(3, 64, [&](int, int t) {
    ++calls;
    int m = max_thread.load();
    while (t > m && !max_thread.compare_exchange_weak(m, t)) {
    }
  });
  EXPECT_EQ(calls.load(), 3);
  EXPECT_LE(max_thread.load(), 2);  // never more threads than blocks
  parallel_blocks(0, 4, [&](int, int) { ++calls; });
  EXPECT_EQ(calls.load(), 3);
  EXPECT_THROW(parallel_blocks(-1, 2, [](int, int) {}), std::invalid_argument);
  EXPECT_THROW(parallel_blocks(4, -2, [](int, int) {}), std::invalid_argument);
}

TEST(ParallelBlocks, AWorkersExceptionReachesTheCallerAndStopsTheRest) {
  for (int threads : {1, 2, 4}) {
    std::atomic<int> after{0};
    try {
      parallel_blocks(1000, threads, [&](int b, int) {
        if (b == 5) throw std::runtime_error("block 5 failed");
        if (b > 5 + 2 * threads) ++after;
        if (b > 5) std::this_thread::sleep_for(std::chrono::microseconds(200));
      });
      ADD_FAILURE() << "no exception with " << threads << " threads";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "block 5 failed");
    }
    EXPECT_LT(after.load(), 900) << threads;  // the others stopped taking blocks
  }
  // An error wins over a cancellation seen at the same time.
  StopFlag stop;
  try {
    parallel_blocks(100, 2, [&](int b, int) {
      if (b == 1) {
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

TEST(ParallelBlocks, StopIsSeenBetweenBlocks) {
  StopFlag stop;
  stop.request();
  int calls = 0;
  EXPECT_THROW(parallel_blocks(10, 2, [&](int, int) { ++calls; }, &stop), Cancelled);
  EXPECT_EQ(calls, 0);
  stop.reset();
  std::atomic<int> done{0};
  EXPECT_THROW(parallel_blocks(1000, 2, [&](int b, int) {
    if (b == 10) stop.request();
    ++done;
  }, &stop), Cancelled);
  EXPECT_LT(done.load(), 1000);
  EXPECT_GE(done.load(), 6);  // thread 0 ran blocks 0, 2, ..., 10 before it saw the stop
}

}  // namespace rssviz_test_parallel
