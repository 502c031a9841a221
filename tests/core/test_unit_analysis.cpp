#include "core/experiment/unit_analysis.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <utility>

#include "core/experiment/workbench.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_unit_analysis {

using namespace rssviz;
using namespace rssviz::experiment;

namespace {

const MapSession& esn_session() {
  static const auto s = [] {
    EsnSessionOptions o;
    o.reservoir.units = 200;
    o.map_sentences = 30;
    o.stages = {10, 1000};
    return build_esn_session(o);
  }();
  return *s;
}

const MapSession& lstm_session() {
  static const auto s = [] {
    auto o = lstm_session_options(4, 3);
    o.trainer.epochs = 2;
    o.map_sentences = 20;
    return build_lstm_session(o);
  }();
  return *s;
}

// Brute force: every (value, unit) pair of each output sorted in full, ties by the lower
// unit (the documented rule): the first 5 by (value, unit) and the first 5 by (-value, unit).
// (The readout after 10 sentences has tied weights, so the tie rule matters.)
std::map<int, int> brute_force_counts(const Eigen::MatrixXd& w, int offset) {
  std::map<int, int> count;
  for (int o = 0; o < w.rows(); ++o) {
    std::vector<std::pair<double, int>> lo, hi;
    for (int j = offset; j < w.cols(); ++j) {
      lo.emplace_back(w(o, j), j - offset);
      hi.emplace_back(-w(o, j), j - offset);
    }
    std::sort(lo.begin(), lo.end());
    std::sort(hi.begin(), hi.end());
    std::vector<int> listed;
    for (int k = 0; k < 5; ++k) listed.push_back(lo[static_cast<size_t>(k)].second);
    for (int k = 0; k < 5; ++k) listed.push_back(hi[static_cast<size_t>(k)].second);
    std::sort(listed.begin(), listed.end());
    listed.erase(std::unique(listed.begin(), listed.end()), listed.end());
    for (int u : listed) ++count[u];
  }
  return count;
}

}  // namespace

TEST(UnitAnalysis, PolyvalentUnitsOfATrainedEsnEqualABruteForceRanking) {
  const auto& s = esn_session();
  for (int stage : {-1, 0}) {
    const Eigen::MatrixXd& w = readout_at(s, stage);
    ASSERT_EQ(w.cols(), 201);
    const auto counts = brute_force_counts(w, 1);
    for (int k : {1, 3, 5}) {
      analysis::PolyvalentOptions po;
      po.min_outputs = k;
      const auto poly = session_polyvalent(s, stage, po);
      std::vector<std::pair<int, int>> expected, got;
      for (const auto& [u, c] : counts)
        if (c >= k) expected.emplace_back(u, c);
      for (const auto& p : poly) {
        got.emplace_back(p.unit, p.count);
        EXPECT_EQ(static_cast<int>(p.outputs.size()), p.count);
      }
      std::sort(got.begin(), got.end());
      EXPECT_EQ(got, expected) << "stage " << stage << ", k = " << k;
    }
  }
  // With real weights (continuous, no ties) some unit serves at least 5 of the 22 outputs.
  EXPECT_FALSE(session_polyvalent(s, -1).empty());
  // The stages carry their own readout: after 1000 sentences the RLS path is the ridge solution.
  EXPECT_LT((readout_at(s, 1) - s.readout).cwiseAbs().maxCoeff(), 1e-4 * s.readout.cwiseAbs().maxCoeff() + 1e-6);
  EXPECT_GT((readout_at(s, 0) - s.readout).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(UnitAnalysis, RecordedSentencesAreTheMapsStates) {
  for (const MapSession* s : {&esn_session(), &lstm_session()}) {
    const auto& p = *s->points;
    const int ms = 3, test = p.dataset_index[ms];
    // An off-map sentence beside it makes the ESN run its reservoir instead of reading the map.
    int off_map = 0;
    while (std::find(p.dataset_index.begin(), p.dataset_index.end(), off_map) != p.dataset_index.end()) ++off_map;
    const auto both = record_sentences(*s, -1, {test, off_map});
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(both[1].test_index, off_map);
    EXPECT_EQ(static_cast<int>(both[1].words.size()),
              s->corpus->test.sentences[static_cast<size_t>(off_map)].length() + (s->model == ModelKind::lstm ? 1 : 0));
    const SentenceRecord& r = both[0];
    const SentenceRecord from_map = record_sentence(*s, -1, test);
    EXPECT_LT((from_map.states - r.states).cwiseAbs().maxCoeff(), 1e-6);
    const Eigen::MatrixXd map_states = p.sentence_units(ms).cast<double>();
    ASSERT_EQ(r.states.rows(), map_states.rows());
    EXPECT_LT((r.states - map_states).cwiseAbs().maxCoeff(), 1e-6);
    ASSERT_EQ(r.outputs.rows(), r.states.rows());
    const auto& rows = p.point_of[ms];
    for (size_t t = 0; t < rows.size(); ++t)
      EXPECT_LT((r.outputs.row(static_cast<Eigen::Index>(t)) - p.outputs.row(rows[t]).cast<double>()).cwiseAbs().maxCoeff(), 1e-4);
    EXPECT_EQ(r.words.size(), rows.size());
    if (s->model == ModelKind::lstm) {
      EXPECT_EQ(r.words.front(), -1);
      EXPECT_EQ(r.hidden.rows(), r.states.rows());
      EXPECT_EQ(r.states.row(0).cwiseAbs().maxCoeff(), 0.0);
    } else {
      EXPECT_EQ(r.hidden.size(), 0);
    }
  }
  EXPECT_THROW(record_sentence(esn_session(), -1, 1000), std::invalid_argument);
  EXPECT_THROW(record_sentence(esn_session(), 5, 0), std::invalid_argument);
}

TEST(UnitAnalysis, WordInfluenceCreditsEveryTransitionButBegin) {
  for (const MapSession* s : {&esn_session(), &lstm_session()}) {
    const auto units = choose_units(*s, -1, {});
    ASSERT_FALSE(units.empty());
    InfluenceOptions io;
    io.sentences = 25;
    io.seed = 4;
    const auto w = session_word_influence(*s, -1, units, io);
    EXPECT_EQ(w.sentences, 25);
    long long expected = 0;
    for (int i : analysis::choose_sentences(1000, 25, 4))
      expected += s->corpus->test.sentences[static_cast<size_t>(i)].length() - 1;  // every token but BEGIN
    long long total = 0;
    for (auto c : w.count) total += c;
    EXPECT_EQ(total, expected);
    const int begin = s->corpus->grammar.word_index("BEGIN"), end = s->corpus->grammar.word_index("END");
    EXPECT_EQ(w.count[static_cast<size_t>(begin)], 0);
    EXPECT_EQ(w.count[static_cast<size_t>(end)], 25);
    // The influence is the summed variation: recompute one word's sum by hand.
    double sum_end = 0;
    for (const auto& r : record_sentences(*s, -1, analysis::choose_sentences(1000, 25, 4))) {
      const auto a = analysis::unit_activity(r.states, units);
      sum_end += a.variation.row(a.variation.rows() - 1).sum();
    }
    EXPECT_NEAR(w.sum[static_cast<size_t>(end)], sum_end, 1e-9 * (1 + sum_end));
    const auto c = structure_contrast(s->corpus->grammar, w);
    EXPECT_EQ(c.structure_count + c.content_count, expected);
    EXPECT_GT(c.structure_mean, 0.0);
  }
}

TEST(UnitAnalysis, TheMapPoolDrawsOnlyMapSentences) {
  const auto& s = esn_session();
  InfluenceOptions io;
  io.sentences = 10;
  io.pool = InfluencePool::kMap;
  const auto chosen = influence_sentences(s, -1, io);
  ASSERT_EQ(chosen.size(), 10u);
  for (int i : chosen)
    EXPECT_NE(std::find(s.points->dataset_index.begin(), s.points->dataset_index.end(), i), s.points->dataset_index.end());
  // The map pool's fast path (only the set's columns) gives the general path's numbers.
  const auto units = choose_units(s, -1, {});
  const auto fast = session_word_influence(s, -1, units, io);
  analysis::WordInfluenceAccumulator acc(s.corpus->grammar.vocabulary_size(), units,
                                         s.corpus->grammar.word_index("BEGIN"));
  for (const auto& r : record_sentences(s, -1, chosen)) acc.add(r.states, r.words);
  const auto slow = acc.result();
  EXPECT_EQ(fast.count, slow.count);
  for (size_t w = 0; w < fast.sum.size(); ++w) {
    EXPECT_NEAR(fast.sum[w], slow.sum[w], 1e-12 * (1 + slow.sum[w]));
    EXPECT_NEAR(fast.stddev[w], slow.stddev[w], 1e-12 * (1 + slow.stddev[w]));
  }
  io.pool = InfluencePool::kTestSet;
  EXPECT_EQ(influence_sentences(s, -1, io), analysis::choose_sentences(1000, 10, 1));
}

TEST(UnitAnalysis, UnitSetsAndStructureWords) {
  const auto& s = esn_session();
  UnitSetChoice top;
  top.kind = UnitSetKind::kTopForOutput;
  top.output = 2;
  EXPECT_EQ(choose_units(s, -1, top), analysis::top_units(s.readout, 2, 10, 1));
  UnitSetChoice hand;
  hand.kind = UnitSetKind::kByHand;
  hand.units = {0, 199};
  EXPECT_EQ(choose_units(s, -1, hand), hand.units);
  hand.units = {200};
  EXPECT_THROW(choose_units(s, -1, hand), std::invalid_argument);
  EXPECT_EQ(unit_set_from_string("top"), UnitSetKind::kTopForOutput);
  EXPECT_TRUE(is_structure_word("and"));
  EXPECT_TRUE(is_structure_word("END"));
  EXPECT_FALSE(is_structure_word("orange"));
  EXPECT_FALSE(is_structure_word("left"));
}

TEST(UnitAnalysis, TheEarlyReadoutHasTiedWeightsThatTheTieRuleOrders) {
  // After 10 training sentences some weights of an output are exactly equal (the tie rule
  // of readout_weights.hpp decides which unit is listed); the brute force above uses it.
  const Eigen::MatrixXd& w = readout_at(esn_session(), 0);
  int ties = 0;
  for (int o = 0; o < w.rows(); ++o) {
    std::vector<double> v;
    for (int j = 1; j < w.cols(); ++j) v.push_back(w(o, j));
    std::sort(v.begin(), v.end());
    ties += static_cast<int>(std::adjacent_find(v.begin(), v.end()) != v.end());
  }
  EXPECT_GT(ties, 0);
}

}  // namespace rssviz_test_unit_analysis
