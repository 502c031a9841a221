#include "core/common/parallel.hpp"

#include <omp.h>

#include <stdexcept>
#include <string>

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

}  // namespace rssviz
