// Echo State Network reservoir: construction, scaling and state harvesting.
// Specification: shared/paper-notes.md section 3.
//
// Update (leaky-integrator tanh units, state reset to 0 before each sentence):
//   (1)  pre(t) = rho * W1 x(t-1) + s_in * Win1[:, u(t)] + s_b * b
//   (2)  x(t)   = (1 - a) x(t-1) + a tanh(pre(t)),   x(-1) = 0
// where u(t) is the index of the token read at step t (the one-hot input is a column
// gather), rho = spectral_radius, s_in = input_scaling, s_b = bias_scaling (0 when the
// bias is off), a = leak_rate. W1 is the recurrent matrix scaled to unit spectral radius,
// Win1 (+-1 entries) and b (+-1 entries) the unscaled input and bias weights. With
// s_in = s_b = 1 this is the paper's x(t) = (1-a) x(t-1) + a tanh(Win [1; u(t)] + W x(t-1)).
//
// Weights (each from its own seeded stream, so changing one never shifts another):
//   W0   "reservoir.W":   one 64-bit draw per entry (i, j), column-major: nonzero when its
//                         upper 32 bits / 2^32 < `density`, value (lower 32 bits) / 2^31 - 1,
//                         uniform in [-1, 1);
//   Win1 "reservoir.Win": entry nonzero with probability `input_connectivity`, then +-1;
//   b    "reservoir.bias": same law as Win1.
//   W1 = W0 / r0, where r0 is either the expected spectral radius of W0 (circular law:
//   entries have variance density / 3, so r0 = sqrt(units * density / 3); the paper's
//   scaling, no eigensolver) or its exact spectral radius (Spectra's Arnoldi solver, Eigen's
//   full solver for small reservoirs).
// Changing only spectral_radius, input_scaling, leak_rate or bias_scaling keeps W1, Win1
// and b: `with_scaling()` returns such a reservoir without drawing or solving anything
// (the GUI's live sliders rely on this), and it equals a fresh build with those options.
//
// Precision: the states and the reservoir weights are single precision (float32): the
// harvest is a float GEMM, twice the throughput of double; the readout is fitted in
// double (readout.hpp).
//
// Typical use (experiment/esn_protocol.hpp wraps the paper's protocol):
//   Reservoir r(options, grammar.vocabulary_size());
//   States end = harvest(r, corpus.train.sentences, Keep::kEnd);        // training
//   Eigen::MatrixXd wout = fit_ridge(end.x, corpus.train.teacher, options.ridge);
//   States steps = harvest(r, some_test_sentences, Keep::kEveryStep);  // maps
//   Eigen::MatrixXd y = predict(wout, steps.x);   // one row per step, decode per step
//   auto stages = readout_checkpoints(end.x, corpus.train.teacher, options.ridge, {10, 100, 1000});
//   Reservoir live = r.with_scaling({sr, lr, s_in});  // a slider moved: no redraw
// A Reservoir is immutable apart from rescale(); harvest() only reads it, so concurrent
// harvests of one reservoir are safe.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/common/progress.hpp"
#include "core/corpus/dataset.hpp"

namespace rssviz::esn {

// How W0 is scaled to unit spectral radius before multiplying by spectral_radius.
enum class WeightInit {
  kExpected,  // divide by the circular-law estimate sqrt(units * density / 3): fast, the paper's choice
  kExact,     // divide by the exact spectral radius (eigensolver): the radius is exactly spectral_radius
};
std::string to_string(WeightInit w);              // "expected" | "exact"
WeightInit weight_init_from_string(const std::string& s);  // throws std::invalid_argument

struct ReservoirOptions {
  int units = 1000;                   // reservoir size N; more units: richer states, slower (paper: 1000)
  double spectral_radius = 1.1;       // rho(W); larger: longer memory, towards chaos above ~1 (paper: 1.1)
  double leak_rate = 0.05;            // a in (0, 1]; smaller: slower, smoother states (paper: 0.05)
  double input_scaling = 1.0;         // scale of Win; larger: more saturated, input-driven units (paper: 1)
  double density = 0.85;              // fraction of nonzero W entries, (0, 1] (paper: 0.85)
  double input_connectivity = 0.1;    // fraction of nonzero Win (and bias) entries, (0, 1] (paper: 0.1)
  bool bias = true;                   // constant bias input (the paper's Win [1; u]); off: s_b = 0
  double bias_scaling = 1.0;          // scale of the bias weights b, >= 0 (paper: 1, same as Win)
  double ridge = 3.1622776601683794e-4;  // readout regularisation lambda, >= 0; larger: smoother Wout (paper: 10^-3.5)
  WeightInit weight_init = WeightInit::kExpected;  // expected (paper, fast) or exact spectral radius
  std::uint64_t seed = 1;             // master seed of the W, Win and bias streams
  int threads = 0;                    // OpenMP threads for harvests and fits; 0 = all cores
  // Throws std::invalid_argument naming the field, its value and the allowed range.
  void validate() const;
  bool operator==(const ReservoirOptions&) const = default;
};

// The three values the live sliders move: changing only these keeps the drawn weights
// (Reservoir::with_scaling). Defaults: ReservoirOptions' (the paper's).
struct Scalings {
  double spectral_radius = ReservoirOptions{}.spectral_radius;  // rho(W), as ReservoirOptions::spectral_radius
  double leak_rate = ReservoirOptions{}.leak_rate;              // a in (0, 1], as ReservoirOptions::leak_rate
  double input_scaling = ReservoirOptions{}.input_scaling;      // scale of Win, as ReservoirOptions::input_scaling
  // The scalings of `o`.
  static Scalings of(const ReservoirOptions& o) { return {o.spectral_radius, o.leak_rate, o.input_scaling}; }
  // `o` with these scalings (its other fields kept).
  ReservoirOptions applied_to(ReservoirOptions o) const {
    o.spectral_radius = spectral_radius;
    o.leak_rate = leak_rate;
    o.input_scaling = input_scaling;
    return o;
  }
  bool operator==(const Scalings&) const = default;
};

class Reservoir {
 public:
  // An empty placeholder (0 units, vocabulary 0) to assign a real reservoir to.
  Reservoir();
  // Draws W0, Win1 and b from options.seed and scales W0 to unit radius.
  // vocabulary_size: number of distinct input tokens (one-hot input size), >= 1.
  Reservoir(const ReservoirOptions& options, int vocabulary_size);

  // Rebuilds from stored weights (a model file): W1 (units x units, unit radius),
  // Win1 (units x vocabulary), b (units x 1), and the radius r0 W0 had before scaling.
  static Reservoir from_weights(const ReservoirOptions& options, Eigen::MatrixXf unit_w, Eigen::MatrixXf unit_win,
                                Eigen::VectorXf unit_bias, double raw_radius);

  // Same weights with new scalings: no random draw, no eigensolver, W1 shared (not copied).
  // Equals Reservoir(options with these values, vocabulary_size). Validates the values.
  Reservoir with_scaling(const Scalings& scalings) const;
  // In-place variant of with_scaling (bias_scaling included).
  void rescale(double spectral_radius, double leak_rate, double input_scaling, double bias_scaling);

  const ReservoirOptions& options() const { return options_; }
  int units() const { return options_.units; }
  int vocabulary_size() const { return static_cast<int>(win_.cols()); }
  // W1: W0 scaled to unit spectral radius (exact or expected, per weight_init).
  const Eigen::MatrixXf& unit_w() const { return *w_; }
  // Radius r0 that W0 was divided by (expected or exact).
  double raw_radius() const { return raw_radius_; }
  const Eigen::MatrixXf& unit_win() const { return win_; }
  const Eigen::VectorXf& unit_bias() const { return bias_; }
  // The effective weights of equation (1), as double for analysis and reference code.
  Eigen::MatrixXd w() const;    // spectral_radius * W1
  Eigen::MatrixXd win() const;  // units x (1 + vocabulary): [s_b b, s_in Win1], the paper's Win [1; u]
  // Input term s_in Win1[:, u] + s_b b for every token u (units x vocabulary).
  const Eigen::MatrixXf& drive() const { return drive_; }

  // The harvest's packed forms of W1 (harvest.cpp) and its count of nonzero weights (the
  // automatic kernel choice), each computed by the first harvest that needs it and shared,
  // like W1, by every rescaled copy: a slider's new value does not pack or scan W1 again
  // (4 MB at 1000 units, 36 MB at 3000, a few ms to tens of ms per value).
  struct KernelCache {
    std::once_flag dense_once, sparse_once, nonzeros_once;
    std::shared_ptr<const void> dense, sparse;
    long long nonzeros = 0;
  };
  KernelCache& kernel_cache() const { return *kernels_; }

 private:
  void update_drive();
  ReservoirOptions options_;
  std::shared_ptr<const Eigen::MatrixXf> w_;  // shared between rescaled copies
  std::shared_ptr<KernelCache> kernels_ = std::make_shared<KernelCache>();  // W1's, shared with it
  Eigen::MatrixXf win_;
  Eigen::VectorXf bias_;
  Eigen::MatrixXf drive_;
  double raw_radius_ = 1.0;
};

// Spectral radius of a square matrix: Eigen's full solver below 64 rows, else Spectra's
// Arnoldi iteration (falling back to the full solver if it does not converge).
double spectral_radius(const Eigen::MatrixXd& m);

// Which states a harvest returns.
enum class Keep {
  kEnd,        // one column per sentence: the state after its last token (END)
  kEveryStep,  // one column per token of every sentence
  kPrefixes,   // one column per distinct prefix (the maps: duplicates are computed and stored once)
};

// States of a harvest. Column-major float: column c is one state vector x (units values).
struct States {
  Eigen::MatrixXf x;  // units x columns
  // Sentence s owns entries offsets[s] .. offsets[s+1]-1 (its steps in order; for kEnd
  // exactly one, so offsets = 0, 1, ..., sentences). offsets.size() = sentences + 1.
  // kEnd, kEveryStep: the entries are the columns of x; kPrefixes: entry e's state is
  // column prefix_id[e] of x.
  std::vector<long long> offsets;
  // Per entry: index of the distinct prefix (trie node) it came from, numbered level by
  // level (all first tokens, then all two-token prefixes, ...); entries with the same id
  // hold bitwise identical states (identical prefixes), so maps can drop duplicates.
  // kPrefixes: column prefix_id[e] of x holds the state (x has unique_steps columns).
  // -1 for the one entry that is no trie node: an empty sentence's END under kEnd (the
  // empty prefix), whose state is the zero state.
  std::vector<int> prefix_id;
  long long total_steps = 0;   // tokens read by all sentences
  long long unique_steps = 0;  // distinct prefixes actually computed (<= total_steps)
  int sentences() const { return static_cast<int>(offsets.size()) - 1; }
  bool by_prefix = false;  // kPrefixes: x has a column per prefix (see prefix_id)
  // State of sentence s at step t (t < its length; for kEnd only its END state, t = 0).
  auto state(int s, int t = 0) const {
    const long long e = offsets[static_cast<std::size_t>(s)] + t;
    return x.col(by_prefix ? prefix_id[static_cast<std::size_t>(e)] : e);
  }
};

// Runs many sentences at once. Identical prefixes give identical states, so the token
// sequences are merged into a prefix trie and each distinct prefix is advanced once;
// the trie is walked level by level (step t of every sentence together). The recurrent
// product of a level is computed in chunks of 64 prefixes shared among the threads: a
// hand-written AVX-512 or AVX2 + FMA float GEMM with W packed once per harvest (Eigen's
// GEMM on builds with neither), or for a W with at most 25 % of nonzeros a sparse
// product with the same bits (HarvestKernel below), followed by the fused tanh/leak update. Every column is
// computed by the same instruction sequence whatever its chunk, so a sentence's states
// are bitwise identical whatever the other sentences in the batch and the thread count
// (tested).
// The state is 0 before each sentence's first token (so an empty sentence's kEnd state
// is 0; it has no entries under kEveryStep and kPrefixes). Tokens must lie in
// [0, vocabulary_size) (else std::invalid_argument naming the sentence and step). Uses
// options().threads threads. Checks `stop` between trie levels (throws Cancelled).
States harvest(const Reservoir& r, const std::vector<const std::vector<int>*>& sentences, Keep keep,
               const StopFlag* stop = nullptr);
States harvest(const Reservoir& r, const std::vector<std::vector<int>>& sentences, Keep keep,
               const StopFlag* stop = nullptr);
States harvest(const Reservoir& r, const std::vector<corpus::Sentence>& sentences, Keep keep,
               const StopFlag* stop = nullptr);

// The recurrent product's kernel. kAutomatic: the sparse one when W has at most 25 % of
// nonzeros (and the build has AVX2 + FMA), else the dense one; both give the same bits
// (the sparse chain skips only exact zeros), so the choice is a matter of speed.
// kDense / kSparse force one (tests, benchmarks; kSparse throws std::invalid_argument
// on builds without AVX2 + FMA).
enum class HarvestKernel { kAutomatic, kDense, kSparse };
bool sparse_harvest_available();
States harvest(const Reservoir& r, const std::vector<const std::vector<int>*>& sentences, Keep keep,
               HarvestKernel kernel, const StopFlag* stop = nullptr);

// Reference implementation: one sentence, one step at a time, in double, straight from
// equations (1)-(2). Returns units x length (the state after each token). For tests and
// for per-sentence activity plots.
Eigen::MatrixXd run_sentence(const Reservoir& r, const std::vector<int>& tokens);

}  // namespace rssviz::esn
