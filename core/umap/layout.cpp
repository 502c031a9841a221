#include "core/umap/layout.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include <omp.h>
#ifdef __AVX2__
#include <immintrin.h>
#endif

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

typedef std::uint64_t v4u __attribute__((vector_size(32)));
typedef std::int32_t v4i __attribute__((vector_size(16)));
constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

// splitmix64's output function on four states (rng.hpp's splitmix64 after its increment).
inline v4u mix64(v4u z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

inline v8f splat(float x) { return v8f{x, x, x, x, x, x, x, x}; }

inline v8f floor_v(v8f y) {
  const v8f t = __builtin_convertvector(__builtin_convertvector(y, v8i), v8f);  // toward zero
  return t > y ? t - 1.0f : t;
}

// x^y = 2^(y log2 x) on eight lanes, division-free: log2 of the mantissa m in
// [sqrt(1/2), sqrt(2)) as u q(u), u = m - 1, with a degree-5 q fitted at Chebyshev nodes
// (absolute error 4e-6), and 2^f on [0, 1) by a fitted quintic (relative error 1.1e-7):
// relative error of the power below 1e-5 for |y log2 x| < 100 or so.
inline v8f pow_v(v8f x, float yexp) {
  const v8i bits = (v8i)x;
  const v8i e = ((bits >> 23) & 0xFF) - 127;
  const v8i mb = (bits & 0x007FFFFF) | 0x3F800000;
  v8f m = (v8f)mb;
  const auto big = m > 1.41421356f;
  m = big ? m * 0.5f : m;
  const v8f ef = __builtin_convertvector(e, v8f) + (big ? splat(1.0f) : splat(0.0f));
  const v8f u = m - 1.0f;
  const v8f q = 1.4427018f + u * (-0.72120842f + u * (0.47979339f + u * (-0.36641418f + u * (0.31841403f + u * -0.20686279f))));
  v8f y = yexp * (ef + u * q);
  y = y < -126.0f ? splat(-126.0f) : y;
  y = y > 126.0f ? splat(126.0f) : y;
  const v8f fl = floor_v(y);
  const v8f f = y - fl;
  const v8f poly = 0.99999990f + f * (0.69315462f + f * (0.24014079f + f * (0.055863258f + f * (0.0089462249f + f * 0.0018951086f))));
  const v8i pb = (__builtin_convertvector(fl, v8i) + 127) << 23;
  return poly * (v8f)pb;
}

// Column c of the rows kk of a row-major n x 2 matrix.
inline v8f gather_col(const float* data, v8i kk, int c) {
#ifdef __AVX2__
  return (v8f)_mm256_i32gather_ps(data + c, (__m256i)(kk * 2), 4);
#else
  return v8f{data[2 * kk[0] + c], data[2 * kk[1] + c], data[2 * kk[2] + c], data[2 * kk[3] + c],
             data[2 * kk[4] + c], data[2 * kk[5] + c], data[2 * kk[6] + c], data[2 * kk[7] + c]};
#endif
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

// The 2-D kernel. One head's edges form a serial chain (each sample starts from the
// position the previous one left), long in latency (a power, a division, a sum over the
// lanes) and short in work; so kGroup heads are advanced together, one sampled edge
// each per round, and the processor overlaps their independent chains. Each head keeps
// its own edge order and random stream, so the result is that of one head at a time.
constexpr int kGroup = 4;

struct Head2 {
  int v, e, e1;
  float y0, y1;
  std::uint64_t rs;
};

void epoch_kernel_2d(int epoch, float alpha, const SgdParams& p, RowMatrixXf& head, const RowMatrixXf& tail,
                     std::uint64_t epoch_seed, const std::vector<int>& ptr, const std::vector<int>& tails,
                     const std::vector<double>& eps, std::vector<double>& next, const std::vector<double>& eps_neg,
                     std::vector<double>& next_neg, int threads) {
  const int n_head = static_cast<int>(head.rows());
  const auto n_tail = static_cast<std::uint64_t>(tail.rows());
  const float a = p.a, b = p.b;
  const float two_ab = 2.0f * a * b;
  const float rep_num = 2.0f * p.gamma * b;
  const double ep = static_cast<double>(epoch);
  const float* tail_data = tail.data();
  const int pulls = p.attraction_pulls;
  const bool exclude_self = p.exclude_self;
  const int n_groups = (n_head + kGroup - 1) / kGroup;

  // Processes the next sampled edge of h; false when h has none left this epoch.
  const auto step = [&](Head2& h) -> bool {
    while (h.e < h.e1 && next[static_cast<std::size_t>(h.e)] > ep) ++h.e;
    if (h.e >= h.e1) return false;
    const auto ue = static_cast<std::size_t>(h.e++);
    const float* o = tail_data + 2 * static_cast<std::size_t>(tails[ue]);
    float o0 = o[0], o1 = o[1];
    for (int pull = 0; pull < pulls; ++pull) {
      const float d0 = h.y0 - o0, d1 = h.y1 - o1;
      const float d2 = d0 * d0 + d1 * d1;
      if (!(d2 > 0.0f)) break;
      const float pb1 = pow_inline(d2, b - 1.0f);
      const float g = -two_ab * pb1 / (a * pb1 * d2 + 1.0f);
      const float s0 = alpha * clip4(g * d0), s1 = alpha * clip4(g * d1);
      h.y0 += s0;
      o0 -= s0;
      h.y1 += s1;
      o1 -= s1;
    }
    next[ue] += eps[ue];
    const int n_neg = static_cast<int>((ep - next_neg[ue]) / eps_neg[ue]);
    if (n_neg <= 0) return true;
    next_neg[ue] += n_neg * eps_neg[ue];
    float acc0 = 0.0f, acc1 = 0.0f;
    const v8f tx = splat(h.y0), ty = splat(h.y1);
    for (int s0 = 0; s0 < n_neg; s0 += kLanes) {
      // The batch's splitmix64 draws in vector lanes: draw j of the batch mixes the
      // state rs + j * golden, exactly as j sequential splitmix64 calls would.
      const int nl = std::min(kLanes, n_neg - s0);
      const v4u st0 = h.rs + kGolden * v4u{1, 2, 3, 4};
      const v4u st1 = h.rs + kGolden * v4u{5, 6, 7, 8};
      h.rs += kGolden * static_cast<std::uint64_t>(nl);
      const v4u k0 = ((mix64(st0) >> 32) * n_tail) >> 32;
      const v4u k1 = ((mix64(st1) >> 32) * n_tail) >> 32;
      const v8i kk = __builtin_shufflevector(__builtin_convertvector(k0, v4i), __builtin_convertvector(k1, v4i), 0,
                                             1, 2, 3, 4, 5, 6, 7);
      auto on = v8i{0, 1, 2, 3, 4, 5, 6, 7} < nl;
      if (exclude_self) on = on & (kk != h.v);
      const v8i kc = on ? kk : v8i{};  // dead lanes read row 0 and contribute zero
      const v8f qx = gather_col(tail_data, kc, 0), qy = gather_col(tail_data, kc, 1);
      const v8f vx = on ? tx - qx : splat(1.0f);
      const v8f vy = on ? ty - qy : splat(0.0f);
      const v8f dq = vx * vx + vy * vy;
      const auto live = on & (dq > 0.0f);
      const v8f safe = live ? dq : splat(1.0f);
      const v8f g = (live ? splat(rep_num) : splat(0.0f)) / ((0.001f + safe) * (a * pow_v(safe, b) + 1.0f));
      const v8f c0 = clip_v(g * vx), c1 = clip_v(g * vy);
      for (int l = 0; l < kLanes; ++l) {
        acc0 += c0[l];
        acc1 += c1[l];
      }
    }
    h.y0 += acc0 * alpha;
    h.y1 += acc1 * alpha;
    return true;
  };

#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
  for (int grp = 0; grp < n_groups; ++grp) {
    Head2 hs[kGroup];
    bool active[kGroup];
    const int v0 = grp * kGroup;
    const int m = std::min(kGroup, n_head - v0);
    for (int j = 0; j < m; ++j) {
      const int v = v0 + j;
      hs[j] = Head2{v, ptr[static_cast<std::size_t>(v)], ptr[static_cast<std::size_t>(v + 1)], head(v, 0),
                    head(v, 1), epoch_seed ^ (0xD1B54A32D192ED03ULL * static_cast<std::uint64_t>(v + 1))};
      active[j] = true;
    }
    int live = m;
    if (m == kGroup) {
      // Unrolled rounds while all heads of the group still have edges.
      while (live == kGroup) {
        for (int j = 0; j < kGroup; ++j)
          if (!step(hs[j])) {
            active[j] = false;
            --live;
          }
        if (live < kGroup) break;
      }
    }
    for (int j = 0; j < m; ++j)
      if (active[j])
        while (step(hs[j])) {
        }
    for (int j = 0; j < m; ++j) {
      head(hs[j].v, 0) = hs[j].y0;
      head(hs[j].v, 1) = hs[j].y1;
    }
  }
}

}  // namespace

void SgdSchedule::run_epoch(int epoch, float alpha, const SgdParams& p, RowMatrixXf& head, const RowMatrixXf& tail,
                            std::uint64_t sampling_seed, int threads) {
  const std::uint64_t epoch_seed =
      derive_seed(sampling_seed, "epoch") ^ (0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(epoch + 1));
  // The result does not depend on the thread count, so tiny graphs use one thread: a
  // parallel region per epoch costs more than it saves below ~15 000 edges. On an idle
  // 2-core machine the paper's map (~37 000 edges) runs 1.5x faster on two threads; on
  // a busy one the second thread can be far slower (it waits for a descheduled peer at
  // every epoch), hence the explicit `threads` override.
  if (threads <= 0) threads = std::clamp(static_cast<int>(tail_.size() / 15000), 1, omp_get_max_threads());
  switch (head.cols()) {
    case 2:
      epoch_kernel_2d(epoch, alpha, p, head, tail, epoch_seed, ptr_, tail_, eps_, next_, eps_neg_, next_neg_, threads);
      break;
    case 3:
      epoch_kernel<3>(epoch, alpha, p, head, tail, epoch_seed, ptr_, tail_, eps_, next_, eps_neg_, next_neg_, threads);
      break;
    default:
      epoch_kernel<0>(epoch, alpha, p, head, tail, epoch_seed, ptr_, tail_, eps_, next_, eps_neg_, next_neg_, threads);
  }
}

}  // namespace rssviz::umap
