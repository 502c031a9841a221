#include "core/umap/knn_descent.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/umap/projection.hpp"
#include "core/umap/umap.hpp"
#include "tests/core/point_sets.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_umap_knn_descent {

using namespace rssviz;
using namespace rssviz::umap;

namespace {
// Points on a 12-dimensional subspace of 300 dimensions with a little noise (like
// reservoir states: most of the variance in a few directions), and the same points after
// a small move (a slider step).
Eigen::MatrixXf before() { return test::low_rank(2500, 300, 12, 0.02f, 7); }
Eigen::MatrixXf after() { return before() + 0.05f * test::low_rank(2500, 300, 12, 0.02f, 99); }
}  // namespace

TEST(KnnRecall, CountsSharedEntriesSelfExcluded) {
  KnnGraph a, b;
  a.n = b.n = 2;
  a.k = b.k = 3;
  a.index = {0, 1, 2, 1, 0, 2};
  b.index = {0, 2, 1, 1, 0, 3};  // row 0: same set in another order; row 1: one of two
  EXPECT_DOUBLE_EQ(knn_recall(a, a), 1.0);
  EXPECT_DOUBLE_EQ(knn_recall(a, b), 0.75);
  // A repeated entry counts as often as both lists hold it (a multiset intersection).
  KnnGraph d = a, e = a;
  d.index = {0, 1, 1, 1, 0, 0};
  e.index = {0, 1, 2, 1, 0, 0};
  EXPECT_DOUBLE_EQ(knn_recall(d, e), 0.75);  // row 0: 1 once of {1, 2}; row 1: 0 twice
  EXPECT_DOUBLE_EQ(knn_recall(e, d), 0.75);
  KnnGraph c = a;
  c.k = 2;
  EXPECT_THROW((void)knn_recall(a, c), std::invalid_argument);
}

// The warm path's quality bound: from the exact lists of the points before a small move,
// the descent finds the exact lists after it almost entirely.
TEST(KnnDescent, RefinesThePreviousListsToNearlyExactOnes) {
  const Eigen::MatrixXf X0 = before(), X1 = after();
  const KnnGraph start = exact_knn(X0, 15);
  const DescentResult r = descend_knn(X1, start, 15, Metric::euclidean, {});
  ASSERT_EQ(r.graph.n, X1.rows());
  EXPECT_TRUE(r.basis_fitted);
  EXPECT_GT(r.kept_variance, 0.99);
  const KnnGraph exact = exact_knn(X1, 15);
  const double recall = knn_recall(r.graph, exact);
  EXPECT_GT(recall, 0.99);
  // Lists are the point itself first at 0, then non-decreasing directly measured distances.
  for (int i = 0; i < r.graph.n; ++i) {
    EXPECT_EQ(r.graph.at(i, 0), i);
    EXPECT_EQ(r.graph.dist(i, 0), 0.0f);
    for (int j = 2; j < 15; ++j) ASSERT_LE(r.graph.dist(i, j - 1), r.graph.dist(i, j));
  }
  // Where an entry is the exact one, its distance is the exact search's (same direct measure).
  int same = 0;
  for (int i = 0; i < r.graph.n; ++i)
    if (r.graph.at(i, 1) == exact.at(i, 1)) {
      EXPECT_NEAR(r.graph.dist(i, 1), exact.dist(i, 1), 1e-5f * (1.0f + exact.dist(i, 1)));
      ++same;
    }
  EXPECT_GT(same, r.graph.n * 9 / 10);
  // The basis is reused on the next call while it still keeps the variance.
  const DescentResult again = descend_knn(X1, r.graph, 15, Metric::euclidean, r.basis);
  EXPECT_FALSE(again.basis_fitted);
  EXPECT_GE(knn_recall(again.graph, exact), recall - 1e-3);
}

// The final lists are the k - 1 nearest of each point's pool by the direct measure (ties
// by index), with that measure's distance to the bit: a pair both points measure is
// computed once and must land on both rows (a wrong slot or a mix-up shows here).
TEST(KnnDescent, FinalListsAreThePoolsNearestByTheDirectMeasure) {
  const Eigen::MatrixXf X0 = before(), X1 = after();
  const int k = 12;
  const DescentResult r = descend_knn(X1, exact_knn(X0, k), k, Metric::euclidean, {});
  const KnnGraph& g = r.graph;
  ASSERT_EQ(g.n, X1.rows());
  ASSERT_EQ(g.pool, k - 1 + DescentOptions{}.extra);
  const RowMatrixF rows = X1;
  long long mutual = 0;
  for (int i = 0; i < g.n; ++i) {
    std::vector<std::pair<float, int>> pool;
    for (int q = 0; q < g.pool; ++q) {
      const int j = g.pool_index[static_cast<std::size_t>(i) * g.pool + q];
      if (j >= 0) pool.emplace_back(direct_sq(rows.row(i).data(), rows.row(j).data(), rows.cols()), j);
    }
    std::sort(pool.begin(), pool.end());
    ASSERT_GE(static_cast<int>(pool.size()), k - 1);
    for (int q = 1; q < k; ++q) {
      ASSERT_EQ(g.at(i, q), pool[static_cast<std::size_t>(q - 1)].second) << "point " << i << ", entry " << q;
      ASSERT_EQ(g.dist(i, q), std::sqrt(pool[static_cast<std::size_t>(q - 1)].first)) << "point " << i;
      const int j = g.at(i, q);
      for (int p = 1; p < k; ++p) mutual += g.at(j, p) == i;
    }
  }
  // Most pairs are listed both ways here, so the shared distances are exercised.
  EXPECT_GT(mutual, static_cast<long long>(g.n) * (k - 1) / 3);
}

// Even from poor lists (random ones) the rounds climb to a useful graph.
TEST(KnnDescent, ConvergesFromRandomLists) {
  const Eigen::MatrixXf X = after();
  KnnGraph start;
  start.n = static_cast<int>(X.rows());
  start.k = 15;
  Rng rng(5, "test start");
  for (int i = 0; i < start.n; ++i)
    for (int j = 0; j < 15; ++j) start.index.push_back(j == 0 ? i : static_cast<int>(rng.uniform(0.0, start.n - 1e-9)));
  start.distance.assign(start.index.size(), 0.0f);
  DescentOptions o;
  o.max_rounds = 30;
  const DescentResult r = descend_knn(X, start, 15, Metric::euclidean, {}, o);
  EXPECT_GT(r.rounds, 2);
  EXPECT_GT(knn_recall(r.graph, exact_knn(X, 15)), 0.9);
}

TEST(KnnDescent, SameListsForAnyThreadCount) {
  const Eigen::MatrixXf X0 = before(), X1 = after();
  const KnnGraph start = exact_knn(X0, 10);
  DescentOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const DescentResult a = descend_knn(X1, start, 10, Metric::euclidean, {}, one);
  const DescentResult b = descend_knn(X1, start, 10, Metric::euclidean, {}, two);
  EXPECT_EQ(a.graph.index, b.graph.index);
  EXPECT_EQ(a.graph.distance, b.graph.distance);
  EXPECT_EQ(a.rounds, b.rounds);
}

TEST(KnnDescent, CosineListsAreThoseOfTheCosineSearch) {
  const Eigen::MatrixXf X0 = before().array() + 1.0f, X1 = after().array() + 1.0f;
  const DescentResult r = descend_knn(X1, exact_knn(X0, 12, Metric::cosine), 12, Metric::cosine, {});
  EXPECT_GT(knn_recall(r.graph, exact_knn(X1, 12, Metric::cosine)), 0.98);
}

TEST(KnnDescent, BadInputsAreRefusedAndAStopIsSeen) {
  const Eigen::MatrixXf X = after();
  const KnnGraph start = exact_knn(before(), 15);
  EXPECT_THROW((void)descend_knn(X.topRows(100), start, 15, Metric::euclidean, {}), std::invalid_argument);
  EXPECT_THROW((void)descend_knn(X, start, 0, Metric::euclidean, {}), std::invalid_argument);
  EXPECT_THROW((void)descend_knn(X, start, 15, Metric::euclidean, Eigen::MatrixXf::Identity(7, 3)),
               std::invalid_argument);
  DescentOptions bad;
  bad.max_rounds = 0;
  EXPECT_THROW((void)descend_knn(X, start, 15, Metric::euclidean, {}, bad), std::invalid_argument);
  Eigen::MatrixXf nan = X;
  nan(17, 3) = std::numeric_limits<float>::quiet_NaN();
  try {
    (void)descend_knn(nan, start, 15, Metric::euclidean, {});
    ADD_FAILURE() << "NaN accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("row 17"), std::string::npos) << e.what();
  }
  StopFlag stop;
  stop.request();
  EXPECT_THROW((void)descend_knn(X, start, 15, Metric::euclidean, {}, {}, &stop), Cancelled);
}

// Without a useful projection (a flat spectrum) the descent declines; the caller searches.
TEST(KnnDescent, FlatSpectrumGivesNoGraph) {
  const Eigen::MatrixXf X = test::gaussian(600, 400, 3);
  const DescentResult r = descend_knn(X, exact_knn(X, 8), 8, Metric::euclidean, {});
  EXPECT_EQ(r.graph.n, 0);
}

// Umap(previous, X) with warm_knn = descent: the lists come from the descent, the epochs
// follow how much they changed, and unchanged points get the fewest epochs.
TEST(KnnDescent, WarmUmapUsesTheDescentAndScalesItsEpochs) {
  UmapOptions o;
  o.n_epochs = 60;
  o.warm_knn = WarmKnn::descent;
  o.warm_start_min_epochs = 5;
  o.warm_start_epochs = 40;
  const Eigen::MatrixXf X0 = before(), X1 = after();
  Umap base(X0, o);
  ASSERT_TRUE(base.run());
  Umap same(base, X0);
  EXPECT_GT(same.diagnostics().descent_rounds, 0);
  EXPECT_EQ(same.diagnostics().knn_method, KnnMethod::approximate);
  EXPECT_LT(same.diagnostics().knn_change, 0.01);
  EXPECT_EQ(same.total_epochs(), 5);
  Umap moved(base, X1);
  EXPECT_GT(moved.diagnostics().knn_change, same.diagnostics().knn_change);
  EXPECT_GE(moved.total_epochs(), 5);
  EXPECT_LE(moved.total_epochs(), 40);
  EXPECT_EQ(moved.total_epochs(),
            std::max(5, static_cast<int>(std::ceil(40 * std::min(1.0, moved.diagnostics().knn_change / 0.1)))));
  EXPECT_TRUE(moved.run());
  EXPECT_TRUE(moved.embedding().allFinite());
  // The exact convention keeps its promise: the same lists as a fresh exact search.
  UmapOptions e = o;
  e.warm_knn = WarmKnn::exact;
  e.warm_start_min_epochs = 0;
  Umap base_exact(X0, e);
  Umap exact_warm(base_exact, X1);
  EXPECT_EQ(exact_warm.total_epochs(), 40);
  EXPECT_EQ(exact_warm.knn().index, exact_knn(X1, 15).index);
  UmapOptions bad = o;
  bad.warm_start_min_epochs = 41;
  EXPECT_THROW(validate(bad), std::invalid_argument);
}

}  // namespace rssviz_test_umap_knn_descent
