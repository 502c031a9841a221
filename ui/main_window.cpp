#include "ui/main_window.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
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
#include "ui/heatmap_view.hpp"
#include "ui/map_view.hpp"
#include "ui/param_slider.hpp"
#include "ui/sentences_view.hpp"
#include "ui/timeline_view.hpp"
#include "ui/training_view.hpp"

// Resources compiled into the static rssviz_ui library must be registered by name.
static void init_resources() { Q_INIT_RESOURCE(rssviz); }

namespace rssviz::ui {

using experiment::MapSession;

namespace {

// Threads for a job: all cores but one, which stays with the GUI thread so the window
// keeps painting (on this project's 2-core machine: one job thread).
int job_threads() { return std::max(1, rssviz::default_threads() - 1); }

esn::ReservoirOptions reservoir_of(const ModelSettings& s) {
  esn::ReservoirOptions r;
  r.threads = job_threads();
  r.units = s.units;
  r.spectral_radius = s.spectral_radius;
  r.leak_rate = s.leak_rate;
  r.input_scaling = s.input_scaling;
  r.density = s.density;
  r.ridge = s.ridge;
  r.seed = s.seed;
  return r;
}

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
  setWindowTitle(tr("rssviz — recurrent state space workbench"));
  setWindowIcon(QIcon(":/rssviz/rssviz.svg"));
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);
  map_ = new MapView(&ws_, this);
  setCentralWidget(map_);
  buildDocks();
  buildMenus();

  message_ = new QLabel(tr("Ready"));
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
  session_label_->setStyleSheet("color: #555");
  statusBar()->addWidget(message_, 1);
  statusBar()->addPermanentWidget(session_label_);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);
  connect(cancel_, &QToolButton::clicked, this, &MainWindow::stop);

  connect(&jobs_, &JobRunner::busyChanged, this, [this](bool busy) {
    progress_->setVisible(busy);
    cancel_->setVisible(busy);
    panel_->setBusy(busy);
    stop_action_->setEnabled(busy);
  });
  connect(&jobs_, &JobRunner::started, this, [this](const QString& n) { message_->setText(n + "…"); });
  connect(&jobs_, &JobRunner::cancelledJob, this, [this](const QString& n) {
    if (!jobs_.busy()) message_->setText(tr("%1: cancelled").arg(n));
  });
  connect(&jobs_, &JobRunner::failed, this, &MainWindow::jobFailed);
  connect(panel_, &ModelPanel::trainRequested, this, &MainWindow::train);
  connect(panel_, &ModelPanel::stopRequested, this, &MainWindow::stop);
  connect(panel_, &ModelPanel::exploreRequested, this, &MainWindow::explore);
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

  resize(1440, 900);
  default_state_ = saveState();
  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  restoreState(settings.value("window/state").toByteArray());
  if (start_default) QTimer::singleShot(0, this, [this] { startSession(ModelSettings{}); });
}

MainWindow::~MainWindow() { jobs_.cancelAndWait(); }

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
  };
  connect(colour_box_, &QComboBox::currentIndexChanged, this, apply);
  connect(output_box_, &QComboBox::currentIndexChanged, this, apply);
  connect(unit_box_, &QSpinBox::valueChanged, this, apply);

  auto* file = menuBar()->addMenu(tr("&File"));
  auto* exp = file->addAction(tr("&Export map image…"), this, &MainWindow::exportMap);
  exp->setShortcut(QKeySequence::Save);
  exp->setToolTip(tr("Save the map as PNG, SVG-free PDF or JPEG"));
  file->addAction(tr("Export &sentences (TSV)…"), this, &MainWindow::exportSentences);
  file->addSeparator();
  auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  auto* edit = menuBar()->addMenu(tr("&Edit"));
  auto* copy = edit->addAction(tr("&Copy map"), this, [this] {
    QApplication::clipboard()->setPixmap(map_->toPixmap());
    message_->setText(tr("Map copied to the clipboard"));
  });
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
  model->addAction(tr("&Default session"), this, [this] { startSession(ModelSettings{}); });
  model->addSeparator();
  auto* play = model->addAction(tr("&Play learning stages"), this, [this] { timeline_->setPlaying(!timeline_->playing()); });
  play->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
  auto* worst = model->addAction(tr("Sort sentences by &error"), this, [this] { sentences_->sortByError(); });
  worst->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
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
  session_label_->setText(QString::fromStdString(s->description));
  const bool first = !ws_.session();
  ws_.setSession(std::move(s));
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
  if (auto s = live_.take()) showSession(std::move(s));
  // At most one plot is rebuilt and replotted per tick, so the costs of the map, the
  // heatmap and the training curve never add up within one pass of the event loop.
  if (map_->dirty()) map_->refresh();
  else if (heatmap_->dirty()) heatmap_->refresh();
  else if (training_->dirty()) training_->refresh();
}

void MainWindow::startSession(const ModelSettings& s) {
  panel_->setSettings(s);
  train();
}

void MainWindow::train() {
  const ModelSettings s = panel_->settings();
  timeline_->setPlaying(false);
  if (s.model == experiment::ModelKind::esn) {
    experiment::EsnSessionOptions o;
    o.objects = s.objects;
    o.reservoir = reservoir_of(s);
    o.map_sentences = s.map_sentences;
    o.umap.threads = job_threads();
    try {
      o.reservoir.validate();
    } catch (const std::exception& e) {
      jobFailed(tr("Train ESN"), QString::fromUtf8(e.what()));
      return;
    }
    if (map_->scatter()->points().isEmpty()) map_->setPlaceholder(tr("Training the ESN…"));
    jobs_.start<std::shared_ptr<const MapSession>>(
        tr("Training ESN (%1 units)").arg(s.units),
        [o](const JobContext& ctx) -> std::shared_ptr<const MapSession> {
          return experiment::build_esn_session(o, ctx.stop(), ctx.progress_fn());
        },
        [this](std::shared_ptr<const MapSession> r) {
          showSession(r);
          message_->setText(tr("ESN trained and mapped in %1 s: valid error %2 %, exact error %3 %")
                                .arg(r->seconds, 0, 'f', 2)
                                .arg(100 * r->scores.valid_error, 0, 'f', 2)
                                .arg(100 * r->scores.exact_error, 0, 'f', 2));
        });
    return;
  }
  auto o = experiment::lstm_session_options(s.objects, s.seed);
  o.model.hidden = s.hidden;
  o.trainer.epochs = s.epochs;
  o.trainer.batch_size = s.batch;
  o.trainer.learning_rate = s.learning_rate;
  o.map_sentences = s.map_sentences;
  o.umap.threads = job_threads();
  try {
    o.model.validate();
    o.trainer.validate();
  } catch (const std::exception& e) {
    jobFailed(tr("Train LSTM"), QString::fromUtf8(e.what()));
    return;
  }
  auto* live = &live_;
  jobs_.start<std::shared_ptr<const MapSession>>(
      tr("Training LSTM (%1 units, %2 epochs)").arg(s.hidden).arg(s.epochs),
      [o, live](const JobContext& ctx) -> std::shared_ptr<const MapSession> {
        experiment::LstmSessionBuilder b(o);
        while (!b.finished()) {
          ctx.check();
          b.step(ctx.stop());
          ctx.progress(b.epoch(), b.epochs());
          if (!b.finished()) live->post(b.session());  // the map moves epoch by epoch
        }
        return b.session();
      },
      [this](std::shared_ptr<const MapSession> r) {
        live_.take();  // an older live frame must not replace the final one
        showSession(r);
        message_->setText(tr("LSTM trained in %1 s: valid error %2 %, exact error %3 %")
                              .arg(r->seconds, 0, 'f', 1)
                              .arg(100 * r->scores.valid_error, 0, 'f', 2)
                              .arg(100 * r->scores.exact_error, 0, 'f', 2));
      });
}

void MainWindow::explore() {
  const ModelSettings s = panel_->settings();
  if (s.model != experiment::ModelKind::esn) return;
  experiment::ExploreOptions o;
  o.objects = s.objects;
  o.reservoir = reservoir_of(s);
  o.map_sentences = s.map_sentences;
  o.umap.threads = job_threads();
  auto previous = ws_.session();
  // The explorer (corpus + drawn weights) lives in a slot only the job thread touches
  // (the pool has one thread, so jobs never overlap); a cancelled job still leaves it
  // for the next slider value.
  auto slot = explorer_;
  jobs_.start<std::shared_ptr<const MapSession>>(
      tr("Exploring the untrained reservoir"),
      [o, slot, previous, s](const JobContext& ctx) -> std::shared_ptr<const MapSession> {
        if (!*slot || !(*slot)->compatible(o)) *slot = std::make_shared<experiment::Explorer>(o);
        ctx.check();
        return (*slot)->update(s.spectral_radius, s.leak_rate, s.input_scaling, previous.get(), ctx.stop());
      },
      [this](std::shared_ptr<const MapSession> r) {
        showSession(r);
        message_->setText(tr("Untrained reservoir mapped in %1 ms (press Train to fit a readout)")
                              .arg(r->seconds * 1e3, 0, 'f', 0));
      });
}

void MainWindow::stop() {
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

void MainWindow::exportMap() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export map"), "rssviz-map.png",
                                                    tr("PNG image (*.png);;PDF (*.pdf);;JPEG (*.jpg)"));
  if (path.isEmpty()) return;
  bool ok = false;
  if (path.endsWith(".pdf", Qt::CaseInsensitive)) ok = map_->savePdf(path);
  else if (path.endsWith(".jpg", Qt::CaseInsensitive)) ok = map_->saveJpg(path, 0, 0, 2.0);
  else ok = map_->savePng(path, 0, 0, 2.0);
  message_->setText(ok ? tr("Map saved to %1").arg(path) : tr("Could not write %1").arg(path));
  if (!ok) jobFailed(tr("Export map"), tr("Could not write %1").arg(path));
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

void MainWindow::closeEvent(QCloseEvent* e) {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  timeline_->setPlaying(false);
  redraw_->stop();
  jobs_.cancelAndWait();  // the job sees its stop flag at its next check
  e->accept();
}

}  // namespace rssviz::ui
