#include "core/common/parallel.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
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

ThreadScope::ThreadScope(int threads) : previous_(omp_get_max_threads()) {
  omp_set_num_threads(resolve_threads(threads));
}

ThreadScope::~ThreadScope() { omp_set_num_threads(previous_); }

void parallel_blocks(int blocks, int threads, const std::function<void(int block, int thread)>& body,
                     const StopFlag* stop) {
  if (blocks < 0) throw std::invalid_argument("parallel_blocks: blocks = " + std::to_string(blocks) + " is negative");
  const int t_count = std::max(1, std::min(resolve_threads(threads), blocks));
  if (blocks == 0) return;
  std::atomic<bool> failed{false};
  std::mutex m;
  std::exception_ptr first, cancelled;
  auto worker = [&](int t) {
    try {
      for (int b = t; b < blocks; b += t_count) {
        if (failed.load(std::memory_order_relaxed)) return;
        if (stop_requested(stop)) throw Cancelled();
        body(b, t);
      }
    } catch (const Cancelled&) {
      std::lock_guard<std::mutex> lock(m);
      if (!cancelled) cancelled = std::current_exception();
      failed.store(true, std::memory_order_relaxed);
    } catch (...) {
      std::lock_guard<std::mutex> lock(m);
      if (!first) first = std::current_exception();
      failed.store(true, std::memory_order_relaxed);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(t_count - 1));
  try {
    for (int t = 1; t < t_count; ++t) pool.emplace_back(worker, t);
  } catch (...) {  // could not start a thread (std::system_error): stop the started ones, report it
    failed.store(true);
    for (auto& th : pool) th.join();
    throw;
  }
  worker(0);
  for (auto& th : pool) th.join();
  if (first) std::rethrow_exception(first);
  if (cancelled) std::rethrow_exception(cancelled);
}

}  // namespace rssviz
