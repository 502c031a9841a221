// The fuzzy simplicial set of UMAP (McInnes, Healy & Melville 2018, section 3) and the
// low-dimensional curve parameters.
//
// Smooth k-NN distances. For point i with neighbour distances d_i1 <= ... (its own entry,
// at distance 0, excluded), rho_i is the distance to the `local_connectivity`-th nearest
// non-zero neighbour (interpolated for fractional values), and sigma_i solves
//     sum_j exp(-max(0, d_ij - rho_i) / sigma_i) = log2(k)                       (1)
// by bisection (64 steps, tolerance 1e-5). sigma_i is floored at 1e-3 times the mean
// neighbour distance of i (or of all points when rho_i = 0), as umap-learn does, so that
// duplicate-heavy neighbourhoods keep a finite scale.
// Directed membership strengths:
//     w_ij = 1 if d_ij <= rho_i, else exp(-(d_ij - rho_i) / sigma_i);   w_ii = 0   (2)
// Symmetrisation with mix ratio m (1 = fuzzy union):
//     W = m (P + P^T - P o P^T) + (1 - m) (P o P^T)                               (3)
// Low-dimensional similarity: 1 / (1 + a |y_i - y_j|^(2b)), with a and b fitted by
// least squares (Levenberg-Marquardt) to the curve that is 1 below min_dist and
// exp(-(x - min_dist) / spread) above, on 300 points of [0, 3 spread].            (4)
#pragma once
#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <vector>

#include "core/umap/knn.hpp"

namespace rssviz::umap {

using SparseGraph = Eigen::SparseMatrix<float, Eigen::RowMajor, int>;

struct SmoothKnn {
  std::vector<float> sigma;
  std::vector<float> rho;
};

// Equation (1). `skip_first`: the first column is the point itself (fit); false for
// neighbour lists of new points among fitted ones (transform).
SmoothKnn smooth_knn_dist(const KnnGraph& knn, float local_connectivity, bool skip_first = true,
                          float bandwidth = 1.0f);

// Equation (2): n x n sparse directed memberships (row i: point i's neighbours).
SparseGraph membership_strengths(const KnnGraph& knn, const SmoothKnn& s);

// Equations (1)-(3) from neighbour lists (each point first in its own list).
SparseGraph fuzzy_simplicial_set(const KnnGraph& knn, float local_connectivity = 1.0f,
                                 float set_op_mix_ratio = 1.0f);

// Equation (4). Throws std::invalid_argument unless spread > 0 and
// 0 <= min_dist <= spread (umap-learn's requirement).
struct CurveParams {
  double a = 0.0;
  double b = 0.0;
};
CurveParams find_ab_params(double spread, double min_dist);

// Connected components of a symmetric graph: label per vertex (0.. by order of the
// lowest vertex in each component) and their count.
int connected_components(const SparseGraph& g, std::vector<int>& label);

}  // namespace rssviz::umap
