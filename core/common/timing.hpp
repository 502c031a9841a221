// Wall-clock and processor time, for stage timings and benchmarks.
#pragma once
#include <time.h>

#include <chrono>

namespace rssviz {

// Seconds of wall-clock time since t0 (steady clock).
inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Processor time of the whole process (all threads), in seconds: on a shared machine the
// stable figure; with one thread it is what the wall time would be on an idle core.
inline double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace rssviz
