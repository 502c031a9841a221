#include "core/umap/stability.hpp"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <Eigen/LU>
#include <Eigen/SVD>
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/check.hpp"
#include "core/common/parallel.hpp"
#include "core/umap/knn.hpp"
#include "core/umap/projection.hpp"
#include "core/umap/umap.hpp"

namespace rssviz::umap {
namespace {

using RowMatrix = RowMatrixF;


// Exact enough: float differences are exact in double, squares and 8 lane sums round
// at 1e-16.
double direct_sq_double(const float* a, const float* b, Eigen::Index d) {
  double acc[8] = {};
  Eigen::Index t = 0;
  for (; t + 8 <= d; t += 8)
    for (int l = 0; l < 8; ++l) {
      const double u = static_cast<double>(a[t + l]) - static_cast<double>(b[t + l]);
      acc[l] += u * u;
    }
  for (int l = 0; t < d; ++t, ++l) {
    const double u = static_cast<double>(a[t]) - static_cast<double>(b[t]);
    acc[l] += u * u;
  }
  return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

void check_same_rows(const Eigen::MatrixXf& A, const Eigen::MatrixXf& B, const char* what) {
  if (A.rows() != B.rows())
    throw std::invalid_argument(std::string(what) + ": the two matrices have " + std::to_string(A.rows()) + " and " +
                                std::to_string(B.rows()) + " rows");
}

}  // namespace

double trustworthiness(const Eigen::MatrixXf& X, const Eigen::MatrixXf& Y, int k, const StopFlag* stop) {
  check_same_rows(X, Y, "trustworthiness");
  const Eigen::Index n = X.rows();
  if (2 * static_cast<long long>(n) - 3 * static_cast<long long>(k) - 1 <= 0 || n < 3)
    throw std::invalid_argument("trustworthiness: k = " + std::to_string(k) + " needs 2n - 3k - 1 > 0 (n = " +
                                std::to_string(n) + ")");
  check_range("k", static_cast<long long>(k), 1LL, static_cast<long long>(n - 1));
  const KnnGraph emb = exact_knn(Y, k + 1, Metric::euclidean, stop);
  // Ranks only: the exact power-of-two scaling of umap.hpp keeps extreme inputs' squared
  // distances finite and non-zero, as for the map itself.
  const int exponent = input_scale_exponent(X);
  const Eigen::MatrixXf rescaled = exponent != 0 ? scaled(X, exponent) : Eigen::MatrixXf();
  const Eigen::MatrixXf& Xs = exponent != 0 ? rescaled : X;  // no copy for the usual inputs
  Eigen::MatrixXf P = Xs;
  const Eigen::RowVectorXf mean = P.colwise().mean();
  P.rowwise() -= mean;
  // Tighter bounds than the neighbour search's: every pair whose [L, U] straddles one
  // of the k thresholds is measured (C: m = 32 measures 3x more than 48, 9 s vs 2.8 s).
  ProjectionOptions projection;
  projection.kept_variance = 0.999;
  const BoundedRows B = make_bounded_rows(P, projection, stop);
  // Thresholds and straddled pairs are measured in double on the rows as given, so the
  // count is that of exact distances (scikit-learn's float64), not of float rounding.
  const RowMatrix orig = row_major(Xs);
  const Eigen::Index d = P.cols();
  const float* rr = B.residual.data();
  const float* xs = B.row_sq.data();
  const Eigen::Index kBlock = query_block(n);
  const Eigen::Index blocks = (n + kBlock - 1) / kBlock;
  std::vector<long long> penalty(static_cast<std::size_t>(n), 0);
  struct Scratch {
    Eigen::MatrixXf D;
    std::vector<double> thr;
    std::vector<float> tdn, tup;
    std::vector<long long> cnt;
  };
  const auto uk = static_cast<std::size_t>(k);
  std::vector<Scratch> scratch(static_cast<std::size_t>(threads_for(static_cast<int>(blocks), 0)),
                               Scratch{{}, std::vector<double>(uk), std::vector<float>(uk), std::vector<float>(uk),
                                       std::vector<long long>(uk)});
  parallel_for(static_cast<int>(blocks), 0, [&](int b, int thread) {
    Scratch& sc = scratch[static_cast<std::size_t>(thread)];
    Eigen::MatrixXf& D = sc.D;
    std::vector<double>& thr = sc.thr;
    std::vector<float>& tdn = sc.tdn;
    std::vector<float>& tup = sc.tup;
    std::vector<long long>& cnt = sc.cnt;
    const Eigen::Index r0 = b * kBlock;
    const Eigen::Index rows = std::min(kBlock, n - r0);
    block_sq_distances(B.coords, B.coord_sq, r0, rows, B.coords, B.coord_sq, D);
    for (Eigen::Index r = 0; r < rows; ++r) {
      const auto i = static_cast<int>(r0 + r);
      const float* col = D.col(r).data();
      const float* xi = orig.row(i).data();
      // Thresholds: the direct distances to i's embedding neighbours (entry 0 is i).
      for (int j = 0; j < k; ++j)
        thr[static_cast<std::size_t>(j)] = direct_sq_double(xi, orig.row(emb.at(i, j + 1)).data(), d);
      std::sort(thr.begin(), thr.end());
      // Float thresholds rounded down and up: U < tdn implies D < t, L >= tup implies D >= t.
      for (int m = 0; m < k; ++m) {
        const double t = thr[static_cast<std::size_t>(m)];
        float f = static_cast<float>(t);
        tdn[static_cast<std::size_t>(m)] = static_cast<double>(f) > t ? std::nextafter(f, -INFINITY) : f;
        f = static_cast<float>(t);
        tup[static_cast<std::size_t>(m)] = static_cast<double>(f) < t ? std::nextafter(f, INFINITY) : f;
      }
      const float top = tup.back();
      const float ri = rr[i];
      // The bounds hold for the centred float rows; centring rounded each coordinate by
      // up to u |x - mean|, moving a squared distance by at most 8 u (|x_i|² + |x_l|²):
      // covered, with the same factor 2, by 16 u more.
      const float c = B.margin_coef + 16.0f * std::numeric_limits<float>::epsilon() / 2.0f, ci = c * B.row_sq(i);
      // cnt[m] = #{l != i : D_l < t_m}. With U < t_m, l counts; with L >= t_m it
      // does not; a point with some t_m in [L, U) is measured directly.
      std::fill(cnt.begin(), cnt.end(), 0LL);
      const auto measure = [&](Eigen::Index l) {
        const double v = direct_sq_double(xi, orig.row(l).data(), d);
        for (int m = 0; m < k; ++m) cnt[static_cast<std::size_t>(m)] += v < thr[static_cast<std::size_t>(m)];
      };
      const auto scalar = [&](Eigen::Index l) {
        if (l == i) return;
        const float dm = ri - rr[l], sp = ri + rr[l], mg = ci + c * xs[l];
        const float lo = col[l] + dm * dm - mg;
        if (!(lo < top)) return;
        const float hi = col[l] + sp * sp + mg;
        bool straddles = false;
        for (int m = 0; m < k; ++m) {
          straddles = straddles || (lo < tup[static_cast<std::size_t>(m)] && !(hi < tdn[static_cast<std::size_t>(m)]));
        }
        if (straddles) {
          measure(l);
        } else {
          for (int m = 0; m < k; ++m) cnt[static_cast<std::size_t>(m)] += hi < tdn[static_cast<std::size_t>(m)];
        }
      };
      Eigen::Index l = 0;
#if defined(__AVX512F__)
      {
        const __m512 riv = _mm512_set1_ps(ri), civ = _mm512_set1_ps(ci), cv = _mm512_set1_ps(c),
                     topv = _mm512_set1_ps(top);
        for (; l + 16 <= n; l += 16) {
          if (i >= l && i < l + 16) {  // the chunk holding i itself: one at a time
            for (Eigen::Index t = l; t < l + 16; ++t) scalar(t);
            continue;
          }
          const __m512 e = _mm512_loadu_ps(col + l), rl = _mm512_loadu_ps(rr + l);
          const __m512 mg = _mm512_fmadd_ps(cv, _mm512_loadu_ps(xs + l), civ);
          const __m512 dm = _mm512_sub_ps(riv, rl), sp = _mm512_add_ps(riv, rl);
          const __m512 lo = _mm512_sub_ps(_mm512_add_ps(e, _mm512_mul_ps(dm, dm)), mg);
          if (_mm512_cmp_ps_mask(lo, topv, _CMP_LT_OQ) == 0) continue;
          const __m512 hi = _mm512_add_ps(_mm512_add_ps(e, _mm512_mul_ps(sp, sp)), mg);
          __mmask16 straddle = 0;
          for (int m = 0; m < k; ++m) {
            straddle |= _mm512_cmp_ps_mask(lo, _mm512_set1_ps(tup[static_cast<std::size_t>(m)]), _CMP_LT_OQ) &
                        _mm512_cmp_ps_mask(_mm512_set1_ps(tdn[static_cast<std::size_t>(m)]), hi, _CMP_LE_OQ);
          }
          const auto keep = static_cast<__mmask16>(~straddle);
          for (int m = 0; m < k; ++m) {
            const __m512 t = _mm512_set1_ps(tdn[static_cast<std::size_t>(m)]);
            cnt[static_cast<std::size_t>(m)] += std::popcount(
                static_cast<unsigned>(_mm512_mask_cmp_ps_mask(keep, hi, t, _CMP_LT_OQ)));
          }
          for (unsigned mk = straddle; mk != 0; mk &= mk - 1) measure(l + std::countr_zero(mk));
        }
      }
#endif
      for (; l < n; ++l) scalar(l);
      // rank(t_m) = 1 + cnt[m]; the penalty counts ranks beyond k.
      long long pen = 0;
      for (int m = 0; m < k; ++m) pen += std::max(0LL, 1 + cnt[static_cast<std::size_t>(m)] - k);
      penalty[static_cast<std::size_t>(i)] = pen;
    }
  }, stop);
  long long total = 0;
  for (long long p : penalty) total += p;
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  return 1.0 - 2.0 / (nd * kd * (2.0 * nd - 3.0 * kd - 1.0)) * static_cast<double>(total);
}

Alignment align(const Eigen::MatrixXf& from, const Eigen::MatrixXf& to, bool allow_scale, bool allow_reflection) {
  if (from.rows() != to.rows() || from.cols() != to.cols())
    throw std::invalid_argument("align: shapes differ (" + std::to_string(from.rows()) + " x " +
                                std::to_string(from.cols()) + " vs " + std::to_string(to.rows()) + " x " +
                                std::to_string(to.cols()) + ")");
  if (from.rows() == 0) throw std::invalid_argument("align: no points");
  const Eigen::MatrixXd A = from.cast<double>();
  const Eigen::MatrixXd B = to.cast<double>();
  const Eigen::RowVectorXd ma = A.colwise().mean(), mb = B.colwise().mean();
  const Eigen::MatrixXd Ac = A.rowwise() - ma, Bc = B.rowwise() - mb;
  const Eigen::MatrixXd C = Ac.transpose() * Bc;
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(C, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::MatrixXd U = svd.matrixU();
  Eigen::VectorXd S = svd.singularValues();
  Eigen::MatrixXd R = U * svd.matrixV().transpose();
  if (!allow_reflection && R.determinant() < 0.0) {
    U.col(U.cols() - 1) *= -1.0;
    S(S.size() - 1) *= -1.0;
    R = U * svd.matrixV().transpose();
  }
  double s = 1.0;
  const double aa = Ac.squaredNorm();
  if (allow_scale && aa > 0.0) s = S.sum() / aa;
  Alignment out;
  const Eigen::MatrixXd moved = (s * (Ac * R)).rowwise() + mb;
  out.aligned = moved.cast<float>();
  out.rotation = R.cast<float>();
  out.scale = static_cast<float>(s);
  out.translation = (mb - s * ma * R).cast<float>();
  out.rms = std::sqrt((moved - B).squaredNorm() / static_cast<double>(A.rows()));
  return out;
}

double neighbour_preservation(const Eigen::MatrixXf& A, const Eigen::MatrixXf& B, int k) {
  check_same_rows(A, B, "neighbour_preservation");
  const Eigen::Index n = A.rows();
  check_range("k", static_cast<long long>(k), 1LL, static_cast<long long>(n - 1));
  const KnnGraph ga = exact_knn(A, k + 1);
  const KnnGraph gb = exact_knn(B, k + 1);
  std::vector<double> frac(static_cast<std::size_t>(n));
  parallel_for(static_cast<int>(n), 0, [&](int i, int) {
    std::vector<int> a(static_cast<std::size_t>(k)), b(static_cast<std::size_t>(k));
    for (int j = 0; j < k; ++j) {
      a[static_cast<std::size_t>(j)] = ga.at(static_cast<int>(i), j + 1);
      b[static_cast<std::size_t>(j)] = gb.at(static_cast<int>(i), j + 1);
    }
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::vector<int> common;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(common));
    frac[static_cast<std::size_t>(i)] = static_cast<double>(common.size()) / k;
  });
  double s = 0.0;
  for (double f : frac) s += f;
  return s / static_cast<double>(n);
}

FrameStability frame_stability(const Eigen::MatrixXf& before, const Eigen::MatrixXf& after, int k) {
  FrameStability f;
  f.neighbour_preservation = neighbour_preservation(before, after, k);
  const Alignment al = align(after, before, false, true);
  const Eigen::MatrixXd diff = (al.aligned - before).cast<double>();
  double disp = 0.0;
  for (Eigen::Index i = 0; i < diff.rows(); ++i) disp += diff.row(i).norm();
  f.mean_displacement = disp / static_cast<double>(before.rows());
  const Eigen::MatrixXd bc = before.cast<double>().rowwise() - before.cast<double>().colwise().mean();
  const double radius = std::sqrt(bc.squaredNorm() / static_cast<double>(before.rows()));
  f.relative_displacement = radius > 0.0 ? f.mean_displacement / radius : 0.0;
  return f;
}

}  // namespace rssviz::umap
