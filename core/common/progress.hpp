// Cancellation and progress types shared by every long computation in the core.
// Long single calls take a `const StopFlag*` (nullptr: never stop) and check it
// between parallel regions or between the blocks of one (parallel_for), never inside a
// block.
#pragma once
#include <atomic>
#include <functional>
#include <stdexcept>

namespace rssviz {

// Set from any thread to ask a running computation to stop at its next check.
class StopFlag {
 public:
  void request() noexcept { flag_.store(true, std::memory_order_relaxed); }
  void reset() noexcept { flag_.store(false, std::memory_order_relaxed); }
  bool requested() const noexcept { return flag_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
};

inline bool stop_requested(const StopFlag* stop) noexcept { return stop && stop->requested(); }

// progress(done, total) -> false asks the computation to stop.
using ProgressFn = std::function<bool(long long done, long long total)>;

// Thrown by a computation that noticed its stop flag; callers that cancel expect it.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace rssviz
