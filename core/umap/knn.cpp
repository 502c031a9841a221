#include "core/umap/knn.hpp"
#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <limits>
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

using RowMatrix = RowMatrixF;
constexpr int kRefineExtra = 8;
constexpr std::size_t kHnswM = 12;
constexpr std::size_t kHnswEfConstruction = 64;
constexpr Eigen::Index kMinProjectedQueries = 256;
// Low-dimensional points (maps) from this many rows: the grid search.
constexpr int kGridMaxDims = 3;
constexpr Eigen::Index kGridMinRows = 512;
// resolve_knn_method's estimate: exact when the work is at most this (multiply-adds;
// the plain product at this size takes about a second on 2 cores) ...
constexpr double kExactWorkLimit = 6.4e10;
// ... counting this many direct d-dimensional measures per row after a projection
// (A, B and C measure 23 to 28, see docs/BENCHMARKS.md).
constexpr double kMeasuredPerRow = 64.0;

float to_metric(float sq, Metric m) { return m == Metric::cosine ? 0.5f * sq : std::sqrt(sq); }

void check_k(int k, Eigen::Index n, const char* what) {
  if (n < 1) throw std::invalid_argument(std::string(what) + ": the input has no points");
  check_range("n_neighbors", static_cast<long long>(k), 1LL, static_cast<long long>(n));
}

// Calls f(j) for every j with v[j] <= t (rare, in increasing j) and returns the min of
// the other v[j] (INFINITY if none); with AVX-512 16 entries per compare, with AVX2 8.
template <class F>
float scan_at_most(const float* v, Eigen::Index n, float t, F&& f) {
  Eigen::Index j = 0;
  float best = INFINITY;
#if defined(__AVX512F__)
  __m512 acc = _mm512_set1_ps(INFINITY);
  const __m512 tv = _mm512_set1_ps(t);
  for (; j + 16 <= n; j += 16) {
    const __m512 x = _mm512_loadu_ps(v + j);
    const __mmask16 le = _mm512_cmp_ps_mask(x, tv, _CMP_LE_OQ);
    acc = _mm512_mask_min_ps(acc, static_cast<__mmask16>(~le), acc, x);
    for (unsigned m = le; m != 0; m &= m - 1) f(j + std::countr_zero(m));
  }
  best = _mm512_reduce_min_ps(acc);
#elif defined(__AVX2__)
  __m256 acc = _mm256_set1_ps(INFINITY);
  const __m256 tv = _mm256_set1_ps(t), inf = _mm256_set1_ps(INFINITY);
  for (; j + 8 <= n; j += 8) {
    const __m256 x = _mm256_loadu_ps(v + j);
    const __m256 le = _mm256_cmp_ps(x, tv, _CMP_LE_OQ);
    // min(x', acc) keeps acc where x' is NaN (MINPS returns its second operand), as the
    // scalar loop ignores NaN.
    acc = _mm256_min_ps(_mm256_blendv_ps(x, inf, le), acc);
    for (auto m = static_cast<unsigned>(_mm256_movemask_ps(le)); m != 0; m &= m - 1) f(j + std::countr_zero(m));
  }
  __m128 h = _mm_min_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  h = _mm_min_ps(h, _mm_movehl_ps(h, h));
  h = _mm_min_ss(h, _mm_shuffle_ps(h, h, 1));
  best = _mm_cvtss_f32(h);
#endif
  for (; j < n; ++j) {
    if (v[j] <= t)
      f(j);
    else if (v[j] < best)
      best = v[j];
  }
  return best;
}

// The kth smallest of v[0, n) (1 <= kth <= n). Any subset's kth smallest bounds it from
// above: a strided subset of about sqrt(kth n) entries gives a threshold that leaves
// about as many entries to select from.
float kth_smallest(const float* v, Eigen::Index n, int kth, std::vector<float>& buf) {
  const auto kk = static_cast<std::ptrdiff_t>(kth) - 1;
  const auto stride = static_cast<Eigen::Index>(std::sqrt(static_cast<double>(n) / kth));
  float t0 = INFINITY;
  if (stride >= 2) {
    buf.clear();
    for (Eigen::Index j = 0; j < n; j += stride) buf.push_back(v[j]);
    std::nth_element(buf.begin(), buf.begin() + kk, buf.end());
    t0 = buf[static_cast<std::size_t>(kk)];
  }
  buf.clear();
  for_each_at_most(v, n, t0, [&](Eigen::Index j) { buf.push_back(v[j]); });
  std::nth_element(buf.begin(), buf.begin() + kk, buf.end());
  return buf[static_cast<std::size_t>(kk)];
}

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

// Shared by every exact search. Queries `qb` (rows q_full) against references `ref`
// (rows ref_full), both centred with the reference mean and bounded by the same basis.
// Per query row i: est_j = max(0, |p_i|² + |p_j|² - 2 p_i.p_j) from one product per
// block of rows; U_j, L_j = bounds (2) of projection.hpp widened by the margin;
// tau = the pool-th smallest U over the others; every j with L_j <= tau is measured
// directly and the measured ones sorted by (distance, index). Since at least `pool`
// points lie within tau, the pool's members all have L <= tau: the result is the exact
// top `pool` by the direct float distance.
// self_query: the queries are the references, query i is reference self_index[i] (default
// i), listed first at 0 and excluded from the search. precomputed: est for every query
// (n x queries, column per query), instead of the products.
KnnGraph blocked_knn(const BoundedRows& ref, const RowMatrix& ref_full, const BoundedRows& qb, const RowMatrix& q_full,
                     int k, bool self_query, Metric metric, const StopFlag* stop,
                     const std::vector<int>* self_index = nullptr, const Eigen::MatrixXf* precomputed = nullptr) {
  const Eigen::Index n = ref.coords.rows();
  const Eigen::Index m = qb.coords.rows();
  const Eigen::Index d = ref_full.cols();
  KnnGraph g;
  g.n = static_cast<int>(m);
  g.k = k;
  g.projected_dims = ref.dims;
  g.index.assign(static_cast<std::size_t>(m) * k, 0);
  g.distance.assign(static_cast<std::size_t>(m) * k, 0.0f);
  const int others = self_query ? k - 1 : k;
  const int pool = static_cast<int>(std::min<Eigen::Index>(others + kRefineExtra, self_query ? n - 1 : n));
  const bool keep_pool = self_query && others > 0;
  if (keep_pool) {
    g.pool = pool;
    g.pool_index.assign(static_cast<std::size_t>(m) * pool, -1);
    g.pool_sq.assign(static_cast<std::size_t>(m) * pool, 0.0f);
    g.outside_sq.assign(static_cast<std::size_t>(m), 0.0f);
  }
  std::vector<int> measured(static_cast<std::size_t>(m), 0);
  const float* rr = ref.residual.data();
  const float* xs = ref.row_sq.data();
  const Eigen::Index kBlock = query_block(n);
  const Eigen::Index blocks = (m + kBlock - 1) / kBlock;
  struct Scratch {
    Eigen::MatrixXf D;
    std::vector<float> hi, lo, buf;
    std::vector<std::pair<float, int>> cand;
  };
  std::vector<Scratch> scratch(static_cast<std::size_t>(threads_for(static_cast<int>(blocks), 0)),
                               Scratch{{}, std::vector<float>(static_cast<std::size_t>(n)),
                                       std::vector<float>(static_cast<std::size_t>(n)), {}, {}});
  parallel_for(static_cast<int>(blocks), 0, [&](int b, int thread) {
    Scratch& sc = scratch[static_cast<std::size_t>(thread)];
    Eigen::MatrixXf& D = sc.D;
    std::vector<float>& hi = sc.hi;
    std::vector<float>& lo = sc.lo;
    std::vector<float>& buf = sc.buf;
    std::vector<std::pair<float, int>>& cand = sc.cand;
    const Eigen::Index r0 = b * kBlock;
    const Eigen::Index rows = std::min(kBlock, m - r0);
    if (!precomputed && others > 0) block_sq_distances(qb.coords, qb.coord_sq, r0, rows, ref.coords, ref.coord_sq, D);
    for (Eigen::Index r = 0; r < rows; ++r) {
      const int qi = static_cast<int>(r0 + r);
      const auto uq = static_cast<std::size_t>(qi);
      const int self = self_query ? (self_index ? (*self_index)[uq] : qi) : -1;
      if (self_query) {
        g.index[uq * k] = self;
        g.distance[uq * k] = 0.0f;
      }
      if (others == 0) continue;
      const float* col = precomputed ? precomputed->col(qi).data() : D.col(r).data();
      const float rq = qb.residual(qi);
      const float c = qb.margin_coef, cq = c * qb.row_sq(qi);
      // Bounds (2) for the whole row in one vectorised pass, each widened by its own
      // margin c (|x_q|² + |x_j|²); self is never a candidate.
      for (Eigen::Index j = 0; j < n; ++j) {
        const float sp = rq + rr[j], sm = rq - rr[j], margin = cq + c * xs[j];
        hi[static_cast<std::size_t>(j)] = col[j] + sp * sp + margin;
        lo[static_cast<std::size_t>(j)] = col[j] + sm * sm - margin;
      }
      if (self >= 0) hi[static_cast<std::size_t>(self)] = lo[static_cast<std::size_t>(self)] = INFINITY;
      const float tau = kth_smallest(hi.data(), n, pool, buf);
      cand.clear();
      const float* xq = q_full.row(qi).data();
      float beyond = scan_at_most(lo.data(), n, tau, [&](Eigen::Index j) {
        cand.emplace_back(direct_sq(xq, ref_full.row(j).data(), d), static_cast<int>(j));
      });
      measured[uq] = static_cast<int>(cand.size());
      finish_row(ref_full, nullptr, cand, others, metric, g, qi, self_query ? 1 : 0, true);
      if (keep_pool) {
        const std::size_t o = uq * static_cast<std::size_t>(pool);
        for (int t = 0; t < pool; ++t) {
          const bool have = t < static_cast<int>(cand.size());
          g.pool_index[o + t] = have ? cand[static_cast<std::size_t>(t)].second : -1;
          g.pool_sq[o + t] = have ? cand[static_cast<std::size_t>(t)].first : INFINITY;
        }
        // Outside the pool: unmeasured points (each at least its L) and measured
        // ones the pool dropped.
        if (static_cast<int>(cand.size()) > pool) beyond = std::min(beyond, cand[static_cast<std::size_t>(pool)].first);
        g.outside_sq[uq] = std::max(0.0f, beyond);
      }
    }
  }, stop);
  double total = 0.0;
  for (int c : measured) total += c;
  g.measured_per_row = m > 0 ? total / static_cast<double>(m) : 0.0;
  return g;
}

// Centred (and for cosine normalised) copy of X.
Eigen::MatrixXf centred(const Eigen::MatrixXf& X, Metric metric, Eigen::RowVectorXf* mean_out = nullptr) {
  Eigen::MatrixXf P = prepare_points(X, metric);
  const Eigen::RowVectorXf mean = P.colwise().mean();
  P.rowwise() -= mean;
  if (mean_out) *mean_out = mean;
  return P;
}

// The automatic projection pays when enough rows are searched to amortise fitting the
// basis (a few n d m products): fewer query rows take the plain product.
ProjectionOptions for_queries(ProjectionOptions o, Eigen::Index query_rows) {
  if (o.use == ProjectionOptions::Use::automatic && query_rows < kMinProjectedQueries)
    o.use = ProjectionOptions::Use::never;
  return o;
}

KnnGraph search_self(const Eigen::MatrixXf& P, const BoundedRows& B, int k, Metric metric, const StopFlag* stop) {
  const RowMatrix full = row_major(P);
  return blocked_knn(B, full, B, full, k, true, metric, stop);
}

// Exact self-search for low-dimensional points (d <= kGridMaxDims, e.g. a 2-D map) on a
// uniform grid of about 3 points per cell: each query visits rings of cells around its
// own (Chebyshev radius 0, 1, 2, ...) and measures every point in them; it stops once
// `pool` others are measured and the pool-th distance is below the squared distance
// from the query to the outside of the visited box (minus a rounding slack), which
// every unvisited point exceeds. Same lists, pool and bound semantics as blocked_knn.
KnnGraph grid_knn(const Eigen::MatrixXf& P, int k, Metric metric, const StopFlag* stop) {
  const Eigen::Index n = P.rows();
  const int d = static_cast<int>(P.cols());
  const RowMatrix full = row_major(P);
  KnnGraph g;
  g.n = static_cast<int>(n);
  g.k = k;
  g.index.assign(static_cast<std::size_t>(n) * k, 0);
  g.distance.assign(static_cast<std::size_t>(n) * k, 0.0f);
  const int others = k - 1;
  const int pool = static_cast<int>(std::min<Eigen::Index>(others + kRefineExtra, n - 1));
  if (others > 0) {
    g.pool = pool;
    g.pool_index.assign(static_cast<std::size_t>(n) * pool, -1);
    g.pool_sq.assign(static_cast<std::size_t>(n) * pool, 0.0f);
    g.outside_sq.assign(static_cast<std::size_t>(n), 0.0f);
  }
  // The grid: cell width h for ~3 points per cell, at most 4n cells.
  const Eigen::RowVectorXf lo = P.colwise().minCoeff(), hi = P.colwise().maxCoeff();
  const float ext_max = std::max((hi - lo).maxCoeff(), 1e-30f);
  double vol = 1.0;
  for (int c = 0; c < d; ++c) vol *= std::max<double>(hi(c) - lo(c), 1e-3 * ext_max);
  double h = std::pow(vol / std::max(1.0, static_cast<double>(n) / 3.0), 1.0 / d);
  std::array<Eigen::Index, kGridMaxDims> cells{1, 1, 1};
  for (;;) {
    double total = 1.0;
    for (int c = 0; c < d; ++c) {
      cells[static_cast<std::size_t>(c)] =
          std::max<Eigen::Index>(1, static_cast<Eigen::Index>(std::ceil((hi(c) - lo(c)) / h)));
      total *= static_cast<double>(cells[static_cast<std::size_t>(c)]);
    }
    if (total <= 4.0 * static_cast<double>(n) + 4.0) break;
    h *= 1.5;
  }
  const auto cell_of = [&](const float* x, int c) {
    const auto v = static_cast<Eigen::Index>(std::floor((x[c] - lo(c)) / h));
    return std::clamp<Eigen::Index>(v, 0, cells[static_cast<std::size_t>(c)] - 1);
  };
  const auto flat = [&](const std::array<Eigen::Index, kGridMaxDims>& ci) {
    Eigen::Index f = 0;
    for (int c = d - 1; c >= 0; --c) f = f * cells[static_cast<std::size_t>(c)] + ci[static_cast<std::size_t>(c)];
    return f;
  };
  Eigen::Index ncells = 1;
  for (int c = 0; c < d; ++c) ncells *= cells[static_cast<std::size_t>(c)];
  std::vector<Eigen::Index> home(static_cast<std::size_t>(n));
  std::vector<Eigen::Index> start(static_cast<std::size_t>(ncells) + 1, 0);
  for (Eigen::Index i = 0; i < n; ++i) {
    std::array<Eigen::Index, kGridMaxDims> ci{0, 0, 0};
    for (int c = 0; c < d; ++c) ci[static_cast<std::size_t>(c)] = cell_of(full.row(i).data(), c);
    home[static_cast<std::size_t>(i)] = flat(ci);
    ++start[static_cast<std::size_t>(home[static_cast<std::size_t>(i)]) + 1];
  }
  for (Eigen::Index c = 0; c < ncells; ++c) start[static_cast<std::size_t>(c) + 1] += start[static_cast<std::size_t>(c)];
  std::vector<int> members(static_cast<std::size_t>(n));
  {
    std::vector<Eigen::Index> fill(start.begin(), start.end() - 1);
    for (Eigen::Index i = 0; i < n; ++i)
      members[static_cast<std::size_t>(fill[static_cast<std::size_t>(home[static_cast<std::size_t>(i)])]++)] =
          static_cast<int>(i);
  }
  // A point's computed cell may be off by one rounding of (x - lo) / h near a cell
  // boundary: the box's distance is reduced by this slack.
  const float slack = 8.0f * std::numeric_limits<float>::epsilon() * (ext_max + static_cast<float>(h)) +
                      4.0f * std::numeric_limits<float>::epsilon() * std::max(lo.cwiseAbs().maxCoeff(), hi.cwiseAbs().maxCoeff());
  std::vector<int> measured(static_cast<std::size_t>(n), 0);
  std::vector<std::vector<std::pair<float, int>>> scratch(static_cast<std::size_t>(threads_for(static_cast<int>(n), 0)));
  parallel_for(static_cast<int>(n), 0, [&](int query, int thread) {
    const Eigen::Index i = query;
    std::vector<std::pair<float, int>>& cand = scratch[static_cast<std::size_t>(thread)];
    const auto ui = static_cast<std::size_t>(i);
    g.index[ui * k] = static_cast<int>(i);
    g.distance[ui * k] = 0.0f;
    if (others == 0) return;
    const float* x = full.row(i).data();
    std::array<Eigen::Index, kGridMaxDims> ci{0, 0, 0};
    for (int c = 0; c < d; ++c) ci[static_cast<std::size_t>(c)] = cell_of(x, c);
    cand.clear();
    float bound = 0.0f;  // squared distance beyond which nothing is unvisited
    for (Eigen::Index rad = 0;; ++rad) {
      // Visit the cells at Chebyshev distance exactly rad (the shell).
      std::array<Eigen::Index, kGridMaxDims> a{0, 0, 0}, b{0, 0, 0}, cur{0, 0, 0};
      bool covers = true;  // the box covers the whole grid
      for (int c = 0; c < d; ++c) {
        const auto uc = static_cast<std::size_t>(c);
        a[uc] = std::max<Eigen::Index>(0, ci[uc] - rad);
        b[uc] = std::min<Eigen::Index>(cells[uc] - 1, ci[uc] + rad);
        covers = covers && a[uc] == 0 && b[uc] == cells[uc] - 1;
        cur[uc] = a[uc];
      }
      for (;;) {
        bool shell = false;
        for (int c = 0; c < d; ++c) {
          const auto uc = static_cast<std::size_t>(c);
          shell = shell || cur[uc] == ci[uc] - rad || cur[uc] == ci[uc] + rad;
        }
        if (shell || rad == 0) {
          const Eigen::Index f = flat(cur);
          for (Eigen::Index t = start[static_cast<std::size_t>(f)]; t < start[static_cast<std::size_t>(f) + 1]; ++t) {
            const int j = members[static_cast<std::size_t>(t)];
            if (j != static_cast<int>(i)) cand.emplace_back(direct_sq(x, full.row(j).data(), d), j);
          }
        }
        int c = 0;
        while (c < d && ++cur[static_cast<std::size_t>(c)] > b[static_cast<std::size_t>(c)]) {
          cur[static_cast<std::size_t>(c)] = a[static_cast<std::size_t>(c)];
          ++c;
        }
        if (c == d) break;
      }
      if (covers) {
        bound = INFINITY;
        break;
      }
      // Distance from x to the outside of the visited box (sides at the grid's edge
      // have nothing beyond them).
      float gap = INFINITY;
      for (int c = 0; c < d; ++c) {
        const auto uc = static_cast<std::size_t>(c);
        if (a[uc] > 0) gap = std::min(gap, x[c] - (lo(c) + static_cast<float>(h * static_cast<double>(a[uc]))));
        if (b[uc] < cells[uc] - 1)
          gap = std::min(gap, lo(c) + static_cast<float>(h * static_cast<double>(b[uc] + 1)) - x[c]);
      }
      gap = std::max(0.0f, gap - slack);
      bound = gap * gap * (1.0f - 8.0f * std::numeric_limits<float>::epsilon());
      if (static_cast<int>(cand.size()) >= pool) {
        std::nth_element(cand.begin(), cand.begin() + (pool - 1), cand.end());
        if (cand[static_cast<std::size_t>(pool - 1)].first < bound) break;
      }
    }
    measured[ui] = static_cast<int>(cand.size());
    finish_row(full, nullptr, cand, others, metric, g, static_cast<int>(i), 1, true);
    const std::size_t o = ui * static_cast<std::size_t>(pool);
    for (int t = 0; t < pool; ++t) {
      g.pool_index[o + t] = cand[static_cast<std::size_t>(t)].second;
      g.pool_sq[o + t] = cand[static_cast<std::size_t>(t)].first;
    }
    float beyond = bound;
    if (static_cast<int>(cand.size()) > pool) beyond = std::min(beyond, cand[static_cast<std::size_t>(pool)].first);
    g.outside_sq[ui] = beyond;
  }, stop);
  double total = 0.0;
  for (int c : measured) total += c;
  g.measured_per_row = n > 0 ? total / static_cast<double>(n) : 0.0;
  return g;
}

}  // namespace

KnnMethod resolve_knn_method(KnnMethod m, Eigen::Index n, Eigen::Index d, int projected_dims) {
  if (m != KnnMethod::automatic) return m;
  const double nn = static_cast<double>(n) * static_cast<double>(n);
  const double work = projected_dims > 0
                          ? nn * projected_dims + static_cast<double>(n) * kMeasuredPerRow * static_cast<double>(d)
                          : nn * static_cast<double>(d);
  return (n <= 4096 || work <= kExactWorkLimit) ? KnnMethod::exact : KnnMethod::approximate;
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

KnnGraph exact_knn(const Eigen::MatrixXf& X, int k, Metric metric, const StopFlag* stop,
                   const ProjectionOptions& projection) {
  check_k(k, X.rows(), "exact_knn");
  const Eigen::MatrixXf P = centred(X, metric);
  if (P.cols() <= kGridMaxDims && P.rows() >= kGridMinRows) return grid_knn(P, k, metric, stop);
  return search_self(P, make_bounded_rows(P, for_queries(projection, P.rows()), stop), k, metric, stop);
}

KnnGraph exact_knn_query(const Eigen::MatrixXf& X, const Eigen::MatrixXf& Q, int k, Metric metric,
                         const StopFlag* stop, const ProjectionOptions& projection) {
  check_k(k, X.rows(), "exact_knn_query");
  if (Q.cols() != X.cols())
    throw std::invalid_argument("query points have " + std::to_string(Q.cols()) + " columns, the data " +
                                std::to_string(X.cols()));
  Eigen::RowVectorXf mean;
  const Eigen::MatrixXf P = centred(X, metric, &mean);
  Eigen::MatrixXf PQ = prepare_points(Q, metric);
  PQ.rowwise() -= mean;
  const Eigen::MatrixXf basis = fit_projection_basis(P, for_queries(projection, Q.rows()), stop);
  const BoundedRows B = bound_rows(P, basis, stop);
  const BoundedRows BQ = bound_rows(PQ, basis, stop);
  return blocked_knn(B, row_major(P), BQ, row_major(PQ), k, false, metric, stop);
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
  const ThreadScope one_thread(work < 1e9 ? 1 : current_threads());
  const BoundedRows IP = identity_rows(centred(X_new, metric));
  const Eigen::MatrixXf& P = IP.coords;
  const int k1 = k - 1;
  const bool pooled = old.pool >= k1 && k1 > 0 &&
                      old.pool_index.size() == static_cast<std::size_t>(n) * static_cast<std::size_t>(old.pool) &&
                      old.outside_sq.size() == static_cast<std::size_t>(n);
  if (!pooled) return exact_knn(X_new, k, metric, stop);
  const int pool = old.pool;
  // Squared distances of every row to the changed points: one product.
  Eigen::MatrixXf PC(static_cast<Eigen::Index>(C.size()), P.cols());
  for (std::size_t c = 0; c < C.size(); ++c) PC.row(static_cast<Eigen::Index>(c)) = P.row(C[c]);
  const BoundedRows IC = identity_rows(PC);
  const Eigen::VectorXf& pc_sq = IC.coord_sq;
  const Eigen::VectorXf& p_sq = IP.coord_sq;
  Eigen::MatrixXf D;  // n x |C|
  block_sq_distances(PC, pc_sq, 0, PC.rows(), P, p_sq, D);
  const RowMatrix ref = row_major(P);
  KnnGraph g = old;
  std::vector<char> redo(static_cast<std::size_t>(n), 0);
  for (int c : C) redo[static_cast<std::size_t>(c)] = 1;
  std::vector<std::vector<std::pair<float, int>>> scratch(static_cast<std::size_t>(threads_for(static_cast<int>(n), 0)));
  parallel_for(static_cast<int>(n), 0, [&](int row, int thread) {
    const Eigen::Index i = row;
    std::vector<std::pair<float, int>>& cand = scratch[static_cast<std::size_t>(thread)];
    const auto ui = static_cast<std::size_t>(i);
    if (redo[ui]) return;
    // Unchanged pool members keep their measured distances; changed points (not the
    // row itself) whose estimate could beat the pool's bound are measured directly.
    const float bound = old.outside_sq[ui];
    cand.clear();
    for (int t = 0; t < pool; ++t) {
      const int j = old.pool_index[ui * static_cast<std::size_t>(pool) + static_cast<std::size_t>(t)];
      if (j >= 0 && !changed[static_cast<std::size_t>(j)])
        cand.emplace_back(old.pool_sq[ui * static_cast<std::size_t>(pool) + static_cast<std::size_t>(t)], j);
    }
    const float margin = IP.margin(p_sq(i), IC.max_row_sq);
    for (std::size_t c = 0; c < C.size(); ++c) {
      const float est = D(i, static_cast<Eigen::Index>(c));
      if (est - margin <= bound || static_cast<int>(cand.size()) < k1)
        cand.emplace_back(direct_sq(ref.row(i).data(), ref.row(C[c]).data(), ref.cols()), C[c]);
    }
    std::sort(cand.begin(), cand.end());
    // Exact only if the k-1 best are all within what the old pool vouches for.
    if (static_cast<int>(cand.size()) < k1 || !(cand[static_cast<std::size_t>(k1 - 1)].first <= bound)) {
      redo[ui] = 1;
      return;
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
  }, stop);
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
  copy_rows(blocked_knn(IP, ref, IC, row_major(PC), k, true, metric, stop, &C, &D), C);
  if (!R.empty()) {
    // Many failed rows: a projection pays for itself (see exact_knn); few: the plain product.
    const Eigen::MatrixXf basis =
        fit_projection_basis(P, for_queries(ProjectionOptions{}, static_cast<Eigen::Index>(R.size())), stop);
    if (basis.size() == 0) {
      copy_rows(blocked_knn(IP, ref, identity_rows(PR), row_major(PR), k, true, metric, stop, &R), R);
    } else {
      copy_rows(blocked_knn(bound_rows(P, basis, stop), ref, bound_rows(PR, basis, stop), row_major(PR), k, true,
                            metric, stop, &R),
                R);
    }
  }
  return g;
}

KnnGraph approximate_knn(const Eigen::MatrixXf& X, int k, Metric metric, std::uint64_t seed, const StopFlag* stop) {
  check_k(k, X.rows(), "approximate_knn");
  const Eigen::Index n = X.rows();
  const Eigen::Index d = X.cols();
  const RowMatrix P = row_major(prepare_points(X, metric));
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
  std::vector<std::vector<std::pair<float, int>>> scratch(static_cast<std::size_t>(threads_for(static_cast<int>(n), 0)));
  try {
    parallel_for(static_cast<int>(n), 0, [&](int row, int thread) {
      const Eigen::Index i = row;
      std::vector<std::pair<float, int>>& cand = scratch[static_cast<std::size_t>(thread)];
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
    }, stop);
  } catch (const Cancelled&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("approximate_knn: the HNSW search failed: ") + e.what());
  }
  return g;
}

KnnGraph nearest_neighbors(const Eigen::MatrixXf& X, int k, Metric metric, KnnMethod method, std::uint64_t seed,
                           const StopFlag* stop, KnnMethod* used) {
  KnnMethod use = resolve_knn_method(method, X.rows(), X.cols());
  if (method == KnnMethod::automatic && use == KnnMethod::approximate) {
    // The plain product is too big; the projected search may not be.
    check_k(k, X.rows(), "nearest_neighbors");
    const Eigen::MatrixXf P = centred(X, metric);
    BoundedRows B = make_bounded_rows(P, {}, stop);
    if (resolve_knn_method(method, X.rows(), X.cols(), B.dims) == KnnMethod::exact) {
      if (used) *used = KnnMethod::exact;
      return search_self(P, B, k, metric, stop);
    }
  }
  if (used) *used = use;
  return use == KnnMethod::exact ? exact_knn(X, k, metric, stop) : approximate_knn(X, k, metric, seed, stop);
}

}  // namespace rssviz::umap
