// The readout along a sentence, as the decoder sees it (paper-notes §2, §5): one panel
// per slot (object 1, object 2) and attribute group (object category, position, colour),
// with the decoding threshold, and the final outputs grouped by concept.
//
// For a group of k outputs y_1..y_k at one step, the panel draws, per OutputScale:
//   probability  p_j = softmax(y)_j = exp(y_j) / sum_l exp(y_l), threshold 1.3 / k:
//                the decoder names concept argmax p when p_max >= 1.3 / k (metrics.hpp),
//                so a curve above the line is a concept the model would name now;
//   raw          y_j itself, no threshold (NaN);
//   sigmoid      sigma(y_j) = 1 / (1 + exp(-y_j)), threshold 0.5: the authors' view for
//                an ESN trained at every step ("final learning"), where each output is
//                read on its own; our choice of line, since the paper gives none.
#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/corpus/grammar.hpp"

namespace rssviz::analysis {

enum class OutputScale { kProbability, kRaw, kSigmoid };
std::string to_string(OutputScale s);                          // "probability" | "raw" | "sigmoid"
OutputScale output_scale_from_string(const std::string& s);    // throws std::invalid_argument

enum class AttributeGroup { kObject = 0, kPosition = 1, kColour = 2 };
std::string to_string(AttributeGroup g);  // "object" | "position" | "colour"

struct OutputPanel {
  int slot = 0;                       // 0 = object 1, 1 = object 2
  AttributeGroup group = AttributeGroup::kObject;
  int first_output = 0;               // output index of the group's first concept
  std::vector<std::string> concepts;  // the k concept names ("glass", "left", "red", ...)
  Eigen::MatrixXd values;             // rows (steps) x k, on the chosen scale
  double threshold = 0.0;             // the decoding line on that scale (NaN for raw)
  std::string title() const;          // "object 1 · position"
};

// The 6 panels (slot-major: slot 1 object, position, colour, then slot 2) of the
// outputs y (rows x output_size). Throws std::invalid_argument when the width is not
// the grammar's output size.
std::vector<OutputPanel> output_panels(const corpus::Grammar& g, const Eigen::MatrixXd& outputs,
                                       OutputScale scale = OutputScale::kProbability);

// The decoding threshold of a group of k outputs on a scale (see above).
double decoding_threshold(OutputScale scale, int k);

// The final outputs (the last row, after END) grouped by concept: for each concept
// of the slot layout (objects, positions, colours, in output order), its value in slot 1
// and in slot 2, on the chosen scale (the softmax taken within each slot's group).
struct ConceptOutputs {
  AttributeGroup group = AttributeGroup::kObject;
  std::string concept_name;  // "glass", "left", "red"
  double slot[2] = {0, 0};   // value in object 1 and object 2
  double threshold = 0.0;    // the group's decoding line on the scale
};
std::vector<ConceptOutputs> final_outputs_by_concept(const corpus::Grammar& g, const Eigen::VectorXd& final_outputs,
                                                     OutputScale scale = OutputScale::kProbability);

}  // namespace rssviz::analysis
