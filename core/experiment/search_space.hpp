// The hyperparameter search space of the paper's TPE search (paper-notes §3): leak rate
// [0, 1], spectral radius [0.3, 3], density [0.1, 0.9], log10 ridge [-4, -0.1], sampled
// at random or with a 4-D Sobol sequence.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rssviz::experiment {

enum class SearchSampler {
  kRandom,  // independent uniform draws from Rng(seed, "experiment.search")
  kSobol,   // the Sobol sequence (Joe-Kuo direction numbers), its all-zero first point skipped; no seed
};
std::string to_string(SearchSampler s);                       // "random" | "sobol"
SearchSampler search_sampler_from_string(const std::string& s);  // throws std::invalid_argument

// One point of the search space.
struct SearchPoint {
  double leak_rate = 0.05;        // (0, 1]: 1 - u, so that 0 (no update) is never drawn
  double spectral_radius = 1.1;   // [0.3, 3]
  double density = 0.85;          // [0.1, 0.9]
  double log10_ridge = -3.5;      // [-4, -0.1]
  friend bool operator==(const SearchPoint&, const SearchPoint&) = default;
};
// The paper's settings (its TPE search's result), for comparison with what a search finds.
inline constexpr SearchPoint kPaperPoint{};
// Maps u in [0, 1)^4 to the ranges above.
SearchPoint search_point(const std::array<double, 4>& u);

// Gray-code Sobol generator in 4 dimensions, 32-bit resolution, 2^32 - 1 points.
// next() returns points 0, 1, 2, ... of the sequence (point 0 is all zeros); the first
// 2^m points put exactly one value in every interval [j / 2^m, (j + 1) / 2^m) of every
// dimension.
class Sobol4 {
 public:
  Sobol4();
  std::array<double, 4> next();

 private:
  std::array<std::array<std::uint32_t, 32>, 4> v_{};
  std::array<std::uint32_t, 4> x_{};
  std::uint32_t index_ = 0;
};

// `count` points: random (seeded) or Sobol points 1 .. count.
std::vector<SearchPoint> sample_search(int count, SearchSampler sampler, std::uint64_t seed);

}  // namespace rssviz::experiment
