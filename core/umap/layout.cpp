#include "core/umap/layout.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <vector>

#if defined(__AVX2__) && !defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "core/common/parallel.hpp"
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

// GCC's vector extensions, one machine register wide: the 2-D kernel's lanes (kW of
// them) are 16 floats with AVX-512, 8 with AVX or AVX2, 4 with SSE only. Vectors wider
// than the registers are no help: GCC splits their arithmetic into register halves but
// lowers their selects (a ? b : c on masks) and shuffles lane by lane, with branches and
// stack spills (compiled for AVX2, the 16-lane kernel took 5x as long as 8 lanes).
// The lane count changes only which heads share a vector, never a head's arithmetic.
#if defined(__AVX512F__)
constexpr int kW = 16;
typedef float vecf __attribute__((vector_size(64)));
typedef std::int32_t veci __attribute__((vector_size(64)));
typedef std::uint8_t vecb __attribute__((vector_size(16)));  // one op code per lane
#elif defined(__AVX__)
constexpr int kW = 8;
typedef float vecf __attribute__((vector_size(32)));
typedef std::int32_t veci __attribute__((vector_size(32)));
typedef std::uint8_t vecb __attribute__((vector_size(8)));
#else
constexpr int kW = 4;
typedef float vecf __attribute__((vector_size(16)));
typedef std::int32_t veci __attribute__((vector_size(16)));
typedef std::uint8_t vecb __attribute__((vector_size(4)));
#endif
// AVX2 without AVX-512: a few operations by intrinsics (below). With AVX-512 the generic
// code is the one tuned and measured, and stays as it was.
#if defined(__AVX2__) && !defined(__AVX512F__)
#define RSSVIZ_LAYOUT_AVX2 1
#endif

template <class VF>
inline VF splat(float x) {
  return VF{} + x;
}

template <class VF, class VI>
inline VF floor_v(VF y) {
  const VF t = __builtin_convertvector(__builtin_convertvector(y, VI), VF);  // toward zero
  return t > y ? t - 1.0f : t;
}

// v > c ? c : v and v < c ? c : v (a NaN v stays NaN).
template <class VF>
inline VF clamp_above(VF v, float c) {
  return v > c ? splat<VF>(c) : v;
}
template <class VF>
inline VF clamp_below(VF v, float c) {
  return v < c ? splat<VF>(c) : v;
}

#if !defined(RSSVIZ_LAYOUT_AVX2)
// The 2-D kernel's op codes of kW lanes as one int per lane.
inline veci widen_kinds(vecb kb) { return __builtin_convertvector(kb, veci); }
#endif
#if !defined(RSSVIZ_LAYOUT_AVX2)
// The x and the y of kW interleaved (x, y) pairs: the first kW / 2 pairs in lo, the rest
// in hi. (clang, which builds the sanitizer presets, spells GCC's __builtin_shuffle
// __builtin_shufflevector.)
#if defined(__AVX512F__) && defined(__clang__)
inline vecf pairs_x(vecf lo, vecf hi) {
  return __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}
inline vecf pairs_y(vecf lo, vecf hi) {
  return __builtin_shufflevector(lo, hi, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
}
#elif defined(__AVX512F__)
inline vecf pairs_x(vecf lo, vecf hi) {
  return __builtin_shuffle(lo, hi, veci{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30});
}
inline vecf pairs_y(vecf lo, vecf hi) {
  return __builtin_shuffle(lo, hi, veci{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31});
}
#elif defined(__AVX__) && defined(__clang__)
inline vecf pairs_x(vecf lo, vecf hi) { return __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14); }
inline vecf pairs_y(vecf lo, vecf hi) { return __builtin_shufflevector(lo, hi, 1, 3, 5, 7, 9, 11, 13, 15); }
#elif defined(__AVX__)
inline vecf pairs_x(vecf lo, vecf hi) { return __builtin_shuffle(lo, hi, veci{0, 2, 4, 6, 8, 10, 12, 14}); }
inline vecf pairs_y(vecf lo, vecf hi) { return __builtin_shuffle(lo, hi, veci{1, 3, 5, 7, 9, 11, 13, 15}); }
#elif defined(__clang__)
inline vecf pairs_x(vecf lo, vecf hi) { return __builtin_shufflevector(lo, hi, 0, 2, 4, 6); }
inline vecf pairs_y(vecf lo, vecf hi) { return __builtin_shufflevector(lo, hi, 1, 3, 5, 7); }
#else
inline vecf pairs_x(vecf lo, vecf hi) { return __builtin_shuffle(lo, hi, veci{0, 2, 4, 6}); }
inline vecf pairs_y(vecf lo, vecf hi) { return __builtin_shuffle(lo, hi, veci{1, 3, 5, 7}); }
#endif
#endif

#if defined(RSSVIZ_LAYOUT_AVX2)
// The same operations where GCC lowers the generic 8-lane code poorly, each with exactly
// the generic result. GCC makes a compare and a blend of a select, where vminps/vmaxps
// with the bound first return the same (the second operand when unordered); it floors
// by two conversions, a compare and a blend (vroundps: exact alike for the |y| <= 126
// of pow_v); it widens 8 op codes loaded from memory by scalar byte extracts, not one
// vpmovzxbd; it takes the pairs apart by two vpermps and a blend per coordinate.
template <>
inline vecf clamp_above(vecf v, float c) {
  return _mm256_min_ps(_mm256_set1_ps(c), v);
}
template <>
inline vecf clamp_below(vecf v, float c) {
  return _mm256_max_ps(_mm256_set1_ps(c), v);
}
template <>
inline vecf floor_v<vecf, veci>(vecf y) {
  return _mm256_floor_ps(y);
}
inline veci widen_kinds(vecb kb) {
  return (veci)_mm256_cvtepu8_epi32(_mm_cvtsi64_si128(std::bit_cast<long long>(kb)));
}
// Within 128-bit halves x0 x1 x4 x5 | x2 x3 x6 x7 (y alike), then the middle 64-bit
// quarters swap.
inline vecf pairs_x(vecf lo, vecf hi) {
  return (vecf)_mm256_permute4x64_pd((__m256d)_mm256_shuffle_ps(lo, hi, 0x88), 0xD8);
}
inline vecf pairs_y(vecf lo, vecf hi) {
  return (vecf)_mm256_permute4x64_pd((__m256d)_mm256_shuffle_ps(lo, hi, 0xDD), 0xD8);
}
#endif

// x^y = 2^(y log2 x) in vector lanes, division-free: log2 of the mantissa m in
// [sqrt(1/2), sqrt(2)) as u q(u), u = m - 1, with a degree-5 q fitted at Chebyshev nodes
// (absolute error 4e-6), and 2^f on [0, 1) by a fitted quintic (relative error 1.1e-7):
// relative error of the power below 1e-5 for |y log2 x| < 100 or so.
template <class VF, class VI>
inline VF pow_v(VF x, float yexp) {
  const VI bits = (VI)x;
  const VI e = ((bits >> 23) & 0xFF) - 127;
  const VI mb = (bits & 0x007FFFFF) | 0x3F800000;
  VF m = (VF)mb;
  const auto big = m > 1.41421356f;
  m = big ? m * 0.5f : m;
  const VF ef = __builtin_convertvector(e, VF) + (big ? splat<VF>(1.0f) : splat<VF>(0.0f));
  const VF u = m - 1.0f;
  const VF q = 1.4427018f + u * (-0.72120842f + u * (0.47979339f + u * (-0.36641418f + u * (0.31841403f + u * -0.20686279f))));
  VF y = yexp * (ef + u * q);
  y = clamp_above(clamp_below(y, -126.0f), 126.0f);
  const VF fl = floor_v<VF, VI>(y);
  const VF f = y - fl;
  const VF poly = 0.99999990f + f * (0.69315462f + f * (0.24014079f + f * (0.055863258f + f * (0.0089462249f + f * 0.0018951086f))));
  const VI pb = (__builtin_convertvector(fl, VI) + 127) << 23;
  return poly * (VF)pb;
}

template <class VF>
inline VF clip_v(VF v) {
  return clamp_below(clamp_above(v, 4.0f), -4.0f);
}

inline float clip4(float v) { return std::clamp(v, -4.0f, 4.0f); }

inline float pow_inline(float x, float y) { return fast_exp2(y * fast_log2(x)); }

}  // namespace

float fast_pow(float x, float y) { return pow_inline(x, y); }

SgdSchedule::SgdSchedule(const SparseGraph& W, float negative_sample_rate) {
  const Eigen::Index n = W.rows();
  float wmax = 0.0f;
  for (Eigen::Index i = 0; i < W.outerSize(); ++i)
    for (SparseGraph::InnerIterator it(W, i); it; ++it) wmax = std::max(wmax, it.value());
  std::vector<double> load(static_cast<std::size_t>(n), 0.0);
  for (Eigen::Index i = 0; i < n; ++i)
    for (SparseGraph::InnerIterator it(W, i); it; ++it)
      if (it.value() > 0.0f) load[static_cast<std::size_t>(i)] += it.value() / wmax;
  // Heads by decreasing expected samples per epoch (ties by index): the 2-D kernel runs
  // blocks of consecutive heads in vector lanes, and similar loads waste fewer lanes.
  // The edge lists are stored in this order too, so that an epoch streams through them
  // (in index order the sorted heads would hop across megabytes of schedule).
  order_.resize(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) order_[static_cast<std::size_t>(i)] = static_cast<int>(i);
  std::stable_sort(order_.begin(), order_.end(), [&load](int a, int b) {
    return load[static_cast<std::size_t>(a)] > load[static_cast<std::size_t>(b)];
  });
  ptr_.assign(static_cast<std::size_t>(n + 1), 0);
  for (Eigen::Index p = 0; p < n; ++p) {
    for (SparseGraph::InnerIterator it(W, order_[static_cast<std::size_t>(p)]); it; ++it) {
      if (it.value() <= 0.0f) continue;
      tail_.push_back(static_cast<int>(it.col()));
      const double e = static_cast<double>(wmax) / it.value();
      eps_.push_back(e);
      eps_neg_.push_back(e / negative_sample_rate);
      inv_eps_neg_.push_back(negative_sample_rate / e);
    }
    ptr_[static_cast<std::size_t>(p + 1)] = static_cast<int>(tail_.size());
  }
  next_ = eps_;
  next_neg_ = eps_neg_;
  // Samples of one head in one epoch: an edge is sampled at most once per epoch and at
  // least every ceil(eps) <= eps + 1 epochs, so it brings at most 2 pulls and
  // floor((eps + 1) / eps_neg) + 1 <= 2 rate + 1 negative samples.
  const int per_edge = 2 + static_cast<int>(std::min(2.0f * negative_sample_rate + 2.0f, 1e6f));
  for (Eigen::Index p = 0; p < n; ++p)
    max_degree_ = std::max(max_degree_, ptr_[static_cast<std::size_t>(p + 1)] - ptr_[static_cast<std::size_t>(p)]);
  max_samples_ = static_cast<long long>(max_degree_) * per_edge;
}

namespace {

// Everything an epoch kernel needs.
struct EpochArgs {
  float alpha;
  const SgdParams& p;
  RowMatrixXf& head;
  const RowMatrixXf& tail;
  std::uint64_t epoch_seed;
  double ep;
  const std::vector<int>& order;  // head at each position of the edge lists
  const std::vector<int>& ptr;    // CSR by position
  const std::vector<int>& tails;
  const std::vector<double>& eps;
  std::vector<double>& next;
  const std::vector<double>& eps_neg;
  const std::vector<double>& inv_eps_neg;
  std::vector<double>& next_neg;
};

inline std::uint64_t epoch_stream(std::uint64_t sampling_seed, int epoch) {
  return derive_seed(sampling_seed, "epoch") ^ (0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(epoch + 1));
}

inline std::uint64_t head_stream(std::uint64_t epoch_seed, int v) {
  return epoch_seed ^ (0xD1B54A32D192ED03ULL * static_cast<std::uint64_t>(v + 1));
}

inline int draw_tail(std::uint64_t& rs, std::uint64_t n_tail) {
  return static_cast<int>(((splitmix64(rs) >> 32) * n_tail) >> 32);
}

// The samples of head v in this epoch, in order, as calls of emit(kind, partner):
// kAttract (a sampled edge; with attraction_pulls = 2 followed by kAttractAgain, the
// reverse edge's pull from both moved ends) and kRepel (a negative sample). Advances
// the edges' schedules. The sequence depends on the epoch, the graph and the seed only,
// never on coordinates.
enum Kind : std::uint8_t { kNone = 0, kAttract = 1, kAttractAgain = 2, kRepel = 3 };

template <class Emit>
inline void head_samples(const EpochArgs& a, int pos, std::uint64_t n_tail, Emit&& emit) {
  const int v = a.order[static_cast<std::size_t>(pos)];
  const int e0 = a.ptr[static_cast<std::size_t>(pos)], e1 = a.ptr[static_cast<std::size_t>(pos + 1)];
  std::uint64_t rs = head_stream(a.epoch_seed, v);
  const bool exclude_self = a.p.exclude_self;
  const bool twice = a.p.attraction_pulls > 1;
  for (int e = e0; e < e1; ++e) {
    const auto ue = static_cast<std::size_t>(e);
    if (a.next[ue] > a.ep) continue;
    emit(kAttract, a.tails[ue]);
    if (twice) emit(kAttractAgain, a.tails[ue]);
    a.next[ue] += a.eps[ue];
    const int n_neg = static_cast<int>((a.ep - a.next_neg[ue]) * a.inv_eps_neg[ue]);
    if (n_neg <= 0) continue;
    a.next_neg[ue] += n_neg * a.eps_neg[ue];
    for (int s = 0; s < n_neg; ++s) {
      const int k = draw_tail(rs, n_tail);
      if (!(exclude_self && k == v)) emit(kRepel, k);
    }
  }
}

// One epoch, any dimension (D > 0 compile-time, D == 0 runtime), one head at a time.
// Per sample, with d² = |y - o|² and pb = d^(2b) (one power serves both forces):
//   attraction g = -2ab pb / (d² (1 + a pb)),  repulsion g = 2 gamma b / ((0.001 + d²)(1 + a pb)),
// and y += alpha clip(g (y - o)); a repulsion at d² = 0 or an attraction at d² = 0 is skipped.
template <int D>
void epoch_kernel(const EpochArgs& a, int threads) {
  const int n_head = static_cast<int>(a.head.rows());
  const auto n_tail = static_cast<std::uint64_t>(a.tail.rows());
  const int dim = D > 0 ? D : static_cast<int>(a.head.cols());
  const float pa = a.p.a, pb_exp = a.p.b, alpha = a.alpha;
  const float two_ab = 2.0f * pa * pb_exp;
  const float rep_num = 2.0f * a.p.gamma * pb_exp;
  // Per-thread scratch: the partner o and the previous attraction's step.
  const auto udim = static_cast<std::size_t>(dim);
  std::vector<float> scratch(2 * udim * static_cast<std::size_t>(threads_for(n_head, threads)), 0.0f);
  parallel_for(n_head, threads, [&](int pos, int thread) {
    float* o = scratch.data() + 2 * udim * static_cast<std::size_t>(thread);
    float* prev_step = o + udim;
    float* y = a.head.row(a.order[static_cast<std::size_t>(pos)]).data();
    head_samples(a, pos, n_tail, [&](Kind kind, int k) {
      const float* q = a.tail.row(k).data();
      if (kind == kAttractAgain) {
        for (int c = 0; c < dim; ++c) o[c] -= prev_step[c];
      } else {
        for (int c = 0; c < dim; ++c) o[c] = q[c];
      }
      float d2 = 0.0f;
      for (int c = 0; c < dim; ++c) {
        const float u = y[c] - o[c];
        d2 += u * u;
      }
      const bool attract = kind != kRepel;
      if (!(d2 > 0.0f)) {
        if (attract) std::fill(prev_step, prev_step + dim, 0.0f);
        return;
      }
      const float pw = pow_inline(d2, pb_exp);
      const float den = 1.0f + pa * pw;
      const float g = attract ? -two_ab * pw / (d2 * den) : rep_num / ((0.001f + d2) * den);
      for (int c = 0; c < dim; ++c) {
        const float step = alpha * clip4(g * (y[c] - o[c]));
        y[c] += step;
        if (attract) prev_step[c] = step;
      }
    });
  });
}

// The 2-D kernel. A head's samples form a serial chain (each starts where the previous
// left the head), long in latency and short in work; so heads run in vector lanes, kW
// per vector and kV vectors side by side (independent chains the processor overlaps).
// Per block of kW * kV heads, each head's samples are first listed as op codes (kind in
// the top two bits, partner index below; the negative samples' draws made eight at a
// time in vector lanes), then applied lane-parallel, the partners' coordinates gathered
// from the snapshot; a lane whose head has no sample left idles (kNone). Every lane
// does exactly the arithmetic of every other, so a head's result does not depend on
// its block, its lane or the thread count.
// kV: 32 heads per block whatever the lane count (2 x 16 lanes with AVX-512, 4 x 8 with
// AVX2).
constexpr int kV = 32 / kW;
constexpr int kBlockHeads = kW * kV;
constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

typedef std::uint64_t v8u __attribute__((vector_size(64)));

// One block's samples, step-major: slot s * kBlockHeads + lane. `xy` holds the partner's
// snapshot coordinates (x, y) of the slot, copied when the samples are listed, so that
// the lane-parallel pass reads contiguous memory (gathers are slow on some processors).
struct Block2 {
  std::vector<std::uint8_t> kind;
  std::vector<float> xy;  // 2 per slot
  std::vector<int> due;   // scratch: one head's due edges
  int count[kBlockHeads] = {};
  // Room for `steps` (the bound on one head's samples) plus 8 rows for the unconditional
  // writes. Grows only: stale slots beyond a lane's count are marked kNone before use.
  void reserve(std::size_t steps, std::size_t max_degree) {
    const std::size_t slots = (steps + 8) * kBlockHeads;
    if (kind.size() < slots) {
      kind.resize(slots, 0);
      xy.resize(2 * slots, 0.0f);
    }
    if (due.size() < max_degree + 1) due.resize(max_degree + 1);
  }
};

// Lists head v's samples (as head_samples: same order, same draws) into lane l of the
// block; returns how many.
inline int list_samples(const EpochArgs& a, int pos, std::uint64_t n_tail, Block2& blk, int l) {
  const int v = a.order[static_cast<std::size_t>(pos)];
  const int e0 = a.ptr[static_cast<std::size_t>(pos)], e1 = a.ptr[static_cast<std::size_t>(pos + 1)];
  std::uint64_t rs = head_stream(a.epoch_seed, v);
  const std::uint64_t self = a.p.exclude_self ? static_cast<std::uint64_t>(v) : ~0ULL;
  const bool twice = a.p.attraction_pulls > 1;
  const v8u lane_no = v8u{1, 2, 3, 4, 5, 6, 7, 8};
  // Local pointers: the byte stores below could alias anything as far as the compiler
  // knows, which would reload every vector's data pointer per edge.
  const float* __restrict tail = a.tail.data();
  const int* __restrict tails = a.tails.data();
  const double* __restrict eps = a.eps.data();
  const double* __restrict inv_eps_neg = a.inv_eps_neg.data();
  const double* __restrict eps_neg = a.eps_neg.data();
  double* __restrict next = a.next.data();
  double* __restrict next_neg = a.next_neg.data();
  const double ep = a.ep;
  std::uint8_t* __restrict kind = blk.kind.data() + l;
  float* __restrict xy = blk.xy.data() + 2 * l;
  std::size_t slot = 0;  // s * kBlockHeads
  const auto put = [&](Kind k, std::uint64_t partner) {
    kind[slot] = k;
    std::memcpy(xy + 2 * slot, tail + 2 * partner, 2 * sizeof(float));
    slot += kBlockHeads;
  };
  // The due edges first, compacted without branches (whether an edge is due is a
  // coin flip to the branch predictor).
  int* due = blk.due.data();
  int n_due = 0;
  for (int e = e0; e < e1; ++e) {
    due[n_due] = e;
    n_due += next[e] <= ep ? 1 : 0;
  }
  for (int i = 0; i < n_due; ++i) {
    const int e = due[i];
    const auto t = static_cast<std::uint64_t>(tails[e]);
    put(kAttract, t);
    if (twice) put(kAttractAgain, t);
    next[e] += eps[e];
    const int n_neg = static_cast<int>((ep - next_neg[e]) * inv_eps_neg[e]);
    if (n_neg <= 0) continue;
    next_neg[e] += n_neg * eps_neg[e];
    // Draw j of a batch mixes state rs + j * golden: the numbers of j sequential
    // splitmix64 calls. All eight lanes are written (the block has room) and `take`
    // kept; a draw of the head itself becomes kNone, a no-op (head_samples skips it).
    for (int b = 0; b < n_neg; b += 8) {
      v8u z = rs + kGolden * lane_no;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      z = z ^ (z >> 31);
      const v8u k = ((z >> 32) * n_tail) >> 32;
      for (int j = 0; j < 8; ++j) {
        const std::size_t at = slot + static_cast<std::size_t>(j) * kBlockHeads;
        kind[at] = k[j] != self ? kRepel : kNone;
        std::memcpy(xy + 2 * at, tail + 2 * k[j], 2 * sizeof(float));
      }
      const int take = std::min(8, n_neg - b);
      slot += static_cast<std::size_t>(take) * kBlockHeads;
      rs += kGolden * static_cast<std::uint64_t>(take);
    }
  }
  return static_cast<int>(slot / kBlockHeads);
}

void epoch_kernel_2d(const EpochArgs& a, int cap, int max_degree, int threads) {
  const std::vector<int>& order = a.order;
  const int n_head = static_cast<int>(a.head.rows());
  const auto n_tail = static_cast<std::uint64_t>(a.tail.rows());
  const float pa = a.p.a, pb_exp = a.p.b, alpha = a.alpha;
  const float two_ab = 2.0f * pa * pb_exp;
  const float rep_num = 2.0f * a.p.gamma * pb_exp;
  const int n_blocks = (n_head + kBlockHeads - 1) / kBlockHeads;
  parallel_for(n_blocks, threads, [&](int bi, int) {
    // One buffer per thread for the life of the thread (OpenMP keeps its pool), not one
    // allocated and zeroed per epoch.
    thread_local Block2 blk;
    blk.reserve(static_cast<std::size_t>(cap), static_cast<std::size_t>(max_degree));
    const int h0 = bi * kBlockHeads;
    const int m = std::min(kBlockHeads, n_head - h0);
    int steps = 0;
    for (int l = 0; l < kBlockHeads; ++l) {
      blk.count[l] = l < m ? list_samples(a, h0 + l, n_tail, blk, l) : 0;
      steps = std::max(steps, blk.count[l]);
    }
    for (int l = 0; l < kBlockHeads; ++l)
      for (int s = blk.count[l]; s < steps; ++s)
        blk.kind[static_cast<std::size_t>(s) * kBlockHeads + static_cast<std::size_t>(l)] = kNone;

    vecf y0[kV], y1[kV], px[kV], py[kV], s0p[kV], s1p[kV];
    for (int w = 0; w < kV; ++w) {
      for (int j = 0; j < kW; ++j) {
        const int l = w * kW + j;
        const int v = l < m ? order[static_cast<std::size_t>(h0 + l)] : -1;
        y0[w][j] = v >= 0 ? a.head(v, 0) : 0.0f;
        y1[w][j] = v >= 0 ? a.head(v, 1) : 0.0f;
      }
      px[w] = py[w] = s0p[w] = s1p[w] = splat<vecf>(0.0f);
    }
    for (int s = 0; s < steps; ++s) {
      const std::size_t base = static_cast<std::size_t>(s) * kBlockHeads;
      for (int w = 0; w < kV; ++w) {
        const std::size_t o = base + static_cast<std::size_t>(w * kW);
        vecb kb;
        vecf lo, hi;
        std::memcpy(&kb, blk.kind.data() + o, sizeof kb);
        std::memcpy(&lo, blk.xy.data() + 2 * o, sizeof lo);
        std::memcpy(&hi, blk.xy.data() + 2 * o + kW, sizeof hi);
        const veci kind = widen_kinds(kb);
        const auto again = kind == static_cast<int>(kAttractAgain);
        const auto attract = (kind == static_cast<int>(kAttract)) | again;
        // The reverse pull starts from the partner as the previous pull moved it.
        const vecf qx = again ? px[w] - s0p[w] : pairs_x(lo, hi);
        const vecf qy = again ? py[w] - s1p[w] : pairs_y(lo, hi);
        const vecf dx = y0[w] - qx, dy = y1[w] - qy;
        const vecf d2 = dx * dx + dy * dy;
        const auto live = (kind != static_cast<int>(kNone)) & (d2 > 0.0f);
        const vecf safe = live ? d2 : splat<vecf>(1.0f);
        const vecf pw = pow_v<vecf, veci>(safe, pb_exp);
        const vecf den = (1.0f + pa * pw) * (attract ? safe : 0.001f + safe);
        const vecf num = live ? (attract ? -two_ab * pw : splat<vecf>(rep_num)) : splat<vecf>(0.0f);
        const vecf g = num / den;
        const vecf st0 = alpha * clip_v(g * dx), st1 = alpha * clip_v(g * dy);
        y0[w] += st0;
        y1[w] += st1;
        px[w] = attract ? qx : px[w];
        py[w] = attract ? qy : py[w];
        s0p[w] = attract ? st0 : s0p[w];
        s1p[w] = attract ? st1 : s1p[w];
      }
    }
    for (int l = 0; l < m; ++l) {
      const int v = order[static_cast<std::size_t>(h0 + l)];
      a.head(v, 0) = y0[l / kW][l % kW];
      a.head(v, 1) = y1[l / kW][l % kW];
    }
  });
}

}  // namespace

void SgdSchedule::run_epoch(int epoch, float alpha, const SgdParams& p, RowMatrixXf& head, const RowMatrixXf& tail,
                            std::uint64_t sampling_seed, int threads) {
  const std::uint64_t epoch_seed = epoch_stream(sampling_seed, epoch);
  const bool automatic = threads <= 0;
  if (automatic) threads = pick_threads();
  const auto t0 = std::chrono::steady_clock::now();
  const EpochArgs args{alpha, p, head, tail, epoch_seed, static_cast<double>(epoch), order_, ptr_, tail_, eps_, next_, eps_neg_, inv_eps_neg_, next_neg_};
  switch (head.cols()) {
    case 2:
      epoch_kernel_2d(args, static_cast<int>(max_samples_), max_degree_, threads);
      break;
    case 3:
      epoch_kernel<3>(args, threads);
      break;
    default:
      epoch_kernel<0>(args, threads);
  }
  if (automatic) record_epoch(threads, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

// The result does not depend on the thread count, so the count can follow the
// machine. Tiny graphs use one thread (a parallel region per epoch costs more than it
// saves below ~15 000 edges). Above, both counts are timed: every epoch ends at a
// barrier, and on a machine whose other core is busy the second thread is descheduled
// for a time slice at each one (measured: the paper's map's 500 epochs took 5 s
// instead of 0.2 s). So the first epochs try each count, the faster is kept, and the
// other is re-tried after 16 epochs, then 32, 64, ... while it keeps losing. What the
// last schedule learnt seeds the next (a warm start after a fit, the explorer's
// frames): it starts with the count that won and keeps its back-off, up to 32 epochs.
namespace {
std::atomic<int> g_hint_threads{0};     // 0: nothing learnt yet
std::atomic<int> g_hint_interval{16};
constexpr int kMaxInheritedInterval = 32;
}  // namespace

int SgdSchedule::pick_threads() {
  const int many = std::clamp(static_cast<int>(tail_.size() / 15000), 1, current_threads());
  if (many == 1) return 1;
  if (first_threads_ == 0) {
    const int hint = g_hint_threads.load(std::memory_order_relaxed);
    first_threads_ = hint == 1 ? 1 : many;
    // The back-off learnt earlier is capped: a short warm start (50 epochs) must still
    // try the other count once, or a second thread that won while the machine was quiet
    // keeps every later schedule at the 20-fold slowdown once another process runs.
    probe_interval_ = hint > 0 ? std::min(g_hint_interval.load(std::memory_order_relaxed), kMaxInheritedInterval) : 1;
  }
  const bool known1 = epoch_seconds_[0] >= 0.0, known_many = epoch_seconds_[1] >= 0.0;
  const int best = known1 && known_many ? (epoch_seconds_[0] <= epoch_seconds_[1] ? 1 : many)
                   : known1             ? 1
                   : known_many         ? many
                                        : first_threads_;
  if (++since_probe_ > probe_interval_) {
    since_probe_ = 0;
    probing_ = true;
    return best == 1 ? many : 1;
  }
  return best;
}

void SgdSchedule::record_epoch(int threads, double seconds) {
  const int slot = threads == 1 ? 0 : 1;
  double& est = epoch_seconds_[slot];
  if (probing_) {
    probing_ = false;
    const double other = epoch_seconds_[1 - slot];
    if (other >= 0.0) probe_interval_ = seconds < other ? 16 : std::min(probe_interval_ * 2, 1 << 20);
    est = seconds;
  } else {
    est = est < 0.0 ? seconds : 0.7 * est + 0.3 * seconds;
  }
  if (epoch_seconds_[0] >= 0.0 && epoch_seconds_[1] >= 0.0) {
    g_hint_threads.store(epoch_seconds_[0] <= epoch_seconds_[1] ? 1 : 2, std::memory_order_relaxed);
    g_hint_interval.store(probe_interval_, std::memory_order_relaxed);
  }
}

void SgdSchedule::run_epoch_reference(int epoch, float alpha, const SgdParams& p, RowMatrixXf& head,
                                      const RowMatrixXf& tail, std::uint64_t sampling_seed) {
  const std::uint64_t epoch_seed = epoch_stream(sampling_seed, epoch);
  const EpochArgs args{alpha, p, head, tail, epoch_seed, static_cast<double>(epoch), order_, ptr_, tail_, eps_, next_, eps_neg_, inv_eps_neg_, next_neg_};
  epoch_kernel<0>(args, 1);
}

}  // namespace rssviz::umap
