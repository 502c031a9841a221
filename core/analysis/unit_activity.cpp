#include "core/analysis/unit_activity.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "core/common/rng.hpp"

namespace rssviz::analysis {

namespace {

void check_units(const Eigen::MatrixXd& states, const std::vector<int>& units) {
  if (states.rows() == 0) throw std::invalid_argument("unit activity: the trajectory has no rows");
  for (int u : units)
    if (u < 0 || u >= states.cols())
      throw std::invalid_argument("unit = " + std::to_string(u) + " is out of range [0, " +
                                  std::to_string(states.cols() - 1) + "]");
}

}  // namespace

UnitActivity unit_activity(const Eigen::MatrixXd& states, const std::vector<int>& units) {
  check_units(states, units);
  UnitActivity a;
  a.units = units;
  const auto rows = states.rows();
  const auto n = static_cast<Eigen::Index>(units.size());
  a.activation.resize(rows, n);
  a.variation.setZero(rows, n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const auto col = states.col(units[static_cast<size_t>(k)]);
    a.activation.col(k) = col;
    for (Eigen::Index t = 1; t < rows; ++t) a.variation(t, k) = std::abs(col[t] - col[t - 1]);
  }
  return a;
}

Eigen::VectorXd step_influence(const Eigen::MatrixXd& states, const std::vector<int>& units) {
  check_units(states, units);
  Eigen::VectorXd s = Eigen::VectorXd::Zero(states.rows());
  for (Eigen::Index t = 1; t < states.rows(); ++t) {
    double v = 0.0;
    for (int u : units) v += std::abs(states(t, u) - states(t - 1, u));
    s[t] = v;
  }
  return s;
}

WordInfluenceAccumulator::WordInfluenceAccumulator(int vocabulary, std::vector<int> units, int excluded_word)
    : units_(std::move(units)), excluded_(excluded_word) {
  if (vocabulary < 1) throw std::invalid_argument("vocabulary = " + std::to_string(vocabulary) + " must be >= 1");
  if (excluded_word < -1 || excluded_word >= vocabulary)
    throw std::invalid_argument("excluded word = " + std::to_string(excluded_word) + " is out of range [-1, " +
                                std::to_string(vocabulary - 1) + "]");
  count_.assign(static_cast<size_t>(vocabulary), 0);
  sum_.assign(static_cast<size_t>(vocabulary), 0.0);
  mean_.assign(static_cast<size_t>(vocabulary), 0.0);
  m2_.assign(static_cast<size_t>(vocabulary), 0.0);
}

void WordInfluenceAccumulator::add(const Eigen::MatrixXd& states, const std::vector<int>& words) {
  if (static_cast<Eigen::Index>(words.size()) != states.rows())
    throw std::invalid_argument("word influence: " + std::to_string(words.size()) + " words for " +
                                std::to_string(states.rows()) + " states");
  const int vocabulary = static_cast<int>(count_.size());
  for (int w : words)
    if (w < -1 || w >= vocabulary)
      throw std::invalid_argument("word influence: word " + std::to_string(w) + " is out of range [-1, " +
                                  std::to_string(vocabulary - 1) + "]");
  const Eigen::VectorXd s = step_influence(states, units_);
  for (Eigen::Index t = 1; t < s.size(); ++t) {
    const int w = words[static_cast<size_t>(t)];
    if (w < 0 || w == excluded_) continue;
    const auto k = static_cast<size_t>(w);
    // Welford's update: no cancellation in the deviation of many similar values.
    ++count_[k];
    sum_[k] += s[t];
    const double d = s[t] - mean_[k];
    mean_[k] += d / static_cast<double>(count_[k]);
    m2_[k] += d * (s[t] - mean_[k]);
  }
  ++sentences_;
}

WordInfluence WordInfluenceAccumulator::result() const {
  WordInfluence r;
  r.count = count_;
  r.sum = sum_;
  r.sentences = sentences_;
  const size_t n = count_.size();
  r.mean.assign(n, 0.0);
  r.stddev.assign(n, 0.0);
  for (size_t w = 0; w < n; ++w) {
    if (count_[w] == 0) continue;
    r.mean[w] = mean_[w];
    r.stddev[w] = std::sqrt(std::max(0.0, m2_[w] / static_cast<double>(count_[w])));
  }
  return r;
}

std::vector<int> choose_sentences(int pool, int count, std::uint64_t seed) {
  if (pool < 0 || count < 0)
    throw std::invalid_argument("choose_sentences: pool = " + std::to_string(pool) + " and count = " +
                                std::to_string(count) + " must be >= 0");
  count = std::min(count, pool);
  std::vector<int> idx(static_cast<size_t>(pool));
  std::iota(idx.begin(), idx.end(), 0);
  Rng rng(seed, "analysis.sentences");
  for (int i = 0; i < count; ++i) {
    const auto j = static_cast<size_t>(i) + static_cast<size_t>(rng.below(static_cast<std::uint64_t>(pool - i)));
    std::swap(idx[static_cast<size_t>(i)], idx[j]);
  }
  idx.resize(static_cast<size_t>(count));
  std::sort(idx.begin(), idx.end());
  return idx;
}

}  // namespace rssviz::analysis
