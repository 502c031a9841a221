#include "core/analysis/unit_activity.hpp"

#include <gtest/gtest.h>

#include <cmath>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_unit_activity {

using namespace rssviz::analysis;

namespace {
// 4 steps x 3 units.
Eigen::MatrixXd states() {
  Eigen::MatrixXd x(4, 3);
  x << 0.5, 1.0, 0.0,   //
       0.2, 1.0, 1.0,   //
       0.7, 0.0, 1.0,   //
       0.7, -1.0, -1.0;
  return x;
}
}  // namespace

TEST(UnitActivity, ActivationAndVariationWithZeroAtTheFirstStep) {
  const UnitActivity a = unit_activity(states(), {2, 0});
  ASSERT_EQ(a.activation.rows(), 4);
  ASSERT_EQ(a.activation.cols(), 2);
  EXPECT_EQ(a.activation(1, 0), 1.0);
  EXPECT_EQ(a.activation(2, 1), 0.7);
  EXPECT_EQ(a.variation(0, 0), 0.0);  // t = 0: no predecessor
  EXPECT_EQ(a.variation(0, 1), 0.0);
  EXPECT_DOUBLE_EQ(a.variation(1, 0), 1.0);
  EXPECT_DOUBLE_EQ(a.variation(1, 1), 0.3);
  EXPECT_DOUBLE_EQ(a.variation(3, 0), 2.0);
  EXPECT_DOUBLE_EQ(a.variation(3, 1), 0.0);
  EXPECT_THROW(unit_activity(states(), {3}), std::invalid_argument);
  EXPECT_THROW(unit_activity(Eigen::MatrixXd(0, 3), {0}), std::invalid_argument);
}

TEST(UnitActivity, StepInfluenceSumsTheSetsVariation) {
  const Eigen::VectorXd s = step_influence(states(), {0, 1});
  EXPECT_EQ(s[0], 0.0);
  EXPECT_DOUBLE_EQ(s[1], 0.3);
  EXPECT_DOUBLE_EQ(s[2], 0.5 + 1.0);
  EXPECT_DOUBLE_EQ(s[3], 0.0 + 1.0);
}

TEST(WordInfluence, SumsMeansAndPopulationDeviationsPerWord) {
  // Words: 0 = BEGIN (excluded), 1, 2; vocabulary 4 (word 3 never read).
  WordInfluenceAccumulator acc(4, {0, 1}, 0);
  acc.add(states(), {0, 1, 2, 1});       // steps 1..3: 0.3 -> w1, 1.5 -> w2, 1.0 -> w1
  Eigen::MatrixXd y(3, 3);
  y << 0, 0, 0,  //
       0, 2, 0,  //
       1, 2, 0;
  acc.add(y, {-1, 0, 2});               // LSTM-like: zero state, then BEGIN (excluded), then w2: 1.0
  const WordInfluence w = acc.result();
  EXPECT_EQ(w.sentences, 2);
  EXPECT_EQ(w.count, (std::vector<long long>{0, 2, 2, 0}));
  EXPECT_DOUBLE_EQ(w.sum[1], 1.3);
  EXPECT_DOUBLE_EQ(w.sum[2], 2.5);
  EXPECT_DOUBLE_EQ(w.mean[1], 0.65);
  EXPECT_DOUBLE_EQ(w.mean[2], 1.25);
  EXPECT_NEAR(w.stddev[1], 0.35, 1e-12);   // values 0.3, 1.0
  EXPECT_NEAR(w.stddev[2], 0.25, 1e-12);   // values 1.5, 1.0
  EXPECT_EQ(w.mean[0], 0.0);
  EXPECT_EQ(w.stddev[3], 0.0);
}

TEST(WordInfluence, RejectsMismatchedInput) {
  WordInfluenceAccumulator acc(3, {0});
  EXPECT_THROW(acc.add(states(), {0, 1, 2}), std::invalid_argument);     // 3 words, 4 rows
  EXPECT_THROW(acc.add(states(), {0, 1, 2, 3}), std::invalid_argument);  // word 3 out of range
  EXPECT_THROW(WordInfluenceAccumulator(3, {0}, 3), std::invalid_argument);
  EXPECT_THROW(WordInfluenceAccumulator(0, {0}), std::invalid_argument);
  WordInfluenceAccumulator bad_unit(3, {5});
  EXPECT_THROW(bad_unit.add(states(), {0, 1, 2, 1}), std::invalid_argument);
}

TEST(ChooseSentences, SeededDistinctSortedAndNested) {
  const auto a = choose_sentences(1000, 100, 7);
  ASSERT_EQ(a.size(), 100u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end());
  EXPECT_GE(a.front(), 0);
  EXPECT_LT(a.back(), 1000);
  EXPECT_EQ(a, choose_sentences(1000, 100, 7));
  EXPECT_NE(a, choose_sentences(1000, 100, 8));
  // The first 10 of the shuffle are among the first 100.
  for (int i : choose_sentences(1000, 10, 7)) EXPECT_TRUE(std::binary_search(a.begin(), a.end(), i));
  EXPECT_EQ(choose_sentences(5, 10, 1), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_THROW(choose_sentences(-1, 1, 1), std::invalid_argument);
}

}  // namespace rssviz_test_unit_activity
