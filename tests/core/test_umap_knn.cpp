#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "core/common/parallel.hpp"
#include "core/common/rng.hpp"
#include "core/umap/knn.hpp"

namespace um = rssviz::umap;

namespace {

Eigen::MatrixXf gaussian(int n, int d, std::uint64_t seed, float scale = 1.0f) {
  rssviz::Rng rng(seed, "test points");
  Eigen::MatrixXf X(n, d);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) X(i, j) = scale * static_cast<float>(rng.normal());
  return X;
}

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
