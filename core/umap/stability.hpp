// Quality and stability measures for maps, and the alignment of consecutive frames.
//
// Trustworthiness (Venna & Kaski 2001; scikit-learn's definition): with r(i, j) the rank
// of j among i's neighbours in the input space (1 = nearest) and U_i the k nearest
// neighbours of i in the embedding,
//   T(k) = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in U_i} max(0, r(i, j) - k)   (1)
// computed exactly. 1 = no false neighbours in the map. With t_1..t_k the direct squared
// input distances from i to its k embedding neighbours (the embedding's lists from
// exact_knn), r(i, j_m) = 1 + c_m, c_m = #{l != i : |x_i - x_l|² < t_m}. c_m is counted
// through the projection bounds of projection.hpp (99.9 % of the variance kept), one
// m-dimensional matrix product per block of rows: l counts for t_m when U_il < t_m, not
// when L_il >= t_m, and is measured directly only when some t_m lies in [L_il, U_il).
// The thresholds and the measured pairs are computed in double on the rows as given
// (the bounds are widened for the float centring), so the counts are those of exact
// distances: scikit-learn's float64 result (reservoir states A, B, C: equal to all
// printed digits). Time O(n² m + n (k + measured) d).
//
// Procrustes alignment: the rotation R (reflections allowed unless disabled), scale s
// (optional) and translation t minimising |s (A - mean A) R + t - B|_F, from the SVD
// of (A - mean A)^T (B - mean B) = U S V^T: R = U V^T, s = tr(S) / |A - mean A|².  (2)
#pragma once
#include <Eigen/Core>

#include "core/common/progress.hpp"

namespace rssviz::umap {

// Equation (1). X: n x d input, Y: n x m embedding, 1 <= k < n / 2 (the
// normalisation requires 2n - 3k - 1 > 0). Exact for any n (memory O(block n)); time
// O(n² d). Throws Cancelled when `stop` is raised (checked between blocks).
double trustworthiness(const Eigen::MatrixXf& X, const Eigen::MatrixXf& Y, int k = 15,
                       const StopFlag* stop = nullptr);

struct Alignment {
  Eigen::MatrixXf aligned;       // `from` moved onto `to`
  Eigen::MatrixXf rotation;      // m x m orthogonal
  Eigen::RowVectorXf translation;  // added after rotation and scaling
  float scale = 1.0f;
  double rms = 0.0;              // root-mean-square distance of aligned rows to `to`
};

// Equation (2): aligns `from` onto `to` (same shape). For consecutive map frames (e.g.
// one LSTM epoch to the next) so that the picture does not spin or flip.
Alignment align(const Eigen::MatrixXf& from, const Eigen::MatrixXf& to, bool allow_scale = false,
                bool allow_reflection = true);

// Mean over points of |N_k(i) in A ∩ N_k(i) in B| / k: the fraction of each point's k
// nearest neighbours (exact, itself excluded) that are still its neighbours. 1 = same
// neighbourhoods. A and B have the same rows (any widths).
double neighbour_preservation(const Eigen::MatrixXf& A, const Eigen::MatrixXf& B, int k = 15);

struct FrameStability {
  double neighbour_preservation = 0.0;  // as above, between the two frames
  double mean_displacement = 0.0;       // mean |after_aligned_i - before_i| after align(after, before)
  double relative_displacement = 0.0;   // mean_displacement / RMS radius of `before` about its mean
};

// Stability of a map from frame t (`before`) to t+1 (`after`); rigid alignment (no scale).
FrameStability frame_stability(const Eigen::MatrixXf& before, const Eigen::MatrixXf& after, int k = 15);

}  // namespace rssviz::umap
