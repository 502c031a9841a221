// Thread-count helpers. OpenMP stays an implementation detail of the core (PRIVATE),
// so these are declared here and defined in parallel.cpp.
#pragma once

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

}  // namespace rssviz
