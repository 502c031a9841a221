#include "core/umap/spectral.hpp"

#include <Eigen/SparseCore>
#include <Spectra/MatOp/SparseSymMatProd.h>
#include <Spectra/SymEigsSolver.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/common/rng.hpp"

namespace rssviz::umap {
namespace {

void random_layout(Eigen::MatrixXf& Y, Rng& rng) {
  for (Eigen::Index i = 0; i < Y.rows(); ++i)
    for (Eigen::Index c = 0; c < Y.cols(); ++c) Y(i, c) = static_cast<float>(rng.uniform(-1.0, 1.0));
}

// Spectral layout of one connected graph; false when the solver fails.
bool spectral_component(const SparseGraph& W, int dim, Rng& rng, Eigen::MatrixXf& Y) {
  const Eigen::Index m = W.rows();
  Eigen::VectorXd inv_sqrt_deg(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    double s = 0.0;
    for (SparseGraph::InnerIterator it(W, i); it; ++it) s += it.value();
    inv_sqrt_deg(i) = s > 0.0 ? 1.0 / std::sqrt(s) : 0.0;
  }
  std::vector<Eigen::Triplet<double>> t;
  t.reserve(static_cast<std::size_t>(W.nonZeros() + m));
  for (Eigen::Index i = 0; i < m; ++i) {
    t.emplace_back(i, i, 1.0);
    for (SparseGraph::InnerIterator it(W, i); it; ++it)
      t.emplace_back(i, it.col(), inv_sqrt_deg(i) * it.value() * inv_sqrt_deg(it.col()));
  }
  Eigen::SparseMatrix<double> M(m, m);
  M.setFromTriplets(t.begin(), t.end());
  M.makeCompressed();
  Spectra::SparseSymMatProd<double> op(M);
  const int nev = dim + 1;
  const int ncv = static_cast<int>(std::min<Eigen::Index>(
      m, std::max<Eigen::Index>(2 * nev + 1, static_cast<Eigen::Index>(std::sqrt(static_cast<double>(m))))));
  Spectra::SymEigsSolver<Spectra::SparseSymMatProd<double>> eigs(op, nev, ncv);
  Eigen::VectorXd v0(m);
  for (Eigen::Index i = 0; i < m; ++i) v0(i) = rng.uniform(0.5, 1.5);
  eigs.init(v0.data());
  eigs.compute(Spectra::SortRule::LargestAlge, static_cast<Eigen::Index>(5 * m), 1e-4, Spectra::SortRule::LargestAlge);
  if (eigs.info() != Spectra::CompInfo::Successful) return false;
  const Eigen::MatrixXd vec = eigs.eigenvectors();
  if (vec.cols() < nev) return false;
  Y = vec.middleCols(1, dim).cast<float>();
  return Y.allFinite();
}

}  // namespace

SpectralResult spectral_layout(const SparseGraph& W, int dim, std::uint64_t seed) {
  Rng rng(seed, "umap spectral");
  SpectralResult r;
  const Eigen::Index n = W.rows();
  r.coords = Eigen::MatrixXf::Zero(n, dim);
  std::vector<int> label;
  r.components = connected_components(W, label);
  std::vector<std::vector<int>> members(static_cast<std::size_t>(r.components));
  for (Eigen::Index i = 0; i < n; ++i) members[static_cast<std::size_t>(label[static_cast<std::size_t>(i)])].push_back(static_cast<int>(i));
  std::vector<int> order(static_cast<std::size_t>(r.components));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return members[static_cast<std::size_t>(a)].size() > members[static_cast<std::size_t>(b)].size();
  });
  const int grid = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(r.components))));
  for (int slot = 0; slot < r.components; ++slot) {
    const auto& mem = members[static_cast<std::size_t>(order[static_cast<std::size_t>(slot)])];
    const auto m = static_cast<Eigen::Index>(mem.size());
    Eigen::MatrixXf Y(m, dim);
    bool ok = false;
    if (m > 2 * dim + 2) {
      if (r.components == 1) {
        ok = spectral_component(W, dim, rng, Y);
      } else {
        std::vector<int> local(static_cast<std::size_t>(n), -1);
        for (Eigen::Index i = 0; i < m; ++i) local[static_cast<std::size_t>(mem[static_cast<std::size_t>(i)])] = static_cast<int>(i);
        std::vector<Eigen::Triplet<float, int>> t;
        for (Eigen::Index i = 0; i < m; ++i)
          for (SparseGraph::InnerIterator it(W, mem[static_cast<std::size_t>(i)]); it; ++it)
            t.emplace_back(static_cast<int>(i), local[static_cast<std::size_t>(it.col())], it.value());
        SparseGraph sub(m, m);
        sub.setFromTriplets(t.begin(), t.end());
        ok = spectral_component(sub, dim, rng, Y);
      }
    }
    if (!ok) {
      random_layout(Y, rng);
      ++r.fallbacks;
    }
    const float scale = Y.cwiseAbs().maxCoeff();
    if (scale > 0.0f) Y /= scale;
    if (r.components > 1) {
      Eigen::RowVectorXf centre = Eigen::RowVectorXf::Zero(dim);
      centre(0) = 3.0f * static_cast<float>(slot % grid);
      if (dim > 1) centre(1) = 3.0f * static_cast<float>(slot / grid);
      Y.rowwise() += centre;
    }
    for (Eigen::Index i = 0; i < m; ++i) r.coords.row(mem[static_cast<std::size_t>(i)]) = Y.row(i);
  }
  // A single component that was too small or failed is counted in fallbacks too.
  return r;
}

}  // namespace rssviz::umap
