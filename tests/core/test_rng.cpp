#include "core/common/rng.hpp"

#include <gtest/gtest.h>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_rng {

using rssviz::Rng;

TEST(Rng, SameSeedSameStreamAndPurposesDiffer) {
  Rng a(42, "reservoir.W"), b(42, "reservoir.W"), c(42, "reservoir.Win");
  bool differ = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    differ |= x != c.next();
  }
  EXPECT_TRUE(differ);
}

TEST(Rng, UniformAndBelowStayInRangeWithSaneMoments) {
  Rng r(1);
  double sum = 0, sq = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);
  std::array<int, 7> hist{};
  for (int i = 0; i < 70000; ++i) ++hist[r.below(7)];
  for (int h : hist) EXPECT_NEAR(h, 10000, 400);
  sum = 0;
  for (int i = 0; i < n; ++i) {
    const double z = r.normal();
    sum += z;
    sq += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sq / n, 1.0, 0.02);
}

}  // namespace rssviz_test_rng
