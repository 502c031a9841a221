#include "core/common/memory.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace rssviz {

void keep_freed_memory() {
#if defined(__GLIBC__)
  // RSSVIZ_DEFAULT_MALLOC=1 leaves glibc's defaults, for benchmarks that compare the two.
  if (const char* off = std::getenv("RSSVIZ_DEFAULT_MALLOC"); off && *off && std::strcmp(off, "0") != 0) return;
  constexpr int kGiB = 1 << 30;
  (void)mallopt(M_ARENA_MAX, 1);
  // An older glibc refuses thresholds over 32 MiB; the trim threshold alone would then pin
  // the mmap threshold at its 128 KiB start (worse than the defaults): both or neither.
  if (mallopt(M_MMAP_THRESHOLD, kGiB) == 1) (void)mallopt(M_TRIM_THRESHOLD, kGiB);
#endif
}

void prefer_huge_pages(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  if (!p || bytes < 2 * kHuge) return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint: errors ignored
#else
  (void)p;
  (void)bytes;
#endif
}

}  // namespace rssviz
