// core/lstm/lstm.hpp: the cell's equations, initialisation, and gradient checks (central
// differences in double) of the cell, the output layer, the loss and the whole unrolled
// sequence with sentences of different lengths in one batch.
#include "core/lstm/lstm.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "core/common/rng.hpp"
#include "core/lstm/trainer.hpp"

namespace rssviz::lstm {
namespace {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

LstmParams random_params(int V, int H, int O, std::uint64_t seed, double scale = 0.8) {
  LstmParams p(V, H, O);
  Rng r(seed, "test.params");
  for (Eigen::Index i = 0; i < p.Wx().size(); ++i) p.Wx().data()[i] = r.uniform(-scale, scale);
  for (Eigen::Index i = 0; i < p.U().size(); ++i) p.U().data()[i] = r.uniform(-scale, scale);
  for (Eigen::Index i = 0; i < p.b().size(); ++i) p.b().data()[i] = r.uniform(-scale, scale);
  for (Eigen::Index i = 0; i < p.Wy().size(); ++i) p.Wy().data()[i] = r.uniform(-scale, scale);
  for (Eigen::Index i = 0; i < p.by().size(); ++i) p.by().data()[i] = r.uniform(-scale, scale);
  return p;
}

Vec random_vec(int n, std::uint64_t seed, double scale = 1.0) {
  Rng r(seed, "test.vec");
  Vec v(n);
  for (int i = 0; i < n; ++i) v[i] = r.uniform(-scale, scale);
  return v;
}

// Central difference of f at x along coordinate i.
double central(const std::function<double()>& f, double& x, double h = 1e-6) {
  const double x0 = x;
  x = x0 + h;
  const double fp = f();
  x = x0 - h;
  const double fm = f();
  x = x0;
  return (fp - fm) / (2 * h);
}

void expect_close(double analytic, double numeric, const std::string& what) {
  EXPECT_NEAR(analytic, numeric, 1e-7 * std::max(1.0, std::abs(numeric))) << what;
}

TEST(LstmOptions, ValidateNamesTheField) {
  LstmOptions o;
  EXPECT_NO_THROW(o.validate());
  o.hidden = 0;
  try {
    o.validate();
    FAIL() << "hidden = 0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("hidden"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Lstm(20, 22, o), std::invalid_argument);
  EXPECT_THROW(LstmParams(0, 3, 2), std::invalid_argument);
}

TEST(LstmParams, BlocksPartitionTheBuffer) {
  LstmParams p(5, 3, 4);
  p.Wx().setConstant(1);
  p.U().setConstant(2);
  p.b().setConstant(3);
  p.Wy().setConstant(4);
  p.by().setConstant(5);
  // Every block written once, none overlapping: the total is the sum of block sums.
  EXPECT_DOUBLE_EQ(p.flat().sum(), 1.0 * 12 * 5 + 2.0 * 12 * 3 + 3.0 * 12 + 4.0 * 4 * 3 + 5.0 * 4);
  EXPECT_GE(p.size(), 12 * 5 + 12 * 3 + 12 + 4 * 3 + 4);
}

TEST(Lstm, InitialisationAsInThePaper) {
  LstmOptions o;  // 20 units, forget bias 1
  const Lstm m(20, 22, o);
  const auto& p = m.params();
  const int H = 20;
  // Orthogonal recurrent weights: the 80 x 20 matrix has orthonormal columns.
  EXPECT_LT((p.U().transpose() * p.U() - Mat::Identity(H, H)).cwiseAbs().maxCoeff(), 1e-12);
  // Glorot-uniform limits.
  EXPECT_LE(p.Wx().cwiseAbs().maxCoeff(), std::sqrt(6.0 / (20 + 80)));
  EXPECT_GT(p.Wx().cwiseAbs().maxCoeff(), 0.8 * std::sqrt(6.0 / (20 + 80)));
  EXPECT_LE(p.Wy().cwiseAbs().maxCoeff(), std::sqrt(6.0 / (20 + 22)));
  // Biases: forget block 1, the rest 0.
  EXPECT_EQ(p.b().segment(0, H).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ(p.b().segment(H, H).minCoeff(), 1.0);
  EXPECT_EQ(p.b().segment(H, H).maxCoeff(), 1.0);
  EXPECT_EQ(p.b().segment(2 * H, 2 * H).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ(p.by().cwiseAbs().maxCoeff(), 0.0);
  // Same seed, same weights; another seed, other weights.
  EXPECT_EQ(Lstm(20, 22, o).params().flat(), p.flat());
  LstmOptions o2 = o;
  o2.seed = 2;
  EXPECT_NE(Lstm(20, 22, o2).params().flat(), p.flat());
}

TEST(Lstm, ForwardMatchesTheEquationsByHand) {
  // One unit, two tokens: equations (1)-(8) written out with std::exp/std::tanh.
  LstmParams p = random_params(2, 1, 1, 7, 1.5);
  const int tokens[] = {1, 0};
  SentenceWork w;
  forward_sentence(p, tokens, 2, w);
  double h = 0, c = 0;
  for (int k : tokens) {
    double a[4];
    for (int j = 0; j < 4; ++j) a[j] = p.Wx()(j, k) + p.U()(j, 0) * h + p.b()[j];
    const double i = sigmoid(a[0]), f = sigmoid(a[1]), g = std::tanh(a[2]), o = sigmoid(a[3]);
    c = f * c + i * g;
    h = o * std::tanh(c);
  }
  EXPECT_NEAR(w.cells(0, 2), c, 1e-14);
  EXPECT_NEAR(w.hiddens(0, 2), h, 1e-14);
  EXPECT_NEAR(w.y[0], p.Wy()(0, 0) * h + p.by()[0], 1e-14);
  EXPECT_EQ(w.cells(0, 0), 0.0);
  EXPECT_EQ(w.hiddens(0, 0), 0.0);
}

TEST(LstmGradient, CellStep) {
  const int V = 3, H = 4, O = 2;
  LstmParams p = random_params(V, H, O, 11);
  Vec h_prev = random_vec(H, 12), c_prev = random_vec(H, 13, 1.5);
  const Vec rh = random_vec(H, 14), rc = random_vec(H, 15);
  const int token = 2;
  // Loss = rh . h_t + rc . c_t, so dh_t = rh and dc_t = rc.
  auto loss = [&] {
    Vec gates(4 * H), c(H), tc(H), h(H);
    kernel::cell_forward<double>(p, token, h_prev.data(), c_prev.data(), gates.data(), c.data(), tc.data(), h.data());
    return rh.dot(h) + rc.dot(c);
  };
  Vec gates(4 * H), c(H), tc(H), h(H);
  kernel::cell_forward<double>(p, token, h_prev.data(), c_prev.data(), gates.data(), c.data(), tc.data(), h.data());
  Vec dc = rc, da(4 * H);
  kernel::cell_backward<double>(H, gates.data(), c_prev.data(), tc.data(), rh.data(), dc.data(), da.data());
  // dc is now dL/dc_{t-1}; equation (14) gives the rest.
  const Vec dh_prev = p.U().transpose() * da;
  const Mat dU = da * h_prev.transpose();
  for (int j = 0; j < H; ++j) {
    expect_close(dc[j], central(loss, c_prev[j]), "c_prev " + std::to_string(j));
    expect_close(dh_prev[j], central(loss, h_prev[j]), "h_prev " + std::to_string(j));
  }
  for (int r = 0; r < 4 * H; ++r) {
    expect_close(da[r], central(loss, p.Wx()(r, token)), "Wx row " + std::to_string(r));
    expect_close(da[r], central(loss, p.b()(r)), "b " + std::to_string(r));
    for (int j = 0; j < H; ++j) expect_close(dU(r, j), central(loss, p.U()(r, j)), "U");
  }
  // Tokens other than the one read get no gradient: the column gather is exact.
  for (int r = 0; r < 4 * H; ++r) EXPECT_EQ(central(loss, p.Wx()(r, 0)), 0.0);
}

TEST(LstmGradient, LossKnownAnswerAndDifferences) {
  Vec y(3), z(3), dy(3);
  y << 0.5, -1.0, 2.0;
  z << 0.0, 1.0, 2.0;
  const double scale = 1.0 / 6.0;  // B = 2 sentences, O = 3 outputs
  const double l = mse_and_gradient(y.data(), z.data(), 3, scale, dy.data());
  EXPECT_DOUBLE_EQ(l, (0.25 + 4.0) / 6.0);
  auto f = [&] {
    Vec d(3);
    return mse_and_gradient(y.data(), z.data(), 3, scale, d.data());
  };
  for (int k = 0; k < 3; ++k) expect_close(dy[k], central(f, y[k]), "dy " + std::to_string(k));
  EXPECT_EQ(dy[2], 0.0);
}

// Loss of the batch through batch_loss_and_gradient, for the difference quotients.
struct BatchProblem {
  int V = 6, H = 5, O = 4;
  LstmParams p;
  std::vector<std::vector<int>> sentences;
  Mat targets;
  std::vector<int> index;
  BatchWork work;
  LstmParams grad;
  BatchProblem() {
    p = random_params(V, H, O, 21);
    Rng r(5, "test.tokens");
    for (int len : {1, 4, 9}) {
      std::vector<int> s;
      for (int t = 0; t < len; ++t) s.push_back(static_cast<int>(r.below(static_cast<std::uint64_t>(V))));
      sentences.push_back(s);
    }
    targets = Mat::Zero(O, 3);
    for (int j = 0; j < 3; ++j) targets.col(j) = random_vec(O, 30 + j);
    index = {0, 1, 2};
  }
  double loss() { return batch_loss_and_gradient(p, sentences, targets, index.data(), 3, work, grad, 1); }
};

TEST(LstmGradient, WholeUnrolledBatchOfDifferentLengths) {
  BatchProblem bp;
  bp.loss();
  const LstmParams g = bp.grad;
  LstmParams scratch_grad;
  auto f = [&] {
    BatchWork w;
    return batch_loss_and_gradient(bp.p, bp.sentences, bp.targets, bp.index.data(), 3, w, scratch_grad, 1);
  };
  int checked = 0;
  double max_err = 0;
  for (Eigen::Index i = 0; i < bp.p.size(); ++i) {
    const double num = central(f, bp.p.flat()[i]);
    max_err = std::max(max_err, std::abs(num - g.flat()[i]));
    EXPECT_NEAR(g.flat()[i], num, 1e-8) << "parameter " << i;
    ++checked;
  }
  EXPECT_GT(checked, 200);
  EXPECT_GT(g.flat().cwiseAbs().maxCoeff(), 1e-3);  // the check is not vacuous
  RecordProperty("max_abs_error", std::to_string(max_err));
}

TEST(LstmGradient, OutputLayer) {
  // W_y and b_y of the batch problem, plus the hidden state they read: dL/dh_T = W_y^T dy
  // (checked through the END step's W_x column of a one-token sentence: with h_0 = 0
  // every gradient of that sentence flows through h_1 = h_T).
  BatchProblem bp;
  bp.index = {0};
  auto f = [&] {
    BatchWork w;
    LstmParams g;
    return batch_loss_and_gradient(bp.p, bp.sentences, bp.targets, bp.index.data(), 1, w, g, 1);
  };
  batch_loss_and_gradient(bp.p, bp.sentences, bp.targets, bp.index.data(), 1, bp.work, bp.grad, 1);
  const LstmParams g = bp.grad;
  for (int k = 0; k < bp.O; ++k) {
    expect_close(g.by()[k], central(f, bp.p.by()[k]), "by");
    for (int j = 0; j < bp.H; ++j) expect_close(g.Wy()(k, j), central(f, bp.p.Wy()(k, j)), "Wy");
  }
  // A one-token sentence from the zero state: U and the other tokens get exactly zero.
  EXPECT_EQ(g.U().cwiseAbs().maxCoeff(), 0.0);
  for (int v = 0; v < bp.V; ++v)
    if (v != bp.sentences[0][0]) EXPECT_EQ(g.Wx().col(v).cwiseAbs().maxCoeff(), 0.0);
  // by's gradient is dy itself: 2 / O (y - z).
  SentenceWork w;
  forward_sentence(bp.p, bp.sentences[0].data(), 1, w);
  const Vec dy = 2.0 / bp.O * (w.y - bp.targets.col(0));
  EXPECT_LT((g.by() - dy).cwiseAbs().maxCoeff(), 1e-15);
}

TEST(LstmGradient, FloatEngineAgreesWithDouble) {
  BatchProblem bp;
  bp.loss();
  const LstmParamsF pf = bp.p.cast<float>();
  BasicBatchWork<float> wf;
  BasicLstmParams<float> gf;
  const Eigen::MatrixXf tf = bp.targets.cast<float>();
  const float lf = batch_loss_and_gradient(pf, bp.sentences, tf, bp.index.data(), 3, wf, gf, 1);
  EXPECT_NEAR(lf, bp.loss(), 1e-5);
  EXPECT_LT((gf.flat().cast<double>() - bp.grad.flat()).cwiseAbs().maxCoeff(), 1e-5);
}

TEST(LstmGradient, BatchIsTheMeanOfItsSentences) {
  BatchProblem bp;
  const double l3 = bp.loss();
  const LstmParams g3 = bp.grad;
  double sum = 0;
  Vec gsum = Vec::Zero(bp.p.size());
  for (int s = 0; s < 3; ++s) {
    BatchWork w;
    LstmParams g;
    sum += batch_loss_and_gradient(bp.p, bp.sentences, bp.targets, &s, 1, w, g, 1);
    gsum += g.flat();
  }
  EXPECT_NEAR(l3, sum / 3, 1e-15);
  EXPECT_LT((g3.flat() - gsum / 3).cwiseAbs().maxCoeff(), 1e-15);
}

}  // namespace
}  // namespace rssviz::lstm
