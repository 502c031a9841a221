// The window's session as a document: the file it was opened from or saved to, whether
// it has unsaved changes, its undo stack, the recent files, and the conversions between
// a session file (core/io/session_file.hpp) and what the window shows (the model
// panel's settings, the workspace's view). No dialogs here (ui/session_actions.hpp asks).
#pragma once
#include <QObject>
#include <QString>
#include <QStringList>

#include "core/io/session_file.hpp"
#include "ui/model_panel.hpp"
#include "ui/workspace.hpp"

class QUndoStack;

namespace rssviz::ui {

// The panel's settings over a file's options: the corpus, the map's sentences and the
// models' structs are the settings' (which carry the fields the panel does not show from
// the file they came from, settingsOf); the rest of `base` stays. The master seed
// (ModelSettings::setSeed) seeds the corpus, the reservoir and the LSTM's streams, as the
// paper's protocol does.
io::SessionFile withSettings(io::SessionFile base, const ModelSettings& s);
// The panel's view of a file (its master seed: the corpus seed).
ModelSettings settingsOf(const io::SessionFile& f);

// What the window shows besides the model.
io::SessionView viewOf(const Workspace& ws, bool mark_ends);
// Applies a file's view to the workspace after its session is shown; values that do not
// fit the session (a stage or unit past the end) fall back to the defaults.
void applyView(const io::SessionView& v, Workspace& ws);
ColourMode colourModeFromSessionName(const std::string& name);
std::string sessionColourName(ColourMode mode);

class SessionDocument : public QObject {
  Q_OBJECT
 public:
  explicit SessionDocument(QObject* parent = nullptr);

  QUndoStack* undoStack() const { return undo_; }
  const QString& path() const { return path_; }  // empty: untitled
  QString displayName() const;                   // the file's name, or "Untitled"
  bool modified() const { return modified_; }
  void setModified(bool m);
  // The last choice of the save dialog's "embed trained weights" box.
  bool embedWeights() const { return embed_; }
  void setEmbedWeights(bool e) { embed_ = e; }

  // The options the panel's settings go over (from the file opened, else the defaults).
  const io::SessionFile& base() const { return base_; }
  // The recipe for the panel's settings: what Train builds.
  io::SessionFile recipe(const ModelSettings& s) const { return withSettings(base_, s); }

  // Writes `f` to `path` atomically; on success the document is that file, unmodified.
  // Returns the error ("" on success).
  QString save(const QString& path, const io::SessionFile& f);
  // The document is now `f`, opened from `path` (empty: a new, untitled one): clean, no undo history.
  void reset(const QString& path, const io::SessionFile& f);

  QStringList recentFiles() const;  // most recent first (QSettings "session/recent")
  void addRecent(const QString& path);
  static constexpr int kMaxRecent = 8;

 signals:
  void changed();  // path or modified changed
  void recentChanged();

 private:
  QUndoStack* undo_;
  QString path_;
  bool modified_ = false;
  bool embed_ = false;
  io::SessionFile base_;
};

}  // namespace rssviz::ui
