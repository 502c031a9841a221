// State harvesting (declared in reservoir.hpp): the prefix trie walked level by level,
// the chunked recurrent product, and the one-sentence reference.
#include "core/common/memory.hpp"
#include "core/esn/reservoir.hpp"

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

#include <Eigen/Dense>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/parallel.hpp"
#include "core/common/progress.hpp"
#include "core/common/transpose.hpp"

namespace rssviz::esn {

namespace {

// The recurrent product of one chunk of a trie level: Q = W1 P, where column c of P is the
// parent state of prefix c. Every chunk has kChunk columns (zero-padded), and each column
// is computed by the same instruction sequence whatever the chunk, the level or the
// thread: the states are bitwise independent of the batch and of the thread count.
constexpr int kChunk = 64;

#if defined(__AVX512F__)
// Hand-written AVX-512 float GEMM with W1 packed once per harvest (Eigen repacks its left
// operand at every call, 15 % of the harvest in a profile). Register tile: 48 rows
// (3 zmm) x 8 columns = 24 accumulators; k is blocked by 128 so that a 48 x 128 panel of
// W (24 KB) and the 8-column panel it meets (4 KB) stay in L1 (48 KB) for the 8 column
// panels of the chunk (256: the 48 KB panel spilled to L2, the harvest ~5 % slower on
// this machine's Xeon). The k blocks do not change the bits: each chain is stored and
// reloaded in k order.
constexpr int kMr = 48, kNr = 8, kKc = 128;

class ChunkProduct {
 public:
  explicit ChunkProduct(const Eigen::MatrixXf& w)
      : n_(static_cast<int>(w.rows())), panels_((n_ + kMr - 1) / kMr), ld_(panels_ * kMr) {
    // Panel p holds rows 48p..48p+47 (zero past n), k-major: 48 floats per k.
    packed_.assign(static_cast<size_t>(panels_) * static_cast<size_t>(n_) * kMr, 0.0f);
    for (int p = 0; p < panels_; ++p)
      for (int k = 0; k < n_; ++k)
        for (int r = 0; r < kMr && p * kMr + r < n_; ++r)
          packed_[(static_cast<size_t>(p) * n_ + k) * kMr + r] = w(p * kMr + r, k);
  }
  int ld() const { return ld_; }  // rows of the Q buffer (n rounded up to 48)
  static constexpr int row_block() { return kMr; }  // run's row ranges start at multiples of this
  size_t p_size() const { return static_cast<size_t>(n_) * kChunk; }
  size_t q_size() const { return static_cast<size_t>(ld_) * kChunk; }

  // pp: buffer of p_size() floats; q: buffer of q_size() floats, column c at q + c ld().
  template <class Column>
  void run(int nc, Column&& column, float* pp, float* q, int r0, int r1) const {
    // Pack the chunk's parent states as column panels of 8, k-major: full panels by 8 x 8
    // register transposes (the scalar loop was 9 % of the harvest), the last partial panel
    // element by element with zeros past nc; panels past it are skipped by the product
    // and never packed.
    const int micro = (nc + kNr - 1) / kNr;
    for (int j = 0; j < micro; ++j) {
      float* panel = pp + static_cast<size_t>(j) * n_ * kNr;
      if (j * kNr + kNr <= nc) {
        const float* src[kNr];
        for (int l = 0; l < kNr; ++l) src[l] = column(j * kNr + l);
        pack_panel(src, panel);
        continue;
      }
      for (int l = 0; l < kNr; ++l) {
        const int c = j * kNr + l;
        float* dst = panel + l;
        if (c < nc) {
          const float* col = column(c);
          for (int k = 0; k < n_; ++k) dst[static_cast<size_t>(k) * kNr] = col[k];
        } else {
          for (int k = 0; k < n_; ++k) dst[static_cast<size_t>(k) * kNr] = 0.0f;
        }
      }
    }
    for (int k0 = 0; k0 < n_; k0 += kKc) {
      const int kc = std::min(kKc, n_ - k0);
      for (int p = r0 / kMr; p < (r1 + kMr - 1) / kMr; ++p) {
        const float* a = packed_.data() + (static_cast<size_t>(p) * n_ + k0) * kMr;
        for (int j = 0; j < micro; ++j)
          tile(a, pp + (static_cast<size_t>(j) * n_ + k0) * kNr, kc,
               q + static_cast<size_t>(j) * kNr * ld_ + static_cast<size_t>(p) * kMr, k0 == 0);
      }
    }
  }

 private:
  // dst[k * 8 + l] = src[l][k] for every k < n: eight columns into one k-major panel.
  void pack_panel(const float* const* src, float* dst) const {
    int k = 0;
    for (; k + 8 <= n_; k += 8) {
      const float* at[8];
      for (int l = 0; l < 8; ++l) at[l] = src[l] + k;
      transpose8x8(at, dst + static_cast<size_t>(k) * 8, 8);
    }
    for (; k < n_; ++k)
      for (int l = 0; l < 8; ++l) dst[static_cast<size_t>(k) * 8 + l] = src[l][k];
  }

  // c[48 x 8] (+)= a[48 x kc] b[kc x 8]: one FMA chain per entry, k in order.
  void tile(const float* a, const float* b, int kc, float* c, bool first) const {
    __m512 acc[3][kNr];
#pragma GCC unroll 8
    for (int l = 0; l < kNr; ++l)
#pragma GCC unroll 3
      for (int r = 0; r < 3; ++r)
        acc[r][l] = first ? _mm512_setzero_ps() : _mm512_loadu_ps(c + static_cast<size_t>(l) * ld_ + 16 * r);
    for (int k = 0; k < kc; ++k) {
      const __m512 a0 = _mm512_loadu_ps(a + k * kMr);
      const __m512 a1 = _mm512_loadu_ps(a + k * kMr + 16);
      const __m512 a2 = _mm512_loadu_ps(a + k * kMr + 32);
#pragma GCC unroll 8
      for (int l = 0; l < kNr; ++l) {
        const __m512 bl = _mm512_set1_ps(b[k * kNr + l]);
        acc[0][l] = _mm512_fmadd_ps(a0, bl, acc[0][l]);
        acc[1][l] = _mm512_fmadd_ps(a1, bl, acc[1][l]);
        acc[2][l] = _mm512_fmadd_ps(a2, bl, acc[2][l]);
      }
    }
#pragma GCC unroll 8
    for (int l = 0; l < kNr; ++l)
#pragma GCC unroll 3
      for (int r = 0; r < 3; ++r) _mm512_storeu_ps(c + static_cast<size_t>(l) * ld_ + 16 * r, acc[r][l]);
  }

  int n_, panels_, ld_;
  std::vector<float> packed_;
};
#elif defined(__AVX2__) && defined(__FMA__)
// The same design for AVX2 + FMA (AMD Zen 1-3, Intel client CPUs without AVX-512), where
// Eigen's path reached about a third of the FMA peak (its kernel on 32-row blocks, W
// packed again at every call, the chunk again for every row block). Register tile: 24 rows
// (3 ymm) x 4 columns = 12 accumulators + 3 for W's column + 1 broadcast = the 16 ymm
// registers; k is blocked by 256 so that a 24 x 256 panel of W (24 KB) stays in L1 while
// it meets the 16 column panels of the chunk. Every entry is one FMA chain from zero in k
// order, as in the AVX-512 kernel, whatever the tile it falls in.
constexpr int kMr = 24, kNr = 4, kKc = 256;

class ChunkProduct {
 public:
  explicit ChunkProduct(const Eigen::MatrixXf& w)
      : n_(static_cast<int>(w.rows())), panels_((n_ + kMr - 1) / kMr), ld_(panels_ * kMr) {
    // Panel p holds rows 24p..24p+23 (zero past n), k-major: 24 floats per k.
    packed_.assign(static_cast<size_t>(panels_) * static_cast<size_t>(n_) * kMr, 0.0f);
    for (int p = 0; p < panels_; ++p)
      for (int k = 0; k < n_; ++k)
        for (int r = 0; r < kMr && p * kMr + r < n_; ++r)
          packed_[(static_cast<size_t>(p) * n_ + k) * kMr + r] = w(p * kMr + r, k);
  }
  int ld() const { return ld_; }  // rows of the Q buffer (n rounded up to 24)
  static constexpr int row_block() { return kMr; }  // run's row ranges start at multiples of this
  size_t p_size() const { return static_cast<size_t>(n_) * kChunk; }
  size_t q_size() const { return static_cast<size_t>(ld_) * kChunk; }

  // pp: buffer of p_size() floats; q: buffer of q_size() floats, column c at q + c ld().
  template <class Column>
  void run(int nc, Column&& column, float* pp, float* q, int r0, int r1) const {
    // The chunk's parent states as column panels of 4, k-major: full panels by 4 x 8
    // register transposes (the scalar loop wrote 4 floats apart, one at a time), the last
    // partial one element by element with zeros past nc; all-zero panels are neither
    // packed nor multiplied.
    const int micro = (nc + kNr - 1) / kNr;
    for (int j = 0; j < micro; ++j) {
      float* panel = pp + static_cast<size_t>(j) * n_ * kNr;
      if (j * kNr + kNr <= nc) {
        const float* src[kNr];
        for (int l = 0; l < kNr; ++l) src[l] = column(j * kNr + l);
        int k = 0;
        for (; k + 8 <= n_; k += 8) {
          const float* at[kNr];
          for (int l = 0; l < kNr; ++l) at[l] = src[l] + k;
          transpose4x8(at, panel + static_cast<size_t>(k) * kNr);
        }
        for (; k < n_; ++k)
          for (int l = 0; l < kNr; ++l) panel[static_cast<size_t>(k) * kNr + l] = src[l][k];
        continue;
      }
      for (int l = 0; l < kNr; ++l) {
        float* dst = panel + l;
        const int c = j * kNr + l;
        if (c < nc) {
          const float* src = column(c);
          for (int k = 0; k < n_; ++k) dst[static_cast<size_t>(k) * kNr] = src[k];
        } else {
          for (int k = 0; k < n_; ++k) dst[static_cast<size_t>(k) * kNr] = 0.0f;
        }
      }
    }
    for (int k0 = 0; k0 < n_; k0 += kKc) {
      const int kc = std::min(kKc, n_ - k0);
      for (int p = r0 / kMr; p < (r1 + kMr - 1) / kMr; ++p) {
        const float* a = packed_.data() + (static_cast<size_t>(p) * n_ + k0) * kMr;
        for (int j = 0; j < micro; ++j)
          tile(a, pp + (static_cast<size_t>(j) * n_ + k0) * kNr, kc,
               q + static_cast<size_t>(j) * kNr * ld_ + static_cast<size_t>(p) * kMr, k0 == 0);
      }
    }
  }

 private:
  // c[24 x 4] (+)= a[24 x kc] b[kc x 4]: one FMA chain per entry, k in order. Not inlined,
  // so that the 16 ymm registers hold the tile alone: inlined into the harvest's loops,
  // GCC spilled an accumulator to the stack in one build (half the speed).
  [[gnu::noinline]] void tile(const float* a, const float* b, int kc, float* c, bool first) const {
    __m256 acc[3][kNr];
#pragma GCC unroll 4
    for (int l = 0; l < kNr; ++l)
#pragma GCC unroll 3
      for (int r = 0; r < 3; ++r)
        acc[r][l] = first ? _mm256_setzero_ps() : _mm256_loadu_ps(c + static_cast<size_t>(l) * ld_ + 8 * r);
    for (int k = 0; k < kc; ++k) {
      __m256 a0 = _mm256_loadu_ps(a + k * kMr);
      __m256 a1 = _mm256_loadu_ps(a + k * kMr + 8);
      __m256 a2 = _mm256_loadu_ps(a + k * kMr + 16);
      // Keeps W's column in registers: GCC otherwise folds each load into the 4 FMAs that
      // use it, 12 loads per k instead of 3, and the loads halve the kernel's speed.
      __asm__("" : "+x"(a0), "+x"(a1), "+x"(a2));
#pragma GCC unroll 4
      for (int l = 0; l < kNr; ++l) {
        const __m256 bl = _mm256_broadcast_ss(b + k * kNr + l);
        acc[0][l] = _mm256_fmadd_ps(a0, bl, acc[0][l]);
        acc[1][l] = _mm256_fmadd_ps(a1, bl, acc[1][l]);
        acc[2][l] = _mm256_fmadd_ps(a2, bl, acc[2][l]);
      }
    }
#pragma GCC unroll 4
    for (int l = 0; l < kNr; ++l)
#pragma GCC unroll 3
      for (int r = 0; r < 3; ++r) _mm256_storeu_ps(c + static_cast<size_t>(l) * ld_ + 8 * r, acc[r][l]);
  }

  int n_, panels_, ld_;
  std::vector<float> packed_;
};
#else
// Portable path (neither AVX-512 nor AVX2 + FMA): Eigen's GEMM, one call per block of 32
// rows of W on the fixed 64-column chunk. Eigen's GEMM runs its own OpenMP team when it
// is called from a team of one thread (harvest with threads = 1) and not from a larger
// one, and its blocking depends on that team, so a plain n x 64 product gave other last
// bits for another thread count. A destination with at most 32 rows at compile time is
// never split by Eigen (its parallelizer's condition is MaxRowsAtCompileTime > 32), and
// each row block has the same shape in every call: a column's bits are independent of
// the chunk, the level, the batch and the thread count.
class ChunkProduct {
 public:
  explicit ChunkProduct(const Eigen::MatrixXf& w) : w_(w) {}
  int ld() const { return static_cast<int>(w_.rows()); }
  static constexpr int row_block() { return kRows; }
  size_t p_size() const { return static_cast<size_t>(w_.rows()) * kChunk; }
  size_t q_size() const { return p_size(); }
  template <class Column>
  void run(int nc, Column&& column, float* pp, float* q, int r0, int r1) const {
    const Eigen::Index n = w_.rows();
    Eigen::Map<Eigen::MatrixXf> p(pp, n, kChunk);
    for (int c = 0; c < kChunk; ++c)
      if (c < nc)
        p.col(c) = Eigen::Map<const Eigen::VectorXf>(column(c), n);
      else
        p.col(c).setZero();
    using RowBlock = Eigen::Matrix<float, Eigen::Dynamic, kChunk, Eigen::ColMajor, kRows, kChunk>;
    for (Eigen::Index b0 = r0; b0 < r1; b0 += kRows) {
      const Eigen::Index rows = std::min<Eigen::Index>(kRows, n - b0);
      Eigen::Map<RowBlock, 0, Eigen::OuterStride<>> out(q + b0, rows, kChunk, Eigen::OuterStride<>(n));
      out.noalias() = w_.middleRows(b0, rows) * p;
    }
  }

 private:
  static constexpr int kRows = 32;
  const Eigen::MatrixXf& w_;
};
#endif

// Densities up to which the automatic choice takes the sparse product (below). Outside
// the #if: the baseline x86-64 build (portable preset, the fuzzers) reads it too.
constexpr double kSparseMaxDensity = 0.25;

#if defined(__AVX2__) && defined(__FMA__)
// The same product for a sparse W (the search draws densities down to 0.1): each row's
// nonzero weights in k order, the chunk's parent states k-major (64 floats per k), and
// one FMA chain per entry over the row's nonzeros in k order. An FMA with a zero weight
// adds exactly zero, so the chain gives the dense kernels' bits (up to the sign of an
// exact zero) with d N^2 instead of N^2 multiply-adds. Each nonzero streams 64 parent
// values from L2 (the chunk's 256 KB), so it is bound by L2 bandwidth, not the FMAs, and
// pays only for sparse reservoirs: harvest of the protocol's 2000 sentences, 1000 units,
// one thread (docs/BENCHMARKS.md): dense ~350 ms at any density; sparse 136 ms at 0.1,
// 192 at 0.2, 334 at 0.3, 464 at 0.4, 743 at 0.5: hence kSparseMaxDensity.

class SparseProduct {
 public:
  explicit SparseProduct(const Eigen::MatrixXf& w) : n_(static_cast<int>(w.rows())) {
    start_.reserve(static_cast<size_t>(n_) + 1);
    start_.push_back(0);
    for (int i = 0; i < n_; ++i) {
      for (int k = 0; k < n_; ++k)
        if (w(i, k) != 0.0f) {
          col_.push_back(k);
          val_.push_back(w(i, k));
        }
      start_.push_back(static_cast<long long>(col_.size()));
    }
  }
  int ld() const { return n_; }
  static constexpr int row_block() { return 8; }
  size_t p_size() const { return static_cast<size_t>(n_) * kChunk; }
  size_t q_size() const { return static_cast<size_t>(n_) * kChunk; }

  template <class Column>
  void run(int nc, Column&& column, float* pp, float* q, int r0, int r1) const {
    const int groups = (nc + 7) / 8;
    const int width = groups * 8;
    for (int c = 0; c < width; ++c) {
      if (c < nc) {
        const float* src = column(c);
        for (int k = 0; k < n_; ++k) pp[static_cast<size_t>(k) * kChunk + c] = src[k];
      } else {
        for (int k = 0; k < n_; ++k) pp[static_cast<size_t>(k) * kChunk + c] = 0.0f;
      }
    }
    if (groups == kChunk / 8)
      rows<kChunk / 8>(pp, q, nc, r0, r1);
    else
      for (int g = 0; g < groups; ++g) rows_of_group(pp, q, g, nc, r0, r1);
  }

 private:
  // Every row, all eight groups of 8 columns at once (8 accumulators).
  template <int G>
  void rows(const float* pp, float* q, int nc, int r0, int r1) const {
    alignas(32) float out[G * 8];
    for (int i = r0; i < r1; ++i) {
      __m256 acc[G];
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) acc[g] = _mm256_setzero_ps();
      for (long long e = start_[static_cast<size_t>(i)]; e < start_[static_cast<size_t>(i) + 1]; ++e) {
        const __m256 w = _mm256_broadcast_ss(&val_[static_cast<size_t>(e)]);
        const float* b = pp + static_cast<size_t>(col_[static_cast<size_t>(e)]) * kChunk;
#pragma GCC unroll 8
        for (int g = 0; g < G; ++g) acc[g] = _mm256_fmadd_ps(w, _mm256_loadu_ps(b + 8 * g), acc[g]);
      }
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) _mm256_store_ps(out + 8 * g, acc[g]);
      for (int c = 0; c < nc; ++c) q[static_cast<size_t>(c) * n_ + i] = out[c];
    }
  }
  // Small chunks: one group of 8 columns at a time.
  void rows_of_group(const float* pp, float* q, int g, int nc, int r0, int r1) const {
    alignas(32) float out[8];
    const int c_end = std::min(nc, 8 * g + 8);
    for (int i = r0; i < r1; ++i) {
      __m256 acc = _mm256_setzero_ps();
      for (long long e = start_[static_cast<size_t>(i)]; e < start_[static_cast<size_t>(i) + 1]; ++e)
        acc = _mm256_fmadd_ps(_mm256_broadcast_ss(&val_[static_cast<size_t>(e)]),
                              _mm256_loadu_ps(pp + static_cast<size_t>(col_[static_cast<size_t>(e)]) * kChunk + 8 * g),
                              acc);
      _mm256_store_ps(out, acc);
      for (int c = 8 * g; c < c_end; ++c) q[static_cast<size_t>(c) * n_ + i] = out[c - 8 * g];
    }
  }

  int n_;
  std::vector<long long> start_;
  std::vector<int> col_;
  std::vector<float> val_;
};
#endif

// The reservoir's packed W1 for this kernel, built on first use (Reservoir::kernel_cache).
template <class Product>
const Product& cached_product(std::once_flag& once, std::shared_ptr<const void>& slot, const Eigen::MatrixXf& w) {
  std::call_once(once, [&] { slot = std::make_shared<const Product>(w); });
  return *static_cast<const Product*>(slot.get());
}

struct Level {
  std::vector<int> parent;  // node index in the previous level (-1 at level 0: the zero state)
  std::vector<int> token;
};

}  // namespace

States harvest(const Reservoir& r, const std::vector<const std::vector<int>*>& sentences, Keep keep,
               const StopFlag* stop) {
  return harvest(r, sentences, keep, HarvestKernel::kAutomatic, stop);
}

bool sparse_harvest_available() {
#if defined(__AVX2__) && defined(__FMA__)
  return true;
#else
  return false;
#endif
}

States harvest(const Reservoir& r, const std::vector<const std::vector<int>*>& sentences, Keep keep,
               HarvestKernel kernel, const StopFlag* stop) {
  if (kernel == HarvestKernel::kSparse && !sparse_harvest_available())
    throw std::invalid_argument("harvest: the sparse kernel needs an AVX2 + FMA build");
  const int n = r.units();
  const int vocab = r.vocabulary_size();
  const auto count = static_cast<int>(sentences.size());
  States out;
  out.offsets.assign(static_cast<size_t>(count) + 1, 0);
  int max_len = 0;
  for (int s = 0; s < count; ++s) {
    const auto& tok = *sentences[static_cast<size_t>(s)];
    for (size_t t = 0; t < tok.size(); ++t)
      if (tok[t] < 0 || tok[t] >= vocab)
        throw std::invalid_argument("harvest: sentence " + std::to_string(s) + ", step " + std::to_string(t) +
                                    ": token " + std::to_string(tok[t]) + " is out of range [0, " +
                                    std::to_string(vocab) + ")");
    const auto len = static_cast<long long>(tok.size());
    out.total_steps += len;
    max_len = std::max(max_len, static_cast<int>(len));
    out.offsets[static_cast<size_t>(s) + 1] = out.offsets[static_cast<size_t>(s)] + (keep == Keep::kEnd ? 1 : len);
  }
  const long long entries = out.offsets.back();
  out.prefix_id.assign(static_cast<size_t>(entries), -1);
  out.by_prefix = keep == Keep::kPrefixes;
  // The entry that holds sentence s's state after step t (t < len, its length), or -1
  // when none does (kEnd keeps the last step only).
  const auto entry_of = [&](int s, int t, int len) -> long long {
    const long long first = out.offsets[static_cast<size_t>(s)];
    if (keep != Keep::kEnd) return first + t;
    return t == len - 1 ? first : -1;
  };
  if (count == 0) {
    out.x.resize(n, 0);
    return out;
  }
  // 1. The prefix trie, level by level: the distinct (parent, token) pairs of level t,
  // numbered in sentence order; entry ids = level base + node.
  std::vector<Level> levels(static_cast<size_t>(max_len));
  std::vector<long long> base(static_cast<size_t>(max_len) + 1, 0);
  {
    std::vector<int> node(static_cast<size_t>(count), -1);  // node of each sentence at the current level
    std::unordered_map<std::uint64_t, int> index;
    for (int t = 0; t < max_len; ++t) {
      Level& lv = levels[static_cast<size_t>(t)];
      index.clear();
      for (int s = 0; s < count; ++s) {
        const auto& tok = *sentences[static_cast<size_t>(s)];
        const auto len = static_cast<int>(tok.size());
        if (len <= t) continue;
        const int parent = node[static_cast<size_t>(s)];
        const auto key =
            (static_cast<std::uint64_t>(parent + 1) << 32) | static_cast<std::uint32_t>(tok[static_cast<size_t>(t)]);
        auto [it, fresh] = index.try_emplace(key, static_cast<int>(lv.parent.size()));
        if (fresh) {
          lv.parent.push_back(parent);
          lv.token.push_back(tok[static_cast<size_t>(t)]);
        }
        node[static_cast<size_t>(s)] = it->second;
        if (const long long e = entry_of(s, t, len); e >= 0)
          out.prefix_id[static_cast<size_t>(e)] = static_cast<int>(base[static_cast<size_t>(t)] + it->second);
      }
      base[static_cast<size_t>(t) + 1] = base[static_cast<size_t>(t)] + static_cast<long long>(lv.parent.size());
    }
    out.unique_steps = base.back();
  }
  // 2. Every column is written once, below or here: no zeroing (its pages are touched
  // once). kEnd: an empty sentence's END state is the state before any token, x(-1) = 0.
  out.x.resize(n, keep == Keep::kPrefixes ? out.unique_steps : entries);
  prefer_huge_pages(out.x);
  if (keep == Keep::kEnd)
    for (int s = 0; s < count; ++s)
      if (sentences[static_cast<size_t>(s)]->empty()) out.x.col(out.offsets[static_cast<size_t>(s)]).setZero();

  const int threads = resolve_threads(r.options().threads);
  ThreadScope scope(threads);
  const float a = static_cast<float>(r.options().leak_rate);
  const float rho = static_cast<float>(r.options().spectral_radius);
  const Eigen::MatrixXf& drive = r.drive();
  // The sparse product for a sparse enough W (automatic), else the dense one.
  Reservoir::KernelCache& cache = r.kernel_cache();
  bool sparse = kernel == HarvestKernel::kSparse;
  if (kernel == HarvestKernel::kAutomatic && sparse_harvest_available() && n >= 64) {
    std::call_once(cache.nonzeros_once, [&] { cache.nonzeros = (r.unit_w().array() != 0.0f).count(); });
    sparse = static_cast<double>(cache.nonzeros) <= kSparseMaxDensity * static_cast<double>(n) * n;
  }
  const ChunkProduct* dense = nullptr;
#if defined(__AVX2__) && defined(__FMA__)
  const SparseProduct* sparse_product = nullptr;
  if (sparse) sparse_product = &cached_product<SparseProduct>(cache.sparse_once, cache.sparse, r.unit_w());
#endif
  if (!sparse) dense = &cached_product<ChunkProduct>(cache.dense_once, cache.dense, r.unit_w());
  const auto run_product = [&](int nc, const auto& column, float* pp, float* q, int r0, int r1) {
#if defined(__AVX2__) && defined(__FMA__)
    if (sparse_product) return sparse_product->run(nc, column, pp, q, r0, r1);
#endif
    dense->run(nc, column, pp, q, r0, r1);
  };
  // Each chunk's product and update are split into two fixed row slices (at a multiple of
  // the kernel's row block, whatever the thread count, so the bits never depend on it):
  // with two threads each computes one slice of every chunk, so the levels balance
  // whatever their width and each core streams only its half of W (its own L2).
  int row_block = ChunkProduct::row_block();
#if defined(__AVX2__) && defined(__FMA__)
  if (sparse_product) row_block = SparseProduct::row_block();
#endif
  const int slices = n >= 4 * row_block ? 2 : 1;
  const int half = slices == 2 ? ((n + 1) / 2 + row_block - 1) / row_block * row_block : n;
  size_t p_size = 0, q_size = 0;
  int ld = 0;
#if defined(__AVX2__) && defined(__FMA__)
  if (sparse_product) p_size = sparse_product->p_size(), q_size = sparse_product->q_size(), ld = sparse_product->ld();
#endif
  if (dense) p_size = dense->p_size(), q_size = dense->q_size(), ld = dense->ld();
  // Per-thread buffers, allocated outside the parallel region (no throw inside), one per
  // thread the widest level's product can use (levels t >= 1; the first has none).
  int most_blocks = 0;
  for (size_t t = 1; t < levels.size(); ++t)
    most_blocks = std::max(most_blocks, (static_cast<int>(levels[t].parent.size()) + kChunk - 1) / kChunk * slices);
  const auto scratch = static_cast<size_t>(threads_for(most_blocks, threads));
  std::vector<std::vector<float>> pbuf(scratch, std::vector<float>(p_size));
  std::vector<std::vector<float>> qbuf(scratch, std::vector<float>(q_size));

  // kPrefixes: the levels live in x itself (level t = columns base[t] .. base[t+1]-1);
  // else in two level buffers, handed to the entries after each level.
  Eigen::MatrixXf buf_prev, buf_cur;
  for (int t = 0; t < max_len; ++t) {
    if (stop_requested(stop)) throw Cancelled();
    const Level& lv = levels[static_cast<size_t>(t)];
    const int width = static_cast<int>(lv.parent.size());
    if (keep != Keep::kPrefixes) buf_cur.resize(n, width);
    float* cur_data = keep == Keep::kPrefixes ? out.x.col(base[static_cast<size_t>(t)]).data() : buf_cur.data();
    const float* prev_data = t == 0 ? nullptr
                             : keep == Keep::kPrefixes ? out.x.col(base[static_cast<size_t>(t) - 1]).data()
                                                       : buf_prev.data();
    Eigen::Map<Eigen::MatrixXf> cur(cur_data, n, width);
    const Eigen::Map<const Eigen::MatrixXf> prev(prev_data, n,
                                                 t == 0 ? 0 : static_cast<Eigen::Index>(levels[static_cast<size_t>(t) - 1].parent.size()));
    const int chunks = (width + kChunk - 1) / kChunk;
    // Advances chunk i of a level t >= 1: gather the parents, W1 P, equations (1)-(2).
    const auto advance = [&](int i, int slice, int me) {
      const int c0 = i * kChunk;
      const int nc = std::min(kChunk, width - c0);
      const auto parent = [&](int c) { return lv.parent[static_cast<size_t>(c0 + c)]; };
      const auto token = [&](int c) { return lv.token[static_cast<size_t>(c0 + c)]; };
      const int r0 = slice == 0 ? 0 : half, r1 = slice == 0 ? half : n, len = r1 - r0;
      float* q = qbuf[static_cast<size_t>(me)].data();
      run_product(nc, [&](int c) { return prev.col(parent(c)).data(); }, pbuf[static_cast<size_t>(me)].data(), q, r0,
                  r1);
      for (int c = 0; c < nc; ++c) {
        const Eigen::Map<const Eigen::VectorXf> wx(q + static_cast<size_t>(c) * static_cast<size_t>(ld) + r0, len);
        cur.col(c0 + c).segment(r0, len) =
            (1.0f - a) * prev.col(parent(c)).segment(r0, len).array() +
            a * (rho * wx.array() + drive.col(token(c)).segment(r0, len).array()).tanh();
      }
    };
    if (t == 0) {
      // x(-1) = 0: W x vanishes exactly, so the product is skipped.
      for (int c = 0; c < width; ++c) cur.col(c) = a * drive.col(lv.token[static_cast<size_t>(c)]).array().tanh();
    } else {
      // Waking the other threads costs more than a small level's product (and, on a busy
      // machine, a scheduler time slice): those run on the calling thread.
      const bool parallel = static_cast<double>(width) * n * n >= 2e7;
      // Block b = slice * chunks + chunk: the contiguous partition gives thread 0 the
      // first slice of every chunk and thread 1 the second.
      parallel_for(chunks * slices, threads_if(parallel, threads),
                   [&](int b, int me) { advance(b % chunks, b / chunks, me); });
    }

    // Hand the level's states to the entries that need them.
    if (keep != Keep::kPrefixes) {
      for (int s = 0; s < count; ++s) {
        const auto len = static_cast<int>(sentences[static_cast<size_t>(s)]->size());
        if (len <= t) continue;
        const long long e = entry_of(s, t, len);
        if (e < 0) continue;
        const long long nd = out.prefix_id[static_cast<size_t>(e)] - base[static_cast<size_t>(t)];
        out.x.col(e) = cur.col(nd);
      }
      std::swap(buf_prev, buf_cur);
    }
  }
  return out;
}

States harvest(const Reservoir& r, const std::vector<std::vector<int>>& sentences, Keep keep, const StopFlag* stop) {
  std::vector<const std::vector<int>*> p;
  p.reserve(sentences.size());
  for (const auto& s : sentences) p.push_back(&s);
  return harvest(r, p, keep, stop);
}

States harvest(const Reservoir& r, const std::vector<corpus::Sentence>& sentences, Keep keep, const StopFlag* stop) {
  std::vector<const std::vector<int>*> p;
  p.reserve(sentences.size());
  for (const auto& s : sentences) p.push_back(&s.tokens);
  return harvest(r, p, keep, stop);
}

Eigen::MatrixXd run_sentence(const Reservoir& r, const std::vector<int>& tokens) {
  const Eigen::MatrixXd w = r.w();
  const Eigen::MatrixXd win = r.win();
  const double a = r.options().leak_rate;
  Eigen::MatrixXd states(r.units(), static_cast<Eigen::Index>(tokens.size()));
  Eigen::VectorXd x = Eigen::VectorXd::Zero(r.units());
  for (size_t t = 0; t < tokens.size(); ++t) {
    if (tokens[t] < 0 || tokens[t] >= r.vocabulary_size())
      throw std::invalid_argument("run_sentence: step " + std::to_string(t) + ": token " + std::to_string(tokens[t]) +
                                  " is out of range [0, " + std::to_string(r.vocabulary_size()) + ")");
    const Eigen::VectorXd pre = w * x + win.col(0) + win.col(1 + tokens[t]);
    x = (1.0 - a) * x + a * pre.array().tanh().matrix();
    states.col(static_cast<Eigen::Index>(t)) = x;
  }
  return states;
}

}  // namespace rssviz::esn
