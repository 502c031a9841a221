#include "core/experiment/search_space.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_search_space {

using namespace rssviz::experiment;

TEST(Sobol4, StartsWithTheKnownPoints) {
  Sobol4 s;
  const double d1[] = {0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125};
  const double d2[] = {0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625};
  for (int i = 0; i < 8; ++i) {
    const auto p = s.next();
    EXPECT_EQ(p[0], d1[i]) << i;
    EXPECT_EQ(p[1], d2[i]) << i;
  }
}

// The defining property: the first 2^m points put one value in every [j/2^m, (j+1)/2^m)
// of each dimension.
TEST(Sobol4, FirstPowerOfTwoPointsStratifyEveryDimension) {
  for (int m : {1, 4, 10}) {
    Sobol4 s;
    const int n = 1 << m;
    std::vector<std::set<int>> cells(4);
    for (int i = 0; i < n; ++i) {
      const auto p = s.next();
      for (size_t d = 0; d < 4; ++d) {
        ASSERT_GE(p[d], 0.0);
        ASSERT_LT(p[d], 1.0);
        cells[d].insert(static_cast<int>(p[d] * n));
      }
    }
    for (size_t d = 0; d < 4; ++d) EXPECT_EQ(static_cast<int>(cells[d].size()), n) << "m " << m << " dim " << d;
  }
}

TEST(SearchSpace, PointsLieInThePapersRanges) {
  for (auto sampler : {SearchSampler::kRandom, SearchSampler::kSobol}) {
    const auto pts = sample_search(500, sampler, 7);
    ASSERT_EQ(pts.size(), 500u);
    for (const auto& p : pts) {
      EXPECT_GT(p.leak_rate, 0.0);
      EXPECT_LE(p.leak_rate, 1.0);
      EXPECT_GE(p.spectral_radius, 0.3);
      EXPECT_LE(p.spectral_radius, 3.0);
      EXPECT_GE(p.density, 0.1);
      EXPECT_LE(p.density, 0.9);
      EXPECT_GE(p.log10_ridge, -4.0);
      EXPECT_LE(p.log10_ridge, -0.1);
    }
  }
}

TEST(SearchSpace, RandomIsSeededSobolIsNot) {
  EXPECT_EQ(sample_search(20, SearchSampler::kRandom, 3), sample_search(20, SearchSampler::kRandom, 3));
  EXPECT_NE(sample_search(20, SearchSampler::kRandom, 3), sample_search(20, SearchSampler::kRandom, 4));
  EXPECT_EQ(sample_search(20, SearchSampler::kSobol, 3), sample_search(20, SearchSampler::kSobol, 4));
  // The Sobol list skips the all-zero point; the first point is the centre.
  const auto p = sample_search(1, SearchSampler::kSobol, 0).front();
  EXPECT_EQ(p, search_point({0.5, 0.5, 0.5, 0.5}));
}

TEST(SearchSpace, NamesRoundTrip) {
  for (auto s : {SearchSampler::kRandom, SearchSampler::kSobol}) EXPECT_EQ(search_sampler_from_string(to_string(s)), s);
  EXPECT_THROW(search_sampler_from_string("tpe"), std::invalid_argument);
}

}  // namespace rssviz_test_search_space
