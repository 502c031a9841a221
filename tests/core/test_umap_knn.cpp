#include <gtest/gtest.h>

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/common/parallel.hpp"
#include "core/common/rng.hpp"
#include "core/umap/knn.hpp"
#include "tests/core/point_sets.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_umap_knn {

namespace um = rssviz::umap;
using rssviz::test::gaussian;
using rssviz::test::low_rank;

namespace {

// Brute force in double: (distance, index) sorted, self excluded.
std::vector<std::pair<double, int>> brute(const Eigen::MatrixXf& X, int i) {
  std::vector<std::pair<double, int>> v;
  for (int j = 0; j < X.rows(); ++j)
    if (j != i) v.emplace_back((X.row(i) - X.row(j)).cast<double>().norm(), j);
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST(UmapKnn, ExactMatchesBruteForce) {
  // Offset far from the origin: the blocked |x|²+|y|²-2xy form must not lose neighbours
  // to cancellation.
  Eigen::MatrixXf X = gaussian(300, 40, 1);
  X.array() += 50.0f;
  const int k = 12;
  const um::KnnGraph g = um::exact_knn(X, k);
  ASSERT_EQ(g.n, 300);
  ASSERT_EQ(g.k, k);
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(g.at(i, 0), i);
    EXPECT_EQ(g.dist(i, 0), 0.0f);
    const auto ref = brute(X, i);
    for (int j = 1; j < k; ++j) {
      EXPECT_EQ(g.at(i, j), ref[static_cast<std::size_t>(j - 1)].second) << "point " << i << " rank " << j;
      EXPECT_NEAR(g.dist(i, j), ref[static_cast<std::size_t>(j - 1)].first, 1e-4 * ref[static_cast<std::size_t>(j - 1)].first);
    }
  }
}

TEST(UmapKnn, CosineMatchesBruteForceOnNormalisedRows) {
  const Eigen::MatrixXf X = gaussian(200, 16, 2);
  const um::KnnGraph g = um::exact_knn(X, 8, um::Metric::cosine);
  for (int i = 0; i < 200; i += 17) {
    std::vector<std::pair<double, int>> ref;
    for (int j = 0; j < 200; ++j) {
      if (j == i) continue;
      const double c = X.row(i).cast<double>().dot(X.row(j).cast<double>()) /
                       (X.row(i).cast<double>().norm() * X.row(j).cast<double>().norm());
      ref.emplace_back(1.0 - c, j);
    }
    std::sort(ref.begin(), ref.end());
    for (int j = 1; j < 8; ++j) {
      EXPECT_EQ(g.at(i, j), ref[static_cast<std::size_t>(j - 1)].second);
      EXPECT_NEAR(g.dist(i, j), ref[static_cast<std::size_t>(j - 1)].first, 1e-5);
    }
  }
}

TEST(UmapKnn, DuplicatesAreExactlyZeroApartAndSelfStaysFirst) {
  Eigen::MatrixXf X = gaussian(50, 30, 3, 10.0f);
  for (int r = 0; r < 5; ++r) X.row(40 + r) = X.row(7);  // six copies of row 7
  const um::KnnGraph g = um::exact_knn(X, 8);
  for (int c : {7, 40, 44}) {
    EXPECT_EQ(g.at(c, 0), c);
    for (int j = 1; j <= 5; ++j) EXPECT_EQ(g.dist(c, j), 0.0f) << "copy " << c << " neighbour " << j;
    EXPECT_GT(g.dist(c, 6), 0.0f);
  }
  const um::KnnGraph a = um::approximate_knn(X, 8, um::Metric::euclidean, 5);
  for (int j = 1; j <= 5; ++j) EXPECT_EQ(a.dist(44, j), 0.0f);
  EXPECT_EQ(a.at(44, 0), 44);
}

TEST(UmapKnn, QueryAgainstFittedPoints) {
  const Eigen::MatrixXf X = gaussian(120, 10, 4);
  const Eigen::MatrixXf Q = gaussian(15, 10, 5);
  const um::KnnGraph g = um::exact_knn_query(X, Q, 6);
  for (int i = 0; i < 15; ++i) {
    std::vector<std::pair<double, int>> ref;
    for (int j = 0; j < 120; ++j) ref.emplace_back((Q.row(i) - X.row(j)).cast<double>().norm(), j);
    std::sort(ref.begin(), ref.end());
    for (int j = 0; j < 6; ++j) EXPECT_EQ(g.at(i, j), ref[static_cast<std::size_t>(j)].second);
  }
  EXPECT_THROW(um::exact_knn_query(X, gaussian(3, 9, 6), 6), std::invalid_argument);
}

TEST(UmapKnn, ApproximateRecallOn20000Points) {
  // A mixture of 20 Gaussian clusters in 8 dimensions; recall of the 14 nearest others.
  const int n = 20000, d = 8, k = 15;
  rssviz::Rng rng(7, "test clusters");
  Eigen::MatrixXf centres(20, d);
  for (int c = 0; c < 20; ++c)
    for (int j = 0; j < d; ++j) centres(c, j) = static_cast<float>(4.0 * rng.normal());
  Eigen::MatrixXf X(n, d);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) X(i, j) = centres(i % 20, j) + static_cast<float>(rng.normal());
  const um::KnnGraph exact = um::exact_knn(X, k);
  const um::KnnGraph approx = um::approximate_knn(X, k, um::Metric::euclidean, 11);
  long long hit = 0;
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(approx.at(i, 0), i);
    for (int j = 1; j < k; ++j)
      for (int l = 1; l < k; ++l) hit += approx.at(i, j) == exact.at(i, l);
  }
  const double recall = static_cast<double>(hit) / (static_cast<double>(n) * (k - 1));
  EXPECT_GE(recall, 0.95);
  RecordProperty("recall", std::to_string(recall));
  // Deterministic: a second build with the same seed gives the same lists.
  const um::KnnGraph again = um::approximate_knn(X.topRows(3000), k, um::Metric::euclidean, 11);
  const um::KnnGraph again2 = um::approximate_knn(X.topRows(3000), k, um::Metric::euclidean, 11);
  EXPECT_EQ(again.index, again2.index);
}

TEST(UmapKnn, ResultDoesNotDependOnThreads) {
  const Eigen::MatrixXf X = gaussian(700, 25, 8);
  um::KnnGraph g1, g2;
  {
    rssviz::ThreadScope t(1);
    g1 = um::exact_knn(X, 10);
  }
  {
    rssviz::ThreadScope t(2);
    g2 = um::exact_knn(X, 10);
  }
  EXPECT_EQ(g1.index, g2.index);
  EXPECT_EQ(g1.distance, g2.distance);
}

TEST(UmapKnn, AutomaticChoiceAndErrors) {
  EXPECT_EQ(um::resolve_knn_method(um::KnnMethod::automatic, 4000, 1001), um::KnnMethod::exact);
  EXPECT_EQ(um::resolve_knn_method(um::KnnMethod::automatic, 20000, 1001), um::KnnMethod::approximate);
  EXPECT_EQ(um::resolve_knn_method(um::KnnMethod::automatic, 20000, 8), um::KnnMethod::exact);
  EXPECT_EQ(um::resolve_knn_method(um::KnnMethod::approximate, 10, 2), um::KnnMethod::approximate);
  const Eigen::MatrixXf X = gaussian(10, 3, 9);
  EXPECT_THROW(um::exact_knn(X, 11), std::invalid_argument);
  EXPECT_THROW(um::exact_knn(X, 0), std::invalid_argument);
  Eigen::MatrixXf bad = X;
  bad(4, 1) = std::nanf("");
  try {
    um::exact_knn(bad, 3);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("row 4"), std::string::npos);
  }
}

TEST(UmapKnn, StopFlagCancels) {
  rssviz::StopFlag stop;
  stop.request();
  EXPECT_THROW(um::exact_knn(gaussian(100, 5, 10), 5, um::Metric::euclidean, &stop), rssviz::Cancelled);
}

// The warm start's incremental update gives exact_knn's lists on the changed data,
// for small moves (rows kept from the old pool), big moves (a point jumping into
// another's neighbourhood, forcing full searches) and both metrics.
TEST(UmapKnn, UpdateExactMatchesFullSearch) {
  for (const um::Metric metric : {um::Metric::euclidean, um::Metric::cosine}) {
    const Eigen::MatrixXf X0 = gaussian(400, 30, 11);
    const int k = 10;
    const um::KnnGraph g0 = um::exact_knn(X0, k, metric);
    ASSERT_EQ(g0.pool, k - 1 + 8);
    Eigen::MatrixXf X1 = X0;
    rssviz::Rng rng(5, "test update");
    int changed = 0;
    for (int i = 0; i < 400; ++i)
      if (rng.bernoulli(0.06)) {
        ++changed;
        for (int c = 0; c < 30; ++c) X1(i, c) += 0.05f * static_cast<float>(rng.normal());
      }
    // Not scaled copies: under cosine those would tie with the original within rounding.
    X1.row(7) = X0.row(300);
    X1(7, 1) += 0.2f;  // jumps next to point 300
    X1.row(8) = X0.row(8) * 3.0f;      // leaves its neighbourhood
    ASSERT_GT(changed, 10);
    const um::KnnGraph up = um::update_exact_knn(g0, X0, X1, metric);
    const um::KnnGraph full = um::exact_knn(X1, k, metric);
    EXPECT_EQ(up.index, full.index);
    ASSERT_EQ(up.distance.size(), full.distance.size());
    for (std::size_t t = 0; t < up.distance.size(); ++t) EXPECT_NEAR(up.distance[t], full.distance[t], 1e-4f);
    // A second update from the updated pools stays exact.
    Eigen::MatrixXf X2 = X1;
    X2.row(100) = X1.row(200);
    X2(100, 2) -= 0.2f;
    const um::KnnGraph up2 = um::update_exact_knn(up, X1, X2, metric);
    EXPECT_EQ(up2.index, um::exact_knn(X2, k, metric).index);
    // Nothing changed: the same lists.
    EXPECT_EQ(um::update_exact_knn(g0, X0, X0, metric).index, g0.index);
  }
}

TEST(UmapKnn, UpdateExactRejectsMismatchedShapes) {
  const Eigen::MatrixXf X0 = gaussian(50, 4, 1);
  const um::KnnGraph g0 = um::exact_knn(X0, 5);
  EXPECT_THROW(um::update_exact_knn(g0, X0, gaussian(51, 4, 1)), std::invalid_argument);
  EXPECT_THROW(um::update_exact_knn(g0, X0, gaussian(50, 5, 1)), std::invalid_argument);
}

namespace {

// All squared distances in double (one product; rows centred first).
Eigen::MatrixXd brute_sq(const Eigen::MatrixXf& X) {
  Eigen::MatrixXd D = X.cast<double>();
  D.rowwise() -= D.colwise().mean();
  const Eigen::VectorXd sq = D.rowwise().squaredNorm();
  Eigen::MatrixXd G = -2.0 * D * D.transpose();
  G.colwise() += sq;
  G.rowwise() += sq.transpose();
  return G.cwiseMax(0.0);
}

// g equals a double-precision brute force: lists (self first, then by distance), pool
// = the exact nearest `pool` others with their distances, and outside_sq a lower bound
// on every point outside the pool. partial_pool: update_exact_knn may list fewer (the
// rest -1), the listed ones still the nearest.
void expect_exact(const um::KnnGraph& g, const Eigen::MatrixXf& X, bool partial_pool = false) {
  const Eigen::MatrixXd D = brute_sq(X);
  const int n = static_cast<int>(X.rows());
  // The search sees the rows centred in float: each coordinate rounded by up to an ulp
  // of the largest, so distances agree with D to about 2 |x_i - x_j| q.
  const double q = 2.0 * std::numeric_limits<float>::epsilon() * X.cwiseAbs().maxCoeff() * std::sqrt(static_cast<double>(X.cols()));
  const auto tol = [q](double sq) { return 1e-5 * sq + 2.0 * std::sqrt(sq) * q + q * q; };
  ASSERT_EQ(g.n, n);
  ASSERT_GT(g.pool, g.k - 1);
  for (int i = 0; i < n; ++i) {
    std::vector<std::pair<double, int>> ref;
    for (int j = 0; j < n; ++j)
      if (j != i) ref.emplace_back(D(i, j), j);
    std::sort(ref.begin(), ref.end());
    ASSERT_EQ(g.at(i, 0), i);
    for (int j = 1; j < g.k; ++j) {
      const auto& r = ref[static_cast<std::size_t>(j - 1)];
      ASSERT_EQ(g.at(i, j), r.second) << "point " << i << " rank " << j;
      ASSERT_NEAR(static_cast<double>(g.dist(i, j)) * g.dist(i, j), r.first, tol(r.first));
    }
    std::vector<char> in_pool(static_cast<std::size_t>(n), 0);
    for (int t = 0; t < g.pool; ++t) {
      const std::size_t o = static_cast<std::size_t>(i) * g.pool + static_cast<std::size_t>(t);
      if (partial_pool && g.pool_index[o] < 0) break;
      ASSERT_EQ(g.pool_index[o], ref[static_cast<std::size_t>(t)].second) << "point " << i << " pool " << t;
      ASSERT_NEAR(g.pool_sq[o], ref[static_cast<std::size_t>(t)].first, tol(ref[static_cast<std::size_t>(t)].first));
      in_pool[static_cast<std::size_t>(g.pool_index[o])] = 1;
    }
    const float out = g.outside_sq[static_cast<std::size_t>(i)];
    for (int j = 0; j < n; ++j)
      if (j != i && !in_pool[static_cast<std::size_t>(j)]) ASSERT_LE(out, D(i, j) + tol(D(i, j))) << i << " " << j;
  }
}

}  // namespace

// The projected search (1 001 dims, 32 kept) equals brute force, equals the plain
// product, prunes, and does not depend on the thread count.
TEST(UmapKnn, ProjectedSearchIsExactOnLowRankPlusNoise) {
  Eigen::MatrixXf X = low_rank(1500, 1001, 20, 0.02f, 21, 20.0f);
  for (int r = 0; r < 4; ++r) X.row(1400 + r) = X.row(3);  // five copies of row 3
  um::KnnGraph g1, g2;
  {
    rssviz::ThreadScope t(1);
    g1 = um::exact_knn(X, 15);
  }
  {
    rssviz::ThreadScope t(2);
    g2 = um::exact_knn(X, 15);
  }
  EXPECT_EQ(g1.projected_dims, 32);
  // The bounds measure a few points beyond the pool of 22, not all 1 499.
  EXPECT_LT(g1.measured_per_row, 100.0);
  EXPECT_GE(g1.measured_per_row, 22.0);
  expect_exact(g1, X);
  EXPECT_EQ(g1.index, g2.index);
  EXPECT_EQ(g1.distance, g2.distance);
  EXPECT_EQ(g1.pool_index, g2.pool_index);
  EXPECT_EQ(g1.outside_sq, g2.outside_sq);
  for (int c : {3, 1400, 1403}) {
    EXPECT_EQ(g1.at(c, 0), c);
    for (int j = 1; j <= 4; ++j) EXPECT_EQ(g1.dist(c, j), 0.0f);
  }
  um::ProjectionOptions never;
  never.use = um::ProjectionOptions::Use::never;
  const um::KnnGraph plain = um::exact_knn(X, 15, um::Metric::euclidean, nullptr, never);
  EXPECT_EQ(plain.projected_dims, 0);
  EXPECT_EQ(plain.index, g1.index);
  EXPECT_EQ(plain.distance, g1.distance);
  EXPECT_EQ(plain.pool_index, g1.pool_index);
}

// A flat spectrum: automatically the plain product; forcing a projection makes the
// bounds loose (many points measured) but the lists stay exact.
TEST(UmapKnn, FlatSpectrumStaysExactEitherWay) {
  const Eigen::MatrixXf X = gaussian(600, 200, 22);
  const um::KnnGraph g = um::exact_knn(X, 10);
  EXPECT_EQ(g.projected_dims, 0);
  expect_exact(g, X);
  um::ProjectionOptions always;
  always.use = um::ProjectionOptions::Use::always;
  always.max_dims = 48;
  const um::KnnGraph f = um::exact_knn(X, 10, um::Metric::euclidean, nullptr, always);
  EXPECT_EQ(f.projected_dims, 48);
  EXPECT_GT(f.measured_per_row, 100.0);
  EXPECT_EQ(f.index, g.index);
  EXPECT_EQ(f.distance, g.distance);
  EXPECT_EQ(f.pool_index, g.pool_index);
}

TEST(UmapKnn, ProjectedQueryAndUpdateMatchFullSearch) {
  const Eigen::MatrixXf X = low_rank(1200, 400, 12, 0.02f, 23, 20.0f);
  // 300 queries: the projected path (from 256 query rows).
  const Eigen::MatrixXf Q = X.topRows(300) + 0.05f * gaussian(300, 400, 24);
  const um::KnnGraph q = um::exact_knn_query(X, Q, 7);
  EXPECT_GT(q.projected_dims, 0);
  const Eigen::MatrixXd Xd = X.cast<double>(), Qd = Q.cast<double>();
  for (int i = 0; i < 300; i += 11) {
    std::vector<std::pair<double, int>> ref;
    for (int j = 0; j < 1200; ++j) ref.emplace_back((Qd.row(i) - Xd.row(j)).squaredNorm(), j);
    std::sort(ref.begin(), ref.end());
    for (int j = 0; j < 7; ++j) EXPECT_EQ(q.at(i, j), ref[static_cast<std::size_t>(j)].second) << i << " " << j;
  }
  // Warm-start update: 20 % of the rows jump onto other points' neighbourhoods, so
  // several hundred unchanged rows lose pool members and are searched again.
  const um::KnnGraph g0 = um::exact_knn(X, 15);
  Eigen::MatrixXf X1 = X;
  rssviz::Rng rng(25, "test update");
  for (int i = 0; i < 1200; i += 5) {
    X1.row(i) = X.row(static_cast<int>(rng.below(1200)));
    for (int c = 0; c < 400; ++c) X1(i, c) += 0.01f * static_cast<float>(rng.normal());
  }
  const um::KnnGraph up = um::update_exact_knn(g0, X, X1);
  const um::KnnGraph full = um::exact_knn(X1, 15);
  EXPECT_EQ(up.index, full.index);
  EXPECT_EQ(up.distance, full.distance);
  expect_exact(up, X1, true);
}

TEST(UmapKnn, AutomaticChoiceCountsTheProjection) {
  // 20 000 x 1 001: n² d = 4e11 is too much for the plain product, n² 32 is not.
  EXPECT_EQ(um::resolve_knn_method(um::KnnMethod::automatic, 20000, 1001, 0), um::KnnMethod::approximate);
  EXPECT_EQ(um::resolve_knn_method(um::KnnMethod::automatic, 20000, 1001, 32), um::KnnMethod::exact);
  EXPECT_EQ(um::resolve_knn_method(um::KnnMethod::automatic, 100000, 1001, 32), um::KnnMethod::approximate);
  EXPECT_EQ(um::resolve_knn_method(um::KnnMethod::approximate, 20000, 1001, 32), um::KnnMethod::approximate);
  // 9 000 x 1 001 low-rank points: above the plain limit, exact through the projection.
  const Eigen::MatrixXf X = low_rank(9000, 1001, 10, 0.01f, 26, 20.0f);
  um::KnnMethod used = um::KnnMethod::automatic;
  const um::KnnGraph g = um::nearest_neighbors(X, 5, um::Metric::euclidean, um::KnnMethod::automatic, 1, nullptr, &used);
  EXPECT_EQ(used, um::KnnMethod::exact);
  EXPECT_GT(g.projected_dims, 0);
  EXPECT_EQ(g.at(17, 0), 17);
  EXPECT_FALSE(g.pool_index.empty());
}

// An update where most unchanged rows lose their pool: 300 "spokes" (radius 10 in a
// 24-dim subspace of 400 dims) all have the same 10 "hub" points (near the centre) as
// nearest neighbours; the hubs move away, so every spoke is searched again (through the
// projection: 300 rows) and must find its new lists among the other spokes.
TEST(UmapKnn, UpdateSearchesManyFailedRowsAgain) {
  const int spokes = 300, hubs = 10, d = 400;
  const Eigen::HouseholderQR<Eigen::MatrixXf> qr(gaussian(d, 24, 27));
  const Eigen::MatrixXf W = (qr.householderQ() * Eigen::MatrixXf::Identity(d, 24)).transpose();  // orthonormal rows
  Eigen::MatrixXf U = gaussian(spokes, 24, 28);
  U.rowwise().normalize();
  Eigen::MatrixXf X(spokes + hubs, d);
  X.topRows(spokes) = 10.0f * U * W;
  X.bottomRows(hubs) = 0.3f * gaussian(hubs, 24, 29) * W;
  X += 0.01f * gaussian(spokes + hubs, d, 30);
  const um::KnnGraph g0 = um::exact_knn(X, 15);
  // Spokes with all hubs in their pool of 22 keep 12 < 14 unchanged members: searched again.
  int failing = 0;
  for (int i = 0; i < spokes; ++i) {
    int in_pool = 0;
    for (int t = 0; t < g0.pool; ++t) in_pool += g0.pool_index[static_cast<std::size_t>(i * g0.pool + t)] >= spokes;
    failing += in_pool == hubs;
  }
  EXPECT_GE(failing, 256);
  Eigen::MatrixXf X1 = X;
  X1.bottomRows(hubs).rowwise() += 40.0f * X.row(0);
  const um::KnnGraph up = um::update_exact_knn(g0, X, X1);
  const um::KnnGraph full = um::exact_knn(X1, 15);
  EXPECT_GT(full.projected_dims, 0);
  EXPECT_EQ(up.index, full.index);
  EXPECT_EQ(up.distance, full.distance);
  expect_exact(up, X1, true);
}

// Maps (2-D, 3-D) take the grid search: brute-force lists, pool and bound, duplicates,
// points on a line (a degenerate grid), any thread count.
TEST(UmapKnn, GridSearchOfLowDimensionalPointsIsExact) {
  Eigen::MatrixXf X = gaussian(3000, 2, 31);
  X.col(0) *= 5.0f;                                  // elongated
  for (int r = 0; r < 6; ++r) X.row(2900 + r) = X.row(10);  // seven copies
  rssviz::Rng gaps(32, "test line");
  float x = 0.0f;
  for (int r = 0; r < 40; ++r, x += static_cast<float>(gaps.uniform(0.01, 0.05)))
    X.row(2000 + r) << x, 8.0f;  // a line off the blob, random gaps
  um::KnnGraph g1, g2;
  {
    rssviz::ThreadScope t(1);
    g1 = um::exact_knn(X, 15);
  }
  {
    rssviz::ThreadScope t(2);
    g2 = um::exact_knn(X, 15);
  }
  EXPECT_LT(g1.measured_per_row, 300.0);
  expect_exact(g1, X);
  EXPECT_EQ(g1.index, g2.index);
  EXPECT_EQ(g1.distance, g2.distance);
  EXPECT_EQ(g1.outside_sq, g2.outside_sq);
  for (int j = 1; j <= 6; ++j) EXPECT_EQ(g1.dist(10, j), 0.0f);
  // A 3-D set whose points all lie on one line.
  Eigen::MatrixXf L(800, 3);
  for (int i = 0; i < 800; ++i) L.row(i) << static_cast<float>((i * 37) % 800), 2.0f, -1.0f;
  expect_exact(um::exact_knn(L, 6), L);
}

}  // namespace rssviz_test_umap_knn
