// The shared state every view observes: the current session, the selected sentence,
// the learning stage shown and the colour mode. Views never talk to each other, only to
// the workspace, so a selection made in one view shows in all of them.
#pragma once
#include <QObject>
#include <memory>

#include "core/experiment/map_session.hpp"

namespace rssviz::ui {

enum class ColourMode { clausePart, errorCode, word, outputUnit, unit };

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

 private:
  std::shared_ptr<const Session> session_;
  std::vector<int> map_index_;
  int selected_ = -1;
  int stage_ = -1;
  ColourMode mode_ = ColourMode::clausePart;
  int param_ = 0;
};

}  // namespace rssviz::ui
