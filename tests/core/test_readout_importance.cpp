#include "core/analysis/readout_importance.hpp"

#include <gtest/gtest.h>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_readout_importance {

using namespace rssviz::analysis;

TEST(ReadoutImportance, KnownAnswerSkipsOffsetAndIgnoresSign) {
  Eigen::MatrixXd W(2, 4);
  // columns: constant, u0, u1, u2
  W << 100, 0.1, -3.0, 1.0,  //
      -100, 0.2, 0.5, -1.0;
  const Eigen::VectorXd imp = readout_importance(W, 1);
  ASSERT_EQ(imp.size(), 3);
  EXPECT_DOUBLE_EQ(imp[0], 0.3);
  EXPECT_DOUBLE_EQ(imp[1], 3.5);
  EXPECT_DOUBLE_EQ(imp[2], 2.0);
  EXPECT_EQ(rank_units_by_readout(W, 1), (std::vector<int>{1, 2, 0}));
  // Without the offset the constant column dominates.
  EXPECT_EQ(rank_units_by_readout(W, 0).front(), 0);
}

TEST(ReadoutImportance, TiesKeepIndexOrderAndBadOffsetThrows) {
  const Eigen::MatrixXd W = Eigen::MatrixXd::Ones(3, 5);
  EXPECT_EQ(rank_units_by_readout(W), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_THROW(readout_importance(W, 6), std::invalid_argument);
  EXPECT_THROW(readout_importance(W, -1), std::invalid_argument);
}

}  // namespace rssviz_test_readout_importance
