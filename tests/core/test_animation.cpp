#include "core/experiment/animation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/umap/stability.hpp"
#include "core/umap/umap.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_animation {

using namespace rssviz;
using namespace rssviz::experiment;

namespace {

AnimationOptions small_esn() {
  AnimationOptions o;
  o.kind = AnimationKind::esn_readout;
  o.esn.reservoir.units = 100;
  o.esn.reservoir.seed = 2;
  o.esn.map_sentences = 30;
  o.readout_frames = 6;
  return o;
}

AnimationOptions small_lstm(int between) {
  AnimationOptions o;
  o.kind = AnimationKind::lstm_epochs;
  o.lstm = lstm_session_options(4, 3);
  o.lstm.model.hidden = 6;
  o.lstm.trainer.epochs = 2;
  o.lstm.map_sentences = 20;
  o.between = between;
  return o;
}

AnimationOptions small_sweep() {
  AnimationOptions o;
  o.kind = AnimationKind::sweep;
  o.explore.reservoir.units = 80;
  o.explore.reservoir.seed = 5;
  o.explore.map_sentences = 20;
  o.sweep = parse_sweep("spectral-radius=0.5:1.5:3");
  o.explore.umap.warm_start_epochs = 20;
  return o;
}

std::vector<AnimationFrame> all_frames(const AnimationOptions& o) {
  Animation a(o);
  std::vector<AnimationFrame> out;
  while (!a.finished()) {
    auto f = a.next();
    EXPECT_FALSE(f.empty());
    for (auto& x : f) out.push_back(std::move(x));
  }
  EXPECT_EQ(static_cast<int>(out.size()), a.total_frames());
  EXPECT_TRUE(a.next().empty());
  return out;
}

const Eigen::MatrixXf& layout_of(const AnimationFrame& f) {
  if (f.stage >= 0 && f.session->stages[static_cast<size_t>(f.stage)].layout.size() > 0)
    return f.session->stages[static_cast<size_t>(f.stage)].layout;
  return f.session->layout;
}

}  // namespace

TEST(Animation, ReadoutStageCountsAreStrictlyIncreasingLogSpacedAndEndAtTheMax) {
  for (int frames : {1, 2, 5, 10, 30, 100, 500, 1000}) {
    const auto k = readout_stage_counts(frames, 1000);
    ASSERT_EQ(static_cast<int>(k.size()), frames);
    EXPECT_EQ(k.back(), 1000);
    if (frames > 1) EXPECT_EQ(k.front(), 1);
    for (size_t i = 1; i < k.size(); ++i) EXPECT_GT(k[i], k[i - 1]) << "frames " << frames << " at " << i;
    EXPECT_GE(k.front(), 1);
  }
  // Ten frames: the decades are hit exactly (10^(i/3) rounded).
  const auto k = readout_stage_counts(10, 1000);
  EXPECT_EQ(k, (std::vector<int>{1, 2, 5, 10, 22, 46, 100, 215, 464, 1000}));
  EXPECT_THROW(readout_stage_counts(0, 1000), std::invalid_argument);
  EXPECT_THROW(readout_stage_counts(1001, 1000), std::invalid_argument);
}

TEST(Animation, ParseSweepAcceptsTheDocumentedFormAndNamesWhatIsWrong) {
  const auto s = parse_sweep("spectral-radius=0.1:3:30");
  EXPECT_EQ(s.parameter, SweepParameter::spectral_radius);
  EXPECT_DOUBLE_EQ(s.from, 0.1);
  EXPECT_DOUBLE_EQ(s.to, 3.0);
  EXPECT_EQ(s.frames, 30);
  EXPECT_FALSE(s.log_steps);
  EXPECT_TRUE(parse_sweep("leak-rate=0.01:1:10:log").log_steps);
  EXPECT_EQ(parse_sweep("input-scaling=2:0.5:4").parameter, SweepParameter::input_scaling);
  auto message = [](const std::string& text) {
    try {
      parse_sweep(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("spectral-radius").find("NAME=FROM:TO:FRAMES"), std::string::npos);
  EXPECT_NE(message("radius=0.1:3:30").find("spectral-radius, leak-rate, input-scaling"), std::string::npos);
  EXPECT_NE(message("spectral-radius=0.1:3").find("field"), std::string::npos);
  EXPECT_NE(message("spectral-radius=a:3:30").find("FROM"), std::string::npos);
  EXPECT_NE(message("spectral-radius=0.1:nan:30").find("TO"), std::string::npos);
  EXPECT_NE(message("spectral-radius=0.1:3:1").find("[2, 1000]"), std::string::npos);
  EXPECT_NE(message("spectral-radius=0.1:3:2.5").find("integer"), std::string::npos);
  EXPECT_NE(message("spectral-radius=0.1:3:30:cubic").find("log or linear"), std::string::npos);
  EXPECT_NE(message("leak-rate=0:1:10").find("leak-rate"), std::string::npos);      // (0, 1]
  EXPECT_NE(message("leak-rate=0.5:1.5:10").find("leak-rate"), std::string::npos);  // above 1
  EXPECT_NE(message("spectral-radius=0:3:10:log").find("log steps"), std::string::npos);
  EXPECT_NE(message("spectral-radius=-1:3:10").find("spectral-radius"), std::string::npos);
}

TEST(Animation, SweepValuesHitBothEndsLinearlyOrGeometrically) {
  auto s = parse_sweep("spectral-radius=0.1:3:30");
  auto v = sweep_values(s);
  ASSERT_EQ(v.size(), 30u);
  EXPECT_EQ(v.front(), 0.1);
  EXPECT_EQ(v.back(), 3.0);
  for (size_t i = 1; i < v.size(); ++i) EXPECT_NEAR(v[i] - v[i - 1], 2.9 / 29, 1e-12);
  s = parse_sweep("leak-rate=0.001:1:4:log");
  v = sweep_values(s);
  EXPECT_EQ(v.front(), 0.001);
  EXPECT_EQ(v.back(), 1.0);
  EXPECT_NEAR(v[1], 0.01, 1e-12);
  EXPECT_NEAR(v[2], 0.1, 1e-12);
}

TEST(Animation, InterpolatedLayoutStartsAtThePreviousFrameAndEndsAtTheNext) {
  const auto frames = all_frames(small_lstm(0));
  ASSERT_EQ(frames.size(), 3u);
  const auto& a = *frames[1].session;
  const auto& b = *frames[2].session;
  const Eigen::MatrixXf at0 = interpolate_layout(*b.points, b.layout, *a.points, a.layout, 0.0);
  const Eigen::MatrixXf at1 = interpolate_layout(*b.points, b.layout, *a.points, a.layout, 1.0);
  const Eigen::MatrixXf mid = interpolate_layout(*b.points, b.layout, *a.points, a.layout, 0.5);
  EXPECT_TRUE(at1 == b.layout);
  EXPECT_TRUE(at0 == carry_layout(*b.points, *a.points, a.layout));
  EXPECT_LT((mid - 0.5f * (at0 + at1)).cwiseAbs().maxCoeff(), 1e-4f);  // smoothstep(0.5) = 0.5
  EXPECT_THROW(interpolate_layout(*b.points, Eigen::MatrixXf(3, 2), *a.points, a.layout, 0.5), std::invalid_argument);
}

TEST(Animation, EsnReadoutFramesRecolourOneMapAndTheirErrorsFallTowardsTheFinalReadout) {
  const auto frames = all_frames(small_esn());
  ASSERT_EQ(frames.size(), 6u);
  const auto ks = readout_stage_counts(6, 1000);
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].session, frames[0].session);  // states fixed: one session, one layout
    EXPECT_EQ(frames[i].stage, static_cast<int>(i));
    EXPECT_EQ(frames[i].value, ks[i]);
    EXPECT_NE(frames[i].caption.find("after " + std::to_string(ks[i])), std::string::npos) << frames[i].caption;
  }
  const auto& st = frames[0].session->stages;
  EXPECT_GT(st.front().scores.exact_error, st.back().scores.exact_error);
  // After all 1000 sentences the online readout is the ridge solution of the session.
  EXPECT_NEAR(st.back().scores.exact_error, frames[0].session->scores.exact_error, 0.0021);
}

TEST(Animation, LstmEpochFramesHaveTheirOwnAlignedLayoutsAndInBetweenFramesGlide) {
  const auto plain = all_frames(small_lstm(0));
  const auto glide = all_frames(small_lstm(3));
  ASSERT_EQ(plain.size(), 3u);                 // initial weights + 2 epochs
  ASSERT_EQ(glide.size(), 1u + 2u * 4u);       // + 3 in-between frames per epoch
  EXPECT_NE(plain[0].caption.find("initial weights"), std::string::npos);
  EXPECT_NE(plain[2].caption.find("epoch 2 / 2"), std::string::npos);
  // The epoch frames are the same with or without in-between frames (same seed).
  EXPECT_TRUE(glide[0].session->layout == plain[0].session->layout);
  EXPECT_TRUE(glide[4].session->layout == plain[1].session->layout);
  EXPECT_TRUE(glide[8].session->layout == plain[2].session->layout);
  // In-between values are fractional epochs, increasing.
  for (size_t i = 1; i < glide.size(); ++i) EXPECT_GT(glide[i].value, glide[i - 1].value);
  EXPECT_DOUBLE_EQ(glide[2].value, 0.5);
  // A mid frame lies between its neighbours: closer to both than they are to each other.
  const auto& a = glide[4].session->layout;
  const auto& m = glide[6].session->layout;
  const auto& b = glide[8].session->layout;
  ASSERT_EQ(m.rows(), b.rows());
  const auto start = carry_layout(*glide[8].session->points, *glide[4].session->points, a);
  const double ab = (b - start).norm(), am = (m - start).norm(), mb = (b - m).norm();
  EXPECT_GT(ab, 0.0);
  EXPECT_LT(am, ab);
  EXPECT_LT(mb, ab);
}

TEST(Animation, SweepFramesAreAlignedUntrainedMapsAndReproducible) {
  const auto a = all_frames(small_sweep());
  const auto b = all_frames(small_sweep());
  ASSERT_EQ(a.size(), 3u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_FALSE(a[i].session->trained);
    EXPECT_TRUE(a[i].session->layout == b[i].session->layout) << "frame " << i;
    EXPECT_TRUE(a[i].session->points->X == b[i].session->points->X);
    EXPECT_EQ(layout_of(a[i]).rows(), a[i].session->points->size());
  }
  EXPECT_DOUBLE_EQ(a[1].value, 1.0);
  EXPECT_NE(a[1].caption.find("spectral radius 1"), std::string::npos) << a[1].caption;
  // Frames differ (the reservoir changed) but stay registered: the aligned frame is no
  // farther from its predecessor than the unaligned warm start was.
  EXPECT_FALSE(a[1].session->points->X == a[0].session->points->X);
  EXPECT_NE(Animation(small_sweep()).title().find("untrained ESN 80 units"), std::string::npos);
}

TEST(Animation, OptionsAreValidated) {
  auto o = small_esn();
  o.readout_frames = 0;
  EXPECT_THROW(Animation{o}, std::invalid_argument);
  o = small_lstm(31);
  EXPECT_THROW(Animation{o}, std::invalid_argument);
  o = small_sweep();
  o.sweep.frames = 1;
  EXPECT_THROW(Animation{o}, std::invalid_argument);
  o = small_sweep();
  o.explore.umap.warm_start_epochs = 0;
  EXPECT_THROW(Animation{o}, std::invalid_argument);
}

TEST(Animation, StopBeforeTheFirstFrameThrowsCancelledAndTheAnimationCanResume) {
  StopFlag stop;
  stop.request();
  Animation a(small_sweep());
  EXPECT_THROW(a.next(&stop), Cancelled);
  EXPECT_EQ(a.frames_done(), 0);
  EXPECT_EQ(a.next().size(), 1u);
}

// The sweep's frames are warm-started (a few epochs from the previous frame's layout):
// each must keep the quality of a fresh full UMAP of the same states.
TEST(Animation, SweepFramesAreAsTrustworthyAsAFreshMapOfTheSameStates) {
  AnimationOptions o;
  o.kind = AnimationKind::sweep;
  o.explore.reservoir.units = 200;
  o.explore.reservoir.seed = 3;
  o.explore.map_sentences = 100;
  o.sweep = parse_sweep("spectral-radius=0.4:2.4:4");
  EXPECT_EQ(o.explore.umap.warm_start_epochs, 50);  // the live sliders' warm start (one convention)
  const auto frames = all_frames(o);
  ASSERT_EQ(frames.size(), 4u);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& s = *frames[i].session;
    ASSERT_GT(s.points->size(), 400);
    const double warm = umap::trustworthiness(s.points->X, s.layout, 15);
    const double fresh = umap::trustworthiness(s.points->X, umap::fit(s.points->X, o.explore.umap), 15);
    EXPECT_GE(warm, fresh - 0.01) << "frame " << i << ": warm " << warm << ", fresh " << fresh;
  }
}

}  // namespace rssviz_test_animation
