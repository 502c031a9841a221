#include "core/analysis/readout_weights.hpp"

#include <gtest/gtest.h>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_readout_weights {

using namespace rssviz::analysis;

TEST(Winglet, SortsAbsoluteWeightsAscendingWithTheBiasAsColumnZero) {
  Eigen::MatrixXd W(2, 5);
  // columns: bias, u0, u1, u2, u3
  W << -4.0, 0.5, -2.0, 0.1, 3.0,  //
       1.0, -1.0, 1.0, 0.0, -1.0;
  const SortedWeights a = winglet(W, 0);
  EXPECT_EQ(a.value, (std::vector<double>{0.1, 0.5, 2.0, 3.0, 4.0}));
  EXPECT_EQ(a.column, (std::vector<int>{3, 1, 2, 4, 0}));
  // Ties keep the lower column first.
  const SortedWeights b = winglet(W, 1);
  EXPECT_EQ(b.value, (std::vector<double>{0.0, 1.0, 1.0, 1.0, 1.0}));
  EXPECT_EQ(b.column, (std::vector<int>{3, 0, 1, 2, 4}));
  EXPECT_THROW(winglet(W, 2), std::invalid_argument);
  EXPECT_THROW(winglet(W, -1), std::invalid_argument);
}

TEST(PolyvalentUnits, ExtremesByValueSkipTheBiasAndBreakTiesByIndex) {
  Eigen::RowVectorXd w(7);
  w << 100, 0.3, -0.2, 0.3, -0.9, 0.0, 0.8;  // bias, units 0..5
  const Eigen::MatrixXd W = w;
  const ExtremeUnits e = extreme_units(W, 0, 2, 1);
  EXPECT_EQ(e.positive, (std::vector<int>{5, 0}));  // 0.8, then 0.3 (unit 0 before its tie unit 2)
  EXPECT_EQ(e.negative, (std::vector<int>{3, 1}));  // -0.9, -0.2
  // Fewer units than asked: every unit in both lists.
  const ExtremeUnits all = extreme_units(W, 0, 10, 1);
  EXPECT_EQ(all.positive.size(), 6u);
  EXPECT_EQ(all.negative.size(), 6u);
  EXPECT_THROW(extreme_units(W, 0, 0, 1), std::invalid_argument);
  EXPECT_THROW(extreme_units(W, 0, 2, 7), std::invalid_argument);
}

TEST(PolyvalentUnits, KnownCountsAndServedOutputs) {
  // 4 outputs over 6 units, no bias; m = 1: each output lists its max and its min.
  Eigen::MatrixXd W(4, 6);
  W << 5, -5, 0, 0, 0, 0,   // o0: +u0, -u1
       4, 0, -3, 0, 0, 0,   // o1: +u0, -u2
       0, -2, 0, 1, 0, 0,   // o2: +u3, -u1
       3, 0, 0, 0, -1, 0;   // o3: +u0, -u4
  PolyvalentOptions o;
  o.per_sign = 1;
  o.min_outputs = 2;
  EXPECT_EQ(listing_counts(W, o), (std::vector<int>{3, 2, 1, 1, 1, 0}));
  const auto p = polyvalent_units(W, o);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].unit, 0);
  EXPECT_EQ(p[0].count, 3);
  EXPECT_EQ(p[0].outputs, (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(p[1].unit, 1);
  EXPECT_EQ(p[1].outputs, (std::vector<int>{0, 2}));
  o.min_outputs = 1;
  EXPECT_EQ(unit_indices(polyvalent_units(W, o)), (std::vector<int>{0, 1, 2, 3, 4}));  // count desc, then unit asc
  o.min_outputs = 4;
  EXPECT_TRUE(polyvalent_units(W, o).empty());
  o.min_outputs = 0;
  EXPECT_THROW(polyvalent_units(W, o), std::invalid_argument);
}

TEST(PolyvalentUnits, AUnitInBothListsCountsOncePerOutput) {
  // 3 units, m = 2: the middle unit is both 2nd most positive and 2nd most negative.
  Eigen::MatrixXd W(1, 3);
  W << 1, 0, -1;
  PolyvalentOptions o;
  o.per_sign = 2;
  o.min_outputs = 1;
  EXPECT_EQ(listing_counts(W, o), (std::vector<int>{1, 1, 1}));
  const auto p = polyvalent_units(W, o);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[1].outputs, (std::vector<int>{0}));
}

TEST(TopUnits, LargestAbsoluteWeightsWithoutTheBias) {
  Eigen::MatrixXd W(1, 6);
  W << 50, -3, 1, 3, -0.5, 2;  // bias, units 0..4
  EXPECT_EQ(top_units(W, 0, 3, 1), (std::vector<int>{0, 2, 4}));  // |-3| = |3|: unit 0 first
  EXPECT_EQ(top_units(W, 0, 10, 1).size(), 5u);
  EXPECT_EQ(top_units(W, 0, 1, 0), (std::vector<int>{0}));  // offset 0: column 0 is a unit
  EXPECT_THROW(top_units(W, 0, 0, 1), std::invalid_argument);
}

}  // namespace rssviz_test_readout_weights
