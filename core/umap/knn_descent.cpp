#include "core/common/memory.hpp"
#include "core/umap/knn_descent.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/check.hpp"
#include "core/common/parallel.hpp"
#include "core/common/transpose.hpp"
#include "core/umap/projection.hpp"

namespace rssviz::umap {
namespace {

// Rows per block of the parallel passes (static blocks: the result is thread-independent).
constexpr Eigen::Index kRowsPerBlock = 128;

float metric_of(float sq, Metric m) { return m == Metric::cosine ? 0.5f * sq : std::sqrt(sq); }

struct Lists {
  int K = 0;
  std::vector<int> index;          // n*K, -1 = empty slot (score INFINITY)
  std::vector<float> score;        // n*K, sorted by (score, index) within a row
  std::vector<std::uint8_t> fresh; // n*K: entered in the last round
  void resize(Eigen::Index n, int k) {
    K = k;
    index.assign(static_cast<std::size_t>(n) * k, -1);
    score.assign(static_cast<std::size_t>(n) * k, INFINITY);
    fresh.assign(static_cast<std::size_t>(n) * k, 0);
  }
};

// Sorted insertion of (s, j) into a row of K kept (score, index) pairs; false when not better.
bool insert_sorted(float s, int j, int* idx, float* sc, std::uint8_t* fr, int K) {
  if (!(s < sc[K - 1] || (s == sc[K - 1] && (idx[K - 1] < 0 || j < idx[K - 1])))) return false;
  int p = K - 1;
  while (p > 0 && (sc[p - 1] > s || (sc[p - 1] == s && (idx[p - 1] < 0 || idx[p - 1] > j)))) {
    sc[p] = sc[p - 1];
    idx[p] = idx[p - 1];
    fr[p] = fr[p - 1];
    --p;
  }
  sc[p] = s;
  idx[p] = j;
  fr[p] = 1;
  return true;
}

}  // namespace

double knn_recall(const KnnGraph& approximate, const KnnGraph& exact) {
  if (approximate.n != exact.n || approximate.k != exact.k)
    throw std::invalid_argument("knn_recall: graphs of " + std::to_string(approximate.n) + " x " +
                                std::to_string(approximate.k) + " and " + std::to_string(exact.n) + " x " +
                                std::to_string(exact.k) + " lists");
  if (exact.n == 0 || exact.k < 2) return 1.0;
  // Per row, the size of the multiset intersection of the two lists (self excluded), by a
  // merge of the sorted lists; rows in parallel blocks, counts summed in block order.
  const int blocks = (exact.n + static_cast<int>(kRowsPerBlock) - 1) / static_cast<int>(kRowsPerBlock);
  std::vector<long long> found_in(static_cast<std::size_t>(blocks), 0);
  parallel_for(blocks, 0, [&](int b, int) {
    std::vector<int> a(static_cast<std::size_t>(exact.k - 1)), e(a.size());
    long long found = 0;
    const int r1 = std::min(exact.n, (b + 1) * static_cast<int>(kRowsPerBlock));
    for (int i = b * static_cast<int>(kRowsPerBlock); i < r1; ++i) {
      const auto row = static_cast<std::ptrdiff_t>(i) * exact.k + 1;
      std::copy_n(approximate.index.begin() + row, a.size(), a.begin());
      std::copy_n(exact.index.begin() + row, e.size(), e.begin());
      std::sort(a.begin(), a.end());
      std::sort(e.begin(), e.end());
      for (std::size_t p = 0, q = 0; p < a.size() && q < e.size();) {
        if (a[p] < e[q]) ++p;
        else if (e[q] < a[p]) ++q;
        else {
          ++found;
          ++p;
          ++q;
        }
      }
    }
    found_in[static_cast<std::size_t>(b)] = found;
  });
  long long found = 0;
  for (long long f : found_in) found += f;
  return static_cast<double>(found) / (static_cast<double>(exact.n) * (exact.k - 1));
}

DescentResult descend_knn(const Eigen::MatrixXf& X, const KnnGraph& start, int k, Metric metric,
                          const Eigen::MatrixXf& basis, const DescentOptions& opt, const StopFlag* stop) {
  const Eigen::Index n = X.rows(), d = X.cols();
  if (n < 1 || d < 1) throw std::invalid_argument("descend_knn: the input has no points");
  check_range("n_neighbors", static_cast<long long>(k), 1LL, static_cast<long long>(n));
  check_range("extra", opt.extra, 0, 256);
  check_range("max_rounds", opt.max_rounds, 1, 1000);
  check_range("min_change", opt.min_change, 0.0, 1.0);
  check_range("reuse_variance", opt.reuse_variance, 0.0, 1.0);
  if (start.n != n)
    throw std::invalid_argument("descend_knn: the start graph has " + std::to_string(start.n) + " points, the input " +
                                std::to_string(n));
  if (basis.size() > 0 && basis.rows() != d)
    throw std::invalid_argument("descend_knn: the basis has " + std::to_string(basis.rows()) + " rows, the input " +
                                std::to_string(d) + " columns");
  const int threads = resolve_threads(opt.threads);
  DescentResult res;
  KnnGraph& g = res.graph;
  g.n = static_cast<int>(n);
  g.k = k;
  g.index.assign(static_cast<std::size_t>(n) * k, 0);
  g.distance.assign(static_cast<std::size_t>(n) * k, 0.0f);
  for (Eigen::Index i = 0; i < n; ++i) g.index[static_cast<std::size_t>(i) * k] = static_cast<int>(i);
  const int others = k - 1;
  if (others == 0) return res;
  const int K = static_cast<int>(std::min<Eigen::Index>(others + opt.extra, n - 1));  // >= others, as k <= n

  // 1. Prepared rows, their mean and centred squared norms (column passes).
  Eigen::MatrixXf normalised;
  if (metric == Metric::cosine) normalised = prepare_points(X, metric);
  const Eigen::MatrixXf& P = metric == Metric::cosine ? normalised : X;
  // One pass over the columns (each stays in L1 between its two reads); a NaN or an
  // infinity makes its column's mean non-finite, and prepare_points then names the row.
  Eigen::RowVectorXf mean(d);
  Eigen::VectorXf xc_sq = Eigen::VectorXf::Zero(n);
  bool finite = true;
  for (Eigen::Index c = 0; c < d; ++c) {
    const float mc = P.col(c).mean();
    finite = finite && std::isfinite(mc);
    mean(c) = mc;
    xc_sq.array() += (P.col(c).array() - mc).square();
  }
  if (!finite) (void)prepare_points(X, metric);
  const double total = xc_sq.cast<double>().sum();

  Eigen::MatrixXf coords;
  const auto project = [&](const Eigen::MatrixXf& Q) {
    coords.noalias() = P * Q;
    coords.rowwise() -= mean * Q;
    const double kept = coords.cwiseAbs2().cast<double>().sum();
    return total > 0.0 ? kept / total : 1.0;
  };
  if (basis.size() > 0 && basis.cols() > 0) {
    res.basis = basis;
    res.kept_variance = project(basis);
  }
  if (res.basis.size() == 0 || res.kept_variance < opt.reuse_variance) {
    Eigen::MatrixXf Xc = P;
    Xc.rowwise() -= mean;
    res.basis = fit_projection_basis(Xc, {}, stop);
    res.basis_fitted = true;
    if (res.basis.cols() == 0) {
      res.graph = KnnGraph{};
      return res;
    }
    res.kept_variance = project(res.basis);
  }
  const int m = static_cast<int>(res.basis.cols());
  const RowMatrixF pr = coords;  // n x m, a row per point
  std::vector<float> rsq(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i)
    rsq[static_cast<std::size_t>(i)] = std::max(0.0f, xc_sq(i) - pr.row(i).squaredNorm());
  const auto score = [&](Eigen::Index i, Eigen::Index j) {
    const Eigen::Map<const Eigen::VectorXf> a(pr.row(i).data(), m), b(pr.row(j).data(), m);
    return (a - b).squaredNorm() + rsq[static_cast<std::size_t>(i)] + rsq[static_cast<std::size_t>(j)];
  };
  const int blocks = static_cast<int>((n + kRowsPerBlock - 1) / kRowsPerBlock);
  const auto rows_of = [&](int b, const auto& body) {
    const Eigen::Index r1 = std::min<Eigen::Index>(n, (b + 1) * kRowsPerBlock);
    for (Eigen::Index i = b * kRowsPerBlock; i < r1; ++i) body(i);
  };

  // 2. Start lists: the previous graph's pool (or lists), re-scored, duplicates dropped.
  Lists cur, next;
  cur.resize(n, K);
  next.resize(n, K);
  // Per-thread marks of the points already offered to row i (mark[j] == i); cleared
  // before every pass, since each pass uses the row index as its stamp.
  std::vector<std::vector<int>> seen(static_cast<std::size_t>(threads_for(blocks, threads)),
                                    std::vector<int>(static_cast<std::size_t>(n), -1));
  const auto clear_marks = [&] {
    for (auto& mk : seen) std::fill(mk.begin(), mk.end(), -1);
  };
  parallel_for(blocks, threads, [&](int b, int t) {
    std::vector<int>& mark = seen[static_cast<std::size_t>(t)];
    rows_of(b, [&](Eigen::Index i) {
      const auto o = static_cast<std::size_t>(i) * K;
      mark[static_cast<std::size_t>(i)] = static_cast<int>(i);
      const auto offer = [&](int j) {
        if (j < 0 || j >= n || mark[static_cast<std::size_t>(j)] == i) return;
        mark[static_cast<std::size_t>(j)] = static_cast<int>(i);
        insert_sorted(score(i, j), j, &cur.index[o], &cur.score[o], &cur.fresh[o], K);
      };
      for (int t2 = 0; t2 < start.pool; ++t2) offer(start.pool_index[static_cast<std::size_t>(i) * start.pool + t2]);
      for (int t2 = 0; t2 < start.k; ++t2) offer(start.index[static_cast<std::size_t>(i) * start.k + t2]);
      for (int t2 = 0; t2 < K; ++t2) cur.fresh[o + t2] = 1;
    });
  }, stop);

  // 3. Rounds of local joins.
  std::vector<int> rev_start(static_cast<std::size_t>(n) + 1), rev, rev_count(static_cast<std::size_t>(n));
  std::vector<std::uint8_t> rev_fresh, live(static_cast<std::size_t>(n));
  std::vector<long long> changed(static_cast<std::size_t>(blocks));
  for (int round = 0; round < opt.max_rounds; ++round) {
    if (stop_requested(stop)) throw Cancelled();
    clear_marks();
    // Reverse neighbours among the first k - 1 (K >= k - 1), at most k - 1 per point,
    // lowest i first; live[u]: one of u's first k - 1 entered in the last round (a u that
    // is not fresh itself offers only those, so without one it offers nothing).
    std::fill(rev_count.begin(), rev_count.end(), 0);
    for (Eigen::Index i = 0; i < n; ++i) {
      std::uint8_t any = 0;
      for (int t = 0; t < others; ++t) {
        const int j = cur.index[static_cast<std::size_t>(i) * K + t];
        any |= cur.fresh[static_cast<std::size_t>(i) * K + t];
        if (j >= 0 && rev_count[static_cast<std::size_t>(j)] < others) ++rev_count[static_cast<std::size_t>(j)];
      }
      live[static_cast<std::size_t>(i)] = any;
    }
    rev_start[0] = 0;
    for (Eigen::Index j = 0; j < n; ++j)
      rev_start[static_cast<std::size_t>(j) + 1] = rev_start[static_cast<std::size_t>(j)] + rev_count[static_cast<std::size_t>(j)];
    rev.assign(static_cast<std::size_t>(rev_start.back()), -1);
    rev_fresh.assign(rev.size(), 0);
    std::fill(rev_count.begin(), rev_count.end(), 0);
    for (Eigen::Index i = 0; i < n; ++i)
      for (int t = 0; t < others; ++t) {
        const auto o = static_cast<std::size_t>(i) * K + t;
        const int j = cur.index[o];
        if (j < 0) continue;
        int& c = rev_count[static_cast<std::size_t>(j)];
        const int cap = rev_start[static_cast<std::size_t>(j) + 1] - rev_start[static_cast<std::size_t>(j)];
        if (c >= cap) continue;
        const auto at = static_cast<std::size_t>(rev_start[static_cast<std::size_t>(j)] + c++);
        rev[at] = static_cast<int>(i);
        rev_fresh[at] = cur.fresh[o];
      }

    parallel_for(blocks, threads, [&](int b, int t) {
      std::vector<int>& mark = seen[static_cast<std::size_t>(t)];
      std::vector<int> offered;
      std::vector<float> offered_score;
      long long ch = 0;
      rows_of(b, [&](Eigen::Index i) {
        const auto o = static_cast<std::size_t>(i) * K;
        int* idx = &next.index[o];
        float* sc = &next.score[o];
        std::uint8_t* fr = &next.fresh[o];
        std::copy_n(&cur.index[o], K, idx);
        std::copy_n(&cur.score[o], K, sc);
        std::fill_n(fr, K, std::uint8_t{0});
        const int stamp = static_cast<int>(i);
        mark[static_cast<std::size_t>(i)] = stamp;
        for (int q = 0; q < K; ++q)
          if (idx[q] >= 0) mark[static_cast<std::size_t>(idx[q])] = stamp;
        const auto join = [&](int u, bool u_fresh) {
          if (!u_fresh && !live[static_cast<std::size_t>(u)]) return;
          const auto ou = static_cast<std::size_t>(u) * K;
          for (int q = 0; q < others; ++q) {
            const int v = cur.index[ou + q];
            if (v < 0 || (!u_fresh && !cur.fresh[ou + q]) || mark[static_cast<std::size_t>(v)] == stamp) continue;
            mark[static_cast<std::size_t>(v)] = stamp;
            offered.push_back(v);
          }
        };
        offered.clear();
        for (int q = 0; q < others; ++q) {
          const int u = cur.index[o + q];
          if (u >= 0) join(u, cur.fresh[o + q] != 0);
        }
        for (int r = rev_start[static_cast<std::size_t>(i)]; r < rev_start[static_cast<std::size_t>(i) + 1]; ++r)
          join(rev[static_cast<std::size_t>(r)], rev_fresh[static_cast<std::size_t>(r)] != 0);
        // Scored apart from the walk, then inserted in the order offered.
        offered_score.resize(offered.size());
        for (std::size_t c = 0; c < offered.size(); ++c) offered_score[c] = score(i, offered[c]);
        for (std::size_t c = 0; c < offered.size(); ++c)
          if (insert_sorted(offered_score[c], offered[c], idx, sc, fr, K)) ++ch;
      });
      changed[static_cast<std::size_t>(b)] = ch;
    }, stop);
    std::swap(cur, next);
    long long total_changed = 0;
    for (long long c : changed) total_changed += c;
    ++res.rounds;
    if (static_cast<double>(total_changed) / (static_cast<double>(n) * K) < opt.min_change) break;
  }

  // 4. Final lists. Bounds (2) of projection.hpp from the scores: L = s - 2 r_i r_j <=
  // |x_i - x_j|² <= s + 2 r_i r_j = U; with tau the (k-1)-th smallest U of the
  // candidates, only those with L <= tau can be among the k - 1 nearest of them, and
  // only those are measured directly in d dimensions (rows copied point-major first).
  RowMatrixF full(n, d);
  prefer_huge_pages(full);
  // 8 x 8 register transposes, 8 rows at a time, each row written front to back (scalar
  // 32 x 32 tiles took 7-13 ms for 28 MB, a column band over all the block's rows 10-20).
  parallel_for(blocks, threads, [&](int b, int) {
    const Eigen::Index r0 = b * kRowsPerBlock, r1 = std::min<Eigen::Index>(n, r0 + kRowsPerBlock);
    const Eigen::Index whole = r0 + (r1 - r0) / 8 * 8;  // rows covered by 8-row groups
    Eigen::Index c_done = 0;
    for (Eigen::Index i0 = r0; i0 < whole; i0 += 8) {
      for (c_done = 0; c_done + 8 <= d; c_done += 8) {
        const float* src[8];
        for (int l = 0; l < 8; ++l) src[l] = P.col(c_done + l).data() + i0;
        transpose8x8(src, full.row(i0).data() + c_done, static_cast<std::size_t>(d));
      }
    }
    for (Eigen::Index i = r0; i < r1; ++i)
      for (Eigen::Index c = i < whole ? c_done : 0; c < d; ++c) full(i, c) = P(i, c);
  });
  g.pool = K;
  g.pool_index.assign(static_cast<std::size_t>(n) * K, -1);
  // The candidates each point measures, in list order: pass[i K + q], q < passed[i].
  std::vector<int> pass(static_cast<std::size_t>(n) * K, -1), passed(static_cast<std::size_t>(n), 0);
  std::vector<float> dist(static_cast<std::size_t>(n) * K, 0.0f);
  // shared[i K + q]: where in j = pass[i K + q]'s row the pair's distance is (j measured
  // it), or -1 (i measures it).
  std::vector<int> shared(static_cast<std::size_t>(n) * K, -1);
  parallel_for(blocks, threads, [&](int b, int) {
    std::vector<float> upper;
    rows_of(b, [&](Eigen::Index i) {
      upper.clear();
      const auto o = static_cast<std::size_t>(i) * K;
      const float ri = std::sqrt(rsq[static_cast<std::size_t>(i)]);
      for (int q = 0; q < K; ++q) {
        const int j = cur.index[o + q];
        if (j < 0) continue;
        g.pool_index[o + q] = j;
        upper.push_back(cur.score[o + q] + 2.0f * ri * std::sqrt(rsq[static_cast<std::size_t>(j)]));
      }
      float tau = INFINITY;
      if (static_cast<int>(upper.size()) >= others) {
        std::nth_element(upper.begin(), upper.begin() + (others - 1), upper.end());
        // Widened by a relative margin: the scores are float sums, not exact.
        tau = upper[static_cast<std::size_t>(others - 1)] * (1.0f + 1e-4f);
      }
      int c = 0;
      for (int q = 0; q < K; ++q) {
        const int j = cur.index[o + q];
        if (j < 0) continue;
        const float lower = cur.score[o + q] - 2.0f * ri * std::sqrt(rsq[static_cast<std::size_t>(j)]);
        if (lower <= tau) pass[o + c++] = j;
      }
      passed[static_cast<std::size_t>(i)] = c;
    });
  }, stop);
  // Position of i among the points j measures, or -1.
  const auto slot_of = [&](int j, Eigen::Index i) {
    const auto oj = static_cast<std::size_t>(j) * K;
    for (int q = 0; q < passed[static_cast<std::size_t>(j)]; ++q)
      if (pass[oj + q] == i) return q;
    return -1;
  };
  // Distances in d dimensions, each pair once (a pair both points measure is computed by
  // the lower index; direct_sq is symmetric to the bit). Reading the 4 KB rows is what
  // this step costs, and a neighbour is often a neighbour's neighbour both ways.
  parallel_for(blocks, threads, [&](int b, int) {
    rows_of(b, [&](Eigen::Index i) {
      const auto o = static_cast<std::size_t>(i) * K;
      for (int q = 0; q < passed[static_cast<std::size_t>(i)]; ++q) {
        const int j = pass[o + q];
        if (j < i) shared[o + q] = slot_of(j, i);
        if (shared[o + q] < 0) dist[o + q] = direct_sq(full.row(i).data(), full.row(j).data(), d);
      }
    });
  }, stop);
  parallel_for(blocks, threads, [&](int b, int) {
    std::vector<std::pair<float, int>> cand;
    rows_of(b, [&](Eigen::Index i) {
      cand.clear();
      const auto o = static_cast<std::size_t>(i) * K;
      for (int q = 0; q < passed[static_cast<std::size_t>(i)]; ++q) {
        const int j = pass[o + q], back = shared[o + q];
        cand.emplace_back(back >= 0 ? dist[static_cast<std::size_t>(j) * K + back] : dist[o + q], j);
      }
      // Too few candidates (tiny or broken start): every point, n - 1 >= k - 1 of them.
      if (static_cast<int>(cand.size()) < others) {
        cand.clear();
        for (Eigen::Index j = 0; j < n; ++j)
          if (j != i) cand.emplace_back(direct_sq(full.row(i).data(), full.row(j).data(), d), static_cast<int>(j));
      }
      std::sort(cand.begin(), cand.end());
      for (int q = 0; q < others; ++q) {
        const auto at = static_cast<std::size_t>(i) * k + 1 + q;
        g.index[at] = cand[static_cast<std::size_t>(q)].second;
        g.distance[at] = metric_of(cand[static_cast<std::size_t>(q)].first, metric);
      }
    });
  }, stop);
  return res;
}

}  // namespace rssviz::umap
