#include "core/esn/readout.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cstring>
#include <stdexcept>

#include "core/common/parallel.hpp"
#include "core/common/rng.hpp"
#include "core/esn/reservoir.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_esn_readout {

using namespace rssviz;

namespace {

Eigen::MatrixXf random_states(int units, int count, std::uint64_t seed) {
  Rng rng(seed, "test.states");
  Eigen::MatrixXf m(units, count);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(rng.uniform(-1.0, 1.0));
  return m;
}

Eigen::MatrixXd random_targets(int count, int outputs, std::uint64_t seed) {
  Rng rng(seed, "test.targets");
  Eigen::MatrixXd m(count, outputs);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.bernoulli(0.3) ? 1.0 : 0.0;
  return m;
}

// Ridge as the least-squares solution of the augmented system [X; sqrt(l) I] W^T = [Y; 0],
// by Householder QR: an independent route to equation (3).
Eigen::MatrixXd ridge_by_qr(const Eigen::MatrixXf& states, const Eigen::MatrixXd& y, double lambda) {
  const Eigen::Index s = states.cols(), m = states.rows() + 1;
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(s + m, m);
  a.topLeftCorner(s, 1).setOnes();
  a.topRightCorner(s, m - 1) = states.transpose().cast<double>();
  a.bottomRows(m) = std::sqrt(lambda) * Eigen::MatrixXd::Identity(m, m);
  Eigen::MatrixXd b = Eigen::MatrixXd::Zero(s + m, y.cols());
  b.topRows(s) = y;
  return a.colPivHouseholderQr().solve(b).transpose();
}

double rel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { return (a - b).norm() / b.norm(); }

}  // namespace

TEST(EsnReadout, RidgeEqualsTheClosedForm) {
  for (auto [units, count] : {std::pair{6, 40}, std::pair{30, 20}}) {  // over- and under-determined
    const auto x = random_states(units, count, 1);
    const auto y = random_targets(count, 4, 2);
    const Eigen::MatrixXd w = esn::fit_ridge(x, y, 0.1);
    ASSERT_EQ(w.rows(), 4);
    ASSERT_EQ(w.cols(), units + 1);
    EXPECT_LT(rel(w, ridge_by_qr(x, y, 0.1)), 1e-10) << units;
    // Explicit normal equations, (X^T X + l I)^-1 X^T Y, the textbook formula.
    Eigen::MatrixXd f(count, units + 1);
    f.col(0).setOnes();
    f.rightCols(units) = x.transpose().cast<double>();
    const Eigen::MatrixXd g = f.transpose() * f + 0.1 * Eigen::MatrixXd::Identity(units + 1, units + 1);
    EXPECT_LT(rel(w, (g.inverse() * f.transpose() * y).transpose()), 1e-9);
  }
}

// The blocked, threaded Cholesky: several 128-column panels with a ragged last one, both
// under and over its parallel threshold, against the QR route; the same bits on one thread
// and on two; and the kernel form of the checkpoints on the same blocked factor.
TEST(EsnReadout, BlockedRidgeMatchesQrAndHasTheSameBitsOnAnyThreadCount) {
  for (auto [units, count] : {std::pair{300, 350}, std::pair{420, 500}, std::pair{520, 260}}) {
    const auto x = random_states(units, count, 11);
    const auto y = random_targets(count, 5, 12);
    Eigen::MatrixXd one, two;
    {
      ThreadScope t(1);
      one = esn::fit_ridge(x, y, 0.05);
    }
    {
      ThreadScope t(2);
      two = esn::fit_ridge(x, y, 0.05);
    }
    EXPECT_LT(rel(one, ridge_by_qr(x, y, 0.05)), 1e-9) << units << " x " << count;
    ASSERT_EQ(one.rows(), two.rows());
    EXPECT_EQ(0, std::memcmp(one.data(), two.data(), sizeof(double) * static_cast<size_t>(one.size())))
        << units << " x " << count;
  }
  const auto x = random_states(150, 400, 13);  // kernel 400 x 400: four panels
  const auto y = random_targets(400, 3, 14);
  const auto w = esn::readout_checkpoints(x, y, 0.05, {130, 400});
  EXPECT_LT(rel(w[0], esn::fit_ridge(x.leftCols(130), y.topRows(130), 0.05)), 1e-8);
  EXPECT_LT(rel(w[1], esn::fit_ridge(x, y, 0.05)), 1e-8);
}

// lambda = 0 with fewer sentences than units: the Gram is singular, the blocked Cholesky
// fails part-way and the LDLT on a freshly computed Gram still fits the training set.
TEST(EsnReadout, SingularLargeGramFallsBackAndStillFits) {
  const auto x = random_states(300, 200, 15);
  const auto y = random_targets(200, 4, 16);
  const Eigen::MatrixXd w = esn::fit_ridge(x, y, 0.0);
  ASSERT_TRUE(w.allFinite());
  EXPECT_LT(rel(esn::predict(w, x), y), 1e-6);
}

TEST(EsnReadout, RidgeZeroLambdaInterpolatesAnExactLinearMap) {
  const auto x = random_states(5, 50, 3);
  Eigen::MatrixXd truth(2, 6);
  truth << 0.5, 1, -2, 0, 3, 0.25, -1, 0, 0, 1, 1, 1;
  const Eigen::MatrixXd y = esn::predict(truth, x);
  EXPECT_LT(rel(esn::fit_ridge(x, y, 0.0), truth), 1e-6);
}

TEST(EsnReadout, PredictIsWoutTimesOneAndState) {
  const auto x = random_states(7, 9, 4);
  Rng rng(4, "w");
  Eigen::MatrixXd w(3, 8);
  for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = rng.normal();
  const Eigen::MatrixXd y = esn::predict(w, x);
  ASSERT_EQ(y.rows(), 9);
  ASSERT_EQ(y.cols(), 3);
  for (int c = 0; c < 9; ++c) {
    Eigen::VectorXd ext(8);
    ext << 1.0, x.col(c).cast<double>();
    EXPECT_LT((y.row(c).transpose() - w * ext).cwiseAbs().maxCoeff(), 1e-12);
  }
  EXPECT_THROW((void)esn::predict(w, random_states(6, 2, 1)), std::invalid_argument);
}

// Regression: a prediction too small for the parallel loop ran Eigen's GEMM from a team of
// one thread, where Eigen starts its own team and blocks the product for it, so the last
// bits of the scores depended on the thread count (rssviz-cli evaluate --threads 1 against
// train: CliEsn.SaveThenEvaluateGivesIdenticalScores). 22 outputs as the paper's n = 4
// corpus, 40 for more than one row block.
TEST(EsnReadout, PredictIsIndependentOfTheThreadCount) {
  const auto x = random_states(250, 1000, 11);
  Rng rng(12, "w");
  for (int outputs : {22, 40}) {
    Eigen::MatrixXd w(outputs, 251);
    for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = rng.normal();
    Eigen::MatrixXd one, two;
    {
      ThreadScope scope(1);
      one = esn::predict(w, x);
    }
    {
      ThreadScope scope(2);
      two = esn::predict(w, x);
    }
    EXPECT_EQ(one, two) << outputs << " outputs";
  }
}

// RLS is recursive ridge: after all sentences it is the ridge solution. The documented
// tolerance (relative Frobenius distance 1e-6) covers the rounding of the P updates.
TEST(EsnReadout, RlsAfterAllSentencesEqualsRidge) {
  const auto x = random_states(40, 300, 5);
  const auto y = random_targets(300, 6, 6);
  const double lambda = std::pow(10.0, -3.5);
  EXPECT_LT(rel(esn::fit_rls(x, y, lambda), esn::fit_ridge(x, y, lambda)), 1e-6);
}

TEST(EsnReadout, RlsOnReservoirStatesEqualsRidge) {
  // Real END states (strongly correlated, the hard case for RLS) from a small reservoir.
  esn::ReservoirOptions o;
  o.units = 150;
  o.seed = 2;
  const esn::Reservoir r(o, 6);
  std::vector<std::vector<int>> seqs;
  Rng rng(8, "seqs");
  for (int s = 0; s < 400; ++s) {
    std::vector<int> t(6 + rng.below(6));
    for (auto& v : t) v = static_cast<int>(rng.below(6));
    seqs.push_back(t);
  }
  const auto st = esn::harvest(r, seqs, esn::Keep::kEnd);
  const auto y = random_targets(400, 5, 9);
  const Eigen::MatrixXd ridge = esn::fit_ridge(st.x, y, o.ridge);
  const Eigen::MatrixXd rls = esn::fit_rls(st.x, y, o.ridge);
  EXPECT_LT(rel(rls, ridge), 1e-6);
  EXPECT_LT(rel(esn::predict(rls, st.x), esn::predict(ridge, st.x)), 1e-8);
}

TEST(EsnReadout, CheckpointsEqualRidgeOnThePrefixAndRlsOnTheWay) {
  const auto x = random_states(25, 120, 7);
  const auto y = random_targets(120, 3, 8);
  const double lambda = 1e-2;
  const std::vector<int> ks = {0, 1, 10, 26, 60, 120};
  const auto cps = esn::readout_checkpoints(x, y, lambda, ks);
  ASSERT_EQ(cps.size(), ks.size());
  EXPECT_EQ(cps[0], Eigen::MatrixXd::Zero(3, 26));
  esn::RlsReadout rls(25, 3, lambda);
  size_t next = 1;
  for (int s = 0; s < 120; ++s) {
    rls.update(x.col(s), y.row(s).transpose());
    if (next < ks.size() && rls.samples() == ks[next]) {
      const int k = ks[next];
      const Eigen::MatrixXd ridge = esn::fit_ridge(x.leftCols(k), y.topRows(k), lambda);
      EXPECT_LT(rel(cps[next], ridge), 1e-8) << k;
      EXPECT_LT(rel(rls.weights(), ridge), 1e-6) << k;
      ++next;
    }
  }
  EXPECT_EQ(next, ks.size());
  EXPECT_THROW((void)esn::readout_checkpoints(x, y, lambda, {121}), std::invalid_argument);
  EXPECT_THROW((void)esn::readout_checkpoints(x, y, 0.0, {1}), std::invalid_argument);
}

TEST(EsnReadout, BadArgumentsThrow) {
  const auto x = random_states(4, 10, 1);
  EXPECT_THROW((void)esn::fit_ridge(x, random_targets(9, 2, 1), 0.1), std::invalid_argument);
  EXPECT_THROW((void)esn::fit_ridge(x, random_targets(10, 2, 1), -0.1), std::invalid_argument);
  EXPECT_THROW(esn::RlsReadout(4, 2, 0.0), std::invalid_argument);
  esn::RlsReadout rls(4, 2, 0.1);
  EXPECT_THROW(rls.update(Eigen::VectorXf::Zero(5), Eigen::VectorXd::Zero(2)), std::invalid_argument);
}

}  // namespace rssviz_test_esn_readout
