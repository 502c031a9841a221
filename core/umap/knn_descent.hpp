// Neighbour descent from a previous graph: the k-NN lists of points that moved a little
// (a slider changed the reservoir) refined from their previous lists instead of searched
// again (Dong, Charikar & Li 2011, "Efficient k-nearest neighbor graph construction for
// generic similarity measures": a neighbour of a neighbour is likely a neighbour).
//
// 1. Rows prepared as for the exact search (cosine: unit length) and projected on an
//    orthonormal basis Q of m dimensions (projection.hpp): p_i = Q^T (x_i - mean),
//    residual r_i² = |x_i - mean|² - |p_i|². The previous call's basis is reused while it
//    keeps `reuse_variance` of the new rows' variance, else one is fitted again.
// 2. Candidates are scored in m dimensions:
//        s_ij = |p_i - p_j|² + r_i² + r_j²                                            (1)
//    the squared distance when the residuals are orthogonal (it lies between the bounds
//    (2) of projection.hpp). Each point keeps its K = k - 1 + extra best (s, index).
// 3. The lists start as the previous graph's (its pool when it has one), re-scored. A
//    round: for every point i, every v in the list of a u that is among i's first k - 1
//    or has i among its first k - 1 (reverse neighbours, at most k - 1 kept per point,
//    lowest index first) is scored when the pair is new (u entered i's list, or v u's,
//    in the previous round). Rounds read the previous round's lists and write new ones,
//    so the result does not depend on the thread count. They stop when a round changes
//    fewer than min_change n K entries, or after max_rounds.
// 4. Of each point's K candidates only those the bounds (2) of projection.hpp cannot rule
//    out are measured directly in d dimensions (direct_sq): a lower bound s - 2 r_i r_j at
//    most the (k-1)-th smallest upper bound s + 2 r_i r_j, widened by a relative 1e-4
//    (every point if fewer than k - 1 remain); a pair both points measure is measured once.
//    They are sorted by (distance, index): the point itself first, then its
//    k - 1 best. The K candidates become the graph's pool (pool_index) for the next call.
// The lists are approximate: knn_recall against exact_knn measures them (reservoir
// states after a slider step: see docs/BENCHMARKS.md, "Live exploration").
#pragma once
#include <Eigen/Core>

#include "core/common/progress.hpp"
#include "core/umap/knn.hpp"

namespace rssviz::umap {

struct DescentOptions {
  int extra = 8;                 // candidates kept beyond the k - 1 neighbours; more = better recall, slower (0..256)
  int max_rounds = 8;            // most rounds of local joins; more = better recall, slower (1..1000)
  double min_change = 0.001;     // stop once a round changes fewer than this fraction of the entries (0..1)
  double reuse_variance = 0.99;  // keep the previous basis while it captures this fraction of the variance (0..1)
  int threads = 0;               // threads; 0 = all cores (the result does not depend on it)
};

struct DescentResult {
  KnnGraph graph;               // n x k lists, self first; n = 0 when the rows have no useful projection
  Eigen::MatrixXf basis;        // d x m basis used: pass it to the next call
  bool basis_fitted = false;    // a new basis was fitted (none given, or it kept too little)
  double kept_variance = 0.0;   // fraction of the centred rows' variance the basis keeps
  int rounds = 0;               // rounds run
};

// Lists of the rows of X (n x d) refined from `start`, a graph of the same n points (any
// k; its pool is used when present). `basis` (d x m, orthonormal columns; empty: fit
// one) is usually the previous call's DescentResult::basis. Throws std::invalid_argument
// for bad k, options or shapes, Cancelled when `stop` is raised (checked between rounds).
// When no projection helps (a flat spectrum) the returned graph is empty (n = 0): search
// with nearest_neighbors instead.
DescentResult descend_knn(const Eigen::MatrixXf& X, const KnnGraph& start, int k, Metric metric,
                          const Eigen::MatrixXf& basis, const DescentOptions& options = {},
                          const StopFlag* stop = nullptr);

// Fraction of `exact`'s neighbour entries (self excluded) that `approximate` lists for
// the same point: 1 = the same sets. Both graphs must have the same n and k.
double knn_recall(const KnnGraph& approximate, const KnnGraph& exact);

}  // namespace rssviz::umap
