// Spectral initialisation of a UMAP layout.
//
// For a connected graph W with degrees D = diag(W 1), the layout is given by the
// eigenvectors 2..dim+1 of the normalised Laplacian L = I - D^-1/2 W D^-1/2 (smallest
// eigenvalues first; the first, D^1/2 1, is constant information and dropped). They are
// found as the largest eigenpairs of I + D^-1/2 W D^-1/2 (same vectors, spectrum in
// [0, 2]) with Spectra's Lanczos solver (ncv = max(2 dim + 3, sqrt n), tolerance 1e-4,
// at most 5 n restarts), started from a seeded random vector.
//
// Fallback for several components (documented behaviour, not umap-learn's
// meta-embedding): each component is laid out on its own (spectrally when it has more
// than 2 dim + 2 points, otherwise uniformly at random), scaled into [-1, 1]^dim, and
// placed at its own cell of a square grid with spacing 3 in the first two axes, largest
// component first. If the eigensolver does not converge, the component gets a uniform
// random layout instead and `fallbacks` counts it.
#pragma once
#include <Eigen/Core>
#include <cstdint>

#include "core/umap/fuzzy_graph.hpp"

namespace rssviz::umap {

struct SpectralResult {
  Eigen::MatrixXf coords;  // n x dim, each component within [-1, 1] around its centre
  int components = 0;      // connected components of the graph
  int fallbacks = 0;       // components laid out at random (too small or no convergence)
};

SpectralResult spectral_layout(const SparseGraph& W, int dim, std::uint64_t seed);

}  // namespace rssviz::umap
