#pragma once
// Which build of the core this process runs. The speed kernels (the harvest's chunk
// product, the kNN scans, the layout's SGD lanes, Eigen's GEMM) are chosen by the
// instruction set the core was compiled for; the portable build has one core library per
// x86-64 level and glibc's loader picks the best the CPU runs (README "Portable binaries").

namespace rssviz {

// "x86-64-v4" (AVX-512), "x86-64-v3" (AVX2 + FMA) or "x86-64" (SSE2 baseline): the level
// whose kernels the loaded core library carries. A -march=native build reports the level
// its macros match.
const char* kernel_level();

// The same with the vector extensions named, for --version: "x86-64-v3 (AVX2 + FMA)".
const char* kernel_description();

}  // namespace rssviz
