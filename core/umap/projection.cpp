#include "core/umap/projection.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/check.hpp"
#include "core/common/parallel.hpp"
#include "core/common/rng.hpp"

namespace rssviz::umap {
namespace {

constexpr double kUnitRoundoff = 0x1.0p-24;
constexpr Eigen::Index kRowBlock = 256;
// A first pass of the range finder targets these dimensions; below this kept fraction at
// its largest m the spectrum counts as flat and no wider pass is tried.
constexpr int kFirstPassDims = 32;
constexpr double kFlatKept = 0.9;

// Orthonormal basis of the columns of Y (Householder QR in double).
Eigen::MatrixXf orthonormalise(const Eigen::MatrixXf& Y) {
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(Y.cast<double>());
  const Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(Y.rows(), Y.cols());
  return Q.cast<float>();
}

void check_options(const ProjectionOptions& o) {
  check_range_open_low("kept_variance", o.kept_variance, 0.0, 1.0);
  check_range("max_dims", o.max_dims, 1, 4096);
  check_range("oversampling", o.oversampling, 0, 1024);
  check_range("power_iterations", o.power_iterations, 0, 16);
  check_range("sample_rows", o.sample_rows, 1, 1 << 30);
}

}  // namespace

Eigen::MatrixXf fit_projection_basis(const Eigen::MatrixXf& Xc, const ProjectionOptions& opt, const StopFlag* stop) {
  check_options(opt);
  const Eigen::Index n = Xc.rows(), d = Xc.cols();
  if (opt.use == ProjectionOptions::Use::never || n == 0 || d == 0) return {};
  const ThreadScope one_thread(1);
  const bool always = opt.use == ProjectionOptions::Use::always;
  const Eigen::Index s = std::min<Eigen::Index>(n, opt.sample_rows);
  // Candidate m: the ladder up to max_dims, and max_dims itself; at most d (and the
  // sample's rank); automatically only where 2m <= d, else the plain product is as cheap.
  std::vector<int> dims;
  for (int m : {16, 32, 48, 64, 96, 128})
    if (m <= opt.max_dims) dims.push_back(m);
  if (dims.empty() || dims.back() < opt.max_dims) dims.push_back(opt.max_dims);
  for (int& m : dims) m = static_cast<int>(std::min<Eigen::Index>({m, d, s}));
  if (!always) std::erase_if(dims, [d](int m) { return 2 * static_cast<Eigen::Index>(m) > d; });
  dims.erase(std::unique(dims.begin(), dims.end()), dims.end());
  if (dims.empty()) return {};

  // The row sample: a seeded partial shuffle, kept in index order.
  std::vector<Eigen::Index> rows(static_cast<std::size_t>(n));
  std::iota(rows.begin(), rows.end(), Eigen::Index{0});
  if (s < n) {
    Rng rng(opt.seed, "projection rows");
    for (Eigen::Index i = 0; i < s; ++i) {
      const auto j = i + static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(n - i)));
      std::swap(rows[static_cast<std::size_t>(i)], rows[static_cast<std::size_t>(j)]);
    }
    rows.resize(static_cast<std::size_t>(s));
    std::sort(rows.begin(), rows.end());
  }
  // The sample, gathered column by column (the matrices are column-major); all rows
  // when there are few.
  Eigen::MatrixXf Sbuf;
  if (s < n) {
    Sbuf.resize(s, d);
    for (Eigen::Index c = 0; c < d; ++c) {
      const float* src = Xc.col(c).data();
      float* dst = Sbuf.col(c).data();
      for (Eigen::Index i = 0; i < s; ++i) dst[i] = src[rows[static_cast<std::size_t>(i)]];
    }
  }
  const Eigen::MatrixXf& S = s < n ? Sbuf : Xc;
  double total = 0.0;
  for (Eigen::Index c = 0; c < d; ++c) total += S.col(c).cast<double>().squaredNorm();
  if (!(total > 0.0)) return {};

  // Pass 1 targets m <= 32, pass 2 the whole ladder (skipped for a flat spectrum).
  std::vector<int> first;
  for (int m : dims)
    if (m <= kFirstPassDims) first.push_back(m);
  std::vector<std::vector<int>> passes;
  if (!first.empty()) passes.push_back(first);
  if (first.size() < dims.size()) passes.push_back(dims);
  for (std::size_t pass = 0; pass < passes.size(); ++pass) {
    const std::vector<int>& ladder = passes[pass];
    const int mmax = ladder.back();
    const Eigen::Index l = std::min<Eigen::Index>({static_cast<Eigen::Index>(mmax) + opt.oversampling, d, s});
    if (stop_requested(stop)) throw Cancelled();
    Rng rng(opt.seed, pass == 0 ? "projection test matrix" : "projection test matrix, wide");
    Eigen::MatrixXf Omega(d, l);
    for (Eigen::Index c = 0; c < l; ++c)
      for (Eigen::Index r = 0; r < d; ++r) Omega(r, c) = static_cast<float>(rng.normal());
    Eigen::MatrixXf Y = orthonormalise(S * Omega);
    Eigen::MatrixXf Z;
    for (int it = 0; it < opt.power_iterations; ++it) {
      if (stop_requested(stop)) throw Cancelled();
      Z = orthonormalise(S.transpose() * Y);
      Y = orthonormalise(S * Z);
    }
    Z = S.transpose() * Y;  // d x l; Z^T Z = Y^T S S^T Y
    const Eigen::MatrixXd Zd = Z.cast<double>();
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(Zd.transpose() * Zd);
    // Eigenvalues ascending: the last ones are the strongest directions.
    const Eigen::VectorXd lambda = eig.eigenvalues().reverse();
    const Eigen::MatrixXd W = eig.eigenvectors().rowwise().reverse();
    auto kept = [&](int m) { return lambda.head(std::min<Eigen::Index>(m, lambda.size())).sum() / total; };
    int use = 0;
    for (int m : ladder)
      if (kept(m) >= opt.kept_variance) {
        use = m;
        break;
      }
    const bool last = pass + 1 == passes.size();
    if (use == 0 && always && last) use = mmax;
    if (use == 0) {
      if (!always && kept(mmax) < kFlatKept) return {};
      continue;
    }
    const Eigen::Index m = std::min<Eigen::Index>(use, l);
    const Eigen::MatrixXd V = Zd * W.leftCols(m);
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(V);
    const Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(d, m);
    return Q.cast<float>();
  }
  return {};
}

RowMatrixF row_major(const Eigen::MatrixXf& X) {
  const Eigen::Index n = X.rows(), d = X.cols();
  RowMatrixF R(n, d);
  constexpr Eigen::Index kTile = 64;
  for (Eigen::Index r0 = 0; r0 < n; r0 += kTile)
    for (Eigen::Index c0 = 0; c0 < d; c0 += kTile) {
      const Eigen::Index r1 = std::min(n, r0 + kTile), c1 = std::min(d, c0 + kTile);
      for (Eigen::Index r = r0; r < r1; ++r)
        for (Eigen::Index c = c0; c < c1; ++c) R(r, c) = X(r, c);
    }
  return R;
}

BoundedRows identity_rows(Eigen::MatrixXf Xc) {
  const Eigen::Index n = Xc.rows(), d = Xc.cols();
  BoundedRows b;
  b.dims = 0;
  b.coords = std::move(Xc);
  b.coord_sq = b.coords.rowwise().squaredNorm();
  b.row_sq = b.coord_sq;
  b.residual = Eigen::VectorXf::Zero(n);
  b.margin_coef = static_cast<float>(2.0 * 1.01 * (2.0 * static_cast<double>(d) + static_cast<double>(d) / 16.0 + 30.0) * kUnitRoundoff);
  b.max_row_sq = n > 0 ? b.row_sq.maxCoeff() : 0.0f;
  return b;
}

BoundedRows bound_rows(const Eigen::MatrixXf& Xc, const Eigen::MatrixXf& basis, const StopFlag* stop) {
  if (basis.size() == 0) return identity_rows(Xc);
  const Eigen::Index n = Xc.rows(), d = Xc.cols();
  BoundedRows b;
  const double u = kUnitRoundoff;
  if (basis.rows() != d)
    throw std::invalid_argument("bound_rows: the basis has " + std::to_string(basis.rows()) +
                                " rows, the points " + std::to_string(d) + " columns");
  const Eigen::Index m = basis.cols();
  const Eigen::MatrixXd Qd = basis.cast<double>();
  b.dims = static_cast<int>(m);
  b.basis = basis;
  b.orthogonality = (Qd.transpose() * Qd - Eigen::MatrixXd::Identity(m, m)).norm();
  b.coords.resize(n, m);
  b.residual.resize(n);
  b.row_sq.resize(n);
  const Eigen::Index blocks = (n + kRowBlock - 1) / kRowBlock;
  parallel_for(static_cast<int>(blocks), 0, [&](int blk, int) {
    const Eigen::Index r0 = blk * kRowBlock;
    const Eigen::Index rows = std::min(kRowBlock, n - r0);
    const Eigen::MatrixXd Xd = Xc.middleRows(r0, rows).cast<double>();
    const Eigen::MatrixXf P = (Xd * Qd).cast<float>();
    b.coords.middleRows(r0, rows) = P;
    // r = x - Q p with the rounded p that the bounds use: measured, not |x|² - |p|².
    Eigen::MatrixXd R = P.cast<double>() * Qd.transpose();
    // Row sums column by column: the blocks are column-major.
    Eigen::ArrayXd rs = Eigen::ArrayXd::Zero(rows), xs = Eigen::ArrayXd::Zero(rows);
    for (Eigen::Index c = 0; c < d; ++c) {
      rs += (Xd.col(c) - R.col(c)).array().square();
      xs += Xd.col(c).array().square();
    }
    b.residual.segment(r0, rows) = rs.sqrt().cast<float>().matrix();
    b.row_sq.segment(r0, rows) = xs.cast<float>().matrix();
  }, stop);
  b.coord_sq = b.coords.rowwise().squaredNorm();
  b.max_row_sq = n > 0 ? b.row_sq.maxCoeff() : 0.0f;
  const double all = b.row_sq.cast<double>().sum();
  b.kept_variance = all > 0.0 ? 1.0 - b.residual.cast<double>().squaredNorm() / all : 1.0;
  b.margin_coef = static_cast<float>(
      2.0 * 1.01 * ((2.0 * static_cast<double>(m) + static_cast<double>(d) / 16.0 + 44.0) * u + 6.0 * b.orthogonality));
  return b;
}

BoundedRows make_bounded_rows(const Eigen::MatrixXf& Xc, const ProjectionOptions& opt, const StopFlag* stop) {
  return bound_rows(Xc, fit_projection_basis(Xc, opt, stop), stop);
}

}  // namespace rssviz::umap
