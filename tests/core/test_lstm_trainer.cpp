// core/lstm/trainer.hpp: Adam, the batch gradient's determinism, the step-wise trainer
// (snapshots, cancellation and resume, reproducibility), and real training runs with the
// paper's settings.
#include "core/lstm/trainer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>

#include "core/lstm/inspect.hpp"

namespace rssviz::lstm {
namespace {

using Vec = Eigen::VectorXd;

TEST(Adam, FirstStepsKnownAnswer) {
  Adam adam(3, 0.9, 0.999, 1e-7);
  Vec w(3), g(3);
  w << 1.0, -2.0, 0.5;
  g << 0.3, -4.0, 0.0;
  const Vec w0 = w;
  adam.step(w, g, 0.01);
  // Step 1: m_hat = g, v_hat = g^2, so the move is lr * g / (|g| + eps).
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(w[i], w0[i] - 0.01 * g[i] / (std::abs(g[i]) + 1e-7), 1e-15);
  EXPECT_EQ(w[2], w0[2]);
  // Step 2 with another gradient, written out.
  Vec g2(3);
  g2 << -0.1, 1.0, 2.0;
  const Vec w1 = w;
  adam.step(w, g2, 0.01);
  for (int i = 0; i < 3; ++i) {
    const double m = 0.9 * (0.1 * g[i]) + 0.1 * g2[i];
    const double v = 0.999 * (0.001 * g[i] * g[i]) + 0.001 * g2[i] * g2[i];
    const double mh = m / (1 - 0.81), vh = v / (1 - 0.999 * 0.999);
    EXPECT_NEAR(w[i], w1[i] - 0.01 * mh / (std::sqrt(vh) + 1e-7), 1e-14) << i;
  }
  EXPECT_EQ(adam.steps(), 2);
  Vec bad(2);
  EXPECT_THROW(adam.step(w, bad, 0.01), std::invalid_argument);
}

TEST(TrainerOptions, ValidateNamesTheField) {
  TrainerOptions o;
  EXPECT_NO_THROW(o.validate());
  o.learning_rate = 0;
  try {
    o.validate();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("learning_rate"), std::string::npos);
  }
  o = {};
  o.batch_size = 0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o = {};
  o.threads = -1;
  EXPECT_THROW(o.validate(), std::invalid_argument);
}

corpus::Corpus small_corpus(std::uint64_t seed = 1) {
  corpus::CorpusOptions co;
  co.seed = seed;
  co.train_one_object = 30;
  co.train_two_object = 70;
  co.validation_one_object = 20;
  co.validation_two_object = 20;
  return corpus::make_corpus(co);
}

TEST(BatchGradient, ThreadCountDoesNotChangeABit) {
  const auto c = small_corpus();
  const Lstm m(c.grammar.vocabulary_size(), c.grammar.output_size(), LstmOptions{});
  const auto tokens = tokens_of(c.train);
  const Eigen::MatrixXd targets = c.train.teacher.transpose();
  std::vector<int> idx(8);
  for (int i = 0; i < 8; ++i) idx[static_cast<size_t>(i)] = 3 * i;
  BatchWork w1, w2;
  LstmParams g1, g2;
  const double l1 = batch_loss_and_gradient(m.params(), tokens, targets, idx.data(), 8, w1, g1, 1);
  const double l2 = batch_loss_and_gradient(m.params(), tokens, targets, idx.data(), 8, w2, g2, 2);
  EXPECT_EQ(l1, l2);
  EXPECT_EQ(g1.flat(), g2.flat());
  // Reusing the buffers gives the same again (no state leaks between batches).
  batch_loss_and_gradient(m.params(), tokens, targets, idx.data(), 8, w1, g1, 1);
  EXPECT_EQ(g1.flat(), g2.flat());
}

TEST(Trainer, SnapshotsAndHistory) {
  const auto c = small_corpus();
  TrainerOptions o;
  o.epochs = 3;
  Trainer tr(c, LstmOptions{}, o);
  const LstmParams initial = tr.model().params();
  EXPECT_EQ(tr.snapshot_params(0).flat(), initial.flat());
  EXPECT_FALSE(tr.finished());
  std::vector<LstmParams> after;
  while (!tr.finished()) {
    const auto r = tr.run_epoch();
    EXPECT_EQ(r.epoch, tr.epoch());
    EXPECT_GT(r.train_loss, 0.0);
    EXPECT_GT(r.validation_mse, 0.0);
    after.push_back(tr.model().params());
  }
  EXPECT_EQ(tr.epoch(), 3);
  EXPECT_EQ(tr.snapshot_count(), 4);
  for (int e = 1; e <= 3; ++e) EXPECT_EQ(tr.snapshot_params(e).flat(), after[static_cast<size_t>(e - 1)].flat());
  EXPECT_NE(tr.snapshot_params(1).flat(), initial.flat());
  EXPECT_EQ(tr.snapshot(2).params().flat(), after[1].flat());
  EXPECT_THROW(tr.snapshot_params(4), std::invalid_argument);
  EXPECT_THROW(tr.snapshot_params(-1), std::invalid_argument);
  ASSERT_EQ(tr.history().size(), 3u);
  // Learning happens: the training loss falls from epoch to epoch on this small set.
  EXPECT_LT(tr.history()[2].train_loss, tr.history()[0].train_loss);
  // 500 Adam steps per ... here 100 sentences / batch 2 = 50 per epoch.
  EXPECT_EQ(tr.adam().steps(), 150);
  // Without snapshots only the current weights are kept.
  o.keep_snapshots = false;
  Trainer t2(c, LstmOptions{}, o);
  t2.run_epoch();
  EXPECT_EQ(t2.snapshot_params(1).flat(), after[0].flat());
  EXPECT_THROW(t2.snapshot_params(0), std::invalid_argument);
}

TEST(Trainer, ValidationReportMatchesEvaluate) {
  const auto c = small_corpus();
  TrainerOptions o;
  o.epochs = 1;
  Trainer tr(c, LstmOptions{}, o);
  const auto r = tr.run_epoch();
  const auto s = evaluate(tr.model(), c.grammar, c.validation);
  EXPECT_EQ(r.validation_valid_error, s.valid_error);
  EXPECT_EQ(r.validation_exact_error, s.exact_error);
  EXPECT_NEAR(r.validation_mse, s.rmse * s.rmse, 1e-12);
}

TEST(Trainer, SameSeedSameWeightsWhateverTheThreads) {
  const auto c = small_corpus();
  TrainerOptions o;
  o.epochs = 2;
  o.batch_size = 8;  // 4 sentences per thread: the batch is really split
  Trainer a(c, LstmOptions{}, o), b(c, LstmOptions{}, o);
  o.threads = 2;
  Trainer d(c, LstmOptions{}, o);
  for (int e = 0; e < 2; ++e) {
    a.run_epoch();
    b.run_epoch();
    d.run_epoch();
  }
  EXPECT_EQ(a.model().params().flat(), b.model().params().flat());
  EXPECT_EQ(a.model().params().flat(), d.model().params().flat());
  EXPECT_EQ(a.history().back().train_loss, d.history().back().train_loss);
  LstmOptions other;
  other.seed = 2;
  o.threads = 1;
  Trainer e(c, other, o);
  e.run_epoch();
  EXPECT_NE(e.model().params().flat(), a.snapshot_params(1).flat());
}

TEST(Trainer, ShuffleIsSeededAndChangesTheOrder) {
  const auto c = small_corpus();
  TrainerOptions o;
  o.epochs = 1;
  Trainer plain(c, LstmOptions{}, o);
  o.shuffle = true;
  Trainer s1(c, LstmOptions{}, o), s2(c, LstmOptions{}, o);
  o.seed = 9;
  Trainer s3(c, LstmOptions{}, o);
  plain.run_epoch();
  s1.run_epoch();
  s2.run_epoch();
  s3.run_epoch();
  EXPECT_EQ(s1.model().params().flat(), s2.model().params().flat());
  EXPECT_NE(s1.model().params().flat(), plain.model().params().flat());
  EXPECT_NE(s1.model().params().flat(), s3.model().params().flat());
}

TEST(Trainer, ClippingLimitsTheUpdate) {
  const auto c = small_corpus();
  TrainerOptions o;
  o.epochs = 1;
  Trainer free(c, LstmOptions{}, o);
  o.clip_norm = 1e-9;  // far below eps = 1e-7: Adam's steps shrink to ~1 % of lr
  Trainer clipped(c, LstmOptions{}, o);
  const Vec w0 = free.model().params().flat();
  free.run_epoch();
  clipped.run_epoch();
  const double moved_free = (free.model().params().flat() - w0).norm();
  const double moved_clipped = (clipped.model().params().flat() - w0).norm();
  EXPECT_LT(moved_clipped, 0.05 * moved_free);
  EXPECT_GT(moved_clipped, 0.0);
}

TEST(Trainer, CancelRestoresTheEpochStartAndResumeEqualsUninterrupted) {
  const auto c = small_corpus();
  TrainerOptions o;
  o.epochs = 3;
  o.shuffle = true;  // the shuffling stream must be restored too
  Trainer ref(c, LstmOptions{}, o), tr(c, LstmOptions{}, o);
  ref.run_epoch();
  tr.run_epoch();
  StopFlag stop;
  stop.request();
  EXPECT_THROW(tr.run_epoch(&stop), Cancelled);
  EXPECT_EQ(tr.epoch(), 1);
  EXPECT_EQ(tr.model().params().flat(), ref.model().params().flat());
  // A flag raised from another thread while epochs run: wherever it lands, the trainer
  // ends at an epoch boundary with its state intact.
  stop.reset();
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    stop.request();
  });
  int done = 0;
  try {
    for (int k = 0; k < 1000; ++k) {
      tr.run_epoch(&stop);
      ++done;
    }
  } catch (const Cancelled&) {
  }
  t.join();
  EXPECT_EQ(tr.epoch(), 1 + done);
  EXPECT_EQ(tr.model().params().flat(), tr.snapshot_params(tr.epoch()).flat());
  while (ref.epoch() < tr.epoch()) ref.run_epoch();
  EXPECT_EQ(tr.model().params().flat(), ref.model().params().flat());
  tr.run_epoch();
  ref.run_epoch();
  EXPECT_EQ(tr.model().params().flat(), ref.model().params().flat());
  EXPECT_EQ(tr.adam().steps(), ref.adam().steps());
}

TEST(Trainer, RejectsMismatchedModelAndBadTokens) {
  const auto c = small_corpus();
  EXPECT_THROW(Trainer(c.grammar, c.train, c.validation, Lstm(5, 22, LstmOptions{}), TrainerOptions{}),
               std::invalid_argument);
  auto bad = c.train;
  bad.sentences[3].tokens[1] = 99;
  try {
    Trainer(c.grammar, bad, c.validation, Lstm(c.grammar.vocabulary_size(), c.grammar.output_size(), LstmOptions{}),
            TrainerOptions{});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("sentence 3, token 1 = 99"), std::string::npos) << e.what();
  }
}

// Issue #14, divergence: a batch whose loss overflows to infinity (here a readout weight
// of 1e200 from the start) stops the training with a diagnostic instead of spreading
// NaN through Adam's moments into every weight; the model stays the last finite one.
TEST(Trainer, InfiniteLossStopsTheTrainingWithADiagnostic) {
  const auto c = small_corpus();
  Lstm m(c.grammar.vocabulary_size(), c.grammar.output_size(), LstmOptions{});
  m.params().Wy()(0, 0) = 1e200;
  const LstmParams initial = m.params();
  TrainerOptions o;
  o.epochs = 3;
  Trainer tr(c.grammar, c.train, c.validation, m, o);
  EXPECT_FALSE(tr.diverged());
  const EpochReport r = tr.run_epoch();
  EXPECT_TRUE(r.diverged);
  EXPECT_EQ(r.epoch, 1);
  EXPECT_FALSE(std::isfinite(r.train_loss));
  EXPECT_TRUE(tr.diverged());
  EXPECT_TRUE(tr.finished());
  EXPECT_EQ(tr.epoch(), 0);
  EXPECT_TRUE(tr.history().empty());
  EXPECT_EQ(tr.model().params().flat(), initial.flat());  // rolled back, nothing half-updated
  EXPECT_EQ(tr.adam().steps(), 0);
  const std::string& d = tr.diagnostic();
  EXPECT_NE(d.find("training diverged in epoch 1 (batch 1 of 50): the loss is not finite"), std::string::npos) << d;
  EXPECT_NE(d.find("the model is kept as initialised"), std::string::npos) << d;
  EXPECT_NE(d.find("Lower the learning rate (now 0.001)"), std::string::npos) << d;
}

// A finite loss above kDivergedLoss (the 0/1 targets bound a sane loss by ~1) counts as
// divergence too: a readout weight of 1e5 (what a run-away learning rate leaves) makes
// the loss ~1e8.
TEST(Trainer, RunawayFiniteLossCountsAsDivergence) {
  const auto c = small_corpus();
  Lstm runaway(c.grammar.vocabulary_size(), c.grammar.output_size(), LstmOptions{});
  runaway.params().Wy().setConstant(1e5);
  TrainerOptions o;
  o.epochs = 2;
  Trainer tr(c.grammar, c.train, c.validation, runaway, o);
  const EpochReport r = tr.run_epoch();
  EXPECT_TRUE(r.diverged);
  EXPECT_TRUE(std::isfinite(r.train_loss));
  EXPECT_GT(r.train_loss, kDivergedLoss);
  EXPECT_NE(tr.diagnostic().find("the loss exceeds 1e6"), std::string::npos) << tr.diagnostic();
  EXPECT_EQ(tr.model().params().flat(), runaway.params().flat());
  // A healthy run of the same options is not flagged.
  Trainer ok(c, LstmOptions{}, o);
  while (!ok.finished()) EXPECT_FALSE(ok.run_epoch().diverged);
  EXPECT_EQ(ok.epoch(), 2);
  EXPECT_TRUE(ok.diagnostic().empty());
}

// The run-away that stays finite: at the largest learning rate the CLI and the window
// accept (10) the loss climbs to many times that of a network that outputs zeros; the
// first such epoch is rolled back and named. Learning rate 3 is bad but not flagged.
TEST(Trainer, LargestLearningRateStopsAfterTheFirstRunawayEpoch) {
  const auto c = corpus::make_corpus(corpus::CorpusOptions{});
  const Eigen::MatrixXd z = c.train.teacher;
  const double zero_loss = z.squaredNorm() / static_cast<double>(z.size());
  std::printf("loss of the all-zero output on the training set: %.4f\n", zero_loss);
  LstmOptions m;
  m.hidden = 8;
  TrainerOptions o;
  o.epochs = 4;
  o.learning_rate = 10.0;
  Trainer tr(c, m, o);
  const LstmParams initial = tr.model().params();
  const EpochReport r = tr.run_epoch();
  ASSERT_TRUE(r.diverged) << r.train_loss;
  EXPECT_GT(r.train_loss, 10 * zero_loss);
  EXPECT_EQ(tr.epoch(), 0);
  EXPECT_TRUE(tr.finished());
  EXPECT_EQ(tr.model().params().flat(), initial.flat());
  EXPECT_NE(tr.diagnostic().find("training diverged in epoch 1: the mean training loss "), std::string::npos)
      << tr.diagnostic();
  EXPECT_NE(tr.diagnostic().find("times that of a network that outputs zeros"), std::string::npos) << tr.diagnostic();
  o.learning_rate = 3.0;
  Trainer slow(c, m, o);
  while (!slow.finished()) {
    const EpochReport e = slow.run_epoch();
    EXPECT_FALSE(e.diverged) << e.epoch << ": " << e.train_loss;
  }
  EXPECT_EQ(slow.epoch(), 4);
}

}  // namespace
}  // namespace rssviz::lstm
