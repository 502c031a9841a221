#include "core/analysis/output_activity.hpp"

#include <gtest/gtest.h>

#include <cmath>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_output_activity {

using namespace rssviz;
using namespace rssviz::analysis;

TEST(OutputPanels, SixPanelsWithSoftmaxAndTheDecodingThreshold) {
  const corpus::Grammar g(4);  // 11 concepts per slot: 4 objects, 3 positions, 4 colours
  Eigen::MatrixXd y = Eigen::MatrixXd::Zero(2, g.output_size());
  y(1, g.position_offset(0) + 2) = std::log(2.0);  // "middle": softmax (1, 1, 2) / 4
  y(1, g.colour_offset(1) + 0) = 3.0;
  const auto p = output_panels(g, y);
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[1].title(), "object 1 · position");
  EXPECT_EQ(p[1].concepts, (std::vector<std::string>{"left", "right", "middle"}));
  EXPECT_EQ(p[1].first_output, g.position_offset(0));
  EXPECT_DOUBLE_EQ(p[1].threshold, 1.3 / 3);
  EXPECT_DOUBLE_EQ(p[0].threshold, 1.3 / 4);
  EXPECT_NEAR(p[1].values(0, 0), 1.0 / 3, 1e-12);  // all zero: uniform
  EXPECT_NEAR(p[1].values(1, 2), 0.5, 1e-12);
  EXPECT_NEAR(p[1].values(1, 0), 0.25, 1e-12);
  EXPECT_EQ(p[5].slot, 1);
  EXPECT_EQ(p[5].group, AttributeGroup::kColour);
  EXPECT_EQ(p[5].concepts.front(), "red");
  EXPECT_GT(p[5].values(1, 0), p[5].threshold);
  EXPECT_NEAR(p[5].values.row(1).sum(), 1.0, 1e-12);
  EXPECT_THROW(output_panels(g, Eigen::MatrixXd::Zero(1, 5)), std::invalid_argument);
}

TEST(OutputPanels, RawAndSigmoidScales) {
  const corpus::Grammar g(4);
  Eigen::MatrixXd y = Eigen::MatrixXd::Zero(1, g.output_size());
  y(0, 0) = 2.0;
  const auto raw = output_panels(g, y, OutputScale::kRaw);
  EXPECT_EQ(raw[0].values(0, 0), 2.0);
  EXPECT_TRUE(std::isnan(raw[0].threshold));
  const auto sig = output_panels(g, y, OutputScale::kSigmoid);
  EXPECT_NEAR(sig[0].values(0, 0), 1.0 / (1.0 + std::exp(-2.0)), 1e-12);
  EXPECT_NEAR(sig[0].values(0, 1), 0.5, 1e-12);
  EXPECT_EQ(sig[0].threshold, 0.5);
  EXPECT_EQ(output_scale_from_string("sigmoid"), OutputScale::kSigmoid);
  EXPECT_THROW(output_scale_from_string("logit"), std::invalid_argument);
}

TEST(FinalOutputs, GroupedByConceptWithBothSlots) {
  const corpus::Grammar g(4);
  Eigen::VectorXd y = Eigen::VectorXd::Zero(g.output_size());
  y[g.object_offset(0) + 1] = 1.0;  // slot 1: cup
  y[g.object_offset(1) + 3] = 0.7;  // slot 2: orange
  const auto c = final_outputs_by_concept(g, y, OutputScale::kRaw);
  ASSERT_EQ(c.size(), 11u);
  EXPECT_EQ(c[1].concept_name, "cup");
  EXPECT_EQ(c[1].slot[0], 1.0);
  EXPECT_EQ(c[1].slot[1], 0.0);
  EXPECT_EQ(c[3].concept_name, "orange");
  EXPECT_EQ(c[3].group, AttributeGroup::kObject);
  EXPECT_EQ(c[3].slot[1], 0.7);
  EXPECT_EQ(c[4].group, AttributeGroup::kPosition);
  EXPECT_EQ(c[7].concept_name, "red");
  EXPECT_EQ(c[7].group, AttributeGroup::kColour);
  EXPECT_THROW(final_outputs_by_concept(g, Eigen::VectorXd::Zero(3)), std::invalid_argument);
}

}  // namespace rssviz_test_output_activity
