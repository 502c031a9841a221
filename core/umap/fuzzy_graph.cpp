#include "core/umap/fuzzy_graph.hpp"

#include <Eigen/Cholesky>
#include <Eigen/StdVector>
#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/common/check.hpp"
#include "core/common/parallel.hpp"

namespace rssviz::umap {
namespace {
constexpr int kIterations = 64;
constexpr double kTolerance = 1e-5;
constexpr double kMinScale = 1e-3;
}  // namespace

SmoothKnn smooth_knn_dist(const KnnGraph& knn, float local_connectivity, bool skip_first, float bandwidth) {
  check_range("local_connectivity", local_connectivity, 0.0f, static_cast<float>(knn.k));
  const int n = knn.n;
  const int k = knn.k;
  const int first = skip_first ? 1 : 0;
  const double target = std::log2(static_cast<double>(k)) * bandwidth;
  double mean_all = 0.0;
  for (float d : knn.distance) mean_all += d;
  mean_all /= std::max<std::size_t>(1, knn.distance.size());
  SmoothKnn out;
  out.sigma.assign(static_cast<std::size_t>(n), 1.0f);
  out.rho.assign(static_cast<std::size_t>(n), 0.0f);
  // Eight rows at a time, one per vector lane: a row's bisection is a chain of up to 64
  // rounds, each waiting on the last (k exponentials, a sum, a branch), so one row at a
  // time left the vector units idle (~1.2 us a row); in lanes the rows' rounds overlap,
  // and each round costs k packet exponentials for 8 rows. A lane's rounds are a row's
  // rounds, stopped as the row's own would be; psum sums its k terms in list order. From
  // a few thousand rows the groups are shared out (below, waking the other threads costs
  // more than it saves on a busy machine); the result is the same either way.
  constexpr int kLanes = 8;
  using Lanes = Eigen::Array<double, kLanes, 1>;
  const int threads = threads_if(n >= 2048);
  const int width = std::max(0, k - first);
  const int groups = (n + kLanes - 1) / kLanes;
  struct Scratch {
    std::vector<double> nz;
    std::vector<Lanes, Eigen::aligned_allocator<Lanes>> dd;  // dd[j]: the j-th distance past rho of each lane's row
  };
  std::vector<Scratch> scratch(static_cast<std::size_t>(threads_for(groups, threads)));
  for (Scratch& sc : scratch) {
    sc.nz.reserve(static_cast<std::size_t>(k));
    sc.dd.resize(static_cast<std::size_t>(width));
  }
  parallel_for(groups, threads, [&](int g, int t) {
    Scratch& sc = scratch[static_cast<std::size_t>(t)];
    const int i0 = g * kLanes, rows = std::min(kLanes, n - i0);
    std::array<double, kLanes> rho{};
    for (int l = 0; l < kLanes; ++l) {
      if (l >= rows) {  // no row: distances 0 (its lane is never read back)
        for (int j = 0; j < width; ++j) sc.dd[static_cast<std::size_t>(j)][l] = 0.0;
        continue;
      }
      const float* d = knn.distance.data() + static_cast<std::size_t>(i0 + l) * k;
      // rho: local_connectivity-th non-zero distance, interpolated.
      std::vector<double>& nz = sc.nz;
      nz.clear();
      for (int j = first; j < k; ++j)
        if (d[j] > 0.0f) nz.push_back(d[j]);
      double r = 0.0;
      if (!nz.empty() && static_cast<double>(nz.size()) >= local_connectivity) {
        const int idx = static_cast<int>(std::floor(local_connectivity));
        const double interp = local_connectivity - idx;
        if (idx > 0) {
          r = nz[static_cast<std::size_t>(idx - 1)];
          if (interp > kTolerance && idx < static_cast<int>(nz.size()))
            r += interp * (nz[static_cast<std::size_t>(idx)] - nz[static_cast<std::size_t>(idx - 1)]);
        } else {
          r = interp * nz[0];
        }
      } else if (!nz.empty()) {
        r = *std::max_element(nz.begin(), nz.end());
      }
      rho[static_cast<std::size_t>(l)] = r;
      // The distances past rho (the row's own and the nearest count 1 each).
      for (int j = 0; j < width; ++j) {
        const double x = static_cast<double>(d[first + j]) - r;
        sc.dd[static_cast<std::size_t>(j)][l] = x > 0.0 ? x : 0.0;  // a NaN counts 1, as umap-learn's loop
      }
    }
    // The bisection on sigma, lane by lane as umap-learn's loop row by row.
    Lanes lo = Lanes::Zero(), hi = Lanes::Constant(INFINITY), mid = Lanes::Ones();
    std::array<bool, kLanes> done{};
    for (int l = rows; l < kLanes; ++l) done[static_cast<std::size_t>(l)] = true;
    for (int it = 0; it < kIterations; ++it) {
      Lanes psum = Lanes::Zero();
      for (int j = 0; j < width; ++j) psum += (-sc.dd[static_cast<std::size_t>(j)] / mid).exp();
      bool all = true;
      for (int l = 0; l < kLanes; ++l) {
        if (done[static_cast<std::size_t>(l)]) continue;
        if (std::fabs(psum[l] - target) < kTolerance) {
          done[static_cast<std::size_t>(l)] = true;
          continue;
        }
        all = false;
        if (psum[l] > target) {
          hi[l] = mid[l];
          mid[l] = 0.5 * (lo[l] + hi[l]);
        } else {
          lo[l] = mid[l];
          mid[l] = std::isinf(hi[l]) ? mid[l] * 2.0 : 0.5 * (lo[l] + hi[l]);
        }
      }
      if (all) break;
    }
    for (int l = 0; l < rows; ++l) {
      const float* d = knn.distance.data() + static_cast<std::size_t>(i0 + l) * k;
      double mean_i = 0.0;
      for (int j = 0; j < k; ++j) mean_i += d[j];
      mean_i /= k;
      double m = mid[l];
      if (rho[static_cast<std::size_t>(l)] > 0.0)
        m = std::max(m, kMinScale * mean_i);
      else
        m = std::max(m, kMinScale * mean_all);
      out.sigma[static_cast<std::size_t>(i0 + l)] = static_cast<float>(m);
      out.rho[static_cast<std::size_t>(i0 + l)] = static_cast<float>(rho[static_cast<std::size_t>(l)]);
    }
  });
  return out;
}

namespace {
// A compressed row-major n x n matrix under construction: row i's entries are
// inner[outer[i] .. outer[i + 1]), sorted by column.
struct Rows {
  std::vector<int> outer, inner;
  std::vector<float> value;
  SparseGraph matrix(int n) const {
    return SparseGraph(Eigen::Map<const SparseGraph>(n, n, static_cast<Eigen::Index>(inner.size()), outer.data(),
                                                     inner.data(), value.data()));
  }
};

// Equation (2) as compressed rows: entries with a positive strength, sorted by column,
// a column listed twice in a row summed in list order (as Eigen's setFromTriplets).
Rows directed_rows(const KnnGraph& knn, const SmoothKnn& s) {
  Rows r;
  r.outer.assign(static_cast<std::size_t>(knn.n) + 1, 0);
  r.inner.reserve(knn.index.size());
  r.value.reserve(knn.index.size());
  std::vector<std::pair<int, float>> row;
  for (int i = 0; i < knn.n; ++i) {
    row.clear();
    for (int j = 0; j < knn.k; ++j) {
      const int nb = knn.at(i, j);
      if (nb == i) continue;
      if (nb < 0 || nb >= knn.n)
        throw std::invalid_argument("fuzzy graph: neighbour " + std::to_string(nb) + " of point " + std::to_string(i) +
                                    " is not one of the " + std::to_string(knn.n) + " points");
      const float dd = knn.dist(i, j) - s.rho[static_cast<std::size_t>(i)];
      const float sg = s.sigma[static_cast<std::size_t>(i)];
      const float w = (dd <= 0.0f || sg == 0.0f) ? 1.0f : std::exp(-dd / sg);
      if (w > 0.0f) row.emplace_back(nb, w);
    }
    // By column, stably (duplicates are summed in list order): insertion sort for the
    // usual short rows (no buffer), std::stable_sort for long ones (k can reach n).
    const auto by_column = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (row.size() <= 32) {
      for (std::size_t t = 1; t < row.size(); ++t)
        for (std::size_t u = t; u > 0 && by_column(row[u], row[u - 1]); --u) std::swap(row[u], row[u - 1]);
    } else {
      std::stable_sort(row.begin(), row.end(), by_column);
    }
    for (std::size_t t = 0; t < row.size(); ++t) {
      if (t > 0 && row[t].first == row[t - 1].first) {
        r.value.back() += row[t].second;
      } else {
        r.inner.push_back(row[t].first);
        r.value.push_back(row[t].second);
      }
    }
    r.outer[static_cast<std::size_t>(i) + 1] = static_cast<int>(r.inner.size());
  }
  return r;
}
}  // namespace

SparseGraph membership_strengths(const KnnGraph& knn, const SmoothKnn& s) { return directed_rows(knn, s).matrix(knn.n); }

SparseGraph fuzzy_simplicial_set(const KnnGraph& knn, float local_connectivity, float set_op_mix_ratio) {
  check_range("set_op_mix_ratio", set_op_mix_ratio, 0.0f, 1.0f);
  const int n = knn.n;
  const Rows P = directed_rows(knn, smooth_knn_dist(knn, local_connectivity, true));
  // P^T by a counting sort on the column: row c lists the points that have c as a
  // neighbour, in increasing order (rows of P visited in order).
  Rows T;
  T.outer.assign(static_cast<std::size_t>(n) + 1, 0);
  for (const int c : P.inner) ++T.outer[static_cast<std::size_t>(c) + 1];
  for (int i = 0; i < n; ++i) T.outer[static_cast<std::size_t>(i) + 1] += T.outer[static_cast<std::size_t>(i)];
  T.inner.resize(P.inner.size());
  T.value.resize(P.value.size());
  {
    std::vector<int> fill(T.outer.begin(), T.outer.end() - 1);
    for (int i = 0; i < n; ++i)
      for (int e = P.outer[static_cast<std::size_t>(i)]; e < P.outer[static_cast<std::size_t>(i) + 1]; ++e) {
        const auto at = static_cast<std::size_t>(fill[static_cast<std::size_t>(P.inner[static_cast<std::size_t>(e)])]++);
        T.inner[at] = i;
        T.value[at] = P.value[static_cast<std::size_t>(e)];
      }
  }
  // Equation (3), row by row over the union of the two rows' columns: a = P(i, c), b =
  // P(c, i) (0 when absent), w = m ((a + b) - a b) + (1 - m) a b; zeros are dropped (a
  // product of 0 and a missing entry). The same values as Eigen's sparse expression
  // (which this replaced: 5 ms of triplet sorting and temporaries at 6 973 points).
  Rows W;
  W.outer.assign(static_cast<std::size_t>(n) + 1, 0);
  W.inner.reserve(P.inner.size() * 2);
  W.value.reserve(P.inner.size() * 2);
  const float m = set_op_mix_ratio, rest = 1.0f - set_op_mix_ratio;
  for (int i = 0; i < n; ++i) {
    int p = P.outer[static_cast<std::size_t>(i)], t = T.outer[static_cast<std::size_t>(i)];
    const int p1 = P.outer[static_cast<std::size_t>(i) + 1], t1 = T.outer[static_cast<std::size_t>(i) + 1];
    while (p < p1 || t < t1) {
      const int cp = p < p1 ? P.inner[static_cast<std::size_t>(p)] : n;
      const int ct = t < t1 ? T.inner[static_cast<std::size_t>(t)] : n;
      const int c = std::min(cp, ct);
      const float a = cp == c ? P.value[static_cast<std::size_t>(p++)] : 0.0f;
      const float b = ct == c ? T.value[static_cast<std::size_t>(t++)] : 0.0f;
      const float ab = a * b;
      const float w = m * ((a + b) - ab) + rest * ab;
      if (w != 0.0f) {
        W.inner.push_back(c);
        W.value.push_back(w);
      }
    }
    W.outer[static_cast<std::size_t>(i) + 1] = static_cast<int>(W.inner.size());
  }
  return W.matrix(n);
}

CurveParams find_ab_params(double spread, double min_dist) {
  check_range_open_low("spread", spread, 0.0, 1e6);
  check_range("min_dist", min_dist, 0.0, spread);
  constexpr int kPoints = 300;
  std::vector<double> x(kPoints), y(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    x[static_cast<std::size_t>(i)] = 3.0 * spread * i / (kPoints - 1);
    const double xv = x[static_cast<std::size_t>(i)];
    y[static_cast<std::size_t>(i)] = xv < min_dist ? 1.0 : std::exp(-(xv - min_dist) / spread);
  }
  auto residual = [&](double a, double b, Eigen::VectorXd* r, Eigen::MatrixXd* J) {
    double sse = 0.0;
    for (int i = 0; i < kPoints; ++i) {
      const double xv = x[static_cast<std::size_t>(i)];
      const double p = xv > 0.0 ? std::pow(xv, 2.0 * b) : 0.0;
      const double den = 1.0 + a * p;
      const double f = 1.0 / den;
      const double e = f - y[static_cast<std::size_t>(i)];
      sse += e * e;
      if (r) (*r)(i) = e;
      if (J) {
        (*J)(i, 0) = -p / (den * den);
        (*J)(i, 1) = xv > 0.0 ? -a * p * 2.0 * std::log(xv) / (den * den) : 0.0;
      }
    }
    return sse;
  };
  double a = 1.0, b = 1.0, lambda = 1e-3;
  Eigen::VectorXd r(kPoints);
  Eigen::MatrixXd J(kPoints, 2);
  double sse = residual(a, b, &r, &J);
  for (int it = 0; it < 500; ++it) {
    const Eigen::Matrix2d JtJ = J.transpose() * J;
    const Eigen::Vector2d g = J.transpose() * r;
    Eigen::Matrix2d A = JtJ;
    A.diagonal() += lambda * JtJ.diagonal();
    const Eigen::Vector2d step = A.ldlt().solve(-g);
    const double na = a + step(0), nb = b + step(1);
    const double nsse = (na > 0.0 && nb > 0.0) ? residual(na, nb, nullptr, nullptr) : INFINITY;
    if (nsse < sse) {
      const bool done = (sse - nsse) < 1e-15 * (1.0 + sse) && step.norm() < 1e-12;
      a = na;
      b = nb;
      sse = residual(a, b, &r, &J);
      lambda = std::max(lambda * 0.3, 1e-12);
      if (done) break;
    } else {
      lambda *= 10.0;
      if (lambda > 1e12) break;
    }
  }
  return {a, b};
}

int connected_components(const SparseGraph& g, std::vector<int>& label) {
  const int n = static_cast<int>(g.rows());
  label.assign(static_cast<std::size_t>(n), -1);
  int count = 0;
  std::vector<int> stack;
  for (int s = 0; s < n; ++s) {
    if (label[static_cast<std::size_t>(s)] >= 0) continue;
    label[static_cast<std::size_t>(s)] = count;
    stack.push_back(s);
    while (!stack.empty()) {
      const int v = stack.back();
      stack.pop_back();
      for (SparseGraph::InnerIterator it(g, v); it; ++it) {
        const int u = static_cast<int>(it.col());
        if (label[static_cast<std::size_t>(u)] < 0) {
          label[static_cast<std::size_t>(u)] = count;
          stack.push_back(u);
        }
      }
    }
    ++count;
  }
  return count;
}

}  // namespace rssviz::umap
