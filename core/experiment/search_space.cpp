#include "core/experiment/search_space.hpp"

#include <bit>
#include <stdexcept>

#include "core/common/rng.hpp"

namespace rssviz::experiment {

std::string to_string(SearchSampler s) { return s == SearchSampler::kSobol ? "sobol" : "random"; }

SearchSampler search_sampler_from_string(const std::string& s) {
  if (s == "random") return SearchSampler::kRandom;
  if (s == "sobol") return SearchSampler::kSobol;
  throw std::invalid_argument("sampler = \"" + s + "\" is not one of: random, sobol");
}

SearchPoint search_point(const std::array<double, 4>& u) {
  SearchPoint p;
  p.leak_rate = 1.0 - u[0];
  p.spectral_radius = 0.3 + 2.7 * u[1];
  p.density = 0.1 + 0.8 * u[2];
  p.log10_ridge = -4.0 + 3.9 * u[3];
  return p;
}

Sobol4::Sobol4() {
  // Primitive polynomial degree s, coefficients a, initial m_1..m_s (Joe & Kuo, "new-joe-kuo-6",
  // dimensions 2-4); dimension 1 is the van der Corput sequence (all m_k = 1).
  struct Dim {
    int s;
    std::uint32_t a;
    std::array<std::uint32_t, 3> m;
  };
  const std::array<Dim, 3> dims{{{1, 0, {1, 0, 0}}, {2, 1, {1, 3, 0}}, {3, 1, {1, 3, 1}}}};
  for (int k = 0; k < 32; ++k) v_[0][static_cast<size_t>(k)] = 1u << (31 - k);
  for (size_t d = 1; d < 4; ++d) {
    const Dim& p = dims[d - 1];
    auto& v = v_[d];
    for (int k = 0; k < p.s; ++k) v[static_cast<size_t>(k)] = p.m[static_cast<size_t>(k)] << (31 - k);
    for (int k = p.s; k < 32; ++k) {
      std::uint32_t x = v[static_cast<size_t>(k - p.s)] ^ (v[static_cast<size_t>(k - p.s)] >> p.s);
      for (int j = 1; j < p.s; ++j)
        if ((p.a >> (p.s - 1 - j)) & 1u) x ^= v[static_cast<size_t>(k - j)];
      v[static_cast<size_t>(k)] = x;
    }
  }
}

std::array<double, 4> Sobol4::next() {
  std::array<double, 4> out{};
  if (index_ == 0xFFFFFFFFu) throw std::out_of_range("Sobol4: the sequence's 2^32 - 1 points are used up");
  if (index_ > 0) {
    const int c = std::countr_one(index_ - 1);  // Gray code: the bit that changes
    for (size_t d = 0; d < 4; ++d) x_[d] ^= v_[d][static_cast<size_t>(c)];
  }
  for (size_t d = 0; d < 4; ++d) out[d] = static_cast<double>(x_[d]) * 0x1.0p-32;
  ++index_;
  return out;
}

std::vector<SearchPoint> sample_search(int count, SearchSampler sampler, std::uint64_t seed) {
  if (count < 0) throw std::invalid_argument("trials = " + std::to_string(count) + " is negative");
  std::vector<SearchPoint> pts;
  pts.reserve(static_cast<size_t>(count));
  if (sampler == SearchSampler::kSobol) {
    Sobol4 s;
    s.next();  // the all-zero point
    for (int i = 0; i < count; ++i) pts.push_back(search_point(s.next()));
  } else {
    Rng rng(seed, "experiment.search");
    for (int i = 0; i < count; ++i) {
      std::array<double, 4> u{};
      for (auto& x : u) x = rng.uniform();
      pts.push_back(search_point(u));
    }
  }
  return pts;
}

}  // namespace rssviz::experiment
