#include "core/analysis/output_activity.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace rssviz::analysis {

std::string to_string(OutputScale s) {
  switch (s) {
    case OutputScale::kProbability: return "probability";
    case OutputScale::kRaw: return "raw";
    case OutputScale::kSigmoid: return "sigmoid";
  }
  return {};
}

OutputScale output_scale_from_string(const std::string& s) {
  for (auto v : {OutputScale::kProbability, OutputScale::kRaw, OutputScale::kSigmoid})
    if (to_string(v) == s) return v;
  throw std::invalid_argument("output scale \"" + s + "\" is not one of probability, raw, sigmoid");
}

std::string to_string(AttributeGroup g) {
  switch (g) {
    case AttributeGroup::kObject: return "object";
    case AttributeGroup::kPosition: return "position";
    case AttributeGroup::kColour: return "colour";
  }
  return {};
}

std::string OutputPanel::title() const { return "object " + std::to_string(slot + 1) + " · " + to_string(group); }

double decoding_threshold(OutputScale scale, int k) {
  if (k < 1) throw std::invalid_argument("group size k = " + std::to_string(k) + " must be >= 1");
  switch (scale) {
    case OutputScale::kProbability: return 1.3 / k;
    case OutputScale::kRaw: return std::numeric_limits<double>::quiet_NaN();
    case OutputScale::kSigmoid: return 0.5;
  }
  return 0.0;
}

namespace {

struct GroupSpan {
  AttributeGroup group;
  int offset;  // within the slot
  int size;
};

std::vector<GroupSpan> spans(const corpus::Grammar& g) {
  return {{AttributeGroup::kObject, 0, g.objects()},
          {AttributeGroup::kPosition, g.objects(), g.positions()},
          {AttributeGroup::kColour, g.objects() + g.positions(), g.colours()}};
}

std::string concept_name(const corpus::Grammar& g, AttributeGroup group, int j) {
  switch (group) {
    case AttributeGroup::kObject: return std::string(g.object_name(j));
    case AttributeGroup::kPosition: return std::string(g.position_name(j));
    case AttributeGroup::kColour: return std::string(g.colour_name(j));
  }
  return {};
}

// Row block y (rows x k) on the scale.
Eigen::MatrixXd rescale(const Eigen::MatrixXd& y, OutputScale scale) {
  switch (scale) {
    case OutputScale::kRaw: return y;
    case OutputScale::kSigmoid: return (1.0 + (-y.array()).exp()).inverse().matrix();
    case OutputScale::kProbability: {
      // Shifted by the row maximum: the same softmax, no overflow.
      Eigen::MatrixXd e = (y.colwise() - y.rowwise().maxCoeff()).array().exp().matrix();
      return (e.array().colwise() / e.rowwise().sum().array()).matrix();
    }
  }
  return y;
}

}  // namespace

std::vector<OutputPanel> output_panels(const corpus::Grammar& g, const Eigen::MatrixXd& outputs, OutputScale scale) {
  if (outputs.cols() != g.output_size())
    throw std::invalid_argument("output panels: " + std::to_string(outputs.cols()) + " outputs, the grammar has " +
                                std::to_string(g.output_size()));
  std::vector<OutputPanel> panels;
  for (int slot = 0; slot < 2; ++slot)
    for (const auto& sp : spans(g)) {
      OutputPanel p;
      p.slot = slot;
      p.group = sp.group;
      p.first_output = g.object_offset(slot) + sp.offset;
      for (int j = 0; j < sp.size; ++j) p.concepts.push_back(concept_name(g, sp.group, j));
      p.values = rescale(outputs.middleCols(p.first_output, sp.size), scale);
      p.threshold = decoding_threshold(scale, sp.size);
      panels.push_back(std::move(p));
    }
  return panels;
}

std::vector<ConceptOutputs> final_outputs_by_concept(const corpus::Grammar& g, const Eigen::VectorXd& final_outputs,
                                                     OutputScale scale) {
  if (final_outputs.size() != g.output_size())
    throw std::invalid_argument("final outputs: " + std::to_string(final_outputs.size()) +
                                " values, the grammar has " + std::to_string(g.output_size()));
  const auto panels = output_panels(g, final_outputs.transpose(), scale);
  std::vector<ConceptOutputs> r;
  const int groups = 3;
  for (int gi = 0; gi < groups; ++gi) {
    const auto& p1 = panels[static_cast<size_t>(gi)];
    const auto& p2 = panels[static_cast<size_t>(groups + gi)];
    for (size_t j = 0; j < p1.concepts.size(); ++j) {
      ConceptOutputs c;
      c.group = p1.group;
      c.concept_name = p1.concepts[j];
      c.slot[0] = p1.values(0, static_cast<Eigen::Index>(j));
      c.slot[1] = p2.values(0, static_cast<Eigen::Index>(j));
      c.threshold = p1.threshold;
      r.push_back(std::move(c));
    }
  }
  return r;
}

}  // namespace rssviz::analysis
