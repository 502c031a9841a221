#include <gtest/gtest.h>

#include <cmath>

#include "core/umap/layout.hpp"

namespace um = rssviz::umap;

TEST(UmapLayout, FastPowIsAccurate) {
  double worst = 0.0;
  for (float y : {0.895f, -0.105f, 1.79f, -1.0f, 0.5f})
    for (double lx = -12.0; lx <= 12.0; lx += 0.0137) {
      const float x = static_cast<float>(std::pow(10.0, lx));
      const double ref = std::pow(static_cast<double>(x), static_cast<double>(y));
      worst = std::max(worst, std::fabs(um::fast_pow(x, y) - ref) / ref);
    }
  EXPECT_LT(worst, 1e-5);
}

TEST(UmapLayout, ScheduleSamplesEachEdgeInProportionToItsWeight) {
  // Two points joined by a strong edge and a weak one to a third point: over many
  // epochs the strong edge pulls harder, so point 0 ends nearer point 1 than point 2.
  std::vector<Eigen::Triplet<float, int>> t{{0, 1, 1.0f}, {1, 0, 1.0f}, {0, 2, 0.1f}, {2, 0, 0.1f}};
  um::SparseGraph W(3, 3);
  W.setFromTriplets(t.begin(), t.end());
  um::SgdSchedule s(W, 0.0f + 1e-9f);  // attraction only
  EXPECT_EQ(s.edges(), 4);
  um::RowMatrixXf y(3, 2);
  y << 0, 0, 4, 0, 0, 4;
  um::SgdParams p;
  for (int e = 0; e < 50; ++e) {
    const um::RowMatrixXf snap = y;
    s.run_epoch(e, 0.1f * (1.0f - e / 50.0f), p, y, snap, 1);
  }
  EXPECT_LT((y.row(0) - y.row(1)).norm(), (y.row(0) - y.row(2)).norm());
  EXPECT_TRUE(y.allFinite());
}
