#include <gtest/gtest.h>

#include <cmath>

#include "core/common/rng.hpp"
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

TEST(UmapLayout, EpochsAreIdenticalForAnyThreadCount) {
  // A random sparse symmetric graph; the same epochs with 1, 2 and 3 threads (forced,
  // below the automatic threshold) give bit-identical layouts.
  const int n = 500;
  std::vector<Eigen::Triplet<float, int>> t;
  std::uint64_t s = 11;
  for (int i = 0; i < n; ++i)
    for (int r = 0; r < 8; ++r) {
      const int j = static_cast<int>(rssviz::splitmix64(s) % n);
      const float w = 0.05f + static_cast<float>(rssviz::splitmix64(s) % 1000) / 1000.0f;
      if (j == i) continue;
      t.emplace_back(i, j, w);
      t.emplace_back(j, i, w);
    }
  um::SparseGraph W(n, n);
  W.setFromTriplets(t.begin(), t.end(), [](float a, float) { return a; });
  um::RowMatrixXf y0(n, 2);
  for (int i = 0; i < n; ++i) {
    y0(i, 0) = static_cast<float>(rssviz::splitmix64(s) % 10000) / 1000.0f;
    y0(i, 1) = static_cast<float>(rssviz::splitmix64(s) % 10000) / 1000.0f;
  }
  std::vector<um::RowMatrixXf> out;
  for (int threads : {1, 2, 3}) {
    um::SgdSchedule sched(W, 5.0f);
    um::RowMatrixXf y = y0;
    for (int e = 0; e < 40; ++e) {
      const um::RowMatrixXf snap = y;
      sched.run_epoch(e, 1.0f - e / 40.0f, um::SgdParams{}, y, snap, 99, threads);
    }
    out.push_back(y);
  }
  EXPECT_EQ(out[0], out[1]);
  EXPECT_EQ(out[0], out[2]);
  EXPECT_NE(out[0], y0);
}
