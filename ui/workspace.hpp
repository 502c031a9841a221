// The shared state every view observes: the current session, the selected sentence,
// the learning stage shown and the colour mode. Views never talk to each other, only to
// the workspace, so a selection made in one view shows in all of them.
#pragma once
#include <QObject>
#include <memory>

#include "core/experiment/map_session.hpp"
#include "core/experiment/unit_analysis.hpp"

namespace rssviz::ui {

enum class ColourMode { clausePart, errorCode, word, outputUnit, unit };

// What the unit-analysis views (ui/analysis_views.hpp) show; shared, so the activity
// and the influence views follow the same unit set.
struct AnalysisSettings {
  experiment::UnitSetChoice units;          // the set followed (paper: the polyvalent units)
  int output = 0;                           // winglet: the output drawn in colour; the top units' output
  analysis::OutputScale scale = analysis::OutputScale::kProbability;  // outputs view: softmax (the decoder's), raw or sigmoid
  experiment::InfluenceOptions influence = {100, 1, experiment::InfluencePool::kMap};  // 100 of the map's sentences
};

class Workspace : public QObject {
  Q_OBJECT
 public:
  using Session = experiment::MapSession;
  explicit Workspace(QObject* parent = nullptr) : QObject(parent) {}

  const std::shared_ptr<const Session>& session() const { return session_; }
  void setSession(std::shared_ptr<const Session> s);

  // Selected test sentence (index into the test set), -1 for none.
  int selected() const { return selected_; }
  void select(int test_index);
  // Index of a test sentence in the map's chosen list, -1 when it is not on the map.
  int mapIndex(int test_index) const;

  // Learning stage shown: -1 is the final model; 0.. index session()->stages.
  int stage() const { return stage_; }
  void setStage(int stage);

  ColourMode colourMode() const { return mode_; }
  int colourParameter() const { return param_; }  // output unit or unit index
  void setColour(ColourMode mode, int parameter = 0);

  // The analyses' settings.
  const AnalysisSettings& analysis() const { return analysis_; }
  void setAnalysis(const AnalysisSettings& a);

  // Linking between the views (-1: none). A highlighted unit is outlined in the heatmap
  // and the polyvalent chart; a marked word's states are ringed on the map; a hovered
  // step (row of the selected sentence's trajectory) is ringed on the map and marked in
  // the activity and output plots.
  int highlightedUnit() const { return highlighted_unit_; }
  void setHighlightedUnit(int unit);
  int markedWord() const { return marked_word_; }
  void setMarkedWord(int word);
  int hoveredStep() const { return hovered_step_; }
  void setHoveredStep(int row);
  // The word read to reach the map point under the mouse (-1: none): the influence chart
  // outlines its bar (the other way of the word link).
  int hoveredWord() const { return hovered_word_; }
  void setHoveredWord(int word);

  // What the map and heatmap draw at the current stage.
  const experiment::MapPoints* points() const;
  const Eigen::MatrixXf* layout() const;
  const Eigen::MatrixXf* outputs() const;  // null when there is no readout
  const std::vector<int>* codes() const;   // null when there is no readout

 signals:
  void sessionChanged();
  void selectionChanged(int test_index);
  void stageChanged(int stage);
  void colourChanged();
  void analysisChanged();
  void linkChanged();  // highlighted unit, marked word or hovered step

 private:
  std::shared_ptr<const Session> session_;
  std::vector<int> map_index_;
  int selected_ = -1;
  int stage_ = -1;
  ColourMode mode_ = ColourMode::clausePart;
  int param_ = 0;
  AnalysisSettings analysis_;
  int highlighted_unit_ = -1, marked_word_ = -1, hovered_step_ = -1, hovered_word_ = -1;
};

}  // namespace rssviz::ui
