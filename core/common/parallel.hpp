// Thread-count helpers. OpenMP stays an implementation detail of the core (PRIVATE),
// so these are declared here and defined in parallel.cpp.
#pragma once
#include <functional>

#include "core/common/progress.hpp"

namespace rssviz {

// Number of threads the core uses when an options struct says 0 ("automatic").
int default_threads();
// Resolve a requested thread count: 0 means default_threads(); negative throws.
int resolve_threads(int requested);
// RAII: set OpenMP's thread count for the current scope, restore it afterwards.
class ThreadScope {
 public:
  explicit ThreadScope(int threads);
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int previous_;
};

// Runs body(block, thread) for block = 0 .. blocks-1 on `threads` threads (0 = default):
// thread t takes blocks t, t + threads, t + 2 threads, ... in order (a static partition,
// so per-thread state indexed by `thread` needs no locking), and the caller is thread 0.
// std::threads, not OpenMP: a body may itself open OpenMP regions or call libraries that
// do. A thread stops taking blocks once `stop` is set or any block threw; every thread is
// joined before returning, then the first exception is rethrown on the caller (a body's
// own exception before Cancelled), or Cancelled if only `stop` was seen. Blocks that
// started always finish; a body that runs long checks `stop` itself.
void parallel_blocks(int blocks, int threads, const std::function<void(int block, int thread)>& body,
                     const StopFlag* stop = nullptr);

}  // namespace rssviz
