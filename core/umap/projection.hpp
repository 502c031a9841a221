// Exact distance bounds from a low-dimensional projection, for exact neighbour searches
// (knn.hpp) and exact trustworthiness (stability.hpp) that do most of their work in
// m << d dimensions.
//
// With Q (d x m, orthonormal columns), a centred row x, p = Q^T x and the residual
// r = x - Q p (orthogonal to Q):
//   |x_i - x_j|² = |p_i - p_j|² + |r_i - r_j|²                                      (1)
//   L_ij = |p_i - p_j|² + (|r_i| - |r_j|)²  <=  |x_i - x_j|²
//        <=  |p_i - p_j|² + (|r_i| + |r_j|)² = U_ij                                   (2)
// Any orthonormal Q gives valid bounds; a Q spanning the top principal directions makes
// them tight (reservoir states: 99.9 % of the variance in 32 of 1 001 dimensions).
//
// Q: a seeded randomized range finder on a row sample S (Halko, Martinsson & Tropp 2011):
// Y = S Omega (Omega Gaussian, d x l, l = m + oversampling), `power_iterations` rounds
// of Z = S^T Y, Y = S Z with Householder re-orthonormalisation, then Z = S^T Y and the
// eigenvectors of Z^T Z order the directions by captured variance; the first m,
// re-orthonormalised in double, are Q. m is the smallest of {16, 32, 48, 64, 96, 128}
// (up to max_dims) keeping `kept_variance` of the sample's variance (a first pass with
// l = 32 + oversampling, a second up to max_dims only if 32 directions keep >= 90 %). A
// flat spectrum (no m does) or a small d (d < 2m) gives no projection: the "identity"
// bounds, with p the row itself and r = 0, i.e. the plain d-dimensional matrix product.
//
// Rounding (u = 2^-24): p is computed in double from the float Q and rounded, r = x - Q p
// and |r| in double (no |x|² - |p|² cancellation). The bounds are widened by
//   margin_ij = c (|x_i|² + |x_j|²),
//   c = 2 (1.01) ((2m + d/16 + 44) u + 6 delta)   (projection; delta = |Q^T Q - I|_F, measured)
//   c = 2 (1.01) (2d + d/16 + 30) u               (identity: the product runs over d)
// which covers, with a factor 2 to spare, the worst-case (not typical) first-order
// rounding of: the float product |p_i|² + |p_j|² - 2 p_i.p_j ((2m + 6) u), the cross
// term 2 (Q dp).(dr) and |Q dp|² - |dp|² left by Q's float rounding (6 delta + 4 u), the
// residual terms and the few additions forming L and U (16 u), and the direct distance
// direct_sq below, whose 32 lane sums of ceil(d/32) terms, 5 pairwise levels and rounded
// squares stay within (d/32 + 9) u |x_i - x_j|² <= 2 (d/32 + 9) u (|x_i|² + |x_j|²). So
// L - margin <= direct_sq(x_i, x_j) <= U + margin holds for the float distances the
// searches sort by, and the searches are exact without relying on luck.
#pragma once
#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <cstdint>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "core/common/progress.hpp"

namespace rssviz::umap {

struct ProjectionOptions {
  enum class Use { automatic, never, always };
  Use use = Use::automatic;      // automatic: project when it helps (above); never: plain d-dim products;
                                 //   always: project even a flat spectrum (m = max_dims; for tests)
  double kept_variance = 0.995;  // smallest m keeping this fraction of the sampled variance; higher = tighter
                                 //   bounds, more dimensions. Default 0.995 (neighbour searches; the
                                 //   trustworthiness, which measures every straddled threshold, uses 0.999)
  int max_dims = 128;            // largest m tried; a spectrum needing more counts as flat. Default 128
  int oversampling = 16;         // extra random directions of the range finder; more = better basis. Default 16
  int power_iterations = 1;      // subspace iterations; more sharpens the basis on slow spectra. Default 1
  int sample_rows = 512;         // rows the basis is fitted on (all if fewer); more = closer to the full PCA,
                                 //   slower (reservoir states: 256 to 1024 rows prune equally well). Default 512
  std::uint64_t seed = 0;        // seeds the row sample and the Gaussian test matrix (the bounds hold for
                                 //   any seed; only their tightness changes). Default 0
};

// Centred rows with their projection, for bounds (2). Identity form: dims = 0, coords =
// the rows themselves, residual = 0.
struct BoundedRows {
  int dims = 0;                  // m, or 0 for the identity form
  Eigen::MatrixXf basis;         // d x m, orthonormal columns (empty for the identity)
  Eigen::MatrixXf coords;        // n x m: p (identity: n x d, the rows)
  Eigen::VectorXf coord_sq;      // |p_i|² as the float product sees it
  Eigen::VectorXf residual;      // |r_i|, measured directly in double
  Eigen::VectorXf row_sq;        // |x_i|² (for the margins)
  float max_row_sq = 0.0f;       // max_i |x_i|² of these rows
  float margin_coef = 0.0f;      // c above
  double kept_variance = 1.0;    // 1 - sum |r_i|² / sum |x_i|² over these rows
  double orthogonality = 0.0;    // delta = |Q^T Q - I|_F of the float basis

  // The widening of bounds (2) between rows with |x_q|² = q_sq and |x_j|² = ref_sq (an
  // upper bound of either gives a valid, wider margin).
  float margin(float q_sq, float ref_sq) const { return margin_coef * (q_sq + ref_sq); }
};

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Query rows per block of an n-row distance product: the n x rows block stays within
// ~4 MB (cache-resident for the passes over it; Eigen packs the n-row side once per
// block, so not smaller), 32 to 256 rows.
inline Eigen::Index query_block(Eigen::Index n) {
  return std::clamp<Eigen::Index>(1048576 / std::max<Eigen::Index>(n, 1), 32, 256);
}

// A row-major copy of X, transposed in cache-sized tiles (a plain assignment reads X
// with a stride of n floats, which costs more than the searches on large inputs).
RowMatrixF row_major(const Eigen::MatrixXf& X);

// The direct squared distance the searches measure and the margins are guaranteed
// against: 32 independent lane sums (vectorised, fixed order, so the same for any
// alignment and thread) combined pairwise; rounding within (d/32 + 9) u |a - b|².
inline float direct_sq(const float* a, const float* b, Eigen::Index d) {
  constexpr int kLanes = 32;
  float acc[kLanes] = {};
  Eigen::Index t = 0;
  for (; t + kLanes <= d; t += kLanes)
    for (int l = 0; l < kLanes; ++l) {
      const float u = a[t + l] - b[t + l];
      acc[l] += u * u;
    }
  for (int l = 0; t < d; ++t, ++l) {
    const float u = a[t] - b[t];
    acc[l] += u * u;
  }
  for (int w = kLanes / 2; w > 0; w /= 2)
    for (int l = 0; l < w; ++l) acc[l] += acc[l + w];
  return acc[0];
}

// Bit l set where v[l] <= t, for the 16 entries at v.
inline unsigned chunk_at_most(const float* v, float t) {
#if defined(__AVX512F__)
  return _mm512_cmp_ps_mask(_mm512_loadu_ps(v), _mm512_set1_ps(t), _CMP_LE_OQ);
#else
  unsigned m = 0;
  for (int l = 0; l < 16; ++l) m |= static_cast<unsigned>(v[l] <= t) << l;
  return m;
#endif
}

// Calls f(j) for every j in [0, n) with v[j] <= t, in increasing j. Such entries are
// rare: 16-wide chunks are tested at once, then the hits visited.
template <class F>
void for_each_at_most(const float* v, Eigen::Index n, float t, F&& f) {
  Eigen::Index j = 0;
  for (; j + 16 <= n; j += 16)
    for (unsigned m = chunk_at_most(v + j, t); m != 0; m &= m - 1) f(j + std::countr_zero(m));
  for (; j < n; ++j)
    if (v[j] <= t) f(j);
}

// A basis for the centred rows of Xc (d x m, float), or an empty matrix when projecting
// does not help (see above). Deterministic for a given seed. Runs on one thread: its
// products are small, and a parallel product stalls on a busy machine.
// Throws Cancelled when `stop` is raised (checked between the products).
Eigen::MatrixXf fit_projection_basis(const Eigen::MatrixXf& Xc, const ProjectionOptions& opt = {},
                                     const StopFlag* stop = nullptr);

// Projects the centred rows of Xc onto `basis` (d x m with d = Xc.cols(); empty = the
// identity form). Rows in blocks, OpenMP static schedule; the result does not depend on
// the thread count. Throws Cancelled when `stop` is raised (checked between blocks).
BoundedRows bound_rows(const Eigen::MatrixXf& Xc, const Eigen::MatrixXf& basis, const StopFlag* stop = nullptr);

// The identity form of the centred rows Xc (taken by value: move it in to avoid a copy).
BoundedRows identity_rows(Eigen::MatrixXf Xc);

// fit_projection_basis then bound_rows.
BoundedRows make_bounded_rows(const Eigen::MatrixXf& Xc, const ProjectionOptions& opt = {},
                              const StopFlag* stop = nullptr);

}  // namespace rssviz::umap
