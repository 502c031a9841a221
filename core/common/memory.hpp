// Large buffers that are filled once per live update (states, the map's points, their
// copies) fault in 4 KiB pages: ~7 000 page faults per 28 MB buffer, a fifth of a
// 1000-sentence map update (measured: docs/BENCHMARKS.md, "Live exploration"). Asking the
// kernel for transparent huge pages on such a buffer before it is first written makes
// that a dozen 2 MiB faults. Linux with THP in "madvise" or "always" mode; elsewhere a
// no-op. Only a hint: the contents and the program's results never depend on it.
#pragma once
#include <Eigen/Core>
#include <cstddef>

namespace rssviz {

// Advises huge pages for the 2 MiB-aligned interior of [p, p + bytes) (buffers under 4 MiB
// are left alone). Call it after allocating and before writing.
void prefer_huge_pages(void* p, std::size_t bytes);

// The same for an Eigen matrix's storage.
template <class Derived>
void prefer_huge_pages(Eigen::PlainObjectBase<Derived>& m) {
  prefer_huge_pages(static_cast<void*>(m.data()), static_cast<std::size_t>(m.size()) * sizeof(typename Derived::Scalar));
}

}  // namespace rssviz
