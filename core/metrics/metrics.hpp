// Decoding of the output vector and the task's scores: valid and exact error, RMSE and
// the 9-class per-step error code. Specification: shared/paper-notes.md section 2.
//
// Decoding, for each slot and each attribute group of size k (objects n, positions 3,
// colours 4):  p = softmax(y_group),  m = argmax p,  decoded = m if p_m >= 1.3 / k
// else none. For k = 1 (a one-object corpus) softmax is always 1 < 1.3, so the rule is
// replaced by y_m >= 0.5 there.
//
// The evaluation target is the sentence's own meaning (no random fill):
//   valid(s): every attribute the target names is decoded correctly;
//   exact(s): every attribute of both slots equals the target, "none" included.
#pragma once
#include <Eigen/Core>
#include <vector>

#include "core/corpus/dataset.hpp"
#include "core/corpus/grammar.hpp"

namespace rssviz::metrics {

using corpus::Grammar;
using corpus::Meaning;
using corpus::Predicate;

inline constexpr double kThresholdFactor = 1.3;

// Index of the decoded concept within a group of k outputs, or -1 for none.
int decode_group(const double* y, int k);
// Decodes one output vector of Grammar::output_size() values.
Meaning decode(const Grammar& g, const double* y);
Meaning decode(const Grammar& g, const Eigen::Ref<const Eigen::VectorXd>& y);

// Slot score: 0 = not valid, 1 = valid but not exact, 2 = exact.
int slot_score(const Predicate& decoded, const Predicate& target);
bool is_valid(const Meaning& decoded, const Meaning& target);
bool is_exact(const Meaning& decoded, const Meaning& target);
// score(slot 1) + 3 score(slot 2), in 0..8.
int error_code(const Meaning& decoded, const Meaning& target);

struct Scores {
  double valid_error = 0.0;  // 1 - mean(valid)
  double exact_error = 0.0;  // 1 - mean(exact)
  double rmse = 0.0;         // of the outputs against the randomly filled teacher
  int sentences = 0;
};

// outputs: sentences x output_size (the readout after END), rows in dataset order.
Scores evaluate(const Grammar& g, const corpus::Dataset& data, const Eigen::MatrixXd& outputs);
// Per-sentence decoding and flags, for the UI's sentence list.
struct SentenceResult {
  Meaning decoded;
  bool valid = false;
  bool exact = false;
  int code = 0;
};
std::vector<SentenceResult> evaluate_each(const Grammar& g, const corpus::Dataset& data,
                                          const Eigen::MatrixXd& outputs);

}  // namespace rssviz::metrics
