#include <gtest/gtest.h>

#include <cmath>

#include "core/common/rng.hpp"
#include "core/umap/layout.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_umap_layout {

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

namespace {

// A random sparse symmetric graph on n points with varied weights, and a random layout.
um::SparseGraph random_graph(int n, std::uint64_t seed) {
  std::vector<Eigen::Triplet<float, int>> t;
  std::uint64_t s = seed;
  for (int i = 0; i < n; ++i)
    for (int r = 0; r < 10; ++r) {
      const int j = static_cast<int>(rssviz::splitmix64(s) % n);
      const float w = 0.02f + static_cast<float>(rssviz::splitmix64(s) % 1000) / 1000.0f;
      if (j == i) continue;
      t.emplace_back(i, j, w);
      t.emplace_back(j, i, w);
    }
  um::SparseGraph W(n, n);
  W.setFromTriplets(t.begin(), t.end(), [](float a, float) { return a; });
  return W;
}

um::RowMatrixXf random_layout(int n, std::uint64_t seed) {
  um::RowMatrixXf y(n, 2);
  std::uint64_t s = seed;
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < 2; ++c) y(i, c) = static_cast<float>(rssviz::splitmix64(s) % 100000) / 10000.0f;
  return y;
}

}  // namespace

TEST(UmapLayout, VectorKernelMatchesTheScalarReference) {
  // The 2-D kernel (heads in vector lanes, samples listed first) against the plain
  // one-head-at-a-time kernel: same samples in the same order, so after a few epochs
  // the layouts differ only by the rounding of the two power approximations. Both
  // SGD variants (head only; both ends emulated) and a rate giving up to 2 batches of
  // negative samples per edge. A small learning rate: with alpha near 1 a repulsion
  // at d² ~ 0 amplifies rounding a thousandfold and the runs drift apart (chaos, not a
  // bug). A different sampling seed moves points far more, so the comparison can fail.
  const int n = 700;
  const um::SparseGraph W = random_graph(n, 5);
  for (int pulls : {1, 2})
    for (float rate : {5.0f, 11.0f}) {
      um::SgdSchedule vec(W, rate), ref(W, rate), other(W, rate);
      um::SgdParams p;
      p.attraction_pulls = pulls;
      p.negative_sample_rate = rate;
      um::RowMatrixXf yv = random_layout(n, 8), yr = yv, yo = yv;
      for (int e = 0; e < 3; ++e) {
        const float alpha = 0.05f * (1.0f - e / 10.0f);
        const um::RowMatrixXf sv = yv, sr = yr, so = yo;
        vec.run_epoch(e, alpha, p, yv, sv, 77, 2);
        ref.run_epoch_reference(e, alpha, p, yr, sr, 77);
        other.run_epoch(e, alpha, p, yo, so, 78, 1);
      }
      const float diff = (yv - yr).cwiseAbs().maxCoeff();
      const float seed_diff = (yo - yr).cwiseAbs().maxCoeff();
      EXPECT_LT(diff, 1e-4f) << "pulls " << pulls << " rate " << rate << " seed diff " << seed_diff;
      EXPECT_GT(seed_diff, 0.05f) << "pulls " << pulls << " rate " << rate;
      EXPECT_TRUE(yv.allFinite());
    }
}

TEST(UmapLayout, TransformScheduleMovesOnlyTheHeads) {
  // A rectangular schedule (heads = new points, tails = a fixed embedding, no self
  // exclusion), as transform() uses it: the tails are read, never written, and both
  // kernels agree.
  const int m = 40, n = 300;
  std::vector<Eigen::Triplet<float, int>> t;
  std::uint64_t s = 3;
  for (int i = 0; i < m; ++i)
    for (int r = 0; r < 15; ++r)
      t.emplace_back(i, static_cast<int>(rssviz::splitmix64(s) % n),
                     0.1f + static_cast<float>(rssviz::splitmix64(s) % 100) / 100.0f);
  um::SparseGraph W(m, n);
  W.setFromTriplets(t.begin(), t.end(), [](float a, float) { return a; });
  const um::RowMatrixXf fixed = random_layout(n, 4);
  um::RowMatrixXf yv = random_layout(m, 6), yr = yv;
  const um::RowMatrixXf y0 = yv;
  um::SgdSchedule vec(W, 5.0f), ref(W, 5.0f);
  um::SgdParams p;
  p.exclude_self = false;
  for (int e = 0; e < 5; ++e) {
    vec.run_epoch(e, 0.25f, p, yv, fixed, 9);
    ref.run_epoch_reference(e, 0.25f, p, yr, fixed, 9);
  }
  EXPECT_LT((yv - yr).cwiseAbs().maxCoeff(), 2e-3f);
  EXPECT_GT((yv - y0).cwiseAbs().maxCoeff(), 0.01f);
  EXPECT_EQ(fixed, random_layout(n, 4));
}

TEST(UmapLayout, AutomaticThreadCountGivesTheSameLayout) {
  // Above 15 000 edges the automatic count times one and all threads and may switch
  // between them from epoch to epoch; the layout must be that of one thread throughout.
  const int n = 2000;
  const um::SparseGraph W = random_graph(n, 21);
  um::SgdSchedule automatic(W, 5.0f), one(W, 5.0f);
  ASSERT_GT(automatic.edges(), 15000);
  um::RowMatrixXf ya = random_layout(n, 2), y1 = ya;
  for (int e = 0; e < 40; ++e) {
    const float alpha = 1.0f - e / 40.0f;
    const um::RowMatrixXf sa = ya, s1 = y1;
    automatic.run_epoch(e, alpha, um::SgdParams{}, ya, sa, 5, 0);
    one.run_epoch(e, alpha, um::SgdParams{}, y1, s1, 5, 1);
  }
  EXPECT_EQ(ya, y1);
}

}  // namespace rssviz_test_umap_layout
