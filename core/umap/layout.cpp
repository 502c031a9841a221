#include "core/umap/layout.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include <omp.h>

#include "core/common/rng.hpp"

namespace rssviz::umap {
namespace {

inline float fast_log2(float x) {
  const auto bits = std::bit_cast<std::uint32_t>(x);
  const int e = static_cast<int>((bits >> 23) & 0xFFu) - 127;
  float m = std::bit_cast<float>((bits & 0x007FFFFFu) | 0x3F800000u);  // [1, 2)
  // Centre the mantissa on 1 to keep t small: m in [sqrt(1/2), sqrt(2)).
  float ef = static_cast<float>(e);
  if (m > 1.41421356f) {
    m *= 0.5f;
    ef += 1.0f;
  }
  // log(m) = 2 atanh(t), t = (m - 1)/(m + 1), |t| <= 0.1716.
  const float t = (m - 1.0f) / (m + 1.0f);
  const float t2 = t * t;
  const float s = t * (2.0f + t2 * (0.6666667f + t2 * (0.4f + t2 * 0.2857143f)));
  return ef + s * 1.44269504f;
}

inline float fast_exp2(float y) {
  y = std::clamp(y, -126.0f, 126.0f);
  const float fl = std::floor(y);
  const float f = (y - fl) * 0.69314718f;  // in [0, ln 2)
  // e^f, Taylor to degree 7 (error < 2e-7 on [0, ln 2)).
  const float p =
      1.0f + f * (1.0f + f * (0.5f + f * (0.16666667f + f * (0.041666668f + f * (0.008333334f + f * (0.0013888889f + f * 0.00019841270f))))));
  const auto bits = static_cast<std::uint32_t>(static_cast<int>(fl) + 127) << 23;
  return p * std::bit_cast<float>(bits);
}

constexpr int kLanes = 8;

// Eight lanes with GCC's vector extensions (lowered to AVX or SSE as available): the
// same formulas as fast_log2/fast_exp2, branch-free.
typedef float v8f __attribute__((vector_size(32)));
typedef std::int32_t v8i __attribute__((vector_size(32)));

inline v8f splat(float x) { return v8f{x, x, x, x, x, x, x, x}; }

inline v8f floor_v(v8f y) {
  const v8f t = __builtin_convertvector(__builtin_convertvector(y, v8i), v8f);  // toward zero
  return t > y ? t - 1.0f : t;
}

inline v8f pow_v(v8f x, float yexp) {
  const v8i bits = (v8i)x;
  const v8i e = ((bits >> 23) & 0xFF) - 127;
  const v8i mb = (bits & 0x007FFFFF) | 0x3F800000;
  v8f m = (v8f)mb;
  const auto big = m > 1.41421356f;
  m = big ? m * 0.5f : m;
  const v8f ef = __builtin_convertvector(e, v8f) + (big ? splat(1.0f) : splat(0.0f));
  const v8f t = (m - 1.0f) / (m + 1.0f);
  const v8f t2 = t * t;
  const v8f sum = t * (2.0f + t2 * (0.6666667f + t2 * (0.4f + t2 * 0.2857143f)));
  v8f y = yexp * (ef + sum * 1.44269504f);
  y = y < -126.0f ? splat(-126.0f) : y;
  y = y > 126.0f ? splat(126.0f) : y;
  const v8f fl = floor_v(y);
  const v8f f = (y - fl) * 0.69314718f;
  const v8f poly =
      1.0f + f * (1.0f + f * (0.5f + f * (0.16666667f + f * (0.041666668f + f * (0.008333334f + f * (0.0013888889f + f * 0.00019841270f))))));
  const v8i pb = (__builtin_convertvector(fl, v8i) + 127) << 23;
  return poly * (v8f)pb;
}

inline v8f clip_v(v8f v) {
  v = v > 4.0f ? splat(4.0f) : v;
  return v < -4.0f ? splat(-4.0f) : v;
}

inline float clip4(float v) { return std::clamp(v, -4.0f, 4.0f); }

inline float pow_inline(float x, float y) { return fast_exp2(y * fast_log2(x)); }

}  // namespace

float fast_pow(float x, float y) { return pow_inline(x, y); }

SgdSchedule::SgdSchedule(const SparseGraph& W, float negative_sample_rate) {
  const Eigen::Index n = W.rows();
  ptr_.assign(static_cast<std::size_t>(n + 1), 0);
  float wmax = 0.0f;
  for (Eigen::Index i = 0; i < W.outerSize(); ++i)
    for (SparseGraph::InnerIterator it(W, i); it; ++it) wmax = std::max(wmax, it.value());
  for (Eigen::Index i = 0; i < n; ++i) {
    for (SparseGraph::InnerIterator it(W, i); it; ++it) {
      if (it.value() <= 0.0f) continue;
      tail_.push_back(static_cast<int>(it.col()));
      const double e = static_cast<double>(wmax) / it.value();
      eps_.push_back(e);
      eps_neg_.push_back(e / negative_sample_rate);
    }
    ptr_[static_cast<std::size_t>(i + 1)] = static_cast<int>(tail_.size());
  }
  next_ = eps_;
  next_neg_ = eps_neg_;
}

namespace {

// One epoch for heads [0, n_head) with a compile-time dimension (D > 0) or a runtime
// one (D == 0). The negative samples of one edge are measured against the same head
// position and their clipped steps summed, so the 5 or so samples are independent
// computations the CPU overlaps (umap-learn applies them one after another; the
// difference is within one SGD step of size alpha).
template <int D>
void epoch_kernel(int epoch, float alpha, const SgdParams& p, RowMatrixXf& head, const RowMatrixXf& tail,
                  std::uint64_t epoch_seed, const std::vector<int>& ptr, const std::vector<int>& tails,
                  const std::vector<double>& eps, std::vector<double>& next, const std::vector<double>& eps_neg,
                  std::vector<double>& next_neg, int threads) {
  const int n_head = static_cast<int>(head.rows());
  const auto n_tail = static_cast<std::uint64_t>(tail.rows());
  const int dim = D > 0 ? D : static_cast<int>(head.cols());
  const float a = p.a, b = p.b;
  const float two_ab = 2.0f * a * b;
  const float rep_num = 2.0f * p.gamma * b;
  const double ep = static_cast<double>(epoch);
#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
  for (int v = 0; v < n_head; ++v) {
    const int e0 = ptr[static_cast<std::size_t>(v)], e1 = ptr[static_cast<std::size_t>(v + 1)];
    if (e0 == e1) continue;
    float* row = head.row(v).data();
    float yb[D > 0 ? D : 1];
    float* y = D > 0 ? yb : row;
    if constexpr (D > 0)
      for (int c = 0; c < D; ++c) yb[c] = row[c];
    std::uint64_t rs = epoch_seed ^ (0xD1B54A32D192ED03ULL * static_cast<std::uint64_t>(v + 1));
    for (int e = e0; e < e1; ++e) {
      const auto ue = static_cast<std::size_t>(e);
      if (next[ue] > ep) continue;
      const float* o = tail.row(tails[ue]).data();
      float ob[D > 0 ? D : 1];
      float* ov = D > 0 ? ob : nullptr;
      std::vector<float> og;
      if constexpr (D > 0) {
        for (int c = 0; c < D; ++c) ob[c] = o[c];
      } else {
        og.assign(o, o + dim);
        ov = og.data();
      }
      // Pull 1 moves the head and, in emulation, the partner by the same step (umap-learn
      // moves both ends); pull 2 is the reverse edge's, from the two moved positions.
      for (int pull = 0; pull < p.attraction_pulls; ++pull) {
        float d2 = 0.0f;
        for (int c = 0; c < dim; ++c) d2 += (y[c] - ov[c]) * (y[c] - ov[c]);
        if (!(d2 > 0.0f)) break;
        const float pb1 = pow_inline(d2, b - 1.0f);
        const float g = -two_ab * pb1 / (a * pb1 * d2 + 1.0f);
        for (int c = 0; c < dim; ++c) {
          const float step = alpha * clip4(g * (y[c] - ov[c]));
          y[c] += step;
          ov[c] -= step;
        }
      }
      next[ue] += eps[ue];
      const int n_neg = static_cast<int>((ep - next_neg[ue]) / eps_neg[ue]);
      if (n_neg <= 0) continue;
      next_neg[ue] += n_neg * eps_neg[ue];
      if constexpr (D == 2) {
        // Lanes of 8 samples: indices drawn in order, then one branch-free vector pass.
        float acc0 = 0.0f, acc1 = 0.0f;
        for (int s0 = 0; s0 < n_neg; s0 += kLanes) {
          alignas(32) float dx[kLanes], dy[kLanes], live[kLanes], c0[kLanes], c1[kLanes];
          for (int l = 0; l < kLanes; ++l) {
            if (s0 + l < n_neg) {
              const std::uint64_t r = splitmix64(rs);
              const auto k = static_cast<int>(((r >> 32) * n_tail) >> 32);
              const float* q = tail.row(k).data();
              dx[l] = y[0] - q[0];
              dy[l] = y[1] - q[1];
              live[l] = (p.exclude_self && k == v) ? 0.0f : 1.0f;
            } else {
              dx[l] = 1.0f;
              dy[l] = 0.0f;
              live[l] = 0.0f;
            }
          }
          v8f vx, vy, vl;
          std::memcpy(&vx, dx, sizeof vx);
          std::memcpy(&vy, dy, sizeof vy);
          std::memcpy(&vl, live, sizeof vl);
          const v8f dq = vx * vx + vy * vy;
          const auto pos = dq > 0.0f;
          const v8f safe = pos ? dq : splat(1.0f);
          const v8f g = (pos ? vl : splat(0.0f)) * rep_num / ((0.001f + safe) * (a * pow_v(safe, b) + 1.0f));
          const v8f vc0 = clip_v(g * vx), vc1 = clip_v(g * vy);
          std::memcpy(c0, &vc0, sizeof vc0);
          std::memcpy(c1, &vc1, sizeof vc1);
          for (int l = 0; l < kLanes; ++l) {
            acc0 += c0[l];
            acc1 += c1[l];
          }
        }
        y[0] += acc0 * alpha;
        y[1] += acc1 * alpha;
        continue;
      }
      float acc[D > 0 ? D : 8] = {};
      for (int s = 0; s < n_neg; ++s) {
        const std::uint64_t r = splitmix64(rs);
        const auto k = static_cast<int>(((r >> 32) * n_tail) >> 32);
        if (p.exclude_self && k == v) continue;
        const float* q = tail.row(k).data();
        float dq = 0.0f;
        for (int c = 0; c < dim; ++c) dq += (y[c] - q[c]) * (y[c] - q[c]);
        if (dq <= 0.0f) continue;
        const float g = rep_num / ((0.001f + dq) * (a * pow_inline(dq, b) + 1.0f));
        if constexpr (D > 0) {
          for (int c = 0; c < D; ++c) acc[c] += clip4(g * (y[c] - q[c]));
        } else {
          for (int c = 0; c < dim; ++c) y[c] += clip4(g * (y[c] - q[c])) * alpha;
        }
      }
      if constexpr (D > 0)
        for (int c = 0; c < D; ++c) y[c] += acc[c] * alpha;
    }
    if constexpr (D > 0)
      for (int c = 0; c < D; ++c) row[c] = yb[c];
  }
}

}  // namespace

void SgdSchedule::run_epoch(int epoch, float alpha, const SgdParams& p, RowMatrixXf& head, const RowMatrixXf& tail,
                            std::uint64_t sampling_seed, int threads) {
  const std::uint64_t epoch_seed =
      derive_seed(sampling_seed, "epoch") ^ (0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(epoch + 1));
  // The result does not depend on the thread count, so small graphs use one thread:
  // a parallel region per epoch costs more than it saves below ~60 000 edges, and on a
  // busy machine far more (a spinning thread waits for a descheduled one at every epoch).
  if (threads <= 0) threads = std::clamp(static_cast<int>(tail_.size() / 60000), 1, omp_get_max_threads());
  switch (head.cols()) {
    case 2:
      epoch_kernel<2>(epoch, alpha, p, head, tail, epoch_seed, ptr_, tail_, eps_, next_, eps_neg_, next_neg_, threads);
      break;
    case 3:
      epoch_kernel<3>(epoch, alpha, p, head, tail, epoch_seed, ptr_, tail_, eps_, next_, eps_neg_, next_neg_, threads);
      break;
    default:
      epoch_kernel<0>(epoch, alpha, p, head, tail, epoch_seed, ptr_, tail_, eps_, next_, eps_neg_, next_neg_, threads);
  }
}

}  // namespace rssviz::umap
