// Which build of the core runs (core/common/isa.hpp): in the portable build, the level
// glibc's loader chose; scripts/run_level.sh forces each level and says which it forced.
#include "core/common/isa.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_isa {

namespace {

#if defined(RSSVIZ_TEST_PORTABLE_LEVELS)
// The best of the levels built beside the baseline (RSSVIZ_HWCAPS_LEVELS) that this CPU
// runs: what glibc's loader picks from glibc-hwcaps/.
std::string loader_choice() {
  __builtin_cpu_init();
  std::string best = "x86-64";
  std::istringstream built(RSSVIZ_TEST_PORTABLE_LEVELS);
  for (std::string level; std::getline(built, level, ',');) {
    if ((level == "x86-64-v3" && __builtin_cpu_supports("x86-64-v3")) ||
        (level == "x86-64-v4" && __builtin_cpu_supports("x86-64-v4")))
      best = level;
  }
  return best;
}
#endif

}  // namespace

TEST(KernelLevel, IsTheLevelThisProcessShouldRun) {
  std::string want;
  if (const char* forced = std::getenv("RSSVIZ_EXPECT_KERNEL_LEVEL")) {
    want = forced;
  } else {
#if defined(RSSVIZ_TEST_PORTABLE_LEVELS)
    want = loader_choice();
#elif defined(__AVX512F__)
    want = "x86-64-v4";  // a -march=native build: the core and this file share the macros
#elif defined(__AVX2__) && defined(__FMA__)
    want = "x86-64-v3";
#else
    want = "x86-64";
#endif
  }
  EXPECT_EQ(rssviz::kernel_level(), want);
  EXPECT_EQ(std::string(rssviz::kernel_description()).rfind(want + " (", 0), 0u) << rssviz::kernel_description();
}

}  // namespace rssviz_test_isa
