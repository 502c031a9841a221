// ESN readouts: y = Wout [1; x], fitted on END states (one per sentence), in double.
// Specification: shared/paper-notes.md section 3.
//
// Notation: X is the S x (N+1) matrix whose row s is [1, x_s^T] (x_s the END state of
// training sentence s), Y is S x K (the teachers), lambda = ridge. Wout is K x (N+1),
// column 0 the bias weights.
//
// Ridge (closed form, the bias column regularised like the others, as in the paper):
//   (3)  Wout^T = (X^T X + lambda I)^-1 X^T Y
// solved by a blocked, threaded Cholesky factorisation (LDLT if it fails, e.g. lambda = 0 and a
// singular Gram matrix), never an explicit inverse.
//
// Online RLS (the paper's), one sentence at a time, P(0) = I / lambda, Wout(0) = 0:
//   (4)  k = P x / (1 + x^T P x),   Wout += (y - Wout x) k^T,   P -= k (P x)^T
// with x = [1; state]. After k sentences Wout(k) is exactly the ridge solution (3) on the
// first k sentences (RLS is recursive ridge), so in exact arithmetic RLS after all
// sentences equals ridge; in double they agree to ~1e-6 relative (tested).
//
// Learning stages: `readout_checkpoints` returns Wout(k) for a list of k without running
// RLS, from the dual form of (3) on the first k sentences,
//   (5)  Wout(k)^T = X_k^T (X_k X_k^T + lambda I_k)^-1 Y_k,
// and the fact that the Cholesky factor of the leading k x k block of the kernel
// K = X X^T + lambda I is the leading block of K's factor: one factorisation serves every k.
#pragma once
#include <Eigen/Core>
#include <vector>

namespace rssviz::esn {

// Wout by ridge regression (3). end_states: N x S (one column per sentence, as harvested),
// targets: S x K. Throws std::invalid_argument on mismatched sizes or a negative ridge.
Eigen::MatrixXd fit_ridge(const Eigen::MatrixXf& end_states, const Eigen::MatrixXd& targets, double ridge);

// Wout(k) for every k in `checkpoints` (each in [0, S]; k = 0 gives zeros), by (5).
// Each Wout(k) equals fit_ridge on the first k columns/rows (to rounding). Costs one
// S x S factorisation plus O(k (N + k) K) per checkpoint.
std::vector<Eigen::MatrixXd> readout_checkpoints(const Eigen::MatrixXf& end_states, const Eigen::MatrixXd& targets,
                                                 double ridge, const std::vector<int>& checkpoints);

// Online recursive least squares (4), step-wise: the caller feeds one sentence at a time.
class RlsReadout {
 public:
  // units N, outputs K, ridge lambda > 0 (P(0) = I / lambda).
  RlsReadout(int units, int outputs, double ridge);
  // One training pair: the END state (N values) and its target (K values).
  void update(const Eigen::Ref<const Eigen::VectorXf>& state, const Eigen::Ref<const Eigen::VectorXd>& target);
  const Eigen::MatrixXd& weights() const { return wout_; }  // K x (N+1)
  long long samples() const { return samples_; }

 private:
  Eigen::MatrixXd wout_;
  Eigen::MatrixXd p_;
  Eigen::VectorXd x_, px_;
  long long samples_ = 0;
};

// RLS over all sentences in order (the paper's training). Same arguments as fit_ridge;
// ridge must be > 0.
Eigen::MatrixXd fit_rls(const Eigen::MatrixXf& end_states, const Eigen::MatrixXd& targets, double ridge);

// y = Wout [1; x] for every column of `states` (N x C): returns C x K, one row per state,
// the layout metrics::evaluate expects. Works on END states and on every step's states.
Eigen::MatrixXd predict(const Eigen::MatrixXd& wout, const Eigen::MatrixXf& states);

}  // namespace rssviz::esn
