#include "core/esn/readout.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/common/check.hpp"
#include "core/common/parallel.hpp"

namespace rssviz::esn {

namespace {

void check_shapes(const Eigen::MatrixXf& states, const Eigen::MatrixXd& targets, double ridge, const char* what) {
  if (states.cols() != targets.rows())
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(states.cols()) + " states but " +
                                std::to_string(targets.rows()) + " target rows");
  check_range("ridge", ridge, 0.0, 1e12);
}

// Rows [1, x^T] for every column x of the states.
Eigen::MatrixXd features(const Eigen::MatrixXf& states, Eigen::Index count) {
  Eigen::MatrixXd x(count, states.rows() + 1);
  x.col(0).setOnes();
  x.rightCols(states.rows()) = states.leftCols(count).transpose().cast<double>();
  return x;
}

// The lower triangle of X^T X by fixed column blocks (the same sums whatever the thread
// count), spread over the threads; Eigen's rank update would run on one core. Block b
// holds m - b kB rows: each job takes block k and block nb-1-k, so the jobs weigh the
// same and parallel_for's contiguous shares stay balanced (the first half of the blocks
// alone is ~3/4 of the work). The strict upper triangle is left unset.
constexpr Eigen::Index kB = 128;

Eigen::MatrixXd lower_gram(const Eigen::MatrixXd& x) {
  const Eigen::Index m = x.cols();
  Eigen::MatrixXd gram(m, m);
  const auto nb = static_cast<int>((m + kB - 1) / kB);
  const auto column_block = [&](int b) {
    const Eigen::Index j0 = b * kB, nc = std::min(kB, m - j0);
    gram.block(j0, j0, m - j0, nc).noalias() = x.rightCols(m - j0).transpose() * x.middleCols(j0, nc);
  };
  // Small problems stay on the calling thread: waking the others costs more.
  parallel_for((nb + 1) / 2, threads_if(static_cast<double>(m) * m * x.rows() >= 2e7), [&](int k, int) {
    column_block(k);
    if (nb - 1 - k != k) column_block(nb - 1 - k);
  });
  return gram;
}

// a = L L^T in place (L in the lower triangle; the strict upper triangle is neither read
// nor written), by kB-column panels: factor the diagonal block (Eigen's LLT), solve the
// panel below it, update the trailing lower triangle. The panel's row blocks and the
// trailing update's kB x kB tiles are spread over the threads in fixed blocks, so the
// factor has the same bits whatever the thread count. Eigen's own LLT runs its trailing
// updates on one core: 8.2 ms for the paper's 1001 x 1001 readout, 4.3 ms here on two (measured).
// Returns false (a partly overwritten) when a is not numerically positive definite.
bool cholesky_in_place(Eigen::MatrixXd& a) {
  const Eigen::Index m = a.rows();
  const bool parallel = static_cast<double>(m) * m * m >= 3e7;
  for (Eigen::Index k = 0; k < m; k += kB) {
    const Eigen::Index b = std::min(kB, m - k), rest = m - k - b;
    Eigen::Ref<Eigen::MatrixXd> diag = a.block(k, k, b, b);
    const Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>, Eigen::Lower> llt(diag);
    if (llt.info() != Eigen::Success) return false;
    if (rest == 0) break;
    const Eigen::Index k1 = k + b;
    const auto tiles = static_cast<int>((rest + kB - 1) / kB);
    // Panel: A21 <- A21 L11^-T, one row block at a time.
    parallel_for(tiles, threads_if(parallel), [&](int i, int) {
      const Eigen::Index r0 = k1 + i * kB, rows = std::min(kB, m - r0);
      auto panel = a.block(r0, k, rows, b);
      a.block(k, k, b, b).triangularView<Eigen::Lower>().transpose().solveInPlace<Eigen::OnTheRight>(panel);
    });
    // Trailing update: lower triangle of A22 -= A21 A21^T, tile (i, j) with j <= i, numbered
    // row by row (tile t of row i is (i, j) for t = i (i + 1) / 2 + j).
    parallel_for(tiles * (tiles + 1) / 2, threads_if(parallel), [&](int t, int) {
      int i = 0;
      while ((i + 1) * (i + 2) / 2 <= t) ++i;
      const int j = t - i * (i + 1) / 2;
      const Eigen::Index r0 = k1 + i * kB, rows = std::min(kB, m - r0);
      const Eigen::Index c0 = k1 + j * kB, cols = std::min(kB, m - c0);
      if (i == j) {
        a.block(r0, c0, rows, cols).triangularView<Eigen::Lower>() -=
            a.block(r0, k, rows, b) * a.block(c0, k, cols, b).transpose();
      } else {
        a.block(r0, c0, rows, cols).noalias() -= a.block(r0, k, rows, b) * a.block(c0, k, cols, b).transpose();
      }
    });
  }
  return true;
}

// Solves L L^T w = rhs in place, L in the lower triangle of l.
void cholesky_solve_in_place(const Eigen::MatrixXd& l, Eigen::MatrixXd& rhs) {
  l.triangularView<Eigen::Lower>().solveInPlace(rhs);
  l.triangularView<Eigen::Lower>().transpose().solveInPlace(rhs);
}

}  // namespace

Eigen::MatrixXd fit_ridge(const Eigen::MatrixXf& end_states, const Eigen::MatrixXd& targets, double ridge) {
  check_shapes(end_states, targets, ridge, "fit_ridge");
  const Eigen::MatrixXd x = features(end_states, end_states.cols());
  Eigen::MatrixXd rhs = x.transpose() * targets;
  Eigen::MatrixXd gram = lower_gram(x);
  gram.diagonal().array() += ridge;
  if (cholesky_in_place(gram)) {
    cholesky_solve_in_place(gram, rhs);
    return rhs.transpose();
  }
  // Not positive definite (ridge = 0 and a singular Gram): LDLT, with pivoting.
  gram = lower_gram(x);
  gram.diagonal().array() += ridge;
  const Eigen::MatrixXd full = gram.selfadjointView<Eigen::Lower>();
  Eigen::LDLT<Eigen::MatrixXd> ldlt(full);
  return ldlt.solve(rhs).transpose();
}

std::vector<Eigen::MatrixXd> readout_checkpoints(const Eigen::MatrixXf& end_states, const Eigen::MatrixXd& targets,
                                                 double ridge, const std::vector<int>& checkpoints) {
  check_shapes(end_states, targets, ridge, "readout_checkpoints");
  if (!(ridge > 0.0)) throw std::invalid_argument("readout_checkpoints: ridge = 0 is out of range (0, 1e12]");
  const Eigen::Index s = end_states.cols();
  for (int k : checkpoints)
    if (k < 0 || k > s)
      throw std::invalid_argument("readout_checkpoints: checkpoint " + std::to_string(k) + " is out of range [0, " +
                                  std::to_string(s) + "]");
  const Eigen::MatrixXd x = features(end_states, s);
  // K = X X^T: the Gram of X^T's columns.
  Eigen::MatrixXd l = lower_gram(x.transpose());
  l.diagonal().array() += ridge;
  if (!cholesky_in_place(l)) throw std::runtime_error("readout_checkpoints: the kernel is not positive definite");
  std::vector<Eigen::MatrixXd> out;
  out.reserve(checkpoints.size());
  for (int k : checkpoints) {
    if (k == 0) {
      out.push_back(Eigen::MatrixXd::Zero(targets.cols(), x.cols()));
      continue;
    }
    const auto lk = l.topLeftCorner(k, k).triangularView<Eigen::Lower>();
    Eigen::MatrixXd alpha = lk.solve(targets.topRows(k));
    lk.transpose().solveInPlace(alpha);
    out.push_back((x.topRows(k).transpose() * alpha).transpose());
  }
  return out;
}

RlsReadout::RlsReadout(int units, int outputs, double ridge) {
  check_range("units", units, 1, 100000);
  check_range("outputs", outputs, 1, 100000);
  check_range_open_low("ridge", ridge, 0.0, 1e12);
  wout_ = Eigen::MatrixXd::Zero(outputs, units + 1);
  p_ = Eigen::MatrixXd::Identity(units + 1, units + 1) / ridge;
  x_.resize(units + 1);
  px_.resize(units + 1);
}

void RlsReadout::update(const Eigen::Ref<const Eigen::VectorXf>& state, const Eigen::Ref<const Eigen::VectorXd>& target) {
  if (state.size() + 1 != x_.size() || target.size() != wout_.rows())
    throw std::invalid_argument("RlsReadout::update: got " + std::to_string(state.size()) + " units and " +
                                std::to_string(target.size()) + " targets, expected " +
                                std::to_string(x_.size() - 1) + " and " + std::to_string(wout_.rows()));
  x_(0) = 1.0;
  x_.tail(state.size()) = state.cast<double>();
  // P is symmetric: P x computed from the lower triangle keeps it so under rounding.
  px_.noalias() = p_.selfadjointView<Eigen::Lower>() * x_;
  const double denom = 1.0 + x_.dot(px_);
  const Eigen::VectorXd k = px_ / denom;
  const Eigen::VectorXd err = target - wout_ * x_;
  wout_.noalias() += err * k.transpose();
  p_.selfadjointView<Eigen::Lower>().rankUpdate(px_, -1.0 / denom);
  ++samples_;
}

Eigen::MatrixXd fit_rls(const Eigen::MatrixXf& end_states, const Eigen::MatrixXd& targets, double ridge) {
  check_shapes(end_states, targets, ridge, "fit_rls");
  RlsReadout rls(static_cast<int>(end_states.rows()), static_cast<int>(targets.cols()), ridge);
  for (Eigen::Index s = 0; s < end_states.cols(); ++s) rls.update(end_states.col(s), targets.row(s).transpose());
  return rls.weights();
}

Eigen::MatrixXd predict(const Eigen::MatrixXd& wout, const Eigen::MatrixXf& states) {
  if (wout.cols() != states.rows() + 1)
    throw std::invalid_argument("predict: Wout has " + std::to_string(wout.cols()) + " columns, states have " +
                                std::to_string(states.rows()) + " units (+1 for the bias expected)");
  // y^T = Wout_x S + bias, by column blocks: Eigen's own threading splits the few output
  // rows badly (10x slower than one thread here); one block per iteration is bandwidth-bound.
  // Eigen's GEMM also runs its own team when called from a team of one thread (a small
  // problem, below) and its blocking depends on that team: the last bits of the scores
  // changed with the thread count (evaluate --threads 1 against train). A destination of
  // at most 32 rows at compile time is never split, so each output row block is computed
  // by one thread with the same blocking whatever the thread count.
  const Eigen::Index cols = states.cols(), units = states.rows(), outputs = wout.rows();
  const Eigen::MatrixXd sd = states.cast<double>();
  Eigen::MatrixXd yt(outputs, cols);
  constexpr Eigen::Index kCols = 256, kRows = 32;
  using RowBlock = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor, kRows, kCols>;
  const auto blocks = static_cast<int>((cols + kCols - 1) / kCols);
  parallel_for(blocks, threads_if(static_cast<double>(units) * cols * outputs >= 2e7), [&](int b, int) {
    const Eigen::Index c0 = b * kCols, nc = std::min(kCols, cols - c0);
    for (Eigen::Index r0 = 0; r0 < outputs; r0 += kRows) {
      const Eigen::Index rows = std::min(kRows, outputs - r0);
      Eigen::Map<RowBlock, 0, Eigen::OuterStride<>> out(yt.data() + c0 * outputs + r0, rows, nc,
                                                        Eigen::OuterStride<>(outputs));
      out.noalias() = wout.block(r0, 1, rows, units) * sd.middleCols(c0, nc);
    }
    yt.middleCols(c0, nc).colwise() += wout.col(0);
  });
  return yt.transpose();
}

}  // namespace rssviz::esn
