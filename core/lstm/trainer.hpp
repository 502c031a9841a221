// Training of the LSTM (shared/paper-notes.md section 4): mini-batch gradient of the
// MSE after END (equation 9 of lstm.hpp), Adam, and a step-wise trainer that the caller
// drives one epoch at a time and that keeps a snapshot of the weights after every epoch.
//
// Adam (Kingma & Ba; the bias-corrected form PyTorch uses), for every parameter w with
// batch gradient g at update t = 1, 2, ...:
//   (15) m = beta1 m + (1 - beta1) g          v = beta2 v + (1 - beta2) g^2
//   (16) w -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
// (Keras, which the paper used, adds epsilon to sqrt(v) before the bias correction; with
// epsilon = 1e-7 the two differ by less than 1e-7 relative.)
// Optional clipping (off by default, as in the paper): if ||g||_2 > clip_norm, g is
// scaled to norm clip_norm before (15).
//
// Determinism: the gradient of each sentence of a batch is computed into its own buffer
// and the buffers are summed in batch order, so the result is bit-identical whatever the
// thread count (threads only decide who computes which sentence).
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/progress.hpp"
#include "core/common/rng.hpp"
#include "core/corpus/dataset.hpp"
#include "core/lstm/lstm.hpp"

namespace rssviz::lstm {

struct TrainerOptions {
  int epochs = 35;               // passes over the training set; finished() turns true after this many (paper: 35)
  int batch_size = 2;            // sentences per Adam update; larger = fewer, smoother updates (paper: 2)
  double learning_rate = 1e-3;   // Adam step size; larger learns faster but less stably (paper: 1e-3)
  double beta1 = 0.9;            // Adam first-moment decay (paper: 0.9)
  double beta2 = 0.999;          // Adam second-moment decay (paper: 0.999)
  double epsilon = 1e-7;         // Adam denominator guard (paper/Keras: 1e-7)
  double clip_norm = 0.0;        // clip the batch gradient to this L2 norm; 0 = off (paper: off)
  bool shuffle = false;          // reshuffle the training order every epoch (paper: off, fixed order)
  int threads = 1;               // threads for batches of >= 4 sentences per thread and for validation; 0 = all cores; never changes results
  std::uint64_t seed = 1;        // seed of the shuffling stream Rng(seed, "lstm.shuffle")
  bool keep_snapshots = true;    // keep the weights after every epoch (35 x 2.5k doubles for the paper's model)
  void validate() const;         // throws std::invalid_argument naming the bad field and its range
  bool operator==(const TrainerOptions&) const = default;
};

// One Adam optimiser over a flat parameter vector (equations 15-16).
template <class T>
class BasicAdam {
 public:
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  BasicAdam() = default;
  BasicAdam(long size, double beta1, double beta2, double epsilon);
  // One update of w with gradient g (both of the size given at construction).
  void step(Vec& w, const Vec& g, double learning_rate);
  long steps() const { return t_; }
  const Vec& first_moment() const { return m_; }
  const Vec& second_moment() const { return v_; }

 private:
  Vec m_, v_;
  long t_ = 0;
  double beta1_ = 0.9, beta2_ = 0.999, epsilon_ = 1e-7;
};

// batch_loss_and_gradient splits a batch over threads only when every thread gets at
// least this many sentences (so the paper's batch of 2 always runs on one thread).
inline constexpr int kMinSentencesPerThread = 4;

// Reusable buffers for batch_loss_and_gradient (one work and one gradient per batch slot).
template <class T>
struct BasicBatchWork {
  std::vector<BasicSentenceWork<T>> sentence;
  std::vector<BasicLstmParams<T>> item_grad;
};

// Mean loss (equation 9) of sentences[index[0..count)] against the target columns
// (targets: O x N, column j = target of sentence j), and its gradient, written to
// `grad` (overwritten, same layout as p). Token values must lie in [0, V): the trainer
// checks them once, this inner function does not.
template <class T>
T batch_loss_and_gradient(const BasicLstmParams<T>& p, const std::vector<std::vector<int>>& sentences,
                          const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& targets, const int* index, int count,
                          BasicBatchWork<T>& work, BasicLstmParams<T>& grad, int threads);

// What run_epoch() returns (and history() keeps).
struct EpochReport {
  int epoch = 0;                    // 1 for the first epoch
  double train_loss = 0.0;          // mean of the batch losses (equation 9) during the epoch
  double validation_mse = 0.0;      // MSE of the END outputs on the validation set after the epoch
  double validation_valid_error = 0.0;  // valid error on the validation set (fraction)
  double validation_exact_error = 0.0;  // exact error on the validation set (fraction)
  double seconds = 0.0;             // wall time of the epoch's training (validation excluded)
  bool diverged = false;            // the epoch was abandoned: see BasicTrainer::diagnostic() (not in history())
};

// The training loss above which a run counts as diverged: the targets are 0/1, so the
// all-zero network scores at most 1 and a loss this large means the weights ran away.
inline constexpr double kDivergedLoss = 1e6;

// Step-wise trainer: the caller owns the loop.
//
//   Trainer tr(corpus, LstmOptions{}, TrainerOptions{});
//   while (!tr.finished()) { auto r = tr.run_epoch(&stop); plot(r); }
//   auto stage7 = tr.snapshot(7);          // the network after epoch 7 (0 = initial)
//
// Cancellation: run_epoch(stop) checks the flag between batches; when it is set it
// restores the weights and Adam's state to the start of the epoch and throws Cancelled,
// so the trainer stays usable and a later run_epoch() gives exactly what an
// uninterrupted one would have.
//
// Divergence is data, not an exception (DESIGN.md): when a batch's loss is not finite or
// exceeds kDivergedLoss, a gradient or (after the update) a weight is not finite, or an
// epoch's mean training loss exceeds 10 times that of the network that outputs zeros (a
// learning rate far too large: the loss stays finite but runs away), run_epoch()
// restores the start of the epoch as it does when cancelled, returns a report with
// diverged = true, and the trainer stops: finished() turns true, diverged() too, and
// diagnostic() says where it happened and what to change. The model (and every
// snapshot) stays the last one before the run-away epoch.
template <class T>
class BasicTrainer {
 public:
  using Model = BasicLstm<T>;
  using Params = BasicLstmParams<T>;

  // Trains on corpus.train, validates on corpus.validation (the paper's 280 sentences).
  BasicTrainer(const corpus::Corpus& corpus, const LstmOptions& model_options, const TrainerOptions& options);
  // Any data sets of one grammar, from a given initial model (its sizes must match the
  // grammar: V = vocabulary size, O = output size).
  BasicTrainer(const corpus::Grammar& grammar, const corpus::Dataset& train, const corpus::Dataset& validation,
               Model initial, const TrainerOptions& options);

  // One pass over the training set, then validation. May be called past options().epochs.
  EpochReport run_epoch(const StopFlag* stop = nullptr);
  bool finished() const { return epoch_ >= options_.epochs || !diagnostic_.empty(); }
  bool diverged() const { return !diagnostic_.empty(); }
  // Empty, or one sentence: "training diverged in epoch 3 (batch 17 of 500): the loss is
  // not finite (loss inf); the model is kept as after epoch 2. Lower the learning rate
  // (now 10) or clip the gradient.""
  const std::string& diagnostic() const { return diagnostic_; }
  int epoch() const { return epoch_; }  // epochs completed
  const Model& model() const { return model_; }
  const TrainerOptions& options() const { return options_; }
  const std::vector<EpochReport>& history() const { return history_; }
  // Weights after epoch e (0 = the initial weights), e in [0, epoch()]; with
  // keep_snapshots off only the current epoch is available.
  const Params& snapshot_params(int e) const;
  Model snapshot(int e) const { return Model(snapshot_params(e), model_.options()); }
  int snapshot_count() const { return static_cast<int>(snapshots_.size()); }
  const BasicAdam<T>& adam() const { return adam_; }

 private:
  void validate_then_record(EpochReport& r);
  corpus::Grammar grammar_;
  corpus::Dataset validation_;
  std::vector<std::vector<int>> train_tokens_, validation_tokens_;
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> train_targets_;
  TrainerOptions options_;
  Model model_;
  BasicAdam<T> adam_;
  Rng shuffle_rng_;
  std::vector<int> order_;
  BasicBatchWork<T> work_;
  Params grad_;
  std::vector<Params> snapshots_;
  std::vector<EpochReport> history_;
  std::string diagnostic_;
  int epoch_ = 0;
};

using Adam = BasicAdam<double>;
using BatchWork = BasicBatchWork<double>;
using Trainer = BasicTrainer<double>;

}  // namespace rssviz::lstm
