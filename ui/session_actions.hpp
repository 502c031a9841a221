// The window's File and Model actions on sessions and model files: New, Open…, Save,
// Save As… (with "embed trained weights"), recent files, Save trained model…, Load
// model…, and the unsaved-changes question. The dialogs live here; the logic in
// SessionDocument (ui/session_document.hpp) and the core (core/experiment/saved_session.hpp).
// Everything that builds a session runs through the window's job runner (one job, newest
// wins, cancellable); a refused file or a failed build changes nothing that is shown.
#pragma once
#include <QObject>
#include <QString>
#include <functional>
#include <memory>

#include "core/experiment/map_session.hpp"
#include "core/corpus/corpus_file.hpp"
#include "core/io/session_file.hpp"

class QAction;
class QMenu;
class QWidget;

namespace rssviz::ui {

class MainWindow;
class SessionDocument;

class SessionActions : public QObject {
  Q_OBJECT
 public:
  using Session = std::shared_ptr<const experiment::MapSession>;
  // Watches `window` for session files dropped on it (they open, after the unsaved-changes question).
  SessionActions(MainWindow* window, SessionDocument* doc);

  // Adds New, Open, Open Recent, Save, Save As to `file`; Save trained model, Load model to `model`.
  void addFileActions(QMenu* file);
  void addModelActions(QMenu* model);

  // The flows, without their file dialogs (tests, drag and drop, the command line).
  // openPath: refuses a damaged file with a dialog (and returns false); otherwise starts
  // reading its corpus file (if any) and building it on the job thread and returns true,
  // the window showing it when built (a missing or changed corpus file: a dialog later).
  bool openPath(const QString& path);
  // Saves what the window shows; returns false (after a dialog) when it cannot.
  bool saveTo(const QString& path, bool embed_weights);
  bool saveModelTo(const QString& path);
  bool loadModelPath(const QString& path);
  void newSession();
  // Asks Save / Discard / Cancel when there are unsaved changes; false: cancelled.
  bool maybeSave();
  // Tests answer the questions and see the errors instead of a modal dialog.
  void setQuestionHandler(std::function<int(const QString& text)> ask) { ask_ = std::move(ask); }
  void setErrorHandler(std::function<void(const QString& title, const QString& text)> show) { error_ = std::move(show); }

  // The recipe of the session shown (what a save describes).
  const io::SessionFile& shownRecipe() const { return shown_; }
  void setShownRecipe(const io::SessionFile& f) { shown_ = f; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 signals:
  void opened(const QString& path);  // a session file was built and shown
  void openRefused(const QString& path);  // a session file (or its corpus file) was refused
  void message(const QString& text);

 private:
  void open();
  bool save();
  bool saveAs();
  void saveModel();
  void loadModel();
  void refuse(const QString& title, const QString& text);
  void rebuildRecent();
  void buildOpened(const QString& path, const io::SessionFile& f);
  void finishOpen(const QString& path, const io::SessionFile& f, Session s);
  struct CorpusLoad {  // a session's corpus file read on the job thread, or why not
    std::shared_ptr<const corpus::CorpusFile> file;
    QString error;
  };

  MainWindow* w_;
  SessionDocument* doc_;
  QMenu* recent_ = nullptr;
  io::SessionFile shown_;
  std::function<int(const QString&)> ask_;
  std::function<void(const QString&, const QString&)> error_;
};

}  // namespace rssviz::ui
