#include <gtest/gtest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "core/common/parallel.hpp"
#include "core/common/rng.hpp"
#include "core/umap/projection.hpp"
#include "tests/core/point_sets.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_umap_projection {

namespace um = rssviz::umap;
using rssviz::test::gaussian;

namespace {

// rssviz::test::low_rank, centred.
Eigen::MatrixXf centred_low_rank(int n, int d, int rank, float noise, std::uint64_t seed) {
  Eigen::MatrixXf X = rssviz::test::low_rank(n, d, rank, noise, seed);
  X.rowwise() -= X.colwise().mean();
  return X;
}

}  // namespace

TEST(UmapProjection, LowRankDataGetsAFewOrthonormalDirections) {
  const Eigen::MatrixXf X = centred_low_rank(600, 300, 10, 0.01f, 1);
  const um::BoundedRows b = um::make_bounded_rows(X);
  // Rank 10 plus 1 % noise: 16 directions keep > 99.9 % of the variance.
  ASSERT_EQ(b.dims, 16);
  ASSERT_EQ(b.basis.rows(), 300);
  const Eigen::MatrixXd Q = b.basis.cast<double>();
  EXPECT_LT((Q.transpose() * Q - Eigen::MatrixXd::Identity(16, 16)).norm(), 1e-5);
  EXPECT_NEAR(b.orthogonality, (Q.transpose() * Q - Eigen::MatrixXd::Identity(16, 16)).norm(), 1e-12);
  EXPECT_GT(b.kept_variance, 0.999);
  // Residual norms are |x - Q p| measured in double; p = Q^T x.
  for (int i = 0; i < 600; i += 37) {
    const Eigen::VectorXd x = X.row(i).transpose().cast<double>();
    const Eigen::VectorXd p = Q.transpose() * x;
    EXPECT_NEAR(b.coords.row(i).cast<double>().transpose().norm(), p.norm(), 1e-5 * x.norm());
    EXPECT_NEAR(b.residual(i), (x - Q * b.coords.row(i).transpose().cast<double>()).norm(), 1e-6 * x.norm());
    EXPECT_NEAR(b.row_sq(i), x.squaredNorm(), 1e-5 * x.squaredNorm());
  }
}

TEST(UmapProjection, FlatSpectrumSmallDimensionAndNeverGiveTheIdentity) {
  const Eigen::MatrixXf G = gaussian(500, 200, 2);
  EXPECT_EQ(um::fit_projection_basis(G).size(), 0);  // flat: no m <= 128 keeps 99.9 %
  um::ProjectionOptions always;
  always.use = um::ProjectionOptions::Use::always;
  always.max_dims = 64;
  EXPECT_EQ(um::fit_projection_basis(G, always).cols(), 64);
  // d = 24 < 2 * 16: the plain product is as cheap.
  EXPECT_EQ(um::fit_projection_basis(centred_low_rank(200, 24, 3, 0.01f, 3)).size(), 0);
  um::ProjectionOptions never;
  never.use = um::ProjectionOptions::Use::never;
  const Eigen::MatrixXf X = centred_low_rank(300, 100, 5, 0.01f, 4);
  const um::BoundedRows id = um::make_bounded_rows(X, never);
  EXPECT_EQ(id.dims, 0);
  EXPECT_EQ(id.coords, X);
  EXPECT_EQ(id.residual.cwiseAbs().maxCoeff(), 0.0f);
}

// Bounds (2) with their margins hold for the direct float distance, on data where the
// residuals are large (a forced projection of a flat spectrum) and small (low rank).
TEST(UmapProjection, BoundsEncloseTheDirectDistance) {
  um::ProjectionOptions always;
  always.use = um::ProjectionOptions::Use::always;
  always.max_dims = 32;
  for (int flat = 0; flat < 2; ++flat) {
    Eigen::MatrixXf X = flat ? gaussian(300, 120, 5) : centred_low_rank(300, 120, 8, 0.02f, 6);
    X.row(7) = X.row(8);  // a duplicate: distance exactly 0
    const um::BoundedRows b = um::make_bounded_rows(X, always);
    ASSERT_GT(b.dims, 0);
    const um::RowMatrixF R = um::row_major(X);
    int tight = 0;
    for (int i = 0; i < 300; i += 7)
      for (int j = 0; j < 300; ++j) {
        const float est = std::max(0.0f, b.coord_sq(i) + b.coord_sq(j) - 2.0f * b.coords.row(i).dot(b.coords.row(j)));
        const float m = b.margin(b.row_sq(i), b.row_sq(j));
        const float lo = est + (b.residual(i) - b.residual(j)) * (b.residual(i) - b.residual(j)) - m;
        const float hi = est + (b.residual(i) + b.residual(j)) * (b.residual(i) + b.residual(j)) + m;
        const float ds = um::direct_sq(R.row(i).data(), R.row(j).data(), X.cols());
        ASSERT_LE(lo, ds) << i << " " << j;
        ASSERT_GE(hi, ds) << i << " " << j;
        tight += (hi - lo) < 0.1f * ds;
      }
    // Low rank: most bounds are within 10 % of the distance; flat: almost none are.
    if (flat)
      EXPECT_LT(tight, 300);
    else
      EXPECT_GT(tight, 8000);
    EXPECT_EQ(um::direct_sq(R.row(7).data(), R.row(8).data(), X.cols()), 0.0f);
  }
}

TEST(UmapProjection, DirectDistanceMatchesDouble) {
  const Eigen::MatrixXf X = gaussian(20, 1001, 7);
  const um::RowMatrixF R = um::row_major(X);
  EXPECT_EQ(Eigen::MatrixXf(R), X);
  for (int i = 0; i < 19; ++i) {
    const double ref = (X.row(i) - X.row(i + 1)).cast<double>().squaredNorm();
    EXPECT_NEAR(um::direct_sq(R.row(i).data(), R.row(i + 1).data(), 1001), ref, 1e-6 * ref);
  }
  // Short rows (fewer than the 32 lanes) too.
  EXPECT_NEAR(um::direct_sq(R.row(0).data(), R.row(1).data(), 5),
              (X.row(0).head(5) - X.row(1).head(5)).cast<double>().squaredNorm(), 1e-5);
}

TEST(UmapProjection, DeterministicForASeedAndAnyThreadCount) {
  const Eigen::MatrixXf X = centred_low_rank(700, 200, 12, 0.01f, 8);
  um::BoundedRows b1, b2;
  {
    rssviz::ThreadScope t(1);
    b1 = um::make_bounded_rows(X);
  }
  {
    rssviz::ThreadScope t(2);
    b2 = um::make_bounded_rows(X);
  }
  EXPECT_EQ(b1.basis, b2.basis);
  EXPECT_EQ(b1.coords, b2.coords);
  EXPECT_EQ(b1.residual, b2.residual);
  // Another seed: another basis (same span up to rounding, so the kept variance agrees).
  um::ProjectionOptions o;
  o.seed = 99;
  const um::BoundedRows b3 = um::make_bounded_rows(X, o);
  EXPECT_NE(b3.basis, b1.basis);
  EXPECT_NEAR(b3.kept_variance, b1.kept_variance, 1e-4);
}

TEST(UmapProjection, OptionsAndShapesAreChecked) {
  const Eigen::MatrixXf X = gaussian(50, 40, 9);
  um::ProjectionOptions o;
  o.kept_variance = 0.0;
  EXPECT_THROW(um::fit_projection_basis(X, o), std::invalid_argument);
  o = {};
  o.max_dims = 0;
  EXPECT_THROW(um::fit_projection_basis(X, o), std::invalid_argument);
  o = {};
  o.sample_rows = 0;
  EXPECT_THROW(um::fit_projection_basis(X, o), std::invalid_argument);
  EXPECT_THROW(um::bound_rows(X, Eigen::MatrixXf::Identity(39, 4)), std::invalid_argument);
  rssviz::StopFlag stop;
  stop.request();
  o = {};
  o.use = um::ProjectionOptions::Use::always;
  EXPECT_THROW(um::fit_projection_basis(X, o, &stop), rssviz::Cancelled);
}

}  // namespace rssviz_test_umap_projection
