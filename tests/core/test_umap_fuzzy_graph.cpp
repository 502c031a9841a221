#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/common/rng.hpp"
#include "core/umap/fuzzy_graph.hpp"
#include "core/umap/knn.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_umap_fuzzy_graph {

namespace um = rssviz::umap;

namespace {

// One point whose neighbour list (itself first) has the given distances.
um::KnnGraph one_row(std::vector<float> d) {
  um::KnnGraph g;
  g.n = 1;
  g.k = static_cast<int>(d.size());
  g.distance = d;
  g.index.assign(d.size(), 0);
  for (std::size_t j = 1; j < d.size(); ++j) g.index[j] = static_cast<int>(j);
  return g;
}

}  // namespace

TEST(UmapFuzzyGraph, SmoothKnnKnownCase) {
  // d = 0 | 1 2 3, k = 4: rho = 1 and sum exp(-(d - 1)/sigma) = log2 4 = 2, i.e.
  // 1 + x + x² = 2 with x = exp(-1/sigma): x = 1/phi, sigma = 1/ln(phi).
  const auto s = um::smooth_knn_dist(one_row({0, 1, 2, 3}), 1.0f);
  const double phi = (1.0 + std::sqrt(5.0)) / 2.0;
  EXPECT_FLOAT_EQ(s.rho[0], 1.0f);
  EXPECT_NEAR(s.sigma[0], 1.0 / std::log(phi), 1e-4);
  // local_connectivity 1.5 interpolates rho = 1.5; then 1 + x + x³ = 2 with
  // x = exp(-0.5/sigma), x = 0.6823278...
  const auto t = um::smooth_knn_dist(one_row({0, 1, 2, 3}), 1.5f);
  EXPECT_FLOAT_EQ(t.rho[0], 1.5f);
  EXPECT_NEAR(t.sigma[0], -0.5 / std::log(0.6823278038280193), 1e-4);
}

// Rows are solved eight at a time in vector lanes, on several threads from 2 048 rows:
// a row's rho and sigma must be those it gets alone (lanes do not leak into each other,
// whatever the group and the thread), and its memberships must sum to log2 k.
TEST(UmapFuzzyGraph, EveryRowIsSolvedAsIfAlone) {
  rssviz::Rng rng(21, "test");
  Eigen::MatrixXf X(3001, 7);
  for (int i = 0; i < X.rows(); ++i)
    for (int j = 0; j < X.cols(); ++j) X(i, j) = static_cast<float>(rng.normal());
  const auto knn = um::exact_knn(X, 15);
  const auto s = um::smooth_knn_dist(knn, 1.0f);
  ASSERT_EQ(s.sigma.size(), 3001u);
  for (int i = 0; i < knn.n; ++i) {  // every row: whole groups of eight and the last, one-row group
    const std::vector<float> d(knn.distance.begin() + static_cast<std::ptrdiff_t>(i) * knn.k,
                               knn.distance.begin() + static_cast<std::ptrdiff_t>(i + 1) * knn.k);
    const auto alone = um::smooth_knn_dist(one_row(d), 1.0f);
    ASSERT_GT(alone.rho[0], 0.0f);  // so the scale's floor does not use the mean over all rows
    EXPECT_EQ(s.rho[static_cast<std::size_t>(i)], alone.rho[0]) << "row " << i;
    EXPECT_EQ(s.sigma[static_cast<std::size_t>(i)], alone.sigma[0]) << "row " << i;
    double psum = 0.0;
    for (int j = 1; j < knn.k; ++j)
      psum += std::exp(-std::max(0.0, static_cast<double>(d[static_cast<std::size_t>(j)]) - alone.rho[0]) /
                       static_cast<double>(alone.sigma[0]));
    EXPECT_NEAR(psum, std::log2(15.0), 1e-4) << "row " << i;
  }
  const auto last = um::smooth_knn_dist(knn, 1.0f);
  EXPECT_EQ(last.sigma, s.sigma);  // and the same on every call
}

TEST(UmapFuzzyGraph, MembershipStrengthsOfTheKnownCase) {
  const auto g = one_row({0, 1, 2, 3});
  um::KnnGraph g4 = g;
  g4.n = 4;  // the graph needs room for columns 1..3
  g4.index.resize(16, 0);
  g4.distance.resize(16, 0.0f);
  for (int i = 1; i < 4; ++i) {
    g4.index[static_cast<std::size_t>(4 * i)] = i;
    for (int j = 1; j < 4; ++j) g4.index[static_cast<std::size_t>(4 * i + j)] = (i + j) % 4;
    for (int j = 1; j < 4; ++j) g4.distance[static_cast<std::size_t>(4 * i + j)] = static_cast<float>(j);
  }
  const auto s = um::smooth_knn_dist(g4, 1.0f);
  const um::SparseGraph P = um::membership_strengths(g4, s);
  const double x = 2.0 / (1.0 + std::sqrt(5.0));
  EXPECT_FLOAT_EQ(P.coeff(0, 1), 1.0f);
  EXPECT_NEAR(P.coeff(0, 2), x, 1e-5);
  EXPECT_NEAR(P.coeff(0, 3), x * x, 1e-5);
  EXPECT_EQ(P.coeff(0, 0), 0.0f);
}

TEST(UmapFuzzyGraph, DuplicatesKeepAFiniteScale) {
  // Three copies of the point: no non-zero distance but the last, so rho = 2 and the
  // sum is 3 > log2 4 for every sigma; sigma falls to its floor 1e-3 * mean distance.
  const auto s = um::smooth_knn_dist(one_row({0, 0, 0, 2}), 1.0f);
  EXPECT_FLOAT_EQ(s.rho[0], 2.0f);
  EXPECT_NEAR(s.sigma[0], 1e-3 * 0.5, 1e-7);
  // All duplicates: rho = 0, floor from the mean over all points' distances.
  const auto z = um::smooth_knn_dist(one_row({0, 0, 0, 0}), 1.0f);
  EXPECT_EQ(z.rho[0], 0.0f);
  EXPECT_TRUE(std::isfinite(z.sigma[0]));
}

TEST(UmapFuzzyGraph, FuzzyUnionFormulaAndSymmetry) {
  rssviz::Rng rng(3, "test");
  Eigen::MatrixXf X(150, 6);
  for (int i = 0; i < 150; ++i)
    for (int j = 0; j < 6; ++j) X(i, j) = static_cast<float>(rng.normal());
  const auto knn = um::exact_knn(X, 10);
  const auto s = um::smooth_knn_dist(knn, 1.0f);
  const Eigen::MatrixXf P = Eigen::MatrixXf(um::membership_strengths(knn, s));
  const Eigen::MatrixXf W = Eigen::MatrixXf(um::fuzzy_simplicial_set(knn));
  const Eigen::MatrixXf expect = P + P.transpose() - P.cwiseProduct(P.transpose());
  EXPECT_LT((W - expect).cwiseAbs().maxCoeff(), 1e-6f);
  EXPECT_LT((W - W.transpose()).cwiseAbs().maxCoeff(), 1e-7f);
  EXPECT_LE(W.maxCoeff(), 1.0f);
  EXPECT_EQ(W.diagonal().cwiseAbs().maxCoeff(), 0.0f);
  // Each row's directed memberships sum to log2 k (equation 1) plus the rho neighbour.
  for (int i = 0; i < 150; i += 13) EXPECT_NEAR(P.row(i).sum(), std::log2(10.0), 2e-3);
  // Fuzzy intersection: mix ratio 0 keeps only P o P^T.
  const Eigen::MatrixXf I = Eigen::MatrixXf(um::fuzzy_simplicial_set(knn, 1.0f, 0.0f));
  EXPECT_LT((I - P.cwiseProduct(P.transpose())).cwiseAbs().maxCoeff(), 1e-6f);
}

// The compressed-row construction against the Eigen sparse expression it replaced
// (triplets, transpose, product and union): the same entries, at the same places, to
// float rounding, for the union, the intersection and a mix; a column listed twice in a
// row is summed, as setFromTriplets does, and a neighbour outside the points throws.
TEST(UmapFuzzyGraph, CompressedRowsMatchTheSparseExpression) {
  rssviz::Rng rng(11, "test");
  Eigen::MatrixXf X(400, 5);
  for (int i = 0; i < 400; ++i)
    for (int j = 0; j < 5; ++j) X(i, j) = static_cast<float>(rng.normal());
  auto knn = um::exact_knn(X, 12);
  knn.index[static_cast<std::size_t>(7) * knn.k + 5] = knn.at(7, 4);  // a duplicate in row 7
  const auto s = um::smooth_knn_dist(knn, 1.0f);
  std::vector<Eigen::Triplet<float, int>> t;
  for (int i = 0; i < knn.n; ++i)
    for (int j = 0; j < knn.k; ++j) {
      const int nb = knn.at(i, j);
      if (nb == i) continue;
      const float dd = knn.dist(i, j) - s.rho[static_cast<std::size_t>(i)];
      const float sg = s.sigma[static_cast<std::size_t>(i)];
      t.emplace_back(i, nb, (dd <= 0.0f || sg == 0.0f) ? 1.0f : std::exp(-dd / sg));
    }
  um::SparseGraph P(knn.n, knn.n);
  P.setFromTriplets(t.begin(), t.end());
  const um::SparseGraph directed = um::membership_strengths(knn, s);
  ASSERT_EQ(directed.nonZeros(), P.nonZeros());
  EXPECT_EQ(Eigen::MatrixXf(directed), Eigen::MatrixXf(P));
  EXPECT_EQ(directed.coeff(7, knn.at(7, 4)), P.coeff(7, knn.at(7, 4)));
  const um::SparseGraph Pt = um::SparseGraph(P.transpose());
  const um::SparseGraph prod = P.cwiseProduct(Pt);
  for (const float mix : {1.0f, 0.0f, 0.3f}) {
    um::SparseGraph expect = mix * (um::SparseGraph(P + Pt) - prod) + (1.0f - mix) * prod;
    expect.prune(0.0f, 0.0f);
    expect.makeCompressed();
    const um::SparseGraph W = um::fuzzy_simplicial_set(knn, 1.0f, mix);
    ASSERT_EQ(W.nonZeros(), expect.nonZeros()) << "mix " << mix;
    for (int i = 0; i < knn.n; ++i) {
      um::SparseGraph::InnerIterator a(W, i), b(expect, i);
      for (; a && b; ++a, ++b) {
        ASSERT_EQ(a.col(), b.col()) << "row " << i << ", mix " << mix;
        EXPECT_NEAR(a.value(), b.value(), 2e-7f * b.value()) << "row " << i << ", mix " << mix;
      }
      EXPECT_FALSE(a || b) << "row " << i;
    }
  }
  // Long rows (k = 60 > the insertion sort's 32) give the same entries too.
  const auto wide = um::exact_knn(X, 60);
  const Eigen::MatrixXf Pw = Eigen::MatrixXf(um::membership_strengths(wide, um::smooth_knn_dist(wide, 1.0f)));
  EXPECT_EQ((Pw.array() > 0.0f).count(), 400 * 59);
  // A row of the point alone (k = 1) and a NaN distance (counted as 1, as before) are harmless.
  EXPECT_EQ(um::smooth_knn_dist(one_row({0}), 1.0f).rho[0], 0.0f);
  const auto with_nan = um::smooth_knn_dist(one_row({0, 1, NAN, 3}), 1.0f);
  EXPECT_TRUE(std::isfinite(with_nan.sigma[0]));
  EXPECT_LT(with_nan.sigma[0], 1e6f);
  knn.index[static_cast<std::size_t>(3) * knn.k + 2] = 400;
  try {
    (void)um::fuzzy_simplicial_set(knn);
    ADD_FAILURE() << "accepted a neighbour outside the points";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("neighbour 400 of point 3"), std::string::npos) << e.what();
  }
}

TEST(UmapFuzzyGraph, CurveFitMatchesUmapLearn) {
  const auto ab = um::find_ab_params(1.0, 0.1);
  EXPECT_NEAR(ab.a, 1.577, 0.002);
  EXPECT_NEAR(ab.b, 0.895, 0.002);
  // Smaller min_dist gives a sharper curve: larger a.
  const auto tight = um::find_ab_params(1.0, 0.001);
  EXPECT_GT(tight.a, ab.a);
  EXPECT_THROW(um::find_ab_params(1.0, 1.5), std::invalid_argument);
  EXPECT_THROW(um::find_ab_params(0.0, 0.1), std::invalid_argument);
}

TEST(UmapFuzzyGraph, ConnectedComponents) {
  std::vector<Eigen::Triplet<float, int>> t{{0, 1, 1.f}, {1, 0, 1.f}, {2, 3, .5f}, {3, 2, .5f}, {3, 4, .5f}, {4, 3, .5f}};
  um::SparseGraph g(6, 6);
  g.setFromTriplets(t.begin(), t.end());
  std::vector<int> label;
  EXPECT_EQ(um::connected_components(g, label), 3);
  EXPECT_EQ(label, (std::vector<int>{0, 0, 1, 1, 1, 2}));
}

}  // namespace rssviz_test_umap_fuzzy_graph
