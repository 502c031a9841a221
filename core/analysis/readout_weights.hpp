// The readout's weights, read as the paper reads them (paper-notes §5): which state
// components each output leans on. Pure functions over a readout matrix W (outputs x
// columns): ESN W = Wout over the extended state [1; x] (column 0 is the bias, columns
// 1..N the units, offset 1); LSTM W = W_y, the dense layer over the H hidden units
// (offset 0).
//
// Definitions (o an output, j a column, u = j - offset a unit):
//   winglet(o)          = the values |W(o, j)| over every column j (bias included),
//                         sorted ascending, with the column each came from. Plotted
//                         against the rank they give the "winglet" curve: most weights
//                         small, a few very large. Ties keep the lower column first.
//   positive(o, m)      = the m units with the largest W(o, offset + u), largest first;
//   negative(o, m)      = the m units with the smallest W(o, offset + u), smallest first
//                         ("the 5 most positive and 5 most negative weights": by value,
//                         whatever their sign, as numpy's argsort would pick them).
//                         Ties keep the lower unit first.
//   listed(o, m)        = positive(o, m) ∪ negative(o, m) (a unit in both counts once;
//                         that only happens with fewer than 2m units).
//   count(u)            = #{ o : u ∈ listed(o, m) }
//   polyvalent(m, k)    = the units with count(u) >= k (paper: m = 5, k = 5), by count
//                         descending, then unit ascending, each with the outputs it serves.
//   top_units(o, n)     = the n units with the largest |W(o, offset + u)|, largest first
//                         (ties: lower unit first); the bias is never a unit.
#pragma once
#include <Eigen/Core>
#include <vector>

namespace rssviz::analysis {

struct SortedWeights {
  std::vector<double> value;  // |W(o, j)| ascending
  std::vector<int> column;    // the column j of each value (ESN: 0 = bias, u + 1 = unit u)
};

// winglet(o) above. Throws std::invalid_argument for an output out of range.
SortedWeights winglet(const Eigen::MatrixXd& W, int output);

// The m most positive and m most negative units of output o (definitions above).
struct ExtremeUnits {
  std::vector<int> positive;  // largest weight first
  std::vector<int> negative;  // smallest weight first
};
// Throws std::invalid_argument for a bad output, offset or m < 1. With fewer than m
// units, every unit is listed.
ExtremeUnits extreme_units(const Eigen::MatrixXd& W, int output, int per_sign = 5, int offset = 0);

struct PolyvalentUnit {
  int unit = 0;              // unit index (column - offset)
  int count = 0;             // outputs listing it
  std::vector<int> outputs;  // those outputs, ascending
};

struct PolyvalentOptions {
  int per_sign = 5;     // m: most positive and most negative weights listed per output (paper: 5)
  int min_outputs = 5;  // k: a unit listed for at least k outputs is polyvalent (paper: 5); lower: more units
  int offset = 0;       // leading columns that are not units (ESN: 1, the bias; LSTM: 0)
};

// Listing count of every unit (count(u) above, u = 0 .. columns - offset - 1).
std::vector<int> listing_counts(const Eigen::MatrixXd& W, const PolyvalentOptions& options = {});
// polyvalent(m, k) above. Throws std::invalid_argument naming a bad field.
std::vector<PolyvalentUnit> polyvalent_units(const Eigen::MatrixXd& W, const PolyvalentOptions& options = {});
// Just their unit indices, in the same order.
std::vector<int> unit_indices(const std::vector<PolyvalentUnit>& units);

// top_units(o, n) above (n clamped to the number of units).
std::vector<int> top_units(const Eigen::MatrixXd& W, int output, int count = 10, int offset = 0);

}  // namespace rssviz::analysis
