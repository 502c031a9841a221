#include "core/analysis/readout_weights.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace rssviz::analysis {

namespace {

void check_output(const Eigen::MatrixXd& W, int output) {
  if (output < 0 || output >= W.rows())
    throw std::invalid_argument("output = " + std::to_string(output) + " is out of range [0, " +
                                std::to_string(W.rows() - 1) + "]");
}

void check_offset(const Eigen::MatrixXd& W, int offset) {
  if (offset < 0 || offset >= W.cols())
    throw std::invalid_argument("readout offset = " + std::to_string(offset) + " is out of range [0, " +
                                std::to_string(W.cols() - 1) + "] (the readout has " + std::to_string(W.cols()) +
                                " columns)");
}

// Indices 0..n-1 ordered by `before` (a strict weak order), ties by index.
template <class Less>
std::vector<int> order(int n, Less before) {
  std::vector<int> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), before);
  return idx;
}

}  // namespace

SortedWeights winglet(const Eigen::MatrixXd& W, int output) {
  check_output(W, output);
  const Eigen::RowVectorXd a = W.row(output).cwiseAbs();
  SortedWeights s;
  s.column = order(static_cast<int>(a.size()), [&](int i, int j) { return a[i] < a[j]; });
  s.value.reserve(s.column.size());
  for (int j : s.column) s.value.push_back(a[j]);
  return s;
}

ExtremeUnits extreme_units(const Eigen::MatrixXd& W, int output, int per_sign, int offset) {
  check_output(W, output);
  check_offset(W, offset);
  if (per_sign < 1) throw std::invalid_argument("per_sign = " + std::to_string(per_sign) + " must be >= 1");
  const Eigen::RowVectorXd w = W.row(output).rightCols(W.cols() - offset);
  const int n = static_cast<int>(w.size());
  const int m = std::min(per_sign, n);
  ExtremeUnits e;
  auto desc = order(n, [&](int i, int j) { return w[i] > w[j]; });
  auto asc = order(n, [&](int i, int j) { return w[i] < w[j]; });
  e.positive.assign(desc.begin(), desc.begin() + m);
  e.negative.assign(asc.begin(), asc.begin() + m);
  return e;
}

std::vector<int> listing_counts(const Eigen::MatrixXd& W, const PolyvalentOptions& o) {
  check_offset(W, o.offset);
  const int units = static_cast<int>(W.cols()) - o.offset;
  std::vector<int> count(static_cast<size_t>(units), 0);
  std::vector<int> seen(static_cast<size_t>(units), -1);
  for (int out = 0; out < W.rows(); ++out) {
    const ExtremeUnits e = extreme_units(W, out, o.per_sign, o.offset);
    for (const auto* list : {&e.positive, &e.negative})
      for (int u : *list)
        if (seen[static_cast<size_t>(u)] != out) {
          seen[static_cast<size_t>(u)] = out;
          ++count[static_cast<size_t>(u)];
        }
  }
  return count;
}

std::vector<PolyvalentUnit> polyvalent_units(const Eigen::MatrixXd& W, const PolyvalentOptions& o) {
  if (o.min_outputs < 1) throw std::invalid_argument("min_outputs = " + std::to_string(o.min_outputs) + " must be >= 1");
  check_offset(W, o.offset);
  const int units = static_cast<int>(W.cols()) - o.offset;
  std::vector<std::vector<int>> served(static_cast<size_t>(units));
  for (int out = 0; out < W.rows(); ++out) {
    const ExtremeUnits e = extreme_units(W, out, o.per_sign, o.offset);
    for (const auto* list : {&e.positive, &e.negative})
      for (int u : *list) {
        auto& s = served[static_cast<size_t>(u)];
        if (s.empty() || s.back() != out) s.push_back(out);
      }
  }
  std::vector<PolyvalentUnit> r;
  for (int u = 0; u < units; ++u) {
    const auto& s = served[static_cast<size_t>(u)];
    if (static_cast<int>(s.size()) >= o.min_outputs) r.push_back({u, static_cast<int>(s.size()), s});
  }
  std::stable_sort(r.begin(), r.end(), [](const PolyvalentUnit& a, const PolyvalentUnit& b) { return a.count > b.count; });
  return r;
}

std::vector<int> unit_indices(const std::vector<PolyvalentUnit>& units) {
  std::vector<int> r;
  r.reserve(units.size());
  for (const auto& p : units) r.push_back(p.unit);
  return r;
}

std::vector<int> top_units(const Eigen::MatrixXd& W, int output, int count, int offset) {
  check_output(W, output);
  check_offset(W, offset);
  if (count < 1) throw std::invalid_argument("count = " + std::to_string(count) + " must be >= 1");
  const Eigen::RowVectorXd a = W.row(output).rightCols(W.cols() - offset).cwiseAbs();
  auto idx = order(static_cast<int>(a.size()), [&](int i, int j) { return a[i] > a[j]; });
  idx.resize(std::min(idx.size(), static_cast<size_t>(count)));
  return idx;
}

}  // namespace rssviz::analysis
