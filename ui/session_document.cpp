#include "ui/session_document.hpp"

#include <QFileInfo>
#include <QSettings>
#include <QUndoStack>
#include <algorithm>


namespace rssviz::ui {

io::SessionFile withSettings(io::SessionFile f, const ModelSettings& s) {
  f.model = s.model;
  f.corpus.kind = s.corpus_file ? io::CorpusSource::Kind::kFile : io::CorpusSource::Kind::kGenerated;
  f.corpus.generated.objects = s.objects;
  f.corpus.generated.seed = s.seed();
  f.corpus.loaded = s.corpus_file;
  if (s.corpus_file) {
    f.corpus.path = s.corpus_file->identity.path;
    f.corpus.sha256 = s.corpus_file->identity.sha256;
    f.corpus.bytes = s.corpus_file->identity.bytes;
  }
  f.map_sentences = s.map_sentences;
  f.reservoir = s.reservoir;
  f.lstm = s.lstm;
  f.trainer = s.trainer;
  f.trained = true;
  f.trained_epochs = s.trainer.epochs;
  f.weights.clear();
  return f;
}

ModelSettings settingsOf(const io::SessionFile& f) {
  ModelSettings s;
  s.model = f.model;
  s.objects = f.corpus.generated.objects;
  s.corpus_file = f.corpus.loaded;
  s.map_sentences = f.map_sentences;
  s.reservoir = f.reservoir;
  s.lstm = f.lstm;
  s.trainer = f.trainer;
  s.setSeed(f.corpus.generated.seed);  // the file's corpus seed is the master seed
  return s;
}

ColourMode colourModeFromSessionName(const std::string& name) {
  const auto& names = io::session_colour_modes();
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? ColourMode::clausePart : static_cast<ColourMode>(it - names.begin());
}

std::string sessionColourName(ColourMode mode) { return io::session_colour_modes()[static_cast<size_t>(mode)]; }

io::SessionView viewOf(const Workspace& ws, bool mark_ends) {
  io::SessionView v;
  v.stage = ws.stage();
  v.selected = ws.selected();
  v.colour = sessionColourName(ws.colourMode());
  v.colour_parameter = ws.colourParameter();
  v.mark_ends = mark_ends;
  v.highlighted_unit = ws.highlightedUnit();
  v.marked_word = ws.markedWord();
  const auto& a = ws.analysis();
  v.analysis_output = a.output;
  v.output_scale = analysis::to_string(a.scale);
  const auto kind = experiment::to_string(a.units.kind);
  v.unit_set = kind == "hand" ? "polyvalent" : kind;  // a hand-picked set is not kept
  v.unit_set_output = a.units.output;
  v.unit_set_top = a.units.top;
  return v;
}

void applyView(const io::SessionView& v, Workspace& ws) {
  const auto& s = ws.session();
  if (!s || !s->points || !s->corpus) return;
  const int units = s->points->units();
  const auto& g = s->corpus->grammar;
  ColourMode mode = colourModeFromSessionName(v.colour);
  int param = v.colour_parameter;
  if (mode == ColourMode::outputUnit && param >= g.output_size()) param = 0;
  if (mode == ColourMode::unit && param >= units) param = 0;
  ws.setColour(mode, param);
  ws.setStage(v.stage < static_cast<int>(s->stages.size()) ? v.stage : -1);
  ws.select(v.selected);
  ws.setHighlightedUnit(v.highlighted_unit < units ? v.highlighted_unit : -1);
  ws.setMarkedWord(v.marked_word < g.vocabulary_size() ? v.marked_word : -1);
  AnalysisSettings a = ws.analysis();
  a.output = v.analysis_output < g.output_size() ? v.analysis_output : 0;
  a.scale = analysis::output_scale_from_string(v.output_scale);
  a.units.kind = experiment::unit_set_from_string(v.unit_set);
  a.units.output = v.unit_set_output < g.output_size() ? v.unit_set_output : 0;
  a.units.top = v.unit_set_top;
  ws.setAnalysis(a);
}

SessionDocument::SessionDocument(QObject* parent) : QObject(parent), undo_(new QUndoStack(this)) {
  base_ = withSettings(io::SessionFile{}, ModelSettings{});
  connect(undo_, &QUndoStack::indexChanged, this, [this] { setModified(true); });
}

QString SessionDocument::displayName() const {
  return path_.isEmpty() ? tr("Untitled") : QFileInfo(path_).fileName();
}

void SessionDocument::setModified(bool m) {
  if (m == modified_) return;
  modified_ = m;
  emit changed();
}

QString SessionDocument::save(const QString& path, const io::SessionFile& f) {
  try {
    io::save_session_file(path.toStdString(), f);
  } catch (const std::exception& e) {
    return QString::fromUtf8(e.what());
  }
  path_ = path;
  base_ = f;
  base_.weights.clear();
  embed_ = f.has_weights() && f.trained;
  undo_->setClean();
  modified_ = false;
  addRecent(path);
  emit changed();
  return {};
}

void SessionDocument::reset(const QString& path, const io::SessionFile& f) {
  path_ = path;
  base_ = f;
  base_.weights.clear();
  embed_ = f.has_weights() && f.trained;
  undo_->clear();
  modified_ = false;
  if (!path.isEmpty()) addRecent(path);
  emit changed();
}

QStringList SessionDocument::recentFiles() const {
  return QSettings().value("session/recent").toStringList();
}

void SessionDocument::addRecent(const QString& path) {
  const QString abs = QFileInfo(path).absoluteFilePath();
  QStringList list = recentFiles();
  list.removeAll(abs);
  list.prepend(abs);
  while (list.size() > kMaxRecent) list.removeLast();
  QSettings().setValue("session/recent", list);
  emit recentChanged();
}

}  // namespace rssviz::ui
