// k nearest neighbours for UMAP: exact (blocked matrix products) and approximate
// (hnswlib's HNSW graph). Both return each point's own index first, at distance 0, then
// its k-1 nearest other points by increasing distance (ties: lower index first), so
// duplicate rows never push a point out of its own list.
//
// Exact: with the columns centred (distances are unchanged, rounding shrinks),
//   d²(i,j) = |x_i|² + |x_j|² - 2 x_i·x_j
// ranks candidates through one matrix product per block of rows; the k + 8 best are
// then re-measured directly as |x_i - x_j|, so reported distances carry no
// cancellation error and duplicates are exactly 0 apart.
// Approximate: an HNSW index (M = 12, ef_construction = 64: recall of the 14 nearest
// others 0.998 on the test's 20 000 clustered 8-D points, 1.000 on reservoir states) built by sequential
// insertion with a seeded level generator (deterministic), queried in parallel with
// ef = max(3k, 64); distances re-measured directly as above.
// Cosine: rows are scaled to unit length (zero rows stay zero) and the distance is
// 1 - cos = |u - v|² / 2, so both methods serve both metrics.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/common/progress.hpp"

namespace rssviz::umap {

enum class Metric { euclidean, cosine };
enum class KnnMethod { automatic, exact, approximate };

// Row-major n x k neighbour lists.
struct KnnGraph {
  int n = 0;
  int k = 0;
  std::vector<int> index;       // n*k: index[i*k + j] is point i's j-th neighbour
  std::vector<float> distance;  // n*k: matching distances, non-decreasing in j
  // Exact search only (else empty): each row's candidate pool, the k - 1 others listed
  // plus kRefineExtra more, re-measured and sorted (squared distances of the prepared
  // points), and a lower bound on the squared distance of any point outside the pool.
  // update_exact_knn uses them to avoid searching unchanged rows again.
  int pool = 0;
  std::vector<int> pool_index;   // n*pool
  std::vector<float> pool_sq;    // n*pool
  std::vector<float> outside_sq; // n
  int at(int i, int j) const { return index[static_cast<std::size_t>(i) * k + j]; }
  float dist(int i, int j) const { return distance[static_cast<std::size_t>(i) * k + j]; }
};

// The method `automatic` picks: exact when n <= 4096 or n² d <= 6.4e10 (matrix products
// still take about a second there), approximate above.
KnnMethod resolve_knn_method(KnnMethod m, Eigen::Index n, Eigen::Index d);

// Prepares points for the metric: cosine rows are unit-normalised, euclidean copied.
Eigen::MatrixXf prepare_points(const Eigen::MatrixXf& X, Metric metric);

// Exact k-NN of the rows of X (itself first). 1 <= k <= n. Checks `stop` between blocks
// and throws Cancelled. Threads: the caller's OpenMP setting; the result does not depend
// on it.
KnnGraph exact_knn(const Eigen::MatrixXf& X, int k, Metric metric = Metric::euclidean,
                   const StopFlag* stop = nullptr);
// Approximate k-NN via HNSW (itself first). Deterministic for a given seed.
KnnGraph approximate_knn(const Eigen::MatrixXf& X, int k, Metric metric = Metric::euclidean,
                         std::uint64_t seed = 0, const StopFlag* stop = nullptr);
// Dispatches on `method` (automatic resolved as above).
KnnGraph nearest_neighbors(const Eigen::MatrixXf& X, int k, Metric metric, KnnMethod method, std::uint64_t seed,
                           const StopFlag* stop = nullptr);

// exact_knn of X_new given old = exact_knn(X_old, k) for the same number of points (a
// warm start after a small change): a row of X_new bitwise equal to X_old's takes the
// best of its old pool's unchanged members and the changed points (re-measured); that
// is exact when the result stays inside the pool's bound (old.outside_sq), and the row
// is searched again in full otherwise, as are the changed rows. The work is about
// (changed + failed rows) x n x d instead of n² d; above a quarter of the rows changed it
// is exact_knn. Same lists as exact_knn(X_new) except for candidates whose distances
// tie within float rounding.
KnnGraph update_exact_knn(const KnnGraph& old, const Eigen::MatrixXf& X_old, const Eigen::MatrixXf& X_new,
                          Metric metric = Metric::euclidean, const StopFlag* stop = nullptr);

// Exact k-NN of each row of Q among the rows of X (no self entry). 1 <= k <= rows of X.
KnnGraph exact_knn_query(const Eigen::MatrixXf& X, const Eigen::MatrixXf& Q, int k,
                         Metric metric = Metric::euclidean, const StopFlag* stop = nullptr);

// Squared euclidean distances of rows [r0, r0 + rows) of A to every row of B by one
// matrix product (A and B already centred/prepared). Exposed for trustworthiness.
void block_sq_distances(const Eigen::MatrixXf& A, const Eigen::VectorXf& a_sq, Eigen::Index r0, Eigen::Index rows,
                        const Eigen::MatrixXf& B, const Eigen::VectorXf& b_sq, Eigen::MatrixXf& out);

}  // namespace rssviz::umap
