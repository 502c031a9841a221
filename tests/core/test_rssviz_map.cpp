#include "core/experiment/rssviz_map.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/metrics/metrics.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_rssviz_map {

using namespace rssviz;
using namespace rssviz::experiment;

namespace {

// A toy recurrent model whose state depends on the prefix only: x <- 0.5 x + e(word),
// so identical prefixes give bitwise identical states (as in an ESN) and different
// prefixes different ones. With `zero_first` the zero state comes first (as the LSTM).
// The readout is zero before END and the sentence's exact code at END.
Trajectory toy(const corpus::Grammar& g, const corpus::Sentence& s, bool zero_first, bool outputs) {
  const int V = g.vocabulary_size();
  const int rows = s.length() + (zero_first ? 1 : 0);
  Trajectory t;
  t.states = Eigen::MatrixXd::Zero(rows, V + 1);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(V);
  int r = 0;
  if (zero_first) t.states(r++, 0) = 1.0;
  for (int w : s.tokens) {
    x *= 0.5;
    x[w] += 1.0;
    t.states(r, 0) = 1.0;
    t.states.row(r).tail(V) = x.transpose();
    ++r;
  }
  if (outputs) {
    t.outputs = Eigen::MatrixXd::Zero(rows, g.output_size());
    for (int slot = 0; slot < 2; ++slot) {
      const auto& p = s.meaning[static_cast<size_t>(slot)];
      if (p.object >= 0) t.outputs(rows - 1, g.object_offset(slot) + p.object) = 5.0;
      if (p.position >= 0) t.outputs(rows - 1, g.position_offset(slot) + p.position) = 5.0;
      if (p.colour >= 0) t.outputs(rows - 1, g.colour_offset(slot) + p.colour) = 5.0;
    }
  }
  return t;
}

struct Fixture {
  corpus::Corpus c = [] {
    corpus::CorpusOptions o;
    o.seed = 7;
    return corpus::make_corpus(o);
  }();
  std::vector<int> chosen = spread_sentences(c.test, 60);
  std::vector<Trajectory> traj(bool zero_first, bool outputs) const {
    std::vector<Trajectory> v;
    for (int i : chosen) v.push_back(toy(c.grammar, c.test.sentences[static_cast<size_t>(i)], zero_first, outputs));
    return v;
  }
};

}  // namespace

TEST(RssvizMap, DropsExactlyTheRepeatedPrefixes) {
  Fixture f;
  std::set<std::vector<int>> prefixes;
  long long rows = 0;
  for (int i : f.chosen) {
    const auto& tok = f.c.test.sentences[static_cast<size_t>(i)].tokens;
    for (size_t t = 1; t <= tok.size(); ++t) prefixes.insert(std::vector<int>(tok.begin(), tok.begin() + t));
    rows += static_cast<long long>(tok.size());
  }
  const auto p = collect_map_points(f.c.grammar, f.c.test, f.chosen, f.traj(false, true), {.unit_offset = 1});
  EXPECT_EQ(p.size(), static_cast<int>(prefixes.size()));
  EXPECT_EQ(p.rows_total, rows);
  EXPECT_LT(p.size(), rows);  // every sentence starts with BEGIN: at least that state repeats
  // Without dropping, every row is its own point.
  const auto all = collect_map_points(f.c.grammar, f.c.test, f.chosen, f.traj(false, true),
                                      {.drop_duplicates = false, .unit_offset = 1});
  EXPECT_EQ(all.size(), rows);
}

TEST(RssvizMap, MappingRoundTripsEveryRow) {
  Fixture f;
  const auto traj = f.traj(false, true);
  const auto p = collect_map_points(f.c.grammar, f.c.test, f.chosen, traj, {.unit_offset = 1});
  for (size_t s = 0; s < f.chosen.size(); ++s) {
    ASSERT_EQ(p.point_of[s].size(), static_cast<size_t>(traj[s].states.rows()));
    for (size_t r = 0; r < p.point_of[s].size(); ++r) {
      const int pt = p.point_of[s][r];
      EXPECT_TRUE(p.X.row(pt).isApprox(traj[s].states.row(static_cast<Eigen::Index>(r)).cast<float>(), 0.0f));
      // The word label is the word read at that row, whatever occurrence was kept.
      EXPECT_EQ(p.word[static_cast<size_t>(pt)], p.word_at(f.c.test, static_cast<int>(s), static_cast<int>(r)));
    }
    // sentence_units re-expands duplicates and drops the constant column.
    const Eigen::MatrixXf u = p.sentence_units(static_cast<int>(s));
    EXPECT_TRUE(u.isApprox(traj[s].states.rightCols(p.units()).cast<float>()));
  }
  // A kept point's (sentence, step) points back to itself.
  for (int i = 0; i < p.size(); ++i)
    EXPECT_EQ(p.point_of[static_cast<size_t>(p.sentence[static_cast<size_t>(i)])]
                        [static_cast<size_t>(p.step[static_cast<size_t>(i)])],
              i);
}

TEST(RssvizMap, LabelsClausePartsAndErrorCodes) {
  Fixture f;
  const auto p = collect_map_points(f.c.grammar, f.c.test, f.chosen, f.traj(false, true), {.unit_offset = 1});
  const int end = f.c.grammar.end_token(), andw = f.c.grammar.and_token();
  int ends = 0;
  for (int i = 0; i < p.size(); ++i) {
    const auto k = static_cast<size_t>(i);
    const auto& s = f.c.test.sentences[static_cast<size_t>(p.dataset_index[static_cast<size_t>(p.sentence[k])])];
    if (p.word[k] == end) {
      ++ends;
      EXPECT_EQ(p.part[k], corpus::ClausePart::kEnd);
      EXPECT_EQ(p.error_code[k], 8);  // the toy readout is exact at END
    } else {
      if (p.word[k] == andw) EXPECT_EQ(p.part[k], corpus::ClausePart::kAnd);
      // Zero readout decodes to "none" everywhere: slot 1 is never valid (it names an
      // object), slot 2 is exact for a one-object sentence, wrong for a two-object one.
      EXPECT_EQ(p.error_code[k], s.two_objects() ? 0 : 6);
    }
  }
  EXPECT_EQ(ends, static_cast<int>(f.chosen.size()));  // END states are never shared: each sentence differs
  // Recolouring with the same outputs reproduces the codes.
  EXPECT_EQ(point_error_codes(f.c.grammar, f.c.test, p, p.outputs), p.error_code);
  // A readout that is zero everywhere turns the END codes to "wrong".
  const auto zero = point_error_codes(f.c.grammar, f.c.test, p, Eigen::MatrixXf::Zero(p.size(), p.outputs.cols()));
  for (int i = 0; i < p.size(); ++i)
    if (p.word[static_cast<size_t>(i)] == end) EXPECT_NE(zero[static_cast<size_t>(i)], 8);
  const auto codes0 = sentence_error_codes(f.c.grammar, f.c.test, p, 0, p.outputs);
  EXPECT_EQ(codes0.size(), p.point_of[0].size());
  EXPECT_EQ(codes0.back(), 8);
}

TEST(RssvizMap, ZeroStateFirstIsOnePointWithNoWord) {
  Fixture f;
  const auto p = collect_map_points(f.c.grammar, f.c.test, f.chosen, f.traj(true, false), {.zero_state_first = true});
  int no_word = 0;
  for (int i = 0; i < p.size(); ++i)
    if (p.word[static_cast<size_t>(i)] == kNoWord) ++no_word;
  EXPECT_EQ(no_word, 1);  // every sentence starts from the same zero state
  for (size_t s = 0; s < f.chosen.size(); ++s) EXPECT_EQ(p.point_of[s][0], p.point_of[0][0]);
  EXPECT_EQ(p.word_at(f.c.test, 0, 1), f.c.grammar.begin_token());
  EXPECT_FALSE(p.has_outputs());
  for (int c : p.error_code) EXPECT_EQ(c, kNoCode);
}

TEST(RssvizMap, RejectsMismatchedInputs) {
  Fixture f;
  auto traj = f.traj(false, true);
  traj[3].states.conservativeResize(traj[3].states.rows() - 1, Eigen::NoChange);
  EXPECT_THROW(collect_map_points(f.c.grammar, f.c.test, f.chosen, traj), std::invalid_argument);
  traj = f.traj(false, true);
  traj[2].outputs.resize(0, 0);
  EXPECT_THROW(collect_map_points(f.c.grammar, f.c.test, f.chosen, traj), std::invalid_argument);
  auto chosen = f.chosen;
  chosen[0] = 5000;
  EXPECT_THROW(collect_map_points(f.c.grammar, f.c.test, chosen, f.traj(false, true)), std::invalid_argument);
  EXPECT_THROW(spread_sentences(f.c.test, 0), std::invalid_argument);
  const auto p = collect_map_points(f.c.grammar, f.c.test, f.chosen, f.traj(false, true), {.unit_offset = 1});
  EXPECT_THROW(p.unit_activation(p.units()), std::invalid_argument);
  EXPECT_THROW(point_error_codes(f.c.grammar, f.c.test, p, Eigen::MatrixXf::Zero(3, 22)), std::invalid_argument);
}

TEST(RssvizMap, LabelNames) {
  EXPECT_EQ(error_code_name(8), "slot1 exact, slot2 exact");
  EXPECT_EQ(error_code_name(1), "slot1 valid, slot2 wrong");
  EXPECT_EQ(error_code_name(-1), "no readout");
  EXPECT_EQ(clause_part_name(corpus::ClausePart::kAnd), "and");
}

TEST(RssvizMap, SpreadSentencesKeepsTheOneTwoObjectMix) {
  Fixture f;
  const auto v = spread_sentences(f.c.test, 200);
  ASSERT_EQ(v.size(), 200u);
  int two = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) EXPECT_LT(v[i - 1], v[i]);
    two += f.c.test.sentences[static_cast<size_t>(v[i])].two_objects();
  }
  EXPECT_EQ(two, 140);  // 700 of the 1000 test sentences have two objects
  EXPECT_EQ(spread_sentences(f.c.test, 5000).size(), static_cast<size_t>(f.c.test.size()));
}

}  // namespace rssviz_test_rssviz_map
