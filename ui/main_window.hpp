// The main window: the RSSviz map in the centre, dockable Model, Sentences, Heatmap,
// Training and Timeline views around it, menus, toolbar and a status bar with the
// running job's progress and a cancel button. It owns the job runner: every computation
// runs there (one at a time, newest wins) and comes back by value.
#pragma once
#include <QElapsedTimer>
#include <QMainWindow>
#include <memory>

#include "core/experiment/map_session.hpp"
#include "core/io/session_file.hpp"
#include "ui/job_runner.hpp"
#include "ui/edit_commands.hpp"
#include "ui/mailbox.hpp"
#include "ui/model_panel.hpp"
#include "ui/workspace.hpp"

class QCustomPlot;
class QProgressBar;
class QToolButton;
class QLabel;
class QComboBox;
class QSpinBox;
class QTimer;
class QAction;
class QDockWidget;

namespace rssviz::ui {

class MapView;
class HeatmapView;
class SentencesView;
class TrainingView;
class TimelineView;
class AnalysisPlot;
class WingletView;
class PolyvalentView;
class ActivityView;
class InfluenceView;
class CellsView;
class OutputsView;
class SessionJobs;
class SessionDocument;
class SessionActions;
class AnimationJob;
class ResultsPanel;
namespace figures {
class FigureExporter;
}

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  // With `start_default`, the embedded default session (a trained ESN on the basic
  // corpus) starts training as soon as the event loop runs.
  explicit MainWindow(QWidget* parent = nullptr, bool start_default = true);
  ~MainWindow() override;

  QCustomPlot* mapPlot() const;
  MapView* mapView() const { return map_; }
  HeatmapView* heatmapView() const { return heatmap_; }
  SentencesView* sentencesView() const { return sentences_; }
  TrainingView* trainingView() const { return training_; }
  TimelineView* timelineView() const { return timeline_; }
  // The unit-analysis views (docks "Readout weights", "Polyvalent units", ...).
  WingletView* wingletView() const { return winglet_; }
  PolyvalentView* polyvalentView() const { return polyvalent_; }
  ActivityView* activityView() const { return activity_; }
  InfluenceView* influenceView() const { return influence_; }
  CellsView* cellsView() const { return cells_; }
  OutputsView* outputsView() const { return outputs_; }
  QList<AnalysisPlot*> analysisViews() const;
  ModelPanel* modelPanel() const { return panel_; }
  Workspace* workspace() { return &ws_; }
  JobRunner* jobs() { return &jobs_; }
  QComboBox* colourBox() const { return colour_box_; }
  figures::FigureExporter* exporter() const { return exporter_; }
  AnimationJob* animationJob() const { return animation_; }
  // The "Experiment results" dock (File > Open results…).
  ResultsPanel* resultsPanel() const { return results_; }
  void openResults(const QString& path);

  // Starts jobs with the panel's settings (also wired to the panel's buttons).
  void train();
  void explore();
  void stop();
  // Applies `s` to the panel and trains it (a fresh session: no unsaved changes once shown).
  void startSession(const ModelSettings& s);
  // File > Open corpus…: reads the corpus file at `path` on the job thread and, when it is
  // valid, trains the panel's model on it (the current corpus stays otherwise); a
  // malformed file is shown in a warning dialog naming the file and each bad line. Returns
  // once the read has started (always true); the outcome arrives through the job runner.
  bool openCorpus(const QString& path);

  // Sessions (ui/session_actions.hpp): the document, its undo stack, the file flows.
  SessionDocument* sessionDocument() const { return doc_; }
  SessionActions* sessionActions() const { return actions_; }
  SessionJobs* recipes() const { return recipes_; }
  // Opens a session file (as File > Open does, without the dialog); false: refused.
  bool openSession(const QString& path);
  // Shows a built session (the open and load-model flows).
  void showBuilt(std::shared_ptr<const experiment::MapSession> s);
  bool markEnds() const;
  void setMarkEnds(bool on);
  // The map's settings the undo stack records (colour mode and its parameter, END marks).
  MapSettings mapSettings() const { return map_settings_; }
  void setMapSettings(const MapSettings& m);  // as an undo does: controls, map, no new undo step

 signals:
  void sessionShown();  // a new session reached the views

 protected:
  void closeEvent(QCloseEvent* e) override;

 private:
  void buildMenus();
  void buildDocks();
  void tick();
  void showSession(std::shared_ptr<const experiment::MapSession> s);
  void jobFailed(const QString& name, const QString& message);
  void syncColourControls();
  void exportAnimation();
  void exportSentences();
  void about();
  void resetLayout();
  void updateTitle();
  void applySettings(const ModelSettings& s);  // undo / redo of a panel edit
  void mapSettingsEdited();                    // the toolbar or the View menu changed the map's settings

  Workspace ws_;
  JobRunner jobs_;
  Mailbox<experiment::MapSession> live_;
  SessionJobs* recipes_ = nullptr;
  SessionDocument* doc_ = nullptr;
  SessionActions* actions_ = nullptr;
  MapSettings map_settings_;
  io::SessionFile live_recipe_;  // the recipe of the training whose live frames arrive
  bool pristine_ = false;    // the session being built is a fresh one (no unsaved changes when shown)
  bool applying_ = false;    // an undo or redo is setting the controls
  bool preview_shown_ = false;  // the map shows a drag frame of a subset of the sentences (explore())
  AnimationJob* animation_ = nullptr;
  figures::FigureExporter* exporter_ = nullptr;
  MapView* map_ = nullptr;
  HeatmapView* heatmap_ = nullptr;
  SentencesView* sentences_ = nullptr;
  TrainingView* training_ = nullptr;
  TimelineView* timeline_ = nullptr;
  WingletView* winglet_ = nullptr;
  PolyvalentView* polyvalent_ = nullptr;
  ActivityView* activity_ = nullptr;
  InfluenceView* influence_ = nullptr;
  CellsView* cells_ = nullptr;
  OutputsView* outputs_ = nullptr;
  ModelPanel* panel_ = nullptr;
  ResultsPanel* results_ = nullptr;
  QDockWidget* results_dock_ = nullptr;
  QComboBox* colour_box_ = nullptr;
  QComboBox* output_box_ = nullptr;
  QSpinBox* unit_box_ = nullptr;
  QAction* mark_ends_ = nullptr;
  QAction* output_action_ = nullptr;
  QAction* unit_action_ = nullptr;
  QAction* stop_action_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QToolButton* cancel_ = nullptr;
  QLabel* message_ = nullptr;
  QLabel* session_label_ = nullptr;
  QTimer* redraw_ = nullptr;
  QElapsedTimer analysis_clock_;  // last redraw of an analysis view
  QByteArray default_state_;
  QMenu* view_menu_ = nullptr;
};

}  // namespace rssviz::ui
