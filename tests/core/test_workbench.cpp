#include "core/experiment/workbench.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "core/esn/readout.hpp"
#include "core/experiment/esn_protocol.hpp"
#include "core/umap/stability.hpp"

#include <cstdio>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_workbench {

using namespace rssviz;
using namespace rssviz::experiment;

namespace {
EsnSessionOptions small_esn() {
  EsnSessionOptions o;
  o.reservoir.units = 150;
  o.map_sentences = 40;
  o.stages = {1, 10, 100, 1000};
  return o;
}
}  // namespace

TEST(Workbench, EsnSessionAgreesWithTheProtocolAndItsStages) {
  const auto o = small_esn();
  const auto s = build_esn_session(o);
  ASSERT_TRUE(s->trained);
  // The session's scores are the shared ESN protocol's (same corpus, reservoir, ridge).
  const EsnRun run = run_esn_protocol({.objects = o.objects, .reservoir = o.reservoir});
  EXPECT_DOUBLE_EQ(s->scores.valid_error, run.test.valid_error);
  EXPECT_DOUBLE_EQ(s->scores.exact_error, run.test.exact_error);
  // Stages: the readout after k sentences; after all 1000 it is the ridge solution.
  ASSERT_EQ(s->stages.size(), 4u);
  EXPECT_EQ(s->curve.x, (std::vector<double>{1, 10, 100, 1000}));
  EXPECT_NEAR(s->stages.back().scores.exact_error, s->scores.exact_error, 1e-9);
  EXPECT_EQ(s->stages.back().codes, s->points->error_code);
  EXPECT_GT(s->stages.front().scores.exact_error, s->scores.exact_error);
  for (const auto& st : s->stages) {
    EXPECT_EQ(st.outputs.rows(), s->points->size());
    EXPECT_EQ(st.codes, point_error_codes(s->corpus->grammar, s->corpus->test, *s->points, st.outputs));
  }
  // The map: UMAP of the unique states, the unit ranking a permutation.
  EXPECT_EQ(s->layout.rows(), s->points->size());
  EXPECT_EQ(s->layout.cols(), 2);
  auto order = s->unit_order;
  std::sort(order.begin(), order.end());
  for (int i = 0; i < 150; ++i) EXPECT_EQ(order[static_cast<size_t>(i)], i);
  EXPECT_EQ(s->results.size(), 1000u);
}

TEST(Workbench, EsnSessionIsReproducibleAndCancellable) {
  const auto a = build_esn_session(small_esn());
  const auto b = build_esn_session(small_esn());
  EXPECT_TRUE(a->layout == b->layout);
  EXPECT_TRUE(a->points->X == b->points->X);
  StopFlag stop;
  stop.request();
  EXPECT_THROW(build_esn_session(small_esn(), &stop), Cancelled);
  int calls = 0;
  EXPECT_THROW(build_esn_session(small_esn(), nullptr, [&](long long, long long) { return ++calls < 3; }),
               Cancelled);
  EXPECT_EQ(calls, 3);
}

TEST(Workbench, LstmFramesAreWarmStartedAndAligned) {
  auto o = lstm_session_options(4, 2);
  o.model.hidden = 6;
  o.trainer.epochs = 2;
  o.map_sentences = 25;
  LstmSessionBuilder b(o);
  while (!b.finished()) b.step();
  const auto s = b.session();
  ASSERT_EQ(s->stages.size(), 3u);  // initial weights + 2 epochs
  EXPECT_EQ(s->stages[0].label, "initial weights");
  EXPECT_EQ(s->curve.x, (std::vector<double>{1, 2}));
  EXPECT_EQ(s->curve.loss.size(), 2u);
  for (size_t e = 0; e < s->stages.size(); ++e) {
    const auto& st = s->stages[e];
    ASSERT_TRUE(st.points);
    EXPECT_EQ(st.layout.rows(), st.points->size());
    EXPECT_TRUE(st.points->zero_state_first);
    EXPECT_EQ(st.points->units(), 6);
  }
  // Each frame is warm-started from and aligned onto the previous one: matched points
  // move less than in a fresh spectral projection of the same states aligned the same way.
  for (size_t e = 1; e < s->stages.size(); ++e) {
    const auto& prev = s->stages[e - 1];
    const auto& cur = s->stages[e];
    const Eigen::MatrixXf init = carry_layout(*cur.points, *prev.points, prev.layout);
    const double moved = (cur.layout - init).rowwise().norm().mean();
    const Eigen::MatrixXf cold = umap::align(umap::fit(cur.points->X, o.umap), init).aligned;
    const double moved_cold = (cold - init).rowwise().norm().mean();
    std::printf("frame %zu: warm moved %.3f, aligned cold %.3f\n", e, moved, moved_cold);
    EXPECT_LT(moved, moved_cold) << "frame " << e;
  }
  EXPECT_EQ(s->points, s->stages.back().points);
  EXPECT_EQ(s->readout.rows(), s->corpus->grammar.output_size());
  EXPECT_EQ(s->readout.cols(), 6);
}

TEST(Workbench, EsnMapPointsEqualTheGenericCollection) {
  // The ESN fast path (duplicates by prefix id) against collect_map_points (duplicates by
  // value) on the same harvest. Unit counts and sentence counts with and without tails
  // of the 8 x 8 transposes that build X (units + 1 columns, points in bands of 16).
  corpus::CorpusOptions co;
  co.seed = 5;
  const auto c = corpus::make_corpus(co);
  for (const auto [units, sentences] : {std::pair{80, 50}, std::pair{83, 37}, std::pair{203, 21}}) {
    SCOPED_TRACE("units " + std::to_string(units) + ", sentences " + std::to_string(sentences));
    esn::ReservoirOptions ro;
    ro.units = units;
    ro.seed = 5;
    const esn::Reservoir r(ro, c.grammar.vocabulary_size());
    Eigen::MatrixXd wout = Eigen::MatrixXd::Random(c.grammar.output_size(), units + 1);
    const MapPoints fast = esn_map_points(c, r, sentences, wout);
    const auto chosen = spread_sentences(c.test, sentences);
    std::vector<Trajectory> traj;
    for (int i : chosen) {
      const Eigen::MatrixXd x = esn::run_sentence(r, c.test.sentences[static_cast<size_t>(i)].tokens);
      Trajectory t;
      t.states.resize(x.cols(), units + 1);
      t.states.col(0).setOnes();
      t.states.rightCols(units) = x.transpose();
      t.outputs = (wout * t.states.transpose()).transpose();
      traj.push_back(std::move(t));
    }
    const MapPoints ref = collect_map_points(c.grammar, c.test, chosen, traj, {.unit_offset = 1});
    ASSERT_EQ(fast.size(), ref.size());
    EXPECT_EQ(fast.X.cols(), units + 1);
    EXPECT_EQ(fast.point_of, ref.point_of);
    EXPECT_EQ(fast.sentence, ref.sentence);
    EXPECT_EQ(fast.step, ref.step);
    EXPECT_EQ(fast.word, ref.word);
    EXPECT_EQ(fast.part, ref.part);
    // The batched float harvest matches the double reference to ~1e-5 (esn tests).
    EXPECT_LT((fast.X - ref.X).cwiseAbs().maxCoeff(), 1e-4f);
    EXPECT_LT((fast.outputs - ref.outputs).cwiseAbs().maxCoeff(), 1e-2f);
    int same = 0;
    for (int i = 0; i < fast.size(); ++i) same += fast.error_code[static_cast<size_t>(i)] == ref.error_code[static_cast<size_t>(i)];
    EXPECT_GE(same, fast.size() - 2);  // a decode exactly at a threshold may flip
  }
}

TEST(Workbench, EsnSessionFitsTheRequestedReadout) {
  auto o = small_esn();
  const auto ridge = build_esn_session(o);
  o.readout = EsnReadout::kRls;
  const auto rls = build_esn_session(o);
  // The RLS from P(0) = I / ridge is the ridge solution up to rounding.
  EXPECT_LT((rls->readout - ridge->readout).cwiseAbs().maxCoeff(), 1e-3 * ridge->readout.cwiseAbs().maxCoeff());
  EXPECT_NEAR(rls->scores.exact_error, ridge->scores.exact_error, 0.01);
  o.reservoir.ridge = 0.0;  // the RLS needs P(0) = I / ridge
  EXPECT_THROW(build_esn_session(o), std::invalid_argument);
}

TEST(Workbench, BuildLstmSessionRunsTheBuilderLoop) {
  auto o = lstm_session_options(4, 3);
  o.model.hidden = 5;
  o.trainer.epochs = 2;
  o.map_sentences = 20;
  std::vector<long long> done;
  const auto s = build_lstm_session(o, nullptr, [&](long long d, long long total) {
    EXPECT_EQ(total, 2);
    done.push_back(d);
    return true;
  });
  EXPECT_EQ(done, (std::vector<long long>{0, 1, 2}));  // frame 0 (initial weights), then each epoch
  LstmSessionBuilder b(o);
  while (!b.finished()) b.step();
  const auto ref = b.session();
  EXPECT_TRUE(s->layout == ref->layout);
  EXPECT_TRUE(s->points->X == ref->points->X);
  EXPECT_EQ(s->stages.size(), 3u);
  EXPECT_EQ(s->scores.exact_error, ref->scores.exact_error);
  StopFlag stop;
  stop.request();
  EXPECT_THROW(build_lstm_session(o, &stop), Cancelled);
  EXPECT_THROW(build_lstm_session(o, nullptr, [](long long, long long) { return false; }), Cancelled);
}

}  // namespace rssviz_test_workbench
