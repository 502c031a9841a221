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

// Lets freed large buffers be reused without new page faults, for the process's life
// (call first thing in main, before any thread starts). A live map update at 3 000 units
// allocates and frees several 84 MB buffers (the states, the map's points, UMAP's copies);
// glibc maps every block over 32 MB afresh and unmaps it on free, so each update paid
// ~20 000 page faults and the kernel's zeroing of every page, a fifth of its processor
// time (docs/BENCHMARKS.md, "Drag frames"). This keeps blocks up to 1 GiB in the heap, all
// threads in one arena (a worker thread's own arena cannot hold a block over 64 MB and
// maps it anyway), and trims the heap's top only past 1 GiB free. glibc only; elsewhere a
// no-op. Results never depend on it. RSSVIZ_DEFAULT_MALLOC=1 in the environment skips it
// (for side-by-side benchmarks).
void keep_freed_memory();

// Advises huge pages for the 2 MiB-aligned interior of [p, p + bytes) (buffers under 4 MiB
// are left alone). Call it after allocating and before writing.
void prefer_huge_pages(void* p, std::size_t bytes);

// The same for an Eigen matrix's storage.
template <class Derived>
void prefer_huge_pages(Eigen::PlainObjectBase<Derived>& m) {
  prefer_huge_pages(static_cast<void*>(m.data()), static_cast<std::size_t>(m.size()) * sizeof(typename Derived::Scalar));
}

}  // namespace rssviz
