#include "core/metrics/metrics.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace rssviz::metrics {

int decode_group(const double* y, int k) {
  if (k <= 0) throw std::invalid_argument("group size k = " + std::to_string(k) + " must be >= 1");
  int m = 0;
  for (int i = 1; i < k; ++i)
    if (y[i] > y[m]) m = i;
  if (k == 1) return y[0] >= 0.5 ? 0 : -1;
  if (!std::isfinite(y[m])) return -1;
  double sum = 0.0;
  for (int i = 0; i < k; ++i) sum += std::exp(y[i] - y[m]);
  const double pm = 1.0 / sum;  // softmax of the maximum
  return pm >= kThresholdFactor / k ? m : -1;
}

Meaning decode(const Grammar& g, const double* y) {
  Meaning m;
  for (int s = 0; s < 2; ++s) {
    m[static_cast<size_t>(s)].object = decode_group(y + g.object_offset(s), g.objects());
    m[static_cast<size_t>(s)].position = decode_group(y + g.position_offset(s), g.positions());
    m[static_cast<size_t>(s)].colour = decode_group(y + g.colour_offset(s), g.colours());
  }
  return m;
}

Meaning decode(const Grammar& g, const Eigen::Ref<const Eigen::VectorXd>& y) {
  if (y.size() != g.output_size())
    throw std::invalid_argument("output vector has " + std::to_string(y.size()) + " values, expected " +
                                std::to_string(g.output_size()));
  Eigen::VectorXd c = y;
  return decode(g, c.data());
}

namespace {
bool named_ok(int decoded, int target) { return target < 0 || decoded == target; }
}  // namespace

int slot_score(const Predicate& d, const Predicate& t) {
  if (d == t) return 2;
  const bool valid = named_ok(d.object, t.object) && named_ok(d.position, t.position) && named_ok(d.colour, t.colour);
  return valid ? 1 : 0;
}

bool is_valid(const Meaning& d, const Meaning& t) { return slot_score(d[0], t[0]) >= 1 && slot_score(d[1], t[1]) >= 1; }
bool is_exact(const Meaning& d, const Meaning& t) { return d == t; }
int error_code(const Meaning& d, const Meaning& t) { return slot_score(d[0], t[0]) + 3 * slot_score(d[1], t[1]); }

std::vector<SentenceResult> evaluate_each(const Grammar& g, const corpus::Dataset& data,
                                          const Eigen::MatrixXd& outputs) {
  if (outputs.rows() != data.size() || outputs.cols() != g.output_size())
    throw std::invalid_argument("outputs are " + std::to_string(outputs.rows()) + " x " +
                                std::to_string(outputs.cols()) + ", expected " + std::to_string(data.size()) +
                                " x " + std::to_string(g.output_size()));
  std::vector<SentenceResult> r(static_cast<size_t>(data.size()));
  Eigen::VectorXd row(g.output_size());
  for (int i = 0; i < data.size(); ++i) {
    row = outputs.row(i).transpose();
    auto& x = r[static_cast<size_t>(i)];
    const auto& t = data.sentences[static_cast<size_t>(i)].meaning;
    x.decoded = decode(g, row.data());
    x.valid = is_valid(x.decoded, t);
    x.exact = is_exact(x.decoded, t);
    x.code = error_code(x.decoded, t);
  }
  return r;
}

Scores evaluate(const Grammar& g, const corpus::Dataset& data, const Eigen::MatrixXd& outputs) {
  const auto each = evaluate_each(g, data, outputs);
  Scores s;
  s.sentences = data.size();
  if (s.sentences == 0) return s;
  int valid = 0, exact = 0;
  for (const auto& x : each) {
    valid += x.valid;
    exact += x.exact;
  }
  s.valid_error = 1.0 - static_cast<double>(valid) / s.sentences;
  s.exact_error = 1.0 - static_cast<double>(exact) / s.sentences;
  if (data.teacher.rows() == outputs.rows() && data.teacher.cols() == outputs.cols())
    s.rmse = std::sqrt((outputs - data.teacher).squaredNorm() / static_cast<double>(outputs.size()));
  return s;
}

}  // namespace rssviz::metrics
