// Ranking of recurrent units by how much the readout uses them (paper-notes §5), for the
// unit heatmap's ordering and for picking units worth looking at.
//
// importance(u) = sum_o |Wout(o, offset + u)|, the L1 norm of unit u's column of the
// readout over all outputs: a unit that some output leans on heavily ranks high whatever
// the sign of its weights.
#pragma once
#include <Eigen/Core>
#include <vector>

namespace rssviz::analysis {

// Importance of every unit. Wout: outputs x (offset + units); the first `offset`
// columns (ESN: the constant 1 of [1; x]) are not units and are skipped.
Eigen::VectorXd readout_importance(const Eigen::MatrixXd& Wout, int offset = 0);

// Units sorted by decreasing importance; ties keep the lower index first (stable), so
// the order is deterministic.
std::vector<int> rank_units_by_readout(const Eigen::MatrixXd& Wout, int offset = 0);

}  // namespace rssviz::analysis
