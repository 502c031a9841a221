#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <Eigen/LU>

#include "core/common/rng.hpp"
#include "core/umap/projection.hpp"
#include "core/umap/stability.hpp"
#include "tests/core/point_sets.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_umap_stability {

namespace um = rssviz::umap;
using rssviz::test::gaussian;

namespace {

// scikit-learn's definition, directly: full argsorts in double.
double trust_reference(const Eigen::MatrixXf& X, const Eigen::MatrixXf& Y, int k) {
  const int n = static_cast<int>(X.rows());
  auto order = [n](const Eigen::MatrixXf& M, int i) {
    std::vector<std::pair<double, int>> v;
    for (int j = 0; j < n; ++j)
      if (j != i) v.emplace_back((M.row(i) - M.row(j)).cast<double>().squaredNorm(), j);
    std::sort(v.begin(), v.end());
    return v;
  };
  double t = 0.0;
  for (int i = 0; i < n; ++i) {
    const auto ox = order(X, i), oy = order(Y, i);
    std::vector<int> rank(static_cast<std::size_t>(n), 0);
    for (int r = 0; r < n - 1; ++r) rank[static_cast<std::size_t>(ox[static_cast<std::size_t>(r)].second)] = r + 1;
    for (int j = 0; j < k; ++j) t += std::max(0, rank[static_cast<std::size_t>(oy[static_cast<std::size_t>(j)].second)] - k);
  }
  return 1.0 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * t;
}

}  // namespace

TEST(UmapStability, TrustworthinessMatchesTheDefinition) {
  const Eigen::MatrixXf X = gaussian(300, 12, 1);
  const Eigen::MatrixXf Y = X.leftCols(2) + 0.3f * gaussian(300, 2, 2);
  for (int k : {1, 5, 15}) EXPECT_NEAR(um::trustworthiness(X, Y, k), trust_reference(X, Y, k), 1e-12) << k;
  EXPECT_DOUBLE_EQ(um::trustworthiness(X, X, 15), 1.0);
  // A random map is far less trustworthy than a projection.
  EXPECT_LT(um::trustworthiness(X, gaussian(300, 2, 3), 15), um::trustworthiness(X, Y, 15) - 0.05);
  EXPECT_THROW(um::trustworthiness(X, Y.topRows(10), 15), std::invalid_argument);
  EXPECT_THROW(um::trustworthiness(X.topRows(20), Y.topRows(20), 15), std::invalid_argument);
}

TEST(UmapStability, ProcrustesRecoversRotationReflectionTranslation) {
  const Eigen::MatrixXf A = gaussian(80, 2, 4);
  Eigen::Matrix2f R;
  const float th = 0.7f;
  R << std::cos(th), -std::sin(th), std::sin(th), std::cos(th);
  Eigen::Matrix2f F;
  F << 1, 0, 0, -1;  // a reflection
  const Eigen::RowVector2f t(3.0f, -2.0f);
  const Eigen::MatrixXf B = ((A * R * F).rowwise() + t);
  const auto al = um::align(A, B);
  EXPECT_LT(al.rms, 1e-5);
  EXPECT_LT((al.aligned - B).cwiseAbs().maxCoeff(), 1e-4f);
  EXPECT_NEAR(std::fabs(al.rotation.determinant()), 1.0f, 1e-5f);
  // Without reflections the fit cannot be exact.
  EXPECT_GT(um::align(A, B, false, false).rms, 0.1);
  // Scale is recovered only when allowed.
  const Eigen::MatrixXf S = 2.5f * B;
  EXPECT_NEAR(um::align(A, S, true).scale, 2.5f, 1e-4f);
  EXPECT_LT(um::align(A, S, true).rms, 1e-4);
  EXPECT_GT(um::align(A, S, false).rms, 0.5);
}

TEST(UmapStability, FrameStabilityOfRigidAndShuffledFrames) {
  const Eigen::MatrixXf A = gaussian(400, 2, 5);
  Eigen::Matrix2f R;
  R << 0, -1, 1, 0;
  const Eigen::MatrixXf moved = (A * R).rowwise() + Eigen::RowVector2f(10, 10);
  const auto same = um::frame_stability(A, moved, 15);
  EXPECT_DOUBLE_EQ(same.neighbour_preservation, 1.0);
  EXPECT_LT(same.mean_displacement, 1e-5);
  // A permuted frame keeps almost no neighbourhood and moves everything.
  Eigen::MatrixXf perm = A;
  for (int i = 0; i < 400; ++i) perm.row(i) = A.row((i * 7 + 3) % 400);
  const auto shuffled = um::frame_stability(A, perm, 15);
  EXPECT_LT(shuffled.neighbour_preservation, 0.1);
  EXPECT_GT(shuffled.relative_displacement, 0.5);
  EXPECT_DOUBLE_EQ(um::neighbour_preservation(A, A + 1e-3f * gaussian(400, 2, 6), 15) > 0.9, true);
}

// Exact trustworthiness through the projection bounds: 1 001-dim low rank plus noise
// (the bounds decide most pairs and leave some to direct measures) against the
// double-precision definition, and a flat spectrum (the plain product).
TEST(UmapStability, TrustworthinessThroughBoundsMatchesTheDefinition) {
  const int n = 300;
  const Eigen::MatrixXf Z = gaussian(n, 12, 11);
  Eigen::MatrixXf X = Z * gaussian(12, 1001, 12) / std::sqrt(12.0f) + 0.03f * gaussian(n, 1001, 13);
  X.array() += 5.0f;
  const Eigen::MatrixXf Y = Z.leftCols(2) + 0.5f * gaussian(n, 2, 14);
  for (int k : {5, 15}) EXPECT_NEAR(um::trustworthiness(X, Y, k), trust_reference(X, Y, k), 1e-12) << k;
  // The bounds are exercised both ways: for some pairs below i's largest threshold the
  // interval [L, U] falls between two thresholds, for others it straddles one.
  Eigen::MatrixXf P = X.rowwise() - X.colwise().mean();
  const um::BoundedRows b = um::make_bounded_rows(P);
  ASSERT_GT(b.dims, 0);
  int decided = 0, straddled = 0;
  for (int i = 0; i < n; i += 10) {
    std::vector<std::pair<double, int>> ey;
    for (int j = 0; j < n; ++j)
      if (j != i) ey.emplace_back((Y.row(i) - Y.row(j)).cast<double>().squaredNorm(), j);
    std::sort(ey.begin(), ey.end());
    std::vector<float> thr;
    for (int m = 0; m < 15; ++m) thr.push_back((P.row(i) - P.row(ey[static_cast<std::size_t>(m)].second)).squaredNorm());
    std::sort(thr.begin(), thr.end());
    for (int l = 0; l < n; ++l) {
      if (l == i) continue;
      const float est = (b.coords.row(i) - b.coords.row(l)).squaredNorm();
      const float dm = b.residual(i) - b.residual(l), dp = b.residual(i) + b.residual(l);
      const float lo = est + dm * dm, hi = est + dp * dp;
      if (lo >= thr.back()) continue;
      const bool same = std::upper_bound(thr.begin(), thr.end(), lo) == std::upper_bound(thr.begin(), thr.end(), hi);
      (same ? decided : straddled) += 1;
    }
  }
  EXPECT_GT(decided, 50);
  EXPECT_GT(straddled, 5);
  const Eigen::MatrixXf F = gaussian(n, 64, 15);
  const Eigen::MatrixXf FY = F.leftCols(2) + 0.3f * gaussian(n, 2, 16);
  EXPECT_NEAR(um::trustworthiness(F, FY, 10), trust_reference(F, FY, 10), 1e-12);
}

}  // namespace rssviz_test_umap_stability
