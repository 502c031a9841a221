#include "ui/main_window.hpp"

#include "ui/results_panel.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QUndoStack>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSaveFile>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <Eigen/Core>
#include <qcustomplot.h>

#include "core/common/parallel.hpp"
#include "core/experiment/corpus_report.hpp"
#include "core/experiment/explore.hpp"
#include "core/experiment/workbench.hpp"
#include "ui/analysis_panel.hpp"
#include "ui/analysis_views.hpp"
#include "ui/heatmap_view.hpp"
#include "ui/map_view.hpp"
#include "ui/param_slider.hpp"
#include "ui/results_panel.hpp"
#include "ui/session_actions.hpp"
#include "ui/session_document.hpp"
#include "ui/session_jobs.hpp"
#include "ui/animation_dialog.hpp"
#include "ui/figures/export_actions.hpp"
#include "ui/sentences_view.hpp"
#include "ui/timeline_view.hpp"
#include "ui/training_view.hpp"

// Resources compiled into the static rssviz_ui library must be registered by name.
static void init_resources() { Q_INIT_RESOURCE(rssviz); }

namespace rssviz::ui {

using experiment::MapSession;

namespace {

QDockWidget* makeDock(QMainWindow* w, const QString& title, const char* name, QWidget* content,
                      Qt::DockWidgetArea area) {
  auto* d = new QDockWidget(title, w);
  d->setObjectName(name);
  d->setWidget(content);
  d->setAllowedAreas(Qt::AllDockWidgetAreas);
  w->addDockWidget(area, d);
  return d;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent, bool start_default) : QMainWindow(parent) {
  init_resources();
  setObjectName("MainWindow");
  setWindowIcon(QIcon(":/rssviz/rssviz.svg"));
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);
  recipes_ = new SessionJobs(&jobs_, &live_, this);
  connect(recipes_, &SessionJobs::failed, this, &MainWindow::jobFailed);
  doc_ = new SessionDocument(this);
  actions_ = new SessionActions(this, doc_);
  connect(doc_, &SessionDocument::changed, this, &MainWindow::updateTitle);
  animation_ = new AnimationJob(&jobs_, this);
  map_ = new MapView(&ws_, this);
  setCentralWidget(map_);
  buildDocks();
  exporter_ = new figures::FigureExporter(&ws_, map_, heatmap_, training_, this);
  connect(exporter_, &figures::FigureExporter::failed, this, &MainWindow::jobFailed);
  buildMenus();
  // Every view exports from its context menu (right click).
  const std::pair<QWidget*, figures::View> views[] = {
      {map_, figures::View::map},           {heatmap_->plot(), figures::View::heatmap},
      {training_, figures::View::training}, {winglet_, figures::View::winglet},
      {polyvalent_, figures::View::polyvalent}, {activity_, figures::View::activity},
      {influence_, figures::View::influence},   {cells_, figures::View::cells},
      {outputs_, figures::View::outputs}};
  for (const auto& [w, v] : views)
    if (static_cast<int>(v) > static_cast<int>(figures::View::training)) exporter_->setViewWidget(v, w);
  for (const auto& [w, v] : views) {
    w->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(w, &QWidget::customContextMenuRequested, this, [this, w = w, v = v](const QPoint& at) {
      exporter_->contextMenu(v, this)->popup(w->mapToGlobal(at));
    });
  }

  message_ = new QLabel(tr("Ready"));
  message_->setObjectName("statusMessage");
  progress_ = new QProgressBar;
  progress_->setObjectName("jobProgress");
  progress_->setMaximumWidth(220);
  progress_->setTextVisible(true);
  progress_->setVisible(false);
  progress_->setToolTip(tr("Progress of the running job"));
  cancel_ = new QToolButton;
  cancel_->setObjectName("cancelJob");
  cancel_->setText(tr("Cancel"));
  cancel_->setIcon(style()->standardIcon(QStyle::SP_DialogCancelButton));
  cancel_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  cancel_->setToolTip(tr("Cancel the running job (Esc)"));
  cancel_->setVisible(false);
  session_label_ = new QLabel;
  session_label_->setObjectName("sessionLabel");
  session_label_->setStyleSheet("color: #555");
  statusBar()->addWidget(message_, 1);
  statusBar()->addPermanentWidget(session_label_);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);
  connect(cancel_, &QToolButton::clicked, this, &MainWindow::stop);

  connect(&jobs_, &JobRunner::busyChanged, this, [this](bool busy) {
    progress_->setVisible(busy || animation_->running());
    cancel_->setVisible(busy || animation_->running());
    panel_->setBusy(busy);
    stop_action_->setEnabled(busy || animation_->running());
  });
  connect(&jobs_, &JobRunner::started, this, [this](const QString& n) { message_->setText(n + "…"); });
  connect(&jobs_, &JobRunner::cancelledJob, this, [this](const QString& n) {
    if (jobs_.busy()) return;
    // A stopped release leaves the drag's coarser frame on screen: say so (its label and
    // an exported figure's title say it too, from the session's description).
    const auto& s = ws_.session();
    if (preview_shown_ && s && s->preview && s->points)
      message_->setText(tr("%1: cancelled; the map is the drag's last frame, %2 of %3 sentences (Model ▸ Explore: all)")
                            .arg(n)
                            .arg(s->points->dataset_index.size())
                            .arg(panel_->settings().map_sentences));
    else
      message_->setText(tr("%1: cancelled").arg(n));
  });
  connect(&jobs_, &JobRunner::failed, this, &MainWindow::jobFailed);
  connect(exporter_, &figures::FigureExporter::message, message_, &QLabel::setText);
  connect(actions_, &SessionActions::message, message_, &QLabel::setText);
  // Every parameter edit is one undo step (a slider drag: one, on release).
  connect(panel_, &ModelPanel::edited, this, [this](const ModelSettings& before, const ModelSettings& after) {
    if (applying_) return;
    doc_->undoStack()->push(new SettingsCommand(before, after, [this](const ModelSettings& s) { applySettings(s); }));
  });
  // What a session file keeps of the view: a change is an unsaved change.
  for (auto sig : {&Workspace::selectionChanged, &Workspace::stageChanged})
    connect(&ws_, sig, this, [this] { doc_->setModified(true); });
  for (auto sig : {&Workspace::analysisChanged, &Workspace::colourChanged})
    connect(&ws_, sig, this, [this] { doc_->setModified(true); });
  connect(animation_, &AnimationJob::progress, this, [this](const QString& text, int done, int total) {
    message_->setText(text + "…");
    progress_->setVisible(true);
    cancel_->setVisible(true);
    progress_->setRange(0, total);
    progress_->setValue(done);
    stop_action_->setEnabled(true);
  });
  connect(animation_, &AnimationJob::finished, this, [this](const QString& summary) {
    message_->setText(summary);
    progress_->setVisible(jobs_.busy());
    cancel_->setVisible(jobs_.busy());
  });
  connect(animation_, &AnimationJob::failed, this, &MainWindow::jobFailed);
  connect(animation_, &AnimationJob::cancelled, this, [this] {
    message_->setText(tr("Animation export cancelled"));
    if (!jobs_.busy()) {
      progress_->setVisible(false);
      cancel_->setVisible(false);
    }
  });
  results_->setBaseProvider([this] { return panel_->settings(); });
  connect(results_, &ResultsPanel::loaded, this, [this] {
    message_->setText(tr("%1: %2 runs; double-click one to load it into the model panel")
                          .arg(results_->path())
                          .arg(results_->model()->rowCount()));
  });
  connect(results_, &ResultsPanel::failed, this,
          [this](const QString& why) { jobFailed(tr("Experiment results"), why); });
  connect(results_, &ResultsPanel::configurationChosen, this,
          [this](const ModelSettings& s, const QString& what, const QStringList& notes) {
            ModelSettings t = s;
            t.map_sentences = panel_->settings().map_sentences;
            panel_->setSettings(t);  // a change of the session (unsaved), not a new one
            train();
            message_->setText(tr("Loaded %1; training").arg(what) +
                              (notes.isEmpty() ? QString() : tr(" (not in the model panel: %1)").arg(notes.join("; "))));
          });
  connect(panel_, &ModelPanel::trainRequested, this, &MainWindow::train);
  connect(panel_, &ModelPanel::stopRequested, this, &MainWindow::stop);
  connect(panel_, &ModelPanel::exploreRequested, this, &MainWindow::explore);
  // A drag that ended on a preview (a subset of the sentences) gets its full map.
  connect(panel_, &ModelPanel::exploreReleased, this, [this] {
    if (preview_shown_) explore();
  });
  connect(&ws_, &Workspace::colourChanged, this, &MainWindow::syncColourControls);
  connect(&ws_, &Workspace::selectionChanged, this, [this](int i) {
    const auto& s = ws_.session();
    if (!s || i < 0) return;
    const auto& sent = s->corpus->test.sentences[static_cast<size_t>(i)];
    message_->setText(tr("Sentence %1: \"%2\"%3")
                          .arg(i)
                          .arg(QString::fromStdString(experiment::inner_text(s->corpus->grammar, sent)))
                          .arg(ws_.mapIndex(i) < 0 ? tr(" (not on the map)") : QString()));
  });

  redraw_ = new QTimer(this);
  redraw_->setInterval(33);
  connect(redraw_, &QTimer::timeout, this, &MainWindow::tick);
  redraw_->start();
  analysis_clock_.start();

  resize(1440, 900);
  default_state_ = saveState();
  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
  updateTitle();
  if (start_default) QTimer::singleShot(0, this, [this] { startSession(ModelSettings{}); });
}

MainWindow::~MainWindow() {
  jobs_.cancelAndWait();
  // The views read the workspace (ws_) until they are gone, and QWidget's destructor
  // deletes them only after the members, ws_ among them, are destroyed: a header still
  // resizing then asked the sentence model for its rows through a dead Workspace (UBSan,
  // asan preset). So the views go first, while ws_ is alive.
  delete takeCentralWidget();
  qDeleteAll(findChildren<QDockWidget*>(QString(), Qt::FindDirectChildrenOnly));
}

void MainWindow::openResults(const QString& path) {
  results_dock_->show();
  results_dock_->raise();
  results_->openFile(path);
  message_->setText(tr("Reading %1…").arg(path));
}

QCustomPlot* MainWindow::mapPlot() const { return map_; }

void MainWindow::buildDocks() {
  // Left column (full height): Model over Training. Right: the unit heatmap. Bottom,
  // under the map and the heatmap: the timeline and the sentence list.
  setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
  setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
  panel_ = new ModelPanel;
  auto* model = makeDock(this, tr("Model"), "modelDock", panel_, Qt::LeftDockWidgetArea);
  training_ = new TrainingView(&ws_);
  auto* trn = makeDock(this, tr("Training"), "trainingDock", training_, Qt::LeftDockWidgetArea);
  splitDockWidget(model, trn, Qt::Vertical);
  heatmap_ = new HeatmapView(&ws_);
  auto* heat = makeDock(this, tr("Unit heatmap"), "heatmapDock", heatmap_, Qt::RightDockWidgetArea);
  timeline_ = new TimelineView(&ws_);
  auto* tl = makeDock(this, tr("Learning stages"), "timelineDock", timeline_, Qt::BottomDockWidgetArea);
  sentences_ = new SentencesView(&ws_);
  auto* sent = makeDock(this, tr("Sentences"), "sentencesDock", sentences_, Qt::BottomDockWidgetArea);
  splitDockWidget(tl, sent, Qt::Vertical);
  // The unit analyses (paper-notes §5): tabs beside the heatmap, so the map keeps its
  // width and is seen with one of them (the links: unit, word, step); drag a tab out to
  // see two side by side.
  using P = AnalysisPanel;
  winglet_ = new WingletView(&ws_);
  polyvalent_ = new PolyvalentView(&ws_);
  activity_ = new ActivityView(&ws_);
  influence_ = new InfluenceView(&ws_);
  cells_ = new CellsView(&ws_);
  outputs_ = new OutputsView(&ws_);
  auto* d_out = makeDock(this, tr("Outputs"), "outputsDock", new P(&ws_, outputs_, P::kScale), Qt::RightDockWidgetArea);
  auto* d_act = makeDock(this, tr("Unit activity"), "activityDock",
                         new P(&ws_, activity_, P::kUnitSet | P::kOutput | P::kMinOutputs), Qt::RightDockWidgetArea);
  auto* d_inf = makeDock(this, tr("Word influence"), "influenceDock",
                         new P(&ws_, influence_, P::kUnitSet | P::kOutput | P::kMinOutputs | P::kInfluence),
                         Qt::RightDockWidgetArea);
  auto* d_poly = makeDock(this, tr("Polyvalent units"), "polyvalentDock", new P(&ws_, polyvalent_, P::kMinOutputs),
                          Qt::RightDockWidgetArea);
  auto* d_wing = makeDock(this, tr("Readout weights"), "wingletDock", new P(&ws_, winglet_, P::kOutput),
                          Qt::RightDockWidgetArea);
  auto* d_cells = makeDock(this, tr("Cell states"), "cellsDock", new P(&ws_, cells_, 0), Qt::RightDockWidgetArea);
  tabifyDockWidget(heat, d_out);
  for (auto* d : {d_act, d_inf, d_poly, d_wing, d_cells}) tabifyDockWidget(d_out, d);
  heat->raise();
  // Experiment results (File > Open results…): hidden until a file is opened, then a tab
  // beside the sentences.
  results_ = new ResultsPanel;
  results_dock_ = makeDock(this, tr("Experiment results"), "resultsDock", results_, Qt::BottomDockWidgetArea);
  tabifyDockWidget(sent, results_dock_);
  sent->raise();
  results_dock_->hide();
  resizeDocks({model, trn}, {470, 330}, Qt::Vertical);
  resizeDocks({model, heat}, {400, 440}, Qt::Horizontal);
  resizeDocks({tl, sent}, {44, 230}, Qt::Vertical);
}

void MainWindow::buildMenus() {
  // Toolbar: colour mode and its parameter, END markers, fit.
  auto* tb = addToolBar(tr("Map"));
  tb->setObjectName("mapToolBar");
  colour_box_ = new QComboBox;
  colour_box_->setObjectName("colourMode");
  colour_box_->addItems({tr("Clause position"), tr("Per-step error code"), tr("Word read"), tr("Output unit activation"),
                         tr("Unit activation")});
  colour_box_->setToolTip(tr("What the map's colours show"));
  output_box_ = new QComboBox;
  output_box_->setObjectName("outputUnit");
  output_box_->setToolTip(tr("Output unit whose activation colours the map (inferno, -0.3 to 1.3)"));
  output_box_->setMinimumContentsLength(20);
  unit_box_ = new QSpinBox;
  unit_box_->setObjectName("unitIndex");
  unit_box_->setRange(0, 999);
  unit_box_->setPrefix(tr("unit "));
  unit_box_->setToolTip(tr("Reservoir / LSTM unit whose activation colours the map (or click a heatmap row)"));
  tb->addWidget(new QLabel(tr(" Colour by ")));
  tb->addWidget(colour_box_);
  output_action_ = tb->addWidget(output_box_);
  unit_action_ = tb->addWidget(unit_box_);
  tb->addSeparator();
  auto apply = [this] {
    const auto mode = static_cast<ColourMode>(colour_box_->currentIndex());
    const int param = mode == ColourMode::outputUnit ? output_box_->currentIndex()
                      : mode == ColourMode::unit     ? unit_box_->value()
                                                     : 0;
    ws_.setColour(mode, std::max(0, param));
    mapSettingsEdited();
  };
  connect(colour_box_, &QComboBox::currentIndexChanged, this, apply);
  connect(output_box_, &QComboBox::currentIndexChanged, this, apply);
  connect(unit_box_, &QSpinBox::valueChanged, this, apply);

  auto* file = menuBar()->addMenu(tr("&File"));
  actions_->addFileActions(file);
  file->addSeparator();
  file->addAction(tr("Open &corpus…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open corpus"), QString(),
                                                          tr("Corpus files (*.tsv *.txt);;All files (*)"));
        if (!path.isEmpty()) openCorpus(path);
      })
      ->setStatusTip(tr("Train on your own sentences: a TSV of split, sentence and meaning (docs/FORMATS.md)"));
  file->addSeparator();
  auto* exp = file->addAction(tr("&Export figure…"), this, [this] { exporter_->showDialog(figures::View::map); });
  exp->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  exp->setToolTip(tr("Save the map, the heatmap or the training curves as PNG, SVG or PDF at any size"));
  auto* anim = file->addAction(tr("Export &animation…"), this, &MainWindow::exportAnimation);
  anim->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
  anim->setToolTip(tr("Animated GIF / PNG frames of the learning stages or of a hyperparameter sweep"));
  file->addAction(tr("Export s&tates (NumPy + labels)…"), this, [this] { exporter_->askAndExportStates(); })
      ->setToolTip(tr("The map's states (.npy), their labels (.tsv) and the layout (-map.npy), for Python"));
  file->addAction(tr("Export &sentences (TSV)…"), this, &MainWindow::exportSentences);
  file->addSeparator();
  file->addAction(tr("Open &results…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment results"), QString(),
                                                          tr("Experiment results (*.tsv);;All files (*)"));
        if (!path.isEmpty()) openResults(path);
      })
      ->setToolTip(tr("An rssviz-cli experiment results file: plot, sortable table, double-click loads a run"));
  file->addSeparator();
  auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  auto* edit = menuBar()->addMenu(tr("&Edit"));
  auto* undo = doc_->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  undo->setObjectName("undoAction");
  auto* redo = doc_->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
  redo->setObjectName("redoAction");
  edit->addAction(undo);
  edit->addAction(redo);
  edit->addSeparator();
  auto* copy = edit->addAction(tr("&Copy map"), this, [this] { exporter_->copy(figures::View::map); });
  copy->setShortcut(QKeySequence::Copy);
  auto* find = edit->addAction(tr("&Find sentence"), this, [this] {
    sentences_->parentWidget()->show();
    sentences_->searchBox()->setFocus();
    sentences_->searchBox()->selectAll();
  });
  find->setShortcut(QKeySequence::Find);
  auto* desel = edit->addAction(tr("&Deselect sentence"), this, [this] { ws_.select(-1); });
  desel->setShortcut(QKeySequence::Deselect);

  view_menu_ = menuBar()->addMenu(tr("&View"));
  for (auto* d : findChildren<QDockWidget*>()) view_menu_->addAction(d->toggleViewAction());
  view_menu_->addAction(tb->toggleViewAction());
  view_menu_->addSeparator();
  auto* colours = view_menu_->addMenu(tr("&Colour by"));
  for (int i = 0; i < colour_box_->count(); ++i) {
    auto* a = colours->addAction(colour_box_->itemText(i), this, [this, i] { colour_box_->setCurrentIndex(i); });
    a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
  }
  mark_ends_ = view_menu_->addAction(tr("Mark &END states"));
  mark_ends_->setCheckable(true);
  mark_ends_->setChecked(true);
  mark_ends_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  mark_ends_->setToolTip(tr("Outline the states after END"));
  connect(mark_ends_, &QAction::toggled, map_, &MapView::setMarkEnds);
  connect(mark_ends_, &QAction::toggled, this, &MainWindow::mapSettingsEdited);
  tb->addAction(mark_ends_);
  auto* fit = view_menu_->addAction(tr("&Fit map"), map_, &MapView::resetZoom);
  fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
  fit->setToolTip(tr("Zoom to show every point (also: double-click the map)"));
  tb->addAction(fit);
  view_menu_->addSeparator();
  view_menu_->addAction(tr("&Reset layout"), this, &MainWindow::resetLayout);

  auto* model = menuBar()->addMenu(tr("&Model"));
  auto* trainA = model->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Train"), this, &MainWindow::train);
  trainA->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
  stop_action_ = model->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("&Stop"), this, &MainWindow::stop);
  stop_action_->setShortcut(QKeySequence(Qt::Key_Escape));
  stop_action_->setEnabled(false);
  auto* explA = model->addAction(tr("&Explore untrained reservoir"), this, &MainWindow::explore);
  explA->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  model->addAction(tr("&Default session"), this, [this] {
    if (actions_->maybeSave()) actions_->newSession();  // File > New session
  });
  model->addSeparator();
  actions_->addModelActions(model);
  model->addSeparator();
  auto* play = model->addAction(tr("&Play learning stages"), this, [this] { timeline_->setPlaying(!timeline_->playing()); });
  play->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
  auto* worst = model->addAction(tr("Sort sentences by &error"), this, [this] { sentences_->sortByError(); });
  worst->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
  tb->addSeparator();
  tb->addAction(trainA);
  tb->addAction(stop_action_);

  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About rssviz"), this, &MainWindow::about);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
  syncColourControls();
}

void MainWindow::syncColourControls() {
  const auto& s = ws_.session();
  const bool trained = s && s->trained;
  const QSignalBlocker b1(colour_box_), b2(output_box_), b3(unit_box_);
  colour_box_->setCurrentIndex(static_cast<int>(ws_.colourMode()));
  // Modes that need a readout are disabled for an untrained reservoir.
  auto* model = qobject_cast<QStandardItemModel*>(colour_box_->model());
  for (int i : {1, 3})
    if (auto* item = model->item(i)) item->setEnabled(trained);
  if (s && s->corpus) {
    const auto& g = s->corpus->grammar;
    if (output_box_->count() != g.output_size()) {
      output_box_->clear();
      for (int o = 0; o < g.output_size(); ++o) output_box_->addItem(QString::fromStdString(g.output_name(o)));
    }
    if (s->points) unit_box_->setMaximum(s->points->units() - 1);
  }
  output_action_->setVisible(ws_.colourMode() == ColourMode::outputUnit);
  unit_action_->setVisible(ws_.colourMode() == ColourMode::unit);
  if (ws_.colourMode() == ColourMode::outputUnit) output_box_->setCurrentIndex(ws_.colourParameter());
  if (ws_.colourMode() == ColourMode::unit) unit_box_->setValue(ws_.colourParameter());
}

void MainWindow::showSession(std::shared_ptr<const MapSession> s) {
  if (!s) return;
  preview_shown_ = false;  // explore() sets it again for a drag frame
  session_label_->setText(QString::fromStdString(s->description));
  const bool first = !ws_.session();
  ws_.setSession(std::move(s));
  map_settings_ = {ws_.colourMode(), ws_.colourParameter(), mark_ends_->isChecked()};
  // Start with a two-object sentence selected, so the trajectory and the heatmap show
  // something meaningful from the first frame.
  if (first && ws_.selected() < 0) {
    const auto& p = *ws_.session()->points;
    for (int d : p.dataset_index)
      if (ws_.session()->corpus->test.sentences[static_cast<size_t>(d)].two_objects()) {
        ws_.select(d);
        break;
      }
  }
  syncColourControls();
  emit sessionShown();
}

void MainWindow::tick() {
  if (jobs_.busy()) {
    const auto [done, total] = jobs_.progress();
    if (total > 0) {
      progress_->setRange(0, static_cast<int>(total));
      progress_->setValue(static_cast<int>(done));
    } else {
      progress_->setRange(0, 0);  // busy indicator
    }
  }
  if (auto s = live_.take()) {
    actions_->setShownRecipe(live_recipe_);  // an LSTM frame of the training under way
    showSession(std::move(s));
  }
  // At most one plot is rebuilt and replotted per tick, so the costs of the map, the
  // heatmap and the training curve never add up within one pass of the event loop.
  if (map_->dirty()) map_->refresh();
  else if (heatmap_->dirty()) heatmap_->refresh();
  else if (training_->dirty()) training_->refresh();
  else if (!jobs_.busy() || analysis_clock_.elapsed() >= 250) {
    // A hidden analysis (a tab behind another) waits until it is shown; while a job runs
    // (a slider drag, a live LSTM) they redraw at most 4 times a second, so they never
    // slow the map down, and catch up when it ends.
    for (auto* v : analysisViews())
      if (v->dirty() && v->isVisible()) {
        v->refresh();
        analysis_clock_.restart();
        break;
      }
  }
}

QList<AnalysisPlot*> MainWindow::analysisViews() const {
  return {winglet_, polyvalent_, activity_, influence_, cells_, outputs_};
}

void MainWindow::startSession(const ModelSettings& s) {
  panel_->setSettings(s);
  pristine_ = true;
  train();
}

namespace {
// What reading a corpus file gives back to the GUI thread: the file, or why not.
struct CorpusRead {
  std::shared_ptr<const corpus::CorpusFile> file;
  std::vector<corpus::CorpusFileIssue> issues;
  QString detail;
};

// The warning for a corpus file that cannot be used: the file, then its bad lines.
void showCorpusError(QWidget* parent, const QString& path, const std::vector<corpus::CorpusFileIssue>& issues,
                     const QString& detail) {
  auto* box = new QMessageBox(QMessageBox::Warning, QObject::tr("rssviz"),
                              QObject::tr("The corpus file %1 cannot be used; the current corpus is kept.").arg(path),
                              QMessageBox::Ok, parent);
  QStringList lines;
  for (const auto& i : issues)
    lines << (i.line > 0 ? QObject::tr("line %1: %2").arg(i.line).arg(QString::fromStdString(i.reason))
                         : QString::fromStdString(i.reason));
  box->setInformativeText(lines.mid(0, 5).join('\n') + (lines.size() > 5 ? QObject::tr("\n… (Show Details)") : QString()));
  box->setDetailedText(detail);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setObjectName("corpusErrorBox");
  box->open();
}

}  // namespace

// Returns at once: true means the reading started on the job thread, not that the file
// loaded (a malformed one is shown in the dialog when it has been read).
bool MainWindow::openCorpus(const QString& path) {
  // Read and validated on the job thread (a file may be up to 64 MiB): the window stays
  // responsive, and only a valid file replaces the panel's corpus, on the GUI thread.
  message_->setText(tr("Reading the corpus %1…").arg(path));
  jobs_.start<CorpusRead>(
      tr("Reading the corpus %1").arg(QFileInfo(path).fileName()),
      [p = path.toStdString()](const JobContext&) {
        CorpusRead r;
        try {
          r.file = std::make_shared<const corpus::CorpusFile>(corpus::read_corpus_file(p));
        } catch (const corpus::CorpusFileError& e) {
          r.issues = e.issues();
          r.detail = QString::fromStdString(e.what());
        }
        return r;
      },
      [this, path](CorpusRead r) {
        if (!r.file) {
          message_->setText(tr("The corpus %1 was not loaded").arg(path));
          showCorpusError(this, path, r.issues, r.detail);
          return;
        }
        ModelSettings s = panel_->settings();
        s.corpus_file = r.file;
        startSession(s);
        message_->setText(tr("Corpus %1: %2 objects, %3 words, %4 training and %5 test sentences; training…")
                              .arg(path)
                              .arg(s.corpus_file->grammar.objects())
                              .arg(s.corpus_file->grammar.vocabulary_size())
                              .arg(s.corpus_file->train.size())
                              .arg(s.corpus_file->test.size()));
      });
  return true;
}

void MainWindow::train() {
  const ModelSettings s = panel_->settings();
  timeline_->setPlaying(false);
  const bool esn = s.model == experiment::ModelKind::esn;
  if (esn && map_->scatter()->points().isEmpty()) map_->setPlaceholder(tr("Training the ESN…"));
  const io::SessionFile recipe = doc_->recipe(s);
  const QString job = esn ? tr("Training ESN (%1 units)").arg(s.reservoir.units)
                          : tr("Training LSTM (%1 units, %2 epochs)").arg(s.lstm.hidden).arg(s.trainer.epochs);
  const bool fresh = std::exchange(pristine_, false);
  live_recipe_ = recipe;
  recipes_->build(recipe, job, {}, true, [this, esn, recipe, fresh](std::shared_ptr<const MapSession> r) {
    actions_->setShownRecipe(recipe);
    showSession(r);
    doc_->setModified(!fresh);
    if (!r->diagnostic.empty()) {  // diverged: the last finite model is shown, and why it stopped
      jobFailed(esn ? tr("Training the ESN") : tr("Training the LSTM"), QString::fromStdString(r->diagnostic));
      return;
    }
    message_->setText((esn ? tr("ESN trained and mapped in %1 s: valid error %2 %, exact error %3 %")
                           : tr("LSTM trained in %1 s: valid error %2 %, exact error %3 %"))
                          .arg(r->seconds, 0, 'f', esn ? 2 : 1)
                          .arg(100 * r->scores.valid_error, 0, 'f', 2)
                          .arg(100 * r->scores.exact_error, 0, 'f', 2));
  });
}

void MainWindow::explore() {
  const ModelSettings s = panel_->settings();
  io::SessionFile recipe = doc_->recipe(s);
  recipe.trained = false;
  // While a slider is held the frames may be coarser (Explorer: Frame::kPreview); the
  // release, a typed value, an undo or the menu action give the full map.
  const auto frame = panel_->dragging() ? experiment::Frame::kPreview : experiment::Frame::kFull;
  // A drag frame keeps the selected sentence (its trajectory and heatmap stay in view).
  std::vector<int> keep;
  if (ws_.selected() >= 0) keep.push_back(ws_.selected());
  recipes_->explore(s, ws_.session(), frame, std::move(keep),
                    [this, recipe](std::shared_ptr<const MapSession> r, const QString& status, bool preview) {
                      actions_->setShownRecipe(recipe);
                      showSession(r);
                      doc_->setModified(true);
                      message_->setText(status);
                      preview_shown_ = preview;
                      // Released while this drag frame ran (nothing newer queued): the full map now.
                      if (preview && !panel_->dragging() && !jobs_.busy()) explore();
                    });
}

void MainWindow::stop() {
  if (animation_->running()) animation_->cancel();
  if (!jobs_.busy()) return;
  jobs_.cancel();
  message_->setText(tr("Cancelling…"));
}

void MainWindow::jobFailed(const QString& name, const QString& message) {
  message_->setText(tr("%1 failed: %2").arg(name, message));
  auto* box = new QMessageBox(QMessageBox::Warning, tr("rssviz"), tr("%1 failed.").arg(name), QMessageBox::Ok, this);
  box->setInformativeText(message);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setObjectName("errorBox");
  box->open();  // not exec(): the event loop (and the redraw timer) keep running
}

void MainWindow::exportAnimation() {
  if (animation_->running()) {
    message_->setText(tr("An animation is being exported (Esc cancels it)"));
    return;
  }
  auto* d = new AnimationDialog(panel_->settings(), &ws_, this);
  d->setAttribute(Qt::WA_DeleteOnClose);
  connect(d, &AnimationDialog::exportRequested, this, [this, d] {
    try {
      animation_->start(d->animation(), d->look(), d->output());
    } catch (const std::exception& e) {
      jobFailed(tr("Export animation"), QString::fromUtf8(e.what()));
    }
  });
  d->open();
}

void MainWindow::exportSentences() {
  const auto& s = ws_.session();
  if (!s) return;
  const QString path = QFileDialog::getSaveFileName(this, tr("Export sentences"), "rssviz-sentences.tsv",
                                                    tr("Tab-separated values (*.tsv)"));
  if (path.isEmpty()) return;
  QSaveFile f(path);  // atomic: written to a temporary file, renamed on commit
  if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) {
    jobFailed(tr("Export sentences"), tr("Cannot open %1: %2").arg(path, f.errorString()));
    return;
  }
  const auto& g = s->corpus->grammar;
  QTextStream out(&f);
  out << "index\tsentence\ttarget\tdecoded\tvalid\texact\n";
  for (int i = 0; i < s->corpus->test.size(); ++i) {
    const auto& sent = s->corpus->test.sentences[static_cast<size_t>(i)];
    out << i << '\t' << QString::fromStdString(experiment::inner_text(g, sent)) << '\t'
        << QString::fromStdString(g.meaning_text(sent.meaning)) << '\t';
    if (s->results.empty()) out << "-\t-\t-\n";
    else {
      const auto& r = s->results[static_cast<size_t>(i)];
      out << QString::fromStdString(g.meaning_text(r.decoded)) << '\t' << int(r.valid) << '\t' << int(r.exact) << '\n';
    }
  }
  out.flush();
  if (!f.commit()) jobFailed(tr("Export sentences"), tr("Cannot write %1: %2").arg(path, f.errorString()));
  else message_->setText(tr("Sentences saved to %1").arg(path));
}

void MainWindow::about() {
  QMessageBox::about(
      this, tr("About rssviz"),
      tr("<h3>rssviz %1</h3><p>Recurrent state space workbench: Echo State Networks and LSTMs on the "
         "Cross-Situational Learning task, their state space as live UMAP maps (RSSviz), after "
         "Variengien &amp; Hinaut, <i>A journey in ESN and LSTM visualisations on a language task</i> (2020).</p>"
         "<p>Qt %2 (built with %3) · Eigen %4.%5.%6 · QCustomPlot %7</p>")
          .arg(RSSVIZ_VERSION)
          .arg(qVersion())
          .arg(QT_VERSION_STR)
          .arg(EIGEN_WORLD_VERSION)
          .arg(EIGEN_MAJOR_VERSION)
          .arg(EIGEN_MINOR_VERSION)
          .arg(QCUSTOMPLOT_VERSION_STR));
}

void MainWindow::resetLayout() {
  for (auto* d : findChildren<QDockWidget*>()) {
    d->setFloating(false);
    d->show();
  }
  restoreState(default_state_);
}

bool MainWindow::openSession(const QString& path) { return actions_->openPath(path); }

void MainWindow::showBuilt(std::shared_ptr<const MapSession> s) { showSession(std::move(s)); }

bool MainWindow::markEnds() const { return mark_ends_->isChecked(); }

void MainWindow::setMarkEnds(bool on) {
  const bool was = std::exchange(applying_, true);
  mark_ends_->setChecked(on);
  map_settings_.mark_ends = on;
  applying_ = was;
}

void MainWindow::setMapSettings(const MapSettings& m) {
  const bool was = std::exchange(applying_, true);
  mark_ends_->setChecked(m.mark_ends);
  ws_.setColour(m.mode, m.parameter);
  map_settings_ = {ws_.colourMode(), ws_.colourParameter(), mark_ends_->isChecked()};
  applying_ = was;
}

void MainWindow::mapSettingsEdited() {
  if (applying_) return;
  const MapSettings now{ws_.colourMode(), ws_.colourParameter(), mark_ends_->isChecked()};
  if (now == map_settings_) return;
  const MapSettings before = std::exchange(map_settings_, now);
  doc_->undoStack()->push(new MapSettingsCommand(before, now, [this](const MapSettings& m) { setMapSettings(m); }));
}

void MainWindow::applySettings(const ModelSettings& s) {
  const ModelSettings old = panel_->settings();
  const bool was = std::exchange(applying_, true);
  panel_->setSettings(s);
  applying_ = was;
  // A restored reservoir scaling redraws the untrained map, as the slider does (the same job path).
  const bool scaling = esn::Scalings::of(old.reservoir) != esn::Scalings::of(s.reservoir);
  if (s.model == experiment::ModelKind::esn && scaling && ws_.session()) explore();
}

void MainWindow::updateTitle() {
  setWindowTitle(tr("%1[*] — rssviz").arg(doc_->displayName()));
  setWindowFilePath(doc_->path());
  setWindowModified(doc_->modified());
}

void MainWindow::closeEvent(QCloseEvent* e) {
  if (!actions_->maybeSave()) {
    e->ignore();
    return;
  }
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  timeline_->setPlaying(false);
  redraw_->stop();
  animation_->cancel();
  jobs_.cancelAndWait();  // the job sees its stop flag at its next check
  e->accept();
}

}  // namespace rssviz::ui
