#include "core/analysis/readout_importance.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace rssviz::analysis {

Eigen::VectorXd readout_importance(const Eigen::MatrixXd& Wout, int offset) {
  if (offset < 0 || offset > Wout.cols())
    throw std::invalid_argument("readout offset = " + std::to_string(offset) + " is out of range [0, " +
                                std::to_string(Wout.cols()) + "]");
  return Wout.rightCols(Wout.cols() - offset).cwiseAbs().colwise().sum().transpose();
}

std::vector<int> rank_units_by_readout(const Eigen::MatrixXd& Wout, int offset) {
  const Eigen::VectorXd imp = readout_importance(Wout, offset);
  std::vector<int> order(static_cast<size_t>(imp.size()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return imp[a] > imp[b]; });
  return order;
}

}  // namespace rssviz::analysis
