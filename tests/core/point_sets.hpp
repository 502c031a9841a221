// Seeded point sets shared by the UMAP tests.
#pragma once
#include <Eigen/Core>
#include <cmath>
#include <cstdint>

#include "core/common/rng.hpp"

namespace rssviz::test {

// n x d independent N(0, scale²) coordinates.
inline Eigen::MatrixXf gaussian(int n, int d, std::uint64_t seed, float scale = 1.0f) {
  Rng rng(seed, "test points");
  Eigen::MatrixXf X(n, d);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) X(i, j) = scale * static_cast<float>(rng.normal());
  return X;
}

// A rank-r signal (unit variance per coordinate) plus isotropic noise of standard
// deviation `noise`, every coordinate shifted by `shift`.
inline Eigen::MatrixXf low_rank(int n, int d, int rank, float noise, std::uint64_t seed, float shift = 0.0f) {
  const Eigen::MatrixXf Z = gaussian(n, rank, seed);
  const Eigen::MatrixXf W = gaussian(rank, d, seed + 1) / std::sqrt(static_cast<float>(rank));
  Eigen::MatrixXf X = Z * W + noise * gaussian(n, d, seed + 2);
  X.array() += shift;
  return X;
}

}  // namespace rssviz::test
