#include "core/common/isa.hpp"

namespace rssviz {

// The tests of the kernels' #if branches: AVX-512 wherever __AVX512F__, AVX2 where
// __AVX2__ and __FMA__ (core/esn/harvest.cpp, core/umap/*.cpp).
const char* kernel_level() {
#if defined(__AVX512F__)
  return "x86-64-v4";
#elif defined(__AVX2__) && defined(__FMA__)
  return "x86-64-v3";
#else
  return "x86-64";
#endif
}

const char* kernel_description() {
#if defined(__AVX512F__)
  return "x86-64-v4 (AVX-512)";
#elif defined(__AVX2__) && defined(__FMA__)
  return "x86-64-v3 (AVX2 + FMA)";
#else
  return "x86-64 (SSE2)";
#endif
}

}  // namespace rssviz
