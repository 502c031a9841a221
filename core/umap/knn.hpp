// k nearest neighbours for UMAP: exact (blocked matrix products) and approximate
// (hnswlib's HNSW graph). Both return each point's own index first, at distance 0, then
// its k-1 nearest other points by increasing distance (ties: lower index first), so
// duplicate rows never push a point out of its own list.
//
// Exact: rows centred (distances unchanged, rounding shrinks) and bounded through a
// low-dimensional projection (projection.hpp, equations (1)-(2)):
//   L_ij <= |x_i - x_j|² <= U_ij,  from |p_i - p_j|² (m dims) and the residual norms,
// the m-dimensional |p_i|² + |p_j|² - 2 p_i.p_j coming from one matrix product per block
// of 256 rows. Per row, tau = the pool-th smallest U over the others; every point with
// L <= tau (which includes every point of the true pool) is measured directly as
// |x_i - x_j|² over the d dimensions, and the measured ones are sorted by (distance,
// index). Bounds are widened by a worst-case rounding margin (projection.hpp), so the
// lists are exactly those of a brute force on the float distances, and duplicates are
// exactly 0 apart. Without a useful projection (flat spectrum, d < 2m, fewer than 256
// query rows) the "projection" is the identity: the same search on the plain
// d-dimensional product, with the same result. Maps (d <= 3, from 512 rows, e.g. the
// embedding's own neighbours for trustworthiness) take a uniform grid of ~3 points per
// cell instead: rings of cells around the query until the pool-th measured distance is
// below the distance to the unvisited cells; same lists, pool and bound.
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
#include "core/umap/projection.hpp"

namespace rssviz::umap {

enum class Metric { euclidean, cosine };
enum class KnnMethod { automatic, exact, approximate };

// Row-major n x k neighbour lists.
struct KnnGraph {
  int n = 0;
  int k = 0;
  std::vector<int> index;       // n*k: index[i*k + j] is point i's j-th neighbour
  std::vector<float> distance;  // n*k: matching distances, non-decreasing in j
  // Exact search (else empty): each row's candidate pool, the k - 1 others listed
  // plus kRefineExtra more, re-measured and sorted (squared distances of the prepared
  // points), and a lower bound on the squared distance of any point outside the pool.
  // update_exact_knn uses them to avoid searching unchanged rows again. Neighbour
  // descent (knn_descent.hpp) keeps its candidate lists in pool_index too, pool_sq and
  // outside_sq empty; the next descent starts from them.
  int pool = 0;
  std::vector<int> pool_index;   // n*pool
  std::vector<float> pool_sq;    // n*pool
  std::vector<float> outside_sq; // n
  // Exact search only: the projection's dimension (0: plain products) and the mean
  // number of points measured directly per row (the bounds' pruning; n - 1 = none).
  int projected_dims = 0;
  double measured_per_row = 0.0;
  int at(int i, int j) const { return index[static_cast<std::size_t>(i) * k + j]; }
  float dist(int i, int j) const { return distance[static_cast<std::size_t>(i) * k + j]; }
};

// The method `automatic` picks, by an estimate of the exact search's work in
// multiply-adds: n² d for the plain product, or, when the rows project onto m =
// projected_dims > 0 dimensions, n² m + 64 n d (64 direct measures per row, a generous
// figure: reservoir states measure 23-28). Exact when n <= 4096 or the work is at most
// 6.4e10 (about a second on 2 cores), approximate (HNSW) above. nearest_neighbors asks
// first with projected_dims = 0 and, only if that says approximate, fits the projection
// and asks again: 1 001-dimensional reservoir states (m = 32) stay exact up to ~40 000
// rows, a flat spectrum of 20 000 x 1 001 goes to HNSW.
KnnMethod resolve_knn_method(KnnMethod m, Eigen::Index n, Eigen::Index d, int projected_dims = 0);

// Prepares points for the metric: cosine rows are unit-normalised, euclidean copied.
Eigen::MatrixXf prepare_points(const Eigen::MatrixXf& X, Metric metric);

// Exact k-NN of the rows of X (itself first). 1 <= k <= n. Checks `stop` between blocks
// and throws Cancelled. Threads: the caller's OpenMP setting; the result does not depend
// on it. `projection` only changes the speed (the lists are the same for any setting).
KnnGraph exact_knn(const Eigen::MatrixXf& X, int k, Metric metric = Metric::euclidean,
                   const StopFlag* stop = nullptr, const ProjectionOptions& projection = {});
// Approximate k-NN via HNSW (itself first). Deterministic for a given seed.
KnnGraph approximate_knn(const Eigen::MatrixXf& X, int k, Metric metric = Metric::euclidean,
                         std::uint64_t seed = 0, const StopFlag* stop = nullptr);
// Dispatches on `method` (automatic resolved as above); `used`, if given, receives the
// method actually run.
KnnGraph nearest_neighbors(const Eigen::MatrixXf& X, int k, Metric metric, KnnMethod method, std::uint64_t seed,
                           const StopFlag* stop = nullptr, KnnMethod* used = nullptr);

// exact_knn of X_new given old = exact_knn(X_old, k) for the same number of points (a
// warm start after a small change): a row of X_new bitwise equal to X_old's takes the
// best of its old pool's unchanged members and the changed points (re-measured); that
// is exact when the result stays inside the pool's bound (old.outside_sq), and the row
// is searched again in full otherwise, as are the changed rows (their distance rows come
// from the one changed-points product; 256 or more failed rows are searched through a
// projection). The work is about (changed + failed rows) x n x d instead of n² d; above
// a quarter of the rows changed it is exact_knn. Same lists as exact_knn(X_new).
KnnGraph update_exact_knn(const KnnGraph& old, const Eigen::MatrixXf& X_old, const Eigen::MatrixXf& X_new,
                          Metric metric = Metric::euclidean, const StopFlag* stop = nullptr);

// Exact k-NN of each row of Q among the rows of X (no self entry). 1 <= k <= rows of X.
// The projection (fitted on X) is used from 256 query rows on.
KnnGraph exact_knn_query(const Eigen::MatrixXf& X, const Eigen::MatrixXf& Q, int k,
                         Metric metric = Metric::euclidean, const StopFlag* stop = nullptr,
                         const ProjectionOptions& projection = {});

// Squared euclidean distances of rows [r0, r0 + rows) of A to every row of B by one
// matrix product (A and B already centred/prepared). Exposed for trustworthiness.
void block_sq_distances(const Eigen::MatrixXf& A, const Eigen::VectorXf& a_sq, Eigen::Index r0, Eigen::Index rows,
                        const Eigen::MatrixXf& B, const Eigen::VectorXf& b_sq, Eigen::MatrixXf& out);

}  // namespace rssviz::umap
