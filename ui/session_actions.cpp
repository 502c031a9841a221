#include "ui/session_actions.hpp"

#include <QAction>
#include <QCheckBox>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QTimer>
#include <QUndoStack>

#include "core/experiment/esn_protocol.hpp"
#include "core/experiment/saved_session.hpp"
#include "core/lstm/lstm_file.hpp"
#include "ui/main_window.hpp"
#include "ui/session_document.hpp"
#include "ui/session_jobs.hpp"

namespace rssviz::ui {

namespace {
const char* kSessionFilter = QT_TRANSLATE_NOOP("rssviz::ui::SessionActions", "rssviz sessions (*.rssviz)");
const char* kModelFilter =
    QT_TRANSLATE_NOOP("rssviz::ui::SessionActions", "rssviz model files (*.rssviz-model *.model *.bin);;All files (*)");
}  // namespace

SessionActions::SessionActions(MainWindow* window, SessionDocument* doc) : QObject(window), w_(window), doc_(doc) {
  shown_ = doc_->base();
  w_->setAcceptDrops(true);
  w_->installEventFilter(this);
}

namespace {
QString droppedSession(const QMimeData* m) {
  if (!m || !m->hasUrls()) return {};
  for (const auto& u : m->urls())
    if (u.isLocalFile() && u.toLocalFile().endsWith(".rssviz", Qt::CaseInsensitive)) return u.toLocalFile();
  return {};
}
}  // namespace

bool SessionActions::eventFilter(QObject* watched, QEvent* event) {
  if (watched != w_ || (event->type() != QEvent::DragEnter && event->type() != QEvent::Drop))
    return QObject::eventFilter(watched, event);
  auto* drop = static_cast<QDropEvent*>(event);  // QDragEnterEvent is a QDropEvent
  const QString path = droppedSession(drop->mimeData());
  if (path.isEmpty()) return false;
  drop->acceptProposedAction();
  if (event->type() == QEvent::Drop)
    // After the drop returns: the question may open a dialog.
    QTimer::singleShot(0, this, [this, path] {
      if (maybeSave()) openPath(path);
    });
  return true;
}

void SessionActions::addFileActions(QMenu* file) {
  auto* n = file->addAction(tr("&New session"), this, [this] {
    if (maybeSave()) newSession();
  });
  n->setShortcut(QKeySequence::New);
  n->setToolTip(tr("The default session: a trained ESN with the paper's settings"));
  auto* o = file->addAction(tr("&Open session…"), this, &SessionActions::open);
  o->setShortcut(QKeySequence::Open);
  recent_ = file->addMenu(tr("Open &recent"));
  recent_->setObjectName("recentMenu");
  connect(doc_, &SessionDocument::recentChanged, this, &SessionActions::rebuildRecent);
  rebuildRecent();
  auto* s = file->addAction(tr("&Save session"), this, &SessionActions::save);
  s->setShortcut(QKeySequence::Save);
  s->setToolTip(tr("Save the model, its settings, seeds and the view to a .rssviz file that reopens the same"));
  auto* sa = file->addAction(tr("Save session &as…"), this, &SessionActions::saveAs);
  // QKeySequence::SaveAs is empty outside KDE and GNOME (seen under Xvfb): Ctrl+Shift+S there.
  const auto save_as = QKeySequence::keyBindings(QKeySequence::SaveAs);
  sa->setShortcuts(save_as.isEmpty() ? QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)} : save_as);
}

void SessionActions::addModelActions(QMenu* model) {
  model->addAction(tr("Save trained &model…"), this, &SessionActions::saveModel)
      ->setToolTip(tr("The trained network as a model file (what rssviz-cli train --save writes)"));
  model->addAction(tr("&Load model…"), this, &SessionActions::loadModel)
      ->setToolTip(tr("Map a model file written by rssviz-cli train --save (or Save trained model)"));
}

void SessionActions::rebuildRecent() {
  if (!recent_) return;
  recent_->clear();
  const QStringList files = doc_->recentFiles();
  for (const auto& f : files) recent_->addAction(QFileInfo(f).fileName(), this, [this, f] {
                                    if (maybeSave()) openPath(f);
                                  })->setToolTip(f);
  recent_->setEnabled(!files.isEmpty());
}

void SessionActions::refuse(const QString& title, const QString& text) {
  emit message(tr("%1: %2").arg(title, text));
  if (error_) {
    error_(title, text);
    return;
  }
  auto* box = new QMessageBox(QMessageBox::Warning, tr("rssviz"), title, QMessageBox::Ok, w_);
  box->setInformativeText(text);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setObjectName("sessionErrorBox");
  box->open();
}

bool SessionActions::maybeSave() {
  if (!doc_->modified()) return true;
  const QString text = tr("The session \"%1\" has unsaved changes.").arg(doc_->displayName());
  int answer = 0;
  if (ask_) {
    answer = ask_(text);
  } else {
    QMessageBox box(QMessageBox::Question, tr("rssviz"), text,
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, w_);
    box.setObjectName("unsavedBox");
    box.setInformativeText(tr("Save them before going on?"));
    box.setDefaultButton(QMessageBox::Save);
    answer = box.exec();
  }
  if (answer == QMessageBox::Save) return save();
  return answer == QMessageBox::Discard;
}

void SessionActions::newSession() {
  const io::SessionFile f = withSettings(io::SessionFile{}, ModelSettings{});
  doc_->reset({}, f);
  w_->startSession(ModelSettings{});
}

void SessionActions::open() {
  if (!maybeSave()) return;
  const QString path =
      QFileDialog::getOpenFileName(w_, tr("Open session"), QFileInfo(doc_->path()).path(), tr(kSessionFilter));
  if (!path.isEmpty()) openPath(path);
}

bool SessionActions::openPath(const QString& path) {
  io::SessionFile f;
  try {
    f = io::load_session_file(path.toStdString());  // validated whole: a damaged file changes nothing
  } catch (const std::exception& e) {
    refuse(tr("Cannot open the session %1").arg(QFileInfo(path).fileName()), QString::fromUtf8(e.what()));
    emit openRefused(path);
    return false;
  }
  if (f.corpus.kind != io::CorpusSource::Kind::kFile) {
    buildOpened(path, f);
    return true;
  }
  // The session's corpus file (up to 64 MiB) is read and checked against the stored
  // checksum on the job thread; a missing or changed one refuses the session before
  // anything shown is replaced, and the panel then holds the file read.
  w_->jobs()->start<CorpusLoad>(
      tr("Reading the corpus of %1").arg(QFileInfo(path).fileName()),
      [f](const JobContext&) {
        CorpusLoad r;
        try {
          r.file = std::make_shared<const corpus::CorpusFile>(corpus::read_corpus_file(f.corpus.path, f.corpus.sha256));
        } catch (const std::exception& e) {
          r.error = QString::fromUtf8(e.what());
        }
        return r;
      },
      [this, path, f](CorpusLoad r) mutable {
        if (!r.file) {
          refuse(tr("Cannot open the session %1").arg(QFileInfo(path).fileName()),
                 tr("%1: its corpus file cannot be used:\n%2").arg(path, r.error));
          emit openRefused(path);
          return;
        }
        f.corpus.loaded = r.file;
        buildOpened(path, f);
      });
  return true;
}

void SessionActions::buildOpened(const QString& path, const io::SessionFile& f) {
  const QString job = f.has_weights() ? tr("Opening %1 (embedded weights)").arg(QFileInfo(path).fileName())
                                      : tr("Opening %1 (training it again)").arg(QFileInfo(path).fileName());
  w_->recipes()->build(f, job, path, false, [this, path, f](Session s) { finishOpen(path, f, std::move(s)); });
}

void SessionActions::finishOpen(const QString& path, const io::SessionFile& f, Session s) {
  // Only now, with the session built, does anything shown change.
  w_->modelPanel()->setSettings(settingsOf(f));
  shown_ = f;
  shown_.weights.clear();  // a later save embeds what is shown, if asked
  w_->showBuilt(s);
  w_->setMarkEnds(f.view.mark_ends);
  applyView(f.view, *w_->workspace());
  doc_->reset(path, f);
  emit message(tr("Opened %1: %2").arg(QFileInfo(path).fileName(), QString::fromStdString(s->description)));
  emit opened(path);
}

bool SessionActions::save() {
  if (doc_->path().isEmpty()) return saveAs();
  return saveTo(doc_->path(), doc_->embedWeights());
}

bool SessionActions::saveAs() {
  QFileDialog dialog(w_, tr("Save session"), doc_->path().isEmpty() ? QStringLiteral("session.rssviz") : doc_->path(),
                     tr(kSessionFilter));
  dialog.setObjectName("saveSessionDialog");
  dialog.setAcceptMode(QFileDialog::AcceptSave);
  dialog.setDefaultSuffix("rssviz");
  dialog.setOption(QFileDialog::DontUseNativeDialog);  // it carries the checkbox
  auto* embed = new QCheckBox(tr("Embed the trained weights (reopens without training; a larger file)"));
  embed->setObjectName("embedWeights");
  embed->setChecked(doc_->embedWeights());
  if (auto* grid = qobject_cast<QGridLayout*>(dialog.layout())) grid->addWidget(embed, grid->rowCount(), 0, 1, -1);
  if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return false;
  return saveTo(dialog.selectedFiles().front(), embed->isChecked());
}

bool SessionActions::saveTo(const QString& path, bool embed_weights) {
  const auto& s = w_->workspace()->session();
  if (!s) {
    refuse(tr("Cannot save the session"), tr("Nothing is shown yet: train or open a model first."));
    return false;
  }
  io::SessionFile f;
  try {
    f = experiment::describe_session(shown_, *s, embed_weights);
  } catch (const std::exception& e) {
    refuse(tr("Cannot save the session"), QString::fromUtf8(e.what()));
    return false;
  }
  f.view = viewOf(*w_->workspace(), w_->markEnds());
  const QString error = doc_->save(path, f);
  if (!error.isEmpty()) {
    refuse(tr("Cannot save the session"), error);
    return false;
  }
  doc_->setEmbedWeights(embed_weights);
  emit message(tr("Session saved to %1%2").arg(path, embed_weights ? tr(" (with its weights)") : QString()));
  return true;
}

void SessionActions::saveModel() {
  const auto& s = w_->workspace()->session();
  if (!s || !s->trained) {
    refuse(tr("Cannot save the model"), tr("No trained model is shown (an explored reservoir has no readout): train first."));
    return;
  }
  const QString path = QFileDialog::getSaveFileName(w_, tr("Save trained model"),
                                                    s->model == experiment::ModelKind::esn ? "esn.rssviz-model"
                                                                                           : "lstm.rssviz-model",
                                                    tr(kModelFilter));
  if (!path.isEmpty()) saveModelTo(path);
}

bool SessionActions::saveModelTo(const QString& path) {
  const auto& s = w_->workspace()->session();
  try {
    if (!s || !s->trained) throw std::runtime_error("no trained model is shown");
    // The files a session embeds are model files: the ESN's, or the LSTM's last frame
    // (with its training history), exactly what rssviz-cli train --save writes.
    const auto files = experiment::session_weights(shown_, *s);
    if (files.empty()) throw std::runtime_error("the session holds no model");
    io::save_model_file(path.toStdString(), files.back().file);
  } catch (const std::exception& e) {
    refuse(tr("Cannot save the model"), QString::fromUtf8(e.what()));
    return false;
  }
  emit message(tr("Model saved to %1").arg(path));
  return true;
}

void SessionActions::loadModel() {
  const QString path = QFileDialog::getOpenFileName(w_, tr("Load model"), {}, tr(kModelFilter));
  if (!path.isEmpty()) loadModelPath(path);
}

bool SessionActions::loadModelPath(const QString& path) {
  const QString title = tr("Cannot load the model %1").arg(QFileInfo(path).fileName());
  // The model's options over the panel's (the map's sentences, the other model's settings).
  io::SessionFile f = doc_->recipe(w_->modelPanel()->settings());
  f.view = io::SessionView{};
  // The corpus the model was trained on: the paper's grammar (no checksum in the file),
  // or a corpus file (its SHA-256), which must be the one the window holds, as
  // `rssviz-cli evaluate --corpus` requires. Returns its grammar, to check the model's sizes.
  const auto held = w_->modelPanel()->settings().corpus_file;
  std::unique_ptr<corpus::Grammar> paper;
  auto trained_on = [&](const std::string& sha, int objects, std::uint64_t seed) -> const corpus::Grammar& {
    f.corpus.generated = corpus::CorpusOptions{};
    f.corpus.generated.objects = objects;
    f.corpus.generated.seed = seed;
    if (sha.empty()) {
      f.corpus.kind = io::CorpusSource::Kind::kGenerated;
      f.corpus.loaded = nullptr;
      paper = std::make_unique<corpus::Grammar>(objects);
      return *paper;
    }
    if (!held)
      throw std::runtime_error(path.toStdString() + " was trained on a corpus file (SHA-256 " + sha +
                               "): open that corpus first (File > Open corpus…)");
    if (held->identity.sha256 != sha)
      throw std::runtime_error(path.toStdString() + " was trained on a corpus file with SHA-256 " + sha +
                               ", not on the window's corpus " + held->identity.path + " (SHA-256 " +
                               held->identity.sha256 + "): open that corpus first (File > Open corpus…)");
    f.corpus.kind = io::CorpusSource::Kind::kFile;
    f.corpus.path = held->identity.path;
    f.corpus.sha256 = held->identity.sha256;
    f.corpus.bytes = held->identity.bytes;
    f.corpus.loaded = held;
    return held->grammar;
  };
  try {
    const std::string type = io::peek_model_type(path.toStdString());
    if (type == "esn") {
      const experiment::EsnModel m = experiment::load_esn_model(path.toStdString());
      experiment::check_model_fits(m, trained_on(m.corpus_sha256, m.objects, m.reservoir.options().seed));
      f.model = experiment::ModelKind::esn;
      f.trained = true;
      const int threads = f.reservoir.threads;
      f.reservoir = m.reservoir.options();
      f.reservoir.threads = threads;
      f.readout = m.readout;
      f.weights.push_back({"esn", experiment::to_model_file(m)});
    } else if (type == "lstm") {
      const lstm::LoadedLstm l = lstm::load_lstm(path.toStdString());
      const auto& c = l.meta.value("corpus", nlohmann::json::object());
      const std::string sha = c.is_object() && c.value("sha256", nlohmann::json()).is_string()
                                  ? c["sha256"].get<std::string>()
                                  : std::string();
      const auto& g = trained_on(sha, l.corpus.objects, l.corpus.seed);
      if (l.model.inputs() != g.vocabulary_size() || l.model.outputs() != g.output_size())
        throw std::runtime_error("the model reads " + std::to_string(l.model.inputs()) + " words and writes " +
                                 std::to_string(l.model.outputs()) + " outputs; its corpus has " +
                                 std::to_string(g.vocabulary_size()) + " words and " +
                                 std::to_string(g.output_size()) + " outputs");
      f.model = experiment::ModelKind::lstm;
      f.trained = true;
      f.every_epoch = false;
      f.lstm = l.model.options();
      f.trainer = l.trainer;
      f.trainer.threads = 1;
      const auto history = l.meta.value("history", nlohmann::json::array());
      f.trained_epochs = static_cast<int>(history.size());
      f.trainer.epochs = f.trained_epochs;
      auto corpus_options = l.corpus;
      corpus_options.file = f.corpus.loaded;  // the file's checksum stays in the embedded model
      f.weights.push_back({"lstm-frame", lstm::to_model_file(l.model, corpus_options, l.trainer, {})});
      f.weights.back().file.meta["history"] = history;
    } else {
      throw std::runtime_error("holds a \"" + type + "\" model; rssviz maps \"esn\" and \"lstm\" models");
    }
  } catch (const std::exception& e) {
    refuse(title, QString::fromUtf8(e.what()));
    return false;
  }
  const QString name = QFileInfo(path).fileName();
  w_->recipes()->build(f, tr("Mapping the model %1").arg(name), path, false, [this, f, name](Session s) {
    io::SessionFile shown = f;
    shown.weights.clear();
    w_->modelPanel()->setSettings(settingsOf(shown));
    shown_ = shown;
    w_->showBuilt(s);
    doc_->setEmbedWeights(true);  // a loaded model is kept by saving its weights
    doc_->setModified(true);
    emit message(tr("Model %1 loaded: %2").arg(name, QString::fromStdString(s->description)));
  });
  return true;
}

}  // namespace rssviz::ui
