// The core's one parallel helper, and thread-count helpers. OpenMP stays an
// implementation detail of the core (PRIVATE): nothing here needs omp.h, the regions
// live in parallel.cpp, and no other file opens one.
#pragma once
#include <memory>
#include <type_traits>

#include "core/common/progress.hpp"

namespace rssviz {

// Number of threads the core uses when an options struct says 0 ("automatic").
int default_threads();
// Resolve a requested thread count: 0 means default_threads(); negative throws.
int resolve_threads(int requested);
// The thread count of the current scope: what the innermost ThreadScope (or
// OMP_NUM_THREADS) set, default_threads() if nothing did. parallel_for's `threads = 0`.
int current_threads();
// RAII: set the current scope's thread count (0 = default_threads()), restore it
// afterwards. Eigen's own products follow it too.
class ThreadScope {
 public:
  explicit ThreadScope(int threads);
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int previous_;
};

// parallel_for(blocks, threads, body, stop) runs body(block, thread) once for every
// block = 0 .. blocks-1, on an OpenMP team. The contract:
//  - Threads: `threads` = 0 means current_threads(); negative (or negative `blocks`)
//    throws std::invalid_argument. The team has at most min(threads, blocks) threads
//    (OpenMP may give fewer); threads_for() is that bound, to size per-thread scratch.
//  - Partition: static, contiguous ranges, as OpenMP's schedule(static): with T team
//    threads, q = blocks / T and r = blocks % T, thread t takes the q (+1 if t < r)
//    blocks from t q + min(t, r), in increasing order. So per-thread scratch indexed by
//    `thread` needs no locking. Which thread runs a block must not change its result.
//  - Inline: with one thread (threads = 1, or blocks <= 1, or called from inside a
//    parallel region: nesting is safe and runs inline) the blocks run in order on the
//    caller with no OpenMP region at all. The caller is always thread 0.
//  - Nested OpenMP in a body (Eigen's products): when threads > 1 such regions run on one
//    thread whether the blocks were shared out on a team (nested regions there get one
//    thread) or the one block ran inline (under ThreadScope(1)), so a block's bits do not
//    depend on how blocks were shared out; with threads = 1 a body's own threading is
//    left alone.
//  - Stop: a thread stops taking blocks once `stop` is set or any block threw; a block
//    that started always finishes (a body that runs long checks `stop` itself).
//  - Exceptions: every exception is caught inside the region; once all threads are done
//    the caller rethrows the exception of the lowest block that threw, a body's own
//    before a Cancelled a body threw, or throws Cancelled if only `stop` was seen. No
//    blocks: returns at once, whatever `stop` says.
// The body is called through a function pointer, not std::function: no allocation, and
// the region costs what a bare `#pragma omp parallel` costs.
template <class F>
void parallel_for(int blocks, int threads, F&& body, const StopFlag* stop = nullptr);

// The bound on parallel_for(blocks, threads, ...)'s `thread` argument (thread < bound),
// in the current context (1 inside a parallel region).
int threads_for(int blocks, int threads);

// The "serial if" of parallel_for: threads_if(work >= limit, threads) runs small work on
// the calling thread (waking the others costs more than it saves).
constexpr int threads_if(bool parallel, int threads = 0) { return parallel ? threads : 1; }

// The same contract (partition, inline cases, stop, exceptions, thread 0 = caller) on
// freshly started std::threads instead of an OpenMP team, for bodies that call
// libraries that open OpenMP regions of their own and whose results depend on that
// team: the GIF writer's libimagequant (its palette sums are split by its team). A body
// on such a thread sees a fresh OpenMP state, whatever the thread, so each gets the same
// palette; in an OpenMP worker, nested regions would run on a team of one and a T-thread
// file would differ from the one-thread file. Called from inside a parallel region it
// runs inline like parallel_for (no threads started). Starting threads costs ~50 us per
// call: for long bodies only. Nested OpenMP in a body is left alone in every case.
template <class F>
void parallel_for_std_threads(int blocks, int threads, F&& body, const StopFlag* stop = nullptr);

namespace detail {

using BlockFn = void (*)(void* context, int block, int thread);
void run_blocks_openmp(int blocks, int threads, BlockFn fn, void* context, const StopFlag* stop);
void run_blocks_std_threads(int blocks, int threads, BlockFn fn, void* context, const StopFlag* stop);

template <class F>
void call_block(void* context, int block, int thread) {
  (*static_cast<F*>(context))(block, thread);
}

template <class F>
void* context_of(F& f) {
  return const_cast<void*>(static_cast<const void*>(std::addressof(f)));
}

}  // namespace detail

template <class F>
void parallel_for(int blocks, int threads, F&& body, const StopFlag* stop) {
  using Fn = std::remove_reference_t<F>;
  detail::run_blocks_openmp(blocks, threads, &detail::call_block<Fn>, detail::context_of(body), stop);
}

template <class F>
void parallel_for_std_threads(int blocks, int threads, F&& body, const StopFlag* stop) {
  using Fn = std::remove_reference_t<F>;
  detail::run_blocks_std_threads(blocks, threads, &detail::call_block<Fn>, detail::context_of(body), stop);
}

}  // namespace rssviz
