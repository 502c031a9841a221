#include "core/lstm/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "core/common/check.hpp"
#include "core/common/parallel.hpp"
#include "core/lstm/inspect.hpp"

namespace rssviz::lstm {

namespace {
// An epoch whose mean training loss exceeds this many times the loss of the all-zero
// output counts as diverged (BasicTrainer::run_epoch). Measured on the basic corpus with
// 8 hidden units (rssviz-cli train, 4-5 epochs, 2026-12-01): learning rates up to 3 give
// epoch losses of 0.1-0.7, learning rate 10 gives 2.5-11.6; Trainer tests pin both sides.
constexpr double kRunawayFactor = 10.0;
}  // namespace

void TrainerOptions::validate() const {
  check_range("TrainerOptions.epochs", epochs, 0, 100000);
  check_range("TrainerOptions.batch_size", batch_size, 1, 1000000);
  check_range_open_low("TrainerOptions.learning_rate", learning_rate, 0.0, 10.0);
  check_range("TrainerOptions.beta1", beta1, 0.0, 0.999999);
  check_range("TrainerOptions.beta2", beta2, 0.0, 0.999999999);
  check_range_open_low("TrainerOptions.epsilon", epsilon, 0.0, 1.0);
  check_range("TrainerOptions.clip_norm", clip_norm, 0.0, 1e12);
  check_range("TrainerOptions.threads", threads, 0, 256);
}

template <class T>
BasicAdam<T>::BasicAdam(long size, double beta1, double beta2, double epsilon)
    : m_(Vec::Zero(size)), v_(Vec::Zero(size)), beta1_(beta1), beta2_(beta2), epsilon_(epsilon) {}

template <class T>
void BasicAdam<T>::step(Vec& w, const Vec& g, double learning_rate) {
  if (w.size() != m_.size() || g.size() != m_.size())
    throw std::invalid_argument("Adam::step: sizes " + std::to_string(w.size()) + " and " + std::to_string(g.size()) +
                                " do not match the optimiser's " + std::to_string(m_.size()));
  ++t_;
  const T b1 = static_cast<T>(beta1_), b2 = static_cast<T>(beta2_);
  const T c1 = static_cast<T>(1.0 / (1.0 - std::pow(beta1_, static_cast<double>(t_))));
  const T c2 = static_cast<T>(1.0 / (1.0 - std::pow(beta2_, static_cast<double>(t_))));
  const T lr = static_cast<T>(learning_rate), eps = static_cast<T>(epsilon_);
  // Blocks of 512 keep w, g, m, v of a block in L1 across the three passes (the whole
  // model does not fit: 4 x 2.3k doubles for the paper's network).
  const Eigen::Index n = w.size();
  for (Eigen::Index s = 0; s < n; s += 512) {
    const Eigen::Index k = std::min<Eigen::Index>(512, n - s);
    auto m = m_.segment(s, k).array();
    auto v = v_.segment(s, k).array();
    const auto gs = g.segment(s, k).array();
    // (15)
    m = b1 * m + (T(1) - b1) * gs;
    v = b2 * v + (T(1) - b2) * gs.square();
    // (16)
    w.segment(s, k).array() -= lr * (m * c1) / ((v * c2).sqrt() + eps);
  }
}

template <class T>
T batch_loss_and_gradient(const BasicLstmParams<T>& p, const std::vector<std::vector<int>>& sentences,
                          const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& targets, const int* index, int count,
                          BasicBatchWork<T>& work, BasicLstmParams<T>& grad, int threads) {
  if (count < 1) throw std::invalid_argument("batch_loss_and_gradient: count = " + std::to_string(count) + " < 1");
  if (targets.rows() != p.outputs())
    throw std::invalid_argument("batch_loss_and_gradient: targets have " + std::to_string(targets.rows()) +
                                " rows, the model " + std::to_string(p.outputs()) + " outputs");
  if (static_cast<int>(work.sentence.size()) < count) work.sentence.resize(static_cast<size_t>(count));
  if (static_cast<int>(work.item_grad.size()) < count) work.item_grad.resize(static_cast<size_t>(count));
  for (int b = 0; b < count; ++b) {
    auto& ig = work.item_grad[static_cast<size_t>(b)];
    if (ig.size() != p.size() || ig.hidden() != p.hidden()) ig.resize(p.inputs(), p.hidden(), p.outputs());
  }
  if (grad.size() != p.size() || grad.hidden() != p.hidden()) grad.resize(p.inputs(), p.hidden(), p.outputs());
  const T scale = T(1) / (static_cast<T>(count) * static_cast<T>(p.outputs()));
  T losses[1024];
  std::vector<T> big_losses;
  T* loss = losses;
  if (count > 1024) {
    big_losses.resize(static_cast<size_t>(count));
    loss = big_losses.data();
  }
  // A sentence is ~20 us of work: below a few sentences per thread the fork/join costs
  // more than it saves, and on a loaded machine a descheduled thread stalls the barrier
  // for a whole time slice (docs/BENCHMARKS.md: batch 2 on 2 threads ran 15x slower).
  const int nt = std::max(1, std::min(resolve_threads(threads), count / kMinSentencesPerThread));
  auto item = [&](int b) {
    const auto& tok = sentences[static_cast<size_t>(index[b])];
    const int L = static_cast<int>(tok.size());
    auto& w = work.sentence[static_cast<size_t>(b)];
    auto& ig = work.item_grad[static_cast<size_t>(b)];
    forward_sentence(p, tok.data(), L, w);
    loss[b] = mse_and_gradient(w.y.data(), targets.col(index[b]).data(), p.outputs(), scale, w.dy.data());
    ig.flat().setZero();
    backward_sentence(p, tok.data(), L, w, ig);
  };
  parallel_for(count, nt, [&](int b, int) { item(b); });
  // Fixed-order reduction: the same sums whatever the thread count.
  grad.flat() = work.item_grad[0].flat();
  T total = loss[0];
  for (int b = 1; b < count; ++b) {
    grad.flat() += work.item_grad[static_cast<size_t>(b)].flat();
    total += loss[b];
  }
  return total;
}

namespace {

template <class T>
Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> targets_of(const corpus::Dataset& d) {
  return d.teacher.transpose().template cast<T>();
}

}  // namespace

template <class T>
BasicTrainer<T>::BasicTrainer(const corpus::Corpus& corpus, const LstmOptions& model_options,
                              const TrainerOptions& options)
    : BasicTrainer(corpus.grammar, corpus.train, corpus.validation,
                   Model(corpus.grammar.vocabulary_size(), corpus.grammar.output_size(), model_options), options) {}

template <class T>
BasicTrainer<T>::BasicTrainer(const corpus::Grammar& grammar, const corpus::Dataset& train,
                              const corpus::Dataset& validation, Model initial, const TrainerOptions& options)
    : grammar_(grammar),
      validation_(validation),
      train_tokens_(tokens_of(train)),
      validation_tokens_(tokens_of(validation)),
      train_targets_(targets_of<T>(train)),
      options_(options),
      model_(std::move(initial)),
      shuffle_rng_(options.seed, "lstm.shuffle") {
  options_.validate();
  if (model_.inputs() != grammar.vocabulary_size() || model_.outputs() != grammar.output_size())
    throw std::invalid_argument("LSTM trainer: the model has " + std::to_string(model_.inputs()) + " inputs and " +
                                std::to_string(model_.outputs()) + " outputs, the grammar needs " +
                                std::to_string(grammar.vocabulary_size()) + " and " +
                                std::to_string(grammar.output_size()));
  if (train_tokens_.empty()) throw std::invalid_argument("LSTM trainer: the training set is empty");
  check_tokens(train_tokens_, model_.inputs(), "LSTM trainer, training set");
  check_tokens(validation_tokens_, model_.inputs(), "LSTM trainer, validation set");
  adam_ = BasicAdam<T>(model_.params().size(), options_.beta1, options_.beta2, options_.epsilon);
  order_.resize(train_tokens_.size());
  std::iota(order_.begin(), order_.end(), 0);
  snapshots_.push_back(model_.params());
  int longest = 0;
  for (const auto& s : train_tokens_) longest = std::max(longest, static_cast<int>(s.size()));
  work_.sentence.resize(static_cast<size_t>(std::min<size_t>(static_cast<size_t>(options_.batch_size), train_tokens_.size())));
  for (auto& w : work_.sentence) w.reserve(model_.hidden(), model_.outputs(), longest);
}

template <class T>
const typename BasicTrainer<T>::Params& BasicTrainer<T>::snapshot_params(int e) const {
  const int first = options_.keep_snapshots ? 0 : epoch_;
  if (e < first || e > epoch_)
    throw std::invalid_argument("LSTM trainer: snapshot of epoch " + std::to_string(e) + " is out of range [" +
                                std::to_string(first) + ", " + std::to_string(epoch_) + "]");
  return options_.keep_snapshots ? snapshots_[static_cast<size_t>(e)] : snapshots_.back();
}

template <class T>
EpochReport BasicTrainer<T>::run_epoch(const StopFlag* stop) {
  const auto t0 = std::chrono::steady_clock::now();
  // What a cancellation restores (the weights are the last snapshot).
  const BasicAdam<T> adam0 = adam_;
  const Rng rng0 = shuffle_rng_;
  const std::vector<int> order0 = order_;
  if (options_.shuffle) shuffle_rng_.shuffle(order_.begin(), order_.end());
  const int n = static_cast<int>(order_.size());
  const int B = options_.batch_size;
  double loss_sum = 0.0;
  int batches = 0;
  const auto restore = [&] {
    model_.params() = snapshots_.back();
    adam_ = adam0;
    shuffle_rng_ = rng0;
    order_ = order0;
  };
  // Abandons the epoch: the last finite model is restored and the diagnostic says why.
  const auto diverge = [&](double loss, const std::string& why) {
    restore();
    EpochReport r;
    r.epoch = epoch_ + 1;
    r.train_loss = loss;
    r.diverged = true;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    diagnostic_ = "training diverged in epoch " + std::to_string(epoch_ + 1) + why + "; the model is kept as " +
                  (epoch_ == 0 ? std::string("initialised") : "after epoch " + std::to_string(epoch_)) +
                  ". Lower the learning rate (now " + format_value(options_.learning_rate) +
                  ") or clip the gradient.";
    return r;
  };
  for (int start = 0; start < n; start += B) {
    if (stop_requested(stop)) {
      restore();
      throw Cancelled();
    }
    const int count = std::min(B, n - start);
    const double loss = static_cast<double>(batch_loss_and_gradient(model_.params(), train_tokens_, train_targets_,
                                                                    order_.data() + start, count, work_, grad_,
                                                                    options_.threads));
    // A non-finite loss or gradient would poison Adam's moments and every weight.
    const char* what = !std::isfinite(loss)           ? "the loss is not finite"
                       : loss > kDivergedLoss         ? "the loss exceeds 1e6"
                       : !grad_.flat().allFinite()    ? "the gradient is not finite"
                                                      : nullptr;
    if (!what) {
      if (options_.clip_norm > 0) {
        const double norm = static_cast<double>(grad_.flat().norm());
        if (norm > options_.clip_norm) grad_.flat() *= static_cast<T>(options_.clip_norm / norm);
      }
      adam_.step(model_.params().flat(), grad_.flat(), options_.learning_rate);
      if (!model_.params().flat().allFinite()) what = "a weight is not finite after the update";
    }
    if (what)
      return diverge(loss, " (batch " + std::to_string(start / B + 1) + " of " + std::to_string((n + B - 1) / B) +
                               "): " + what + " (loss " + format_value(loss) + ")");
    loss_sum += loss;
    ++batches;
  }
  // A run-away epoch that stays finite (a learning rate far too large: the loss climbs
  // to several times what any untrained network scores and stays there) is stopped too.
  // The yardstick is the network that outputs zeros: its loss is the mean of z^2.
  const double mean_loss = loss_sum / batches;
  const double zero_loss = static_cast<double>(train_targets_.squaredNorm()) /
                           static_cast<double>(train_targets_.size());
  if (mean_loss > kRunawayFactor * zero_loss) {
    return diverge(mean_loss, ": the mean training loss " + format_value(mean_loss) + " is more than " +
                                  format_value(kRunawayFactor) + " times that of a network that outputs zeros (" +
                                  format_value(zero_loss) + ")");
  }
  ++epoch_;
  if (options_.keep_snapshots)
    snapshots_.push_back(model_.params());
  else
    snapshots_.back() = model_.params();
  EpochReport r;
  r.epoch = epoch_;
  r.train_loss = loss_sum / batches;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  validate_then_record(r);
  return r;
}

template <class T>
void BasicTrainer<T>::validate_then_record(EpochReport& r) {
  if (!validation_tokens_.empty()) {
    const Eigen::MatrixXd out = predict(model_, validation_tokens_, options_.threads);
    r.validation_mse = mean_squared_error(out, validation_);
    const auto s = metrics::evaluate(grammar_, validation_, out);
    r.validation_valid_error = s.valid_error;
    r.validation_exact_error = s.exact_error;
  }
  history_.push_back(r);
}

template class BasicAdam<double>;
template class BasicAdam<float>;
template class BasicTrainer<double>;
template class BasicTrainer<float>;
template double batch_loss_and_gradient(const BasicLstmParams<double>&, const std::vector<std::vector<int>>&,
                                        const Eigen::MatrixXd&, const int*, int, BasicBatchWork<double>&,
                                        BasicLstmParams<double>&, int);
template float batch_loss_and_gradient(const BasicLstmParams<float>&, const std::vector<std::vector<int>>&,
                                       const Eigen::MatrixXf&, const int*, int, BasicBatchWork<float>&,
                                       BasicLstmParams<float>&, int);

}  // namespace rssviz::lstm
