#include "core/metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_metrics {

using namespace rssviz;
using namespace rssviz::metrics;
using corpus::Grammar;

namespace {
// Output vector with a clear one-hot code for a meaning (values 1 on, 0 off).
Eigen::VectorXd encode(const Grammar& g, const corpus::Meaning& m, double on = 1.0) {
  Eigen::VectorXd y = Eigen::VectorXd::Zero(g.output_size());
  for (int s = 0; s < 2; ++s) {
    const auto& p = m[static_cast<size_t>(s)];
    if (p.object >= 0) y[g.object_offset(s) + p.object] = on;
    if (p.position >= 0) y[g.position_offset(s) + p.position] = on;
    if (p.colour >= 0) y[g.colour_offset(s) + p.colour] = on;
  }
  return y;
}
}  // namespace

TEST(Decode, ThresholdBoundary) {
  // k = 4: threshold 1.3 / 4 = 0.325. softmax max = e^d / (e^d + 3).
  // p = 0.325 exactly at d = ln(3 * 0.325 / 0.675).
  const double d = std::log(3 * 0.325 / 0.675);
  double above[4] = {d + 1e-9, 0, 0, 0};
  double below[4] = {d - 1e-6, 0, 0, 0};
  EXPECT_EQ(decode_group(above, 4), 0);
  EXPECT_EQ(decode_group(below, 4), -1);
  double uniform[3] = {0.2, 0.2, 0.2};  // p = 1/3 < 1.3/3
  EXPECT_EQ(decode_group(uniform, 3), -1);
  double clear[3] = {0, 0, 5};
  EXPECT_EQ(decode_group(clear, 3), 2);
  double single_on[1] = {0.9}, single_off[1] = {0.1};
  EXPECT_EQ(decode_group(single_on, 1), 0);
  EXPECT_EQ(decode_group(single_off, 1), -1);
  double nan[2] = {NAN, NAN};
  EXPECT_EQ(decode_group(nan, 2), -1);
}

TEST(Decode, OneHotOutputsDecodeToTheirMeaning) {
  Grammar g(4);
  corpus::Meaning m{{{2, 1, 3}, {0, -1, 1}}};
  // With outputs 0/1 a group of 4 has p_max = e/(e+3) = 0.475 >= 0.325; positions: e/(e+2) = 0.58 >= 0.433.
  EXPECT_EQ(decode(g, encode(g, m)), m);
  corpus::Meaning none{};
  EXPECT_EQ(decode(g, Eigen::VectorXd::Zero(22)), none);
  EXPECT_THROW(decode(g, Eigen::VectorXd::Zero(21)), std::invalid_argument);
}

TEST(Scores, ValidAndExactOnHandMadeCases) {
  const corpus::Meaning target{{{1, -1, 2}, {}}};  // "the cup is green"
  corpus::Meaning d = target;
  EXPECT_TRUE(is_valid(d, target));
  EXPECT_TRUE(is_exact(d, target));
  EXPECT_EQ(error_code(d, target), 2 + 3 * 2);
  d[0].position = 0;  // an unmentioned attribute decoded: still valid, not exact
  EXPECT_TRUE(is_valid(d, target));
  EXPECT_FALSE(is_exact(d, target));
  EXPECT_EQ(error_code(d, target), 1 + 3 * 2);
  d[1] = {3, 2, 1};  // a phantom second object: valid (slot 2 names nothing), not exact
  EXPECT_TRUE(is_valid(d, target));
  EXPECT_FALSE(is_exact(d, target));
  EXPECT_EQ(error_code(d, target), 1 + 3 * 1);
  d = target;
  d[0].colour = -1;  // a named attribute not decoded ("none"): not valid
  EXPECT_FALSE(is_valid(d, target));
  EXPECT_EQ(error_code(d, target), 0 + 3 * 2);
  d = target;
  d[0].object = 0;  // wrong object
  EXPECT_FALSE(is_valid(d, target));
  const corpus::Meaning two{{{0, 0, 0}, {1, 1, -1}}};
  corpus::Meaning e = two;
  e[1].position = 2;
  EXPECT_FALSE(is_valid(e, two));
  EXPECT_EQ(error_code(e, two), 2 + 3 * 0);
}

TEST(Scores, EvaluateErrorsAndRmse) {
  corpus::CorpusOptions o;
  auto c = corpus::make_corpus(o);
  const auto& g = c.grammar;
  const auto& d = c.test;
  Eigen::MatrixXd out(d.size(), g.output_size());
  // Perfect decoding on every sentence except the first 10, which decode to nothing.
  for (int i = 0; i < d.size(); ++i) out.row(i) = encode(g, d.sentences[static_cast<size_t>(i)].meaning, 10.0).transpose();
  for (int i = 0; i < 10; ++i) out.row(i).setZero();
  auto s = evaluate(g, d, out);
  EXPECT_EQ(s.sentences, 1000);
  EXPECT_NEAR(s.valid_error, 0.010, 1e-12);
  EXPECT_NEAR(s.exact_error, 0.010, 1e-12);
  // RMSE against the teacher itself is 0.
  auto t = evaluate(g, d, d.teacher);
  EXPECT_DOUBLE_EQ(t.rmse, 0.0);
  // The filled teacher decodes the random fills, so it is valid everywhere but rarely exact.
  EXPECT_DOUBLE_EQ(t.valid_error, 0.0);
  EXPECT_GT(t.exact_error, 0.5);
  Eigen::MatrixXd shifted = d.teacher.array() + 0.5;
  EXPECT_NEAR(evaluate(g, d, shifted).rmse, 0.5, 1e-12);
  EXPECT_THROW(evaluate(g, d, Eigen::MatrixXd::Zero(10, 22)), std::invalid_argument);
}

}  // namespace rssviz_test_metrics
