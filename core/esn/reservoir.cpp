#include "core/esn/reservoir.hpp"

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <Spectra/GenEigsSolver.h>
#include <Spectra/MatOp/DenseGenMatProd.h>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/common/check.hpp"
#include "core/common/rng.hpp"

namespace rssviz::esn {

std::string to_string(WeightInit w) { return w == WeightInit::kExact ? "exact" : "expected"; }

WeightInit weight_init_from_string(const std::string& s) {
  if (s == "expected") return WeightInit::kExpected;
  if (s == "exact") return WeightInit::kExact;
  throw std::invalid_argument("weight_init = \"" + s + "\" is not one of: expected, exact");
}

void ReservoirOptions::validate() const {
  check_range("units", units, 1, 100000);
  check_range("spectral_radius", spectral_radius, 0.0, 1e6);
  check_range_open_low("leak_rate", leak_rate, 0.0, 1.0);
  check_range("input_scaling", input_scaling, 0.0, 1e6);
  check_range_open_low("density", density, 0.0, 1.0);
  check_range_open_low("input_connectivity", input_connectivity, 0.0, 1.0);
  check_range("bias_scaling", bias_scaling, 0.0, 1e6);
  check_range("ridge", ridge, 0.0, 1e6);
  if (threads < 0)
    throw std::invalid_argument("threads = " + std::to_string(threads) + " is out of range [0, inf) (0 = all cores)");
}

namespace {

Eigen::MatrixXf sign_matrix(Rng& rng, int rows, int cols, double connectivity) {
  Eigen::MatrixXf m = Eigen::MatrixXf::Zero(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      if (rng.uniform() < connectivity) m(i, j) = rng.uniform() < 0.5 ? -1.0f : 1.0f;
  return m;
}

double full_spectral_radius(const Eigen::MatrixXd& m) {
  Eigen::EigenSolver<Eigen::MatrixXd> es(m, /*computeEigenvectors=*/false);
  if (es.info() != Eigen::Success) throw std::runtime_error("spectral_radius: the eigensolver did not converge");
  return es.eigenvalues().cwiseAbs().maxCoeff();
}

}  // namespace

double spectral_radius(const Eigen::MatrixXd& m) {
  if (m.rows() != m.cols()) throw std::invalid_argument("spectral_radius: the matrix is not square");
  const Eigen::Index n = m.rows();
  if (n == 0) return 0.0;
  if (n < 64) return full_spectral_radius(m);
  Spectra::DenseGenMatProd<double> op(m);
  // nev = 2 so that a complex pair at the top of the spectrum is caught whole.
  Spectra::GenEigsSolver<Spectra::DenseGenMatProd<double>> eigs(op, 2, std::min<Eigen::Index>(n, 40));
  eigs.init();
  eigs.compute(Spectra::SortRule::LargestMagn, 2000, 1e-10);
  if (eigs.info() != Spectra::CompInfo::Successful) return full_spectral_radius(m);
  return eigs.eigenvalues().cwiseAbs().maxCoeff();
}

Reservoir::Reservoir() : w_(std::make_shared<const Eigen::MatrixXf>()) { options_.units = 0; }

Reservoir::Reservoir(const ReservoirOptions& options, int vocabulary_size) : options_(options) {
  options_.validate();
  check_range("vocabulary_size", vocabulary_size, 1, 1000000);
  const int n = options_.units;

  // One 64-bit draw per entry (the build is on the GUI's critical path): the upper 32
  // bits decide whether the entry is nonzero, the lower 32 give its value.
  Rng rw(options_.seed, "reservoir.W");
  const auto threshold = static_cast<std::uint64_t>(std::ldexp(options_.density, 32));
  const auto draw = [&](auto&& set) {
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index i = 0; i < n; ++i) {
        const std::uint64_t bits = rw.next();
        if ((bits >> 32) < threshold) set(i, j, static_cast<double>(bits & 0xFFFFFFFFULL) * 0x1.0p-31 - 1.0);
      }
  };
  if (options_.weight_init == WeightInit::kExact) {
    Eigen::MatrixXd w0 = Eigen::MatrixXd::Zero(n, n);
    draw([&](Eigen::Index i, Eigen::Index j, double v) { w0(i, j) = v; });
    raw_radius_ = spectral_radius(w0);
    // A W0 with every eigenvalue 0 (e.g. 1 unit, no self-connection) cannot be scaled to
    // a radius; it is kept as drawn (its radius is, and stays, 0).
    const double inv = raw_radius_ > 0.0 ? 1.0 / raw_radius_ : 1.0;
    w_ = std::make_shared<const Eigen::MatrixXf>((w0 * inv).cast<float>());
  } else {
    raw_radius_ = std::sqrt(static_cast<double>(n) * options_.density / 3.0);
    const double inv = 1.0 / raw_radius_;
    auto w = std::make_shared<Eigen::MatrixXf>(Eigen::MatrixXf::Zero(n, n));
    draw([&](Eigen::Index i, Eigen::Index j, double v) { (*w)(i, j) = static_cast<float>(v * inv); });
    w_ = std::move(w);
  }

  Rng rin(options_.seed, "reservoir.Win");
  win_ = sign_matrix(rin, n, vocabulary_size, options_.input_connectivity);
  Rng rb(options_.seed, "reservoir.bias");
  bias_ = sign_matrix(rb, n, 1, options_.input_connectivity).col(0);
  update_drive();
}

Reservoir Reservoir::from_weights(const ReservoirOptions& options, Eigen::MatrixXf unit_w, Eigen::MatrixXf unit_win,
                                  Eigen::VectorXf unit_bias, double raw_radius) {
  options.validate();
  const auto n = options.units;
  if (unit_w.rows() != n || unit_w.cols() != n)
    throw std::invalid_argument("reservoir: W is " + std::to_string(unit_w.rows()) + "x" +
                                std::to_string(unit_w.cols()) + ", expected " + std::to_string(n) + "x" +
                                std::to_string(n));
  if (unit_win.rows() != n || unit_win.cols() < 1)
    throw std::invalid_argument("reservoir: Win has " + std::to_string(unit_win.rows()) + " rows, expected " +
                                std::to_string(n));
  if (unit_bias.size() != n)
    throw std::invalid_argument("reservoir: bias has " + std::to_string(unit_bias.size()) + " entries, expected " +
                                std::to_string(n));
  if (!unit_w.allFinite() || !unit_win.allFinite() || !unit_bias.allFinite() || !std::isfinite(raw_radius))
    throw std::invalid_argument("reservoir: the weights contain NaN or infinity");
  Reservoir r;
  r.options_ = options;
  r.w_ = std::make_shared<const Eigen::MatrixXf>(std::move(unit_w));
  r.win_ = std::move(unit_win);
  r.bias_ = std::move(unit_bias);
  r.raw_radius_ = raw_radius;
  r.update_drive();
  return r;
}

Reservoir Reservoir::with_scaling(const Scalings& s) const {
  Reservoir r = *this;
  r.rescale(s.spectral_radius, s.leak_rate, s.input_scaling, options_.bias_scaling);
  return r;
}

void Reservoir::rescale(double spectral_radius, double leak_rate, double input_scaling, double bias_scaling) {
  ReservoirOptions o = options_;
  o.spectral_radius = spectral_radius;
  o.leak_rate = leak_rate;
  o.input_scaling = input_scaling;
  o.bias_scaling = bias_scaling;
  o.validate();
  options_ = o;
  update_drive();
}

void Reservoir::update_drive() {
  const float s_in = static_cast<float>(options_.input_scaling);
  const float s_b = options_.bias ? static_cast<float>(options_.bias_scaling) : 0.0f;
  drive_.resize(win_.rows(), win_.cols());
  for (Eigen::Index u = 0; u < win_.cols(); ++u) drive_.col(u) = s_in * win_.col(u) + s_b * bias_;
}

Eigen::MatrixXd Reservoir::w() const { return options_.spectral_radius * w_->cast<double>(); }

Eigen::MatrixXd Reservoir::win() const {
  Eigen::MatrixXd m(units(), 1 + vocabulary_size());
  m.col(0) = (options_.bias ? options_.bias_scaling : 0.0) * bias_.cast<double>();
  m.rightCols(vocabulary_size()) = options_.input_scaling * win_.cast<double>();
  return m;
}

}  // namespace rssviz::esn
