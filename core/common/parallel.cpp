#include "core/common/parallel.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rssviz {

int default_threads() { return omp_get_num_procs(); }

int resolve_threads(int requested) {
  if (requested < 0)
    throw std::invalid_argument("threads = " + std::to_string(requested) +
                                " is invalid: use 0 (automatic) or a positive count");
  return requested == 0 ? default_threads() : requested;
}

int current_threads() { return omp_get_max_threads(); }

ThreadScope::ThreadScope(int threads) : previous_(omp_get_max_threads()) {
  omp_set_num_threads(resolve_threads(threads));
}

ThreadScope::~ThreadScope() { omp_set_num_threads(previous_); }

namespace {

void check_counts(int blocks, int threads) {
  if (blocks < 0) throw std::invalid_argument("parallel_for: blocks = " + std::to_string(blocks) + " is negative");
  if (threads < 0)
    throw std::invalid_argument("parallel_for: threads = " + std::to_string(threads) +
                                " is invalid: use 0 (automatic) or a positive count");
}

int requested_threads(int threads) { return threads == 0 ? current_threads() : threads; }

// What one worker caught: its first exception (a worker stops at it) and the block.
struct Caught {
  std::exception_ptr error;
  int block = -1;
  bool cancelled = false;  // the body threw Cancelled itself
};

// Shared by the team. `slots` has one entry per thread; each writes only its own.
struct Team {
  int blocks;
  detail::BlockFn fn;
  void* context;
  const StopFlag* stop;
  Caught* slots;
  std::atomic<bool> failed{false};
  std::atomic<bool> stop_seen{false};
};

// Thread t of `size`: the contiguous range of OpenMP's schedule(static).
void work(Team& team, int t, int size) noexcept {
  const int q = team.blocks / size, r = team.blocks % size;
  const int b0 = t * q + std::min(t, r), b1 = b0 + q + (t < r ? 1 : 0);
  for (int b = b0; b < b1; ++b) {
    if (team.failed.load(std::memory_order_relaxed)) return;
    if (stop_requested(team.stop)) {
      team.stop_seen.store(true, std::memory_order_relaxed);
      team.failed.store(true, std::memory_order_relaxed);
      return;
    }
    Caught& c = team.slots[t];
    try {
      team.fn(team.context, b, t);
      continue;
    } catch (const Cancelled&) {
      c.cancelled = true;
      c.error = std::current_exception();
    } catch (...) {
      c.error = std::current_exception();
    }
    c.block = b;
    team.failed.store(true, std::memory_order_relaxed);
    return;
  }
}

// After the team: the lowest block's own exception, else the lowest block's Cancelled,
// else Cancelled for a stop that was seen.
void rethrow_first(const Team& team, int size) {
  const Caught* first = nullptr;
  for (int pass = 0; pass < 2 && !first; ++pass)
    for (int t = 0; t < size; ++t) {
      const Caught& c = team.slots[t];
      if (c.error && c.cancelled == (pass == 1) && (!first || c.block < first->block)) first = &c;
    }
  if (first) std::rethrow_exception(first->error);
  if (team.stop_seen.load(std::memory_order_relaxed)) throw Cancelled();
}

void run_inline(int blocks, detail::BlockFn fn, void* context, const StopFlag* stop) {
  for (int b = 0; b < blocks; ++b) {
    if (stop_requested(stop)) throw Cancelled();
    fn(context, b, 0);
  }
}

// Slots on the stack for the usual team sizes: no allocation per call.
constexpr int kLocalSlots = 16;

}  // namespace

int threads_for(int blocks, int threads) {
  check_counts(blocks, threads);
  if (blocks <= 1 || omp_in_parallel()) return 1;
  return std::min(requested_threads(threads), blocks);
}

void detail::run_blocks_openmp(int blocks, int threads, BlockFn fn, void* context, const StopFlag* stop) {
  check_counts(blocks, threads);
  if (blocks == 0) return;
  const int wanted = omp_in_parallel() ? 1 : requested_threads(threads);
  if (wanted == 1) return run_inline(blocks, fn, context, stop);
  if (blocks == 1) {
    // As on a team: nested OpenMP (Eigen's products) runs on one thread.
    const ThreadScope one(1);
    return run_inline(blocks, fn, context, stop);
  }
  const int size = std::min(wanted, blocks);
  Caught local[kLocalSlots];
  std::vector<Caught> heap;
  if (size > kLocalSlots) heap.resize(static_cast<std::size_t>(size));
  Team team{blocks, fn, context, stop, size > kLocalSlots ? heap.data() : local};
  int used = size;
#pragma omp parallel num_threads(size)
  {
    const int n = omp_get_num_threads(), t = omp_get_thread_num();  // OpenMP may give fewer than asked
    if (t == 0) used = n;
    work(team, t, n);
  }
  rethrow_first(team, used);
}

void detail::run_blocks_std_threads(int blocks, int threads, BlockFn fn, void* context, const StopFlag* stop) {
  check_counts(blocks, threads);
  if (blocks == 0) return;
  const int size = omp_in_parallel() ? 1 : std::min(requested_threads(threads), blocks);
  if (size == 1) return run_inline(blocks, fn, context, stop);
  std::vector<Caught> slots(static_cast<std::size_t>(size));
  Team team{blocks, fn, context, stop, slots.data()};
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(size - 1));
  try {
    for (int t = 1; t < size; ++t) pool.emplace_back([&team, t, size] { work(team, t, size); });
  } catch (...) {  // could not start a thread (std::system_error): stop the started ones, report it
    team.failed.store(true);
    for (auto& th : pool) th.join();
    throw;
  }
  work(team, 0, size);
  for (auto& th : pool) th.join();
  rethrow_first(team, size);
}

}  // namespace rssviz
