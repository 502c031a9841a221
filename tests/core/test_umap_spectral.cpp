#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>

#include "core/common/rng.hpp"

#include "core/umap/spectral.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_umap_spectral {

namespace um = rssviz::umap;

namespace {

// Cycle graph on vertices [first, first + m) of an n-vertex graph, unit weights.
void add_ring(std::vector<Eigen::Triplet<float, int>>& t, int first, int m) {
  for (int i = 0; i < m; ++i) {
    const int a = first + i, b = first + (i + 1) % m;
    t.emplace_back(a, b, 1.0f);
    t.emplace_back(b, a, 1.0f);
  }
}

}  // namespace

TEST(UmapSpectral, MatchesAFullEigensolver) {
  // A connected weighted graph (a ring plus random chords, random weights, so no
  // eigenvalue is repeated): the layout's columns are eigenvectors 2 and 3 of the
  // normalised Laplacian, as a dense solver finds them (up to sign and scale).
  const int n = 150;
  rssviz::Rng rng(5, "test graph");
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i) {
    const int j = (i + 1) % n;
    A(i, j) = A(j, i) = 0.5 + rng.uniform();
    const int c = static_cast<int>(rng.below(n));
    if (c != i) A(i, c) = A(c, i) = rng.uniform();
  }
  std::vector<Eigen::Triplet<float, int>> t;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (A(i, j) != 0.0) t.emplace_back(i, j, static_cast<float>(A(i, j)));
  um::SparseGraph W(n, n);
  W.setFromTriplets(t.begin(), t.end());
  const auto r = um::spectral_layout(W, 2, 1);
  EXPECT_EQ(r.components, 1);
  EXPECT_EQ(r.fallbacks, 0);
  const Eigen::VectorXd d = A.rowwise().sum().cwiseSqrt().cwiseInverse();
  const Eigen::MatrixXd L = Eigen::MatrixXd::Identity(n, n) - d.asDiagonal() * A.cast<double>() * d.asDiagonal();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(L);
  for (int c = 0; c < 2; ++c) {
    const Eigen::VectorXd ref = es.eigenvectors().col(c + 1);
    const Eigen::VectorXd got = r.coords.col(c).cast<double>();
    EXPECT_GT(std::fabs(ref.dot(got)) / (ref.norm() * got.norm()), 0.999) << "eigenvector " << c + 2;
  }
}

TEST(UmapSpectral, SeveralComponentsGetSeparateCells) {
  std::vector<Eigen::Triplet<float, int>> t;
  add_ring(t, 0, 60);
  add_ring(t, 60, 40);
  t.emplace_back(100, 101, 1.0f);  // a two-point component: random layout
  t.emplace_back(101, 100, 1.0f);
  um::SparseGraph W(102, 102);
  W.setFromTriplets(t.begin(), t.end());
  const auto r = um::spectral_layout(W, 2, 3);
  EXPECT_EQ(r.components, 3);
  EXPECT_EQ(r.fallbacks, 1);
  // Each component fits in [-1, 1]² around its own grid centre (spacing 3).
  const Eigen::RowVector2f c0 = r.coords.topRows(60).colwise().mean();
  const Eigen::RowVector2f c1 = r.coords.middleRows(60, 40).colwise().mean();
  EXPECT_GT((c0 - c1).norm(), 2.0f);
  const float span0 = (r.coords.topRows(60).rowwise() - c0).cwiseAbs().maxCoeff();
  EXPECT_LE(span0, 2.0f);
  // Same seed, same layout.
  EXPECT_EQ(um::spectral_layout(W, 2, 3).coords, r.coords);
}

}  // namespace rssviz_test_umap_spectral
