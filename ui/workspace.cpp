#include "ui/workspace.hpp"

namespace rssviz::ui {

void Workspace::setSession(std::shared_ptr<const Session> s) {
  session_ = std::move(s);
  map_index_.clear();
  if (session_ && session_->corpus && session_->points) {
    map_index_.assign(static_cast<size_t>(session_->corpus->test.size()), -1);
    const auto& idx = session_->points->dataset_index;
    for (size_t i = 0; i < idx.size(); ++i) map_index_[static_cast<size_t>(idx[i])] = static_cast<int>(i);
  }
  stage_ = -1;
  const bool had_readout = session_ && session_->trained;
  if (!had_readout && (mode_ == ColourMode::errorCode || mode_ == ColourMode::outputUnit))
    mode_ = ColourMode::clausePart;
  if (session_ && session_->points && mode_ == ColourMode::unit && param_ >= session_->points->units()) param_ = 0;
  if (selected_ >= static_cast<int>(map_index_.size())) selected_ = -1;
  if (session_ && session_->points && highlighted_unit_ >= session_->points->units()) highlighted_unit_ = -1;
  if (session_ && session_->corpus && marked_word_ >= session_->corpus->grammar.vocabulary_size()) marked_word_ = -1;
  if (session_ && session_->corpus && analysis_.output >= session_->corpus->grammar.output_size()) analysis_.output = 0;
  if (session_ && session_->corpus && analysis_.units.output >= session_->corpus->grammar.output_size()) analysis_.units.output = 0;
  hovered_step_ = -1;
  hovered_word_ = -1;
  emit sessionChanged();
  emit stageChanged(stage_);
  emit colourChanged();
  emit selectionChanged(selected_);
}

void Workspace::select(int test_index) {
  if (test_index < -1 || test_index >= static_cast<int>(map_index_.size())) test_index = -1;
  if (test_index == selected_) return;
  selected_ = test_index;
  hovered_step_ = -1;
  emit selectionChanged(selected_);
}

void Workspace::setAnalysis(const AnalysisSettings& a) {
  analysis_ = a;
  emit analysisChanged();
}

void Workspace::setHighlightedUnit(int unit) {
  if (unit == highlighted_unit_) return;
  highlighted_unit_ = unit;
  emit linkChanged();
}

void Workspace::setMarkedWord(int word) {
  if (word == marked_word_) return;
  marked_word_ = word;
  emit linkChanged();
}

void Workspace::setHoveredWord(int word) {
  if (word == hovered_word_) return;
  hovered_word_ = word;
  emit linkChanged();
}

void Workspace::setHoveredStep(int row) {
  if (row == hovered_step_) return;
  hovered_step_ = row;
  emit linkChanged();
}

int Workspace::mapIndex(int test_index) const {
  if (test_index < 0 || test_index >= static_cast<int>(map_index_.size())) return -1;
  return map_index_[static_cast<size_t>(test_index)];
}

void Workspace::setStage(int stage) {
  const int n = session_ ? static_cast<int>(session_->stages.size()) : 0;
  if (stage < -1 || stage >= n) stage = -1;
  if (stage == stage_) return;
  stage_ = stage;
  emit stageChanged(stage_);
}

void Workspace::setColour(ColourMode mode, int parameter) {
  if (mode == mode_ && parameter == param_) return;
  mode_ = mode;
  param_ = parameter;
  emit colourChanged();
}

const experiment::MapPoints* Workspace::points() const {
  if (!session_) return nullptr;
  if (stage_ >= 0 && session_->stages[static_cast<size_t>(stage_)].points)
    return session_->stages[static_cast<size_t>(stage_)].points.get();
  return session_->points.get();
}

const Eigen::MatrixXf* Workspace::layout() const {
  if (!session_) return nullptr;
  if (stage_ >= 0 && session_->stages[static_cast<size_t>(stage_)].layout.size() > 0)
    return &session_->stages[static_cast<size_t>(stage_)].layout;
  return &session_->layout;
}

const Eigen::MatrixXf* Workspace::outputs() const {
  if (!session_ || !session_->trained) return nullptr;
  if (stage_ >= 0) return &session_->stages[static_cast<size_t>(stage_)].outputs;
  return session_->points && session_->points->has_outputs() ? &session_->points->outputs : nullptr;
}

const std::vector<int>* Workspace::codes() const {
  if (!session_ || !session_->trained) return nullptr;
  if (stage_ >= 0) return &session_->stages[static_cast<size_t>(stage_)].codes;
  return session_->points ? &session_->points->error_code : nullptr;
}

}  // namespace rssviz::ui
