#include "core/umap/knn.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/common/check.hpp"
#include "core/common/parallel.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <hnswlib/hnswlib.h>
#pragma GCC diagnostic pop

namespace rssviz::umap {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr Eigen::Index kBlock = 256;
constexpr int kRefineExtra = 8;
constexpr std::size_t kHnswM = 12;
constexpr std::size_t kHnswEfConstruction = 64;

float direct_sq(const float* a, const float* b, Eigen::Index d) {
  float s = 0.0f;
  for (Eigen::Index t = 0; t < d; ++t) {
    const float u = a[t] - b[t];
    s += u * u;
  }
  return s;
}

float to_metric(float sq, Metric m) { return m == Metric::cosine ? 0.5f * sq : std::sqrt(sq); }

void check_k(int k, Eigen::Index n, const char* what) {
  if (n < 1) throw std::invalid_argument(std::string(what) + ": the input has no points");
  check_range("n_neighbors", static_cast<long long>(k), 1LL, static_cast<long long>(n));
}

// Keeps the `cap` smallest (distance, index) pairs seen, sorted; scanning indices in
// increasing order with a strict comparison keeps the lower index on ties.
struct TopK {
  std::vector<float> d;
  std::vector<int> i;
  int cap = 0;
  int size = 0;
  explicit TopK(int c) : d(static_cast<std::size_t>(c)), i(static_cast<std::size_t>(c)), cap(c) {}
  void clear() { size = 0; }
  void push(float dist, int idx) {
    if (size == cap && !(dist < d[static_cast<std::size_t>(cap - 1)])) return;
    int p = size < cap ? size++ : cap - 1;
    while (p > 0 && dist < d[static_cast<std::size_t>(p - 1)]) {
      d[static_cast<std::size_t>(p)] = d[static_cast<std::size_t>(p - 1)];
      i[static_cast<std::size_t>(p)] = i[static_cast<std::size_t>(p - 1)];
      --p;
    }
    d[static_cast<std::size_t>(p)] = dist;
    i[static_cast<std::size_t>(p)] = idx;
  }
};

// Re-measures candidates directly, sorts them by (distance, index) and writes the best
// `want` into row `row` of g starting at column `col0`.
void finish_row(const RowMatrix& ref, const float* q, std::vector<std::pair<float, int>>& cand, int want,
                Metric metric, KnnGraph& g, int row, int col0, bool measured = false) {
  const Eigen::Index d = ref.cols();
  if (!measured)
    for (auto& c : cand) c.first = direct_sq(q, ref.row(c.second).data(), d);
  std::sort(cand.begin(), cand.end());
  for (int j = 0; j < want; ++j) {
    const std::size_t o = static_cast<std::size_t>(row) * g.k + static_cast<std::size_t>(col0 + j);
    g.index[o] = cand[static_cast<std::size_t>(j)].second;
    g.distance[o] = to_metric(cand[static_cast<std::size_t>(j)].first, metric);
  }
}

// Shared by exact_knn (self_query: Q is X, own index forced first) and exact_knn_query.
// self_index (self_query only): the index in Pref of each query row (default: the same).
// ref_rows: Pref already in row-major order (saves a copy), or null. precomputed: the
// block_sq_distances(Pq, .., 0, m, Pref, ..) matrix if the caller has it, or null.
KnnGraph blocked_knn(const Eigen::MatrixXf& Pref, const Eigen::MatrixXf& Pq, int k, bool self_query, Metric metric,
                     const StopFlag* stop, const std::vector<int>* self_index = nullptr,
                     const RowMatrix* ref_rows = nullptr, const Eigen::MatrixXf* precomputed = nullptr) {
  const Eigen::Index n = Pref.rows();
  const Eigen::Index m = Pq.rows();
  RowMatrix ref_copy;
  if (!ref_rows) ref_copy = Pref;
  const RowMatrix& ref = ref_rows ? *ref_rows : ref_copy;
  const RowMatrix qrow = Pq;
  const Eigen::VectorXf ref_sq = Pref.rowwise().squaredNorm();
  const Eigen::VectorXf q_sq = Pq.rowwise().squaredNorm();
  KnnGraph g;
  g.n = static_cast<int>(m);
  g.k = k;
  g.index.assign(static_cast<std::size_t>(m) * k, 0);
  g.distance.assign(static_cast<std::size_t>(m) * k, 0.0f);
  const int others = self_query ? k - 1 : k;
  const int pool = static_cast<int>(std::min<Eigen::Index>(others + kRefineExtra, self_query ? n - 1 : n));
  const bool keep_pool = self_query && others > 0;
  const float ref_sq_max = n > 0 ? ref_sq.maxCoeff() : 0.0f;
  if (keep_pool) {
    g.pool = pool;
    g.pool_index.assign(static_cast<std::size_t>(m) * pool, -1);
    g.pool_sq.assign(static_cast<std::size_t>(m) * pool, 0.0f);
    g.outside_sq.assign(static_cast<std::size_t>(m), 0.0f);
  }
  const Eigen::Index blocks = (m + kBlock - 1) / kBlock;
  // Blocks in chunks of a few per parallel region so that `stop` is seen between regions.
  const Eigen::Index chunk = std::max<Eigen::Index>(1, 4 * omp_get_max_threads());
  for (Eigen::Index b0 = 0; b0 < blocks; b0 += chunk) {
    if (stop_requested(stop)) throw Cancelled();
    const Eigen::Index b1 = std::min(blocks, b0 + chunk);
#pragma omp parallel
    {
      Eigen::MatrixXf D;
      TopK top(std::max(pool, 1));
      std::vector<std::pair<float, int>> cand;
#pragma omp for schedule(static)
      for (Eigen::Index b = b0; b < b1; ++b) {
        const Eigen::Index r0 = b * kBlock;
        const Eigen::Index rows = std::min(kBlock, m - r0);
        if (!precomputed) block_sq_distances(Pq, q_sq, r0, rows, Pref, ref_sq, D);
        for (Eigen::Index r = 0; r < rows; ++r) {
          const int qi = static_cast<int>(r0 + r);
          const int self = self_index ? (*self_index)[static_cast<std::size_t>(qi)] : qi;
          const float* col = precomputed ? precomputed->col(qi).data() : D.col(r).data();
          top.clear();
          for (Eigen::Index j = 0; j < n; ++j) {
            if (self_query && j == self) continue;
            top.push(col[j], static_cast<int>(j));
          }
          cand.clear();
          for (int t = 0; t < top.size; ++t) cand.emplace_back(0.0f, top.i[static_cast<std::size_t>(t)]);
          int col0 = 0;
          if (self_query) {
            g.index[static_cast<std::size_t>(qi) * k] = self;
            g.distance[static_cast<std::size_t>(qi) * k] = 0.0f;
            col0 = 1;
          }
          if (others > 0) finish_row(ref, qrow.row(qi).data(), cand, others, metric, g, qi, col0);
          if (keep_pool) {
            const std::size_t o = static_cast<std::size_t>(qi) * static_cast<std::size_t>(pool);
            for (int t = 0; t < pool; ++t) {
              const bool have = t < static_cast<int>(cand.size());
              g.pool_index[o + t] = have ? cand[static_cast<std::size_t>(t)].second : -1;
              g.pool_sq[o + t] = have ? cand[static_cast<std::size_t>(t)].first : INFINITY;
            }
            // Outside the pool every estimate was >= the pool's last; the estimate's
            // rounding is of order d eps |x|², so a wide relative margin.
            const float last = top.size == pool ? top.d[static_cast<std::size_t>(pool - 1)] : INFINITY;
            g.outside_sq[static_cast<std::size_t>(qi)] =
                top.size < pool ? INFINITY : std::max(0.0f, last - 1e-4f * (q_sq(qi) + ref_sq_max));
          }
        }
      }
    }
  }
  return g;
}

}  // namespace

KnnMethod resolve_knn_method(KnnMethod m, Eigen::Index n, Eigen::Index d) {
  if (m != KnnMethod::automatic) return m;
  const double work = static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(d);
  return (n <= 4096 || work <= 6.4e10) ? KnnMethod::exact : KnnMethod::approximate;
}

Eigen::MatrixXf prepare_points(const Eigen::MatrixXf& X, Metric metric) {
  if (!X.allFinite()) {
    for (Eigen::Index i = 0; i < X.rows(); ++i)
      if (!X.row(i).allFinite())
        throw std::invalid_argument("input row " + std::to_string(i) + " contains NaN or infinity");
  }
  Eigen::MatrixXf P = X;
  if (metric == Metric::cosine) {
    for (Eigen::Index i = 0; i < P.rows(); ++i) {
      const float nrm = P.row(i).norm();
      if (nrm > 0.0f) P.row(i) /= nrm;
    }
  }
  return P;
}

void block_sq_distances(const Eigen::MatrixXf& A, const Eigen::VectorXf& a_sq, Eigen::Index r0, Eigen::Index rows,
                        const Eigen::MatrixXf& B, const Eigen::VectorXf& b_sq, Eigen::MatrixXf& out) {
  // out(j, r) = |b_j|² + |a_{r0+r}|² - 2 b_j·a_{r0+r}: column r holds one query's row.
  out.resize(B.rows(), rows);
  out.noalias() = B * A.middleRows(r0, rows).transpose();
  for (Eigen::Index r = 0; r < rows; ++r) {
    const float qa = a_sq(r0 + r);
    float* c = out.col(r).data();
    for (Eigen::Index j = 0; j < B.rows(); ++j) c[j] = std::max(0.0f, b_sq(j) + qa - 2.0f * c[j]);
  }
}

KnnGraph exact_knn(const Eigen::MatrixXf& X, int k, Metric metric, const StopFlag* stop) {
  check_k(k, X.rows(), "exact_knn");
  Eigen::MatrixXf P = prepare_points(X, metric);
  const Eigen::RowVectorXf mean = P.colwise().mean();
  P.rowwise() -= mean;
  return blocked_knn(P, P, k, true, metric, stop);
}

KnnGraph exact_knn_query(const Eigen::MatrixXf& X, const Eigen::MatrixXf& Q, int k, Metric metric,
                         const StopFlag* stop) {
  check_k(k, X.rows(), "exact_knn_query");
  if (Q.cols() != X.cols())
    throw std::invalid_argument("query points have " + std::to_string(Q.cols()) + " columns, the data " +
                                std::to_string(X.cols()));
  Eigen::MatrixXf P = prepare_points(X, metric);
  Eigen::MatrixXf PQ = prepare_points(Q, metric);
  const Eigen::RowVectorXf mean = P.colwise().mean();
  P.rowwise() -= mean;
  PQ.rowwise() -= mean;
  return blocked_knn(P, PQ, k, false, metric, stop);
}

KnnGraph update_exact_knn(const KnnGraph& old, const Eigen::MatrixXf& X_old, const Eigen::MatrixXf& X_new,
                          Metric metric, const StopFlag* stop) {
  const Eigen::Index n = X_new.rows();
  if (X_old.rows() != n || X_old.cols() != X_new.cols() || old.n != n || old.k < 1 || old.k > n ||
      old.index.size() != static_cast<std::size_t>(n) * static_cast<std::size_t>(old.k))
    throw std::invalid_argument("update_exact_knn: the previous neighbours and points (" + std::to_string(X_old.rows()) +
                                " x " + std::to_string(X_old.cols()) + ", lists of " + std::to_string(old.n) +
                                ") do not match the new points (" + std::to_string(n) + " x " +
                                std::to_string(X_new.cols()) + ")");
  const int k = old.k;
  std::vector<char> changed(static_cast<std::size_t>(n), 0);
  std::vector<int> C;
  // Column by column: the matrices are column-major.
  for (Eigen::Index c = 0; c < X_new.cols(); ++c) {
    const float* a = X_new.col(c).data();
    const float* b = X_old.col(c).data();
    for (Eigen::Index i = 0; i < n; ++i) changed[static_cast<std::size_t>(i)] |= static_cast<char>(a[i] != b[i]);
  }
  for (Eigen::Index i = 0; i < n; ++i)
    if (changed[static_cast<std::size_t>(i)]) C.push_back(static_cast<int>(i));
  if (C.empty()) return old;
  if (4 * static_cast<Eigen::Index>(C.size()) > n) return exact_knn(X_new, k, metric, stop);
  // A small update (the warm start's case) runs on one thread: its parallel regions
  // would cost more than they save on a busy machine. The result does not depend on it.
  const double work = static_cast<double>(C.size()) * static_cast<double>(n) * static_cast<double>(X_new.cols());
  const ThreadScope one_thread(work < 1e9 ? 1 : omp_get_max_threads());
  Eigen::MatrixXf P = prepare_points(X_new, metric);
  const Eigen::RowVectorXf mean = P.colwise().mean();
  P.rowwise() -= mean;
  const int k1 = k - 1;
  const bool pooled = old.pool >= k1 && k1 > 0 &&
                      old.pool_index.size() == static_cast<std::size_t>(n) * static_cast<std::size_t>(old.pool) &&
                      old.outside_sq.size() == static_cast<std::size_t>(n);
  if (!pooled) return exact_knn(X_new, k, metric, stop);
  const int pool = old.pool;
  // Squared distances of every row to the changed points: one product.
  Eigen::MatrixXf PC(static_cast<Eigen::Index>(C.size()), P.cols());
  for (std::size_t c = 0; c < C.size(); ++c) PC.row(static_cast<Eigen::Index>(c)) = P.row(C[c]);
  const Eigen::VectorXf pc_sq = PC.rowwise().squaredNorm();
  const Eigen::VectorXf p_sq = P.rowwise().squaredNorm();
  Eigen::MatrixXf D;  // n x |C|
  block_sq_distances(PC, pc_sq, 0, PC.rows(), P, p_sq, D);
  const RowMatrix ref = P;
  KnnGraph g = old;
  std::vector<char> redo(static_cast<std::size_t>(n), 0);
  for (int c : C) redo[static_cast<std::size_t>(c)] = 1;
#pragma omp parallel
  {
    std::vector<std::pair<float, int>> cand;
#pragma omp for schedule(static)
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto ui = static_cast<std::size_t>(i);
      if (redo[ui]) continue;
      // Unchanged pool members keep their measured distances; changed points (not the
      // row itself) whose estimate could beat the pool's bound are measured directly.
      const float bound = old.outside_sq[ui];
      cand.clear();
      for (int t = 0; t < pool; ++t) {
        const int j = old.pool_index[ui * static_cast<std::size_t>(pool) + static_cast<std::size_t>(t)];
        if (j >= 0 && !changed[static_cast<std::size_t>(j)])
          cand.emplace_back(old.pool_sq[ui * static_cast<std::size_t>(pool) + static_cast<std::size_t>(t)], j);
      }
      const float margin = 1e-4f * (p_sq(i) + pc_sq.maxCoeff()) + 1e-30f;
      for (std::size_t c = 0; c < C.size(); ++c) {
        const float est = D(i, static_cast<Eigen::Index>(c));
        if (est - margin <= bound || static_cast<int>(cand.size()) < k1)
          cand.emplace_back(direct_sq(ref.row(i).data(), ref.row(C[c]).data(), ref.cols()), C[c]);
      }
      std::sort(cand.begin(), cand.end());
      // Exact only if the k-1 best are all within what the old pool vouches for.
      if (static_cast<int>(cand.size()) < k1 || !(cand[static_cast<std::size_t>(k1 - 1)].first <= bound)) {
        redo[ui] = 1;
        continue;
      }
      finish_row(ref, nullptr, cand, k1, metric, g, static_cast<int>(i), 1, true);
      // The new pool: the best `pool` of the candidates. Outside it lie points beyond the
      // old bound and the candidates it drops, so the bound tightens to the first dropped.
      float nb = bound;
      if (static_cast<int>(cand.size()) > pool) nb = std::min(nb, cand[static_cast<std::size_t>(pool)].first);
      g.outside_sq[ui] = nb;
      const std::size_t o = ui * static_cast<std::size_t>(pool);
      for (int t = 0; t < pool; ++t) {
        const bool have = t < static_cast<int>(cand.size()) && cand[static_cast<std::size_t>(t)].first <= nb;
        g.pool_index[o + t] = have ? cand[static_cast<std::size_t>(t)].second : -1;
        g.pool_sq[o + t] = have ? cand[static_cast<std::size_t>(t)].first : INFINITY;
      }
    }
  }
  if (stop_requested(stop)) throw Cancelled();
  // The changed rows' full distance rows are D's columns; the other failed rows need
  // a product of their own.
  std::vector<int> R;
  for (Eigen::Index i = 0; i < n; ++i)
    if (redo[static_cast<std::size_t>(i)] && !changed[static_cast<std::size_t>(i)]) R.push_back(static_cast<int>(i));
  Eigen::MatrixXf PR(static_cast<Eigen::Index>(R.size()), P.cols());
  for (std::size_t r = 0; r < R.size(); ++r) PR.row(static_cast<Eigen::Index>(r)) = P.row(R[r]);
  const auto copy_rows = [&](const KnnGraph& gr, const std::vector<int>& rows) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto ur = static_cast<std::size_t>(rows[r]);
      for (int j = 0; j < k; ++j) {
        g.index[ur * k + static_cast<std::size_t>(j)] = gr.index[r * k + static_cast<std::size_t>(j)];
        g.distance[ur * k + static_cast<std::size_t>(j)] = gr.distance[r * k + static_cast<std::size_t>(j)];
      }
      for (int t = 0; t < pool; ++t) {
        g.pool_index[ur * pool + static_cast<std::size_t>(t)] = gr.pool_index[r * pool + static_cast<std::size_t>(t)];
        g.pool_sq[ur * pool + static_cast<std::size_t>(t)] = gr.pool_sq[r * pool + static_cast<std::size_t>(t)];
      }
      g.outside_sq[ur] = gr.outside_sq[r];
    }
  };
  copy_rows(blocked_knn(P, PC, k, true, metric, stop, &C, &ref, &D), C);
  if (!R.empty()) copy_rows(blocked_knn(P, PR, k, true, metric, stop, &R, &ref), R);
  return g;
}

KnnGraph approximate_knn(const Eigen::MatrixXf& X, int k, Metric metric, std::uint64_t seed, const StopFlag* stop) {
  check_k(k, X.rows(), "approximate_knn");
  const Eigen::Index n = X.rows();
  const Eigen::Index d = X.cols();
  const RowMatrix P = prepare_points(X, metric);
  hnswlib::L2Space space(static_cast<std::size_t>(d));
  hnswlib::HierarchicalNSW<float> index(&space, static_cast<std::size_t>(n), kHnswM, kHnswEfConstruction,
                                        static_cast<std::size_t>(seed % 0x7FFFFFFFULL));
  // Sequential insertion: parallel insertion would make the graph depend on timing.
  for (Eigen::Index i = 0; i < n; ++i) {
    if ((i & 1023) == 0 && stop_requested(stop)) throw Cancelled();
    index.addPoint(P.row(i).data(), static_cast<hnswlib::labeltype>(i));
  }
  index.setEf(static_cast<std::size_t>(std::max(3 * k, 64)));
  if (stop_requested(stop)) throw Cancelled();
  KnnGraph g;
  g.n = static_cast<int>(n);
  g.k = k;
  g.index.assign(static_cast<std::size_t>(n) * k, 0);
  g.distance.assign(static_cast<std::size_t>(n) * k, 0.0f);
  const int want = std::min<int>(static_cast<int>(n), k + kRefineExtra);
  std::atomic<bool> failed{false};
#pragma omp parallel
  {
    std::vector<std::pair<float, int>> cand;
#pragma omp for schedule(static)
    for (Eigen::Index i = 0; i < n; ++i) {
      if (failed.load(std::memory_order_relaxed)) continue;
      try {
        auto pq = index.searchKnn(P.row(i).data(), static_cast<std::size_t>(want));
        cand.clear();
        while (!pq.empty()) {
          const int j = static_cast<int>(pq.top().second);
          pq.pop();
          if (j != static_cast<int>(i)) cand.emplace_back(0.0f, j);
        }
        const std::size_t o = static_cast<std::size_t>(i) * k;
        g.index[o] = static_cast<int>(i);
        g.distance[o] = 0.0f;
        // HNSW can return fewer than asked on tiny inputs: pad from a brute-force scan.
        if (static_cast<int>(cand.size()) < k - 1) {
          cand.clear();
          for (Eigen::Index j = 0; j < n; ++j)
            if (j != i) cand.emplace_back(0.0f, static_cast<int>(j));
        }
        finish_row(P, P.row(i).data(), cand, k - 1, metric, g, static_cast<int>(i), 1);
      } catch (...) {
        failed.store(true);
      }
    }
  }
  if (failed) throw std::runtime_error("approximate_knn: the HNSW search failed");
  return g;
}

KnnGraph nearest_neighbors(const Eigen::MatrixXf& X, int k, Metric metric, KnnMethod method, std::uint64_t seed,
                           const StopFlag* stop) {
  return resolve_knn_method(method, X.rows(), X.cols()) == KnnMethod::exact ? exact_knn(X, k, metric, stop)
                                                                           : approximate_knn(X, k, metric, seed, stop);
}

}  // namespace rssviz::umap
