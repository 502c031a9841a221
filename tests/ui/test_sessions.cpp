// Offscreen tests of sessions in the window (issue #13): save and reopen the same bits,
// refused files change nothing, unsaved changes are marked and asked about, undo/redo of
// a slider drag as one step, model files saved and loaded from the window.
#include <gtest/gtest.h>
#include <unistd.h>

#include <QComboBox>
#include <QDropEvent>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>
#include <QUndoStack>
#include <QUrl>
#include <QFileInfo>
#include <filesystem>

#include "core/experiment/workbench.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/session_file.hpp"
#include "tests/ui/window_helpers.hpp"
#include "ui/main_window.hpp"
#include "ui/param_slider.hpp"
#include "ui/session_actions.hpp"
#include "ui/session_document.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_sessions {

using namespace rssviz::ui;

namespace {

QString tmp(const std::string& name) {
  return QString::fromStdString(
      (std::filesystem::temp_directory_path() / ("rssviz-uis-" + std::to_string(::getpid()) + "-" + name)).string());
}

bool idle(MainWindow& w, int ms = 60000) {
  return QTest::qWaitFor([&] { return !w.jobs()->busy(); }, ms);
}

// Errors land here instead of in a dialog.
struct Errors {
  QStringList seen;
  void attach(MainWindow& w) {
    w.sessionActions()->setErrorHandler([this](const QString& t, const QString& m) { seen << t + ": " + m; });
  }
};

void expectSameMap(const rssviz::experiment::MapSession& a, const rssviz::experiment::MapSession& b) {
  EXPECT_EQ(a.points->X, b.points->X);
  EXPECT_EQ(a.layout, b.layout);
  EXPECT_EQ(a.readout, b.readout);
  EXPECT_EQ(a.description, b.description);
  ASSERT_EQ(a.stages.size(), b.stages.size());
  for (size_t i = 0; i < a.stages.size(); ++i) {
    EXPECT_EQ(a.stages[i].layout, b.stages[i].layout);
    EXPECT_EQ(a.stages[i].readout, b.stages[i].readout);
  }
}

}  // namespace

TEST(Sessions, SaveAndReopenGiveTheSameWindowBitForBit) {
  for (bool embed : {false, true}) {
    SCOPED_TRACE(embed ? "embedded weights" : "retrained on open");
    MainWindow a(nullptr, false);
    a.show();
    a.startSession(rssviz::test::smallEsn());
    ASSERT_TRUE(rssviz::test::waitSession(a));
    EXPECT_FALSE(a.sessionDocument()->modified());  // a fresh session has nothing to save
    const auto& sa = a.workspace()->session();
    const int sentence = sa->points->dataset_index[3];
    a.workspace()->select(sentence);
    a.colourBox()->setCurrentIndex(static_cast<int>(ColourMode::word));
    a.workspace()->setStage(2);
    EXPECT_TRUE(a.sessionDocument()->modified());
    EXPECT_TRUE(a.isWindowModified());
    const QString path = tmp(embed ? "embed.rssviz" : "plain.rssviz");
    ASSERT_TRUE(a.sessionActions()->saveTo(path, embed));
    EXPECT_FALSE(a.isWindowModified());
    EXPECT_TRUE(a.windowTitle().startsWith(QFileInfo(path).fileName())) << a.windowTitle().toStdString();
    EXPECT_EQ(rssviz::io::load_session_file(path.toStdString()).has_weights(), embed);
    EXPECT_EQ(a.sessionDocument()->recentFiles().value(0), QFileInfo(path).absoluteFilePath());

    MainWindow b(nullptr, false);
    b.show();
    QSignalSpy opened(b.sessionActions(), &SessionActions::opened);
    ASSERT_TRUE(b.openSession(path));
    ASSERT_TRUE(opened.wait(60000));
    const auto& sb = b.workspace()->session();
    ASSERT_TRUE(sb);
    expectSameMap(*sa, *sb);
    EXPECT_EQ(b.workspace()->selected(), sentence);
    EXPECT_EQ(b.workspace()->colourMode(), ColourMode::word);
    EXPECT_EQ(b.workspace()->stage(), 2);
    EXPECT_EQ(b.modelPanel()->settings(), a.modelPanel()->settings());
    EXPECT_FALSE(b.sessionDocument()->modified());
    EXPECT_EQ(b.sessionDocument()->path(), path);
    std::filesystem::remove(path.toStdString());
  }
}

TEST(Sessions, ALiveLstmReopensTheSame) {
  MainWindow a(nullptr, false);
  a.show();
  ModelSettings s;
  s.model = rssviz::experiment::ModelKind::lstm;
  s.lstm.hidden = 6;
  s.trainer.epochs = 2;
  s.map_sentences = 30;
  a.startSession(s);
  ASSERT_TRUE(idle(a));
  QTest::qWait(100);
  const QString path = tmp("lstm.rssviz");
  ASSERT_TRUE(a.sessionActions()->saveTo(path, true));
  MainWindow b(nullptr, false);
  b.show();
  QSignalSpy opened(b.sessionActions(), &SessionActions::opened);
  ASSERT_TRUE(b.openSession(path));
  ASSERT_TRUE(opened.wait(60000));
  expectSameMap(*a.workspace()->session(), *b.workspace()->session());
  std::filesystem::remove(path.toStdString());
}

TEST(Sessions, ARefusedFileChangesNothingAndSaysWhy) {
  MainWindow w(nullptr, false);
  w.show();
  Errors errors;
  errors.attach(w);
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  const auto before = w.workspace()->session();
  const auto settings = w.modelPanel()->settings();
  const QString path = tmp("newer.rssviz");
  ASSERT_TRUE(w.sessionActions()->saveTo(path, false));
  std::string text = rssviz::io::read_file(path.toStdString());
  text.replace(text.find("\"version\": 1"), 12, "\"version\": 7");
  rssviz::io::write_file_atomic(path.toStdString(), text);
  EXPECT_FALSE(w.openSession(path));
  ASSERT_EQ(errors.seen.size(), 1);
  EXPECT_TRUE(errors.seen[0].contains("version 7 is newer")) << errors.seen[0].toStdString();
  EXPECT_TRUE(errors.seen[0].contains("newer.rssviz")) << errors.seen[0].toStdString();
  EXPECT_FALSE(w.jobs()->busy());
  EXPECT_EQ(w.workspace()->session(), before);
  EXPECT_EQ(w.modelPanel()->settings(), settings);
  // A file whose embedded weights disagree with its options fails while it builds:
  // still nothing shown changes, and the job's error names the file and the field.
  ASSERT_TRUE(w.sessionActions()->saveTo(path, true));
  auto f = rssviz::io::load_session_file(path.toStdString());
  f.reservoir.leak_rate = 0.5;
  rssviz::io::save_session_file(path.toStdString(), f);
  QSignalSpy failed(w.jobs(), &JobRunner::failed);
  const auto saved = w.workspace()->session();
  EXPECT_TRUE(w.openSession(path));
  ASSERT_TRUE(failed.wait(60000));
  EXPECT_TRUE(failed[0][1].toString().contains("newer.rssviz: weights[0]")) << failed[0][1].toString().toStdString();
  EXPECT_EQ(w.workspace()->session(), saved);
  EXPECT_EQ(w.modelPanel()->settings(), settings);
  std::filesystem::remove(path.toStdString());
}

TEST(Sessions, UnsavedChangesAreAskedAbout) {
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  QStringList asked;
  int answer = QMessageBox::Cancel;
  w.sessionActions()->setQuestionHandler([&](const QString& t) {
    asked << t;
    return answer;
  });
  EXPECT_TRUE(w.sessionActions()->maybeSave());  // nothing changed: no question
  EXPECT_TRUE(asked.isEmpty());
  w.modelPanel()->leakRate()->setValue(0.2);  // an edit: undoable, unsaved
  EXPECT_TRUE(w.sessionDocument()->modified());
  EXPECT_TRUE(w.windowTitle().contains("[*]"));
  EXPECT_TRUE(w.isWindowModified());
  EXPECT_FALSE(w.sessionActions()->maybeSave());  // Cancel
  ASSERT_EQ(asked.size(), 1);
  EXPECT_TRUE(asked[0].contains("Untitled"));
  // Closing is cancelled too.
  EXPECT_FALSE(w.close());
  EXPECT_TRUE(w.isVisible());
  answer = QMessageBox::Discard;
  EXPECT_TRUE(w.sessionActions()->maybeSave());
  idle(w);
}

TEST(Sessions, ASliderDragIsOneUndoStepAndUndoRedrawsTheMap) {
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  auto* undo = w.sessionDocument()->undoStack();
  EXPECT_EQ(undo->count(), 0);
  auto* sr = w.modelPanel()->spectralRadius();
  const double start = sr->value();
  // A drag: pressed, many values (each redraws the map live), released.
  sr->slider()->setSliderDown(true);
  for (int v : {400, 450, 500, 550, 600}) {
    sr->slider()->setValue(v);
    QTest::qWait(5);
  }
  sr->slider()->setSliderDown(false);
  const double dragged = sr->value();
  ASSERT_NE(dragged, start);
  EXPECT_EQ(undo->count(), 1);  // one step for the whole drag
  EXPECT_TRUE(undo->text(0).startsWith("Spectral radius")) << undo->text(0).toStdString();
  ASSERT_TRUE(idle(w));
  QTest::qWait(80);
  EXPECT_FALSE(w.workspace()->session()->trained);
  // Undo restores the value and maps the reservoir for it through the job runner.
  QSignalSpy shown(&w, &MainWindow::sessionShown);
  undo->undo();
  EXPECT_EQ(sr->value(), start);
  EXPECT_EQ(w.modelPanel()->settings().reservoir.spectral_radius, start);
  ASSERT_TRUE(shown.wait(60000));
  ASSERT_TRUE(idle(w));
  QTest::qWait(80);
  const std::string restored = rssviz::experiment::format_number(start);
  EXPECT_NE(w.workspace()->session()->description.find("spectral radius " + restored + ","), std::string::npos)
      << w.workspace()->session()->description;
  // Redo brings the dragged value back, mapped again; still one step on the stack.
  undo->redo();
  EXPECT_EQ(sr->value(), dragged);
  ASSERT_TRUE(shown.wait(60000));
  ASSERT_TRUE(idle(w));
  QTest::qWait(80);
  EXPECT_NE(w.workspace()->session()->description.find("spectral radius " + rssviz::experiment::format_number(dragged) + ","),
            std::string::npos);
  EXPECT_EQ(undo->count(), 1);
  // A typed value is a step of its own.
  w.modelPanel()->spectralRadius()->field()->setValue(0.5);
  EXPECT_EQ(undo->count(), 2);
  idle(w);
}

TEST(Sessions, MapSettingsUndo) {
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  auto* undo = w.sessionDocument()->undoStack();
  w.colourBox()->setCurrentIndex(static_cast<int>(ColourMode::errorCode));
  w.colourBox()->setCurrentIndex(static_cast<int>(ColourMode::word));
  w.setMarkEnds(true);
  EXPECT_EQ(undo->count(), 2);
  undo->undo();
  EXPECT_EQ(w.workspace()->colourMode(), ColourMode::errorCode);
  EXPECT_EQ(w.colourBox()->currentIndex(), static_cast<int>(ColourMode::errorCode));
  undo->undo();
  EXPECT_EQ(w.workspace()->colourMode(), ColourMode::clausePart);
  undo->redo();
  undo->redo();
  EXPECT_EQ(w.workspace()->colourMode(), ColourMode::word);
  EXPECT_EQ(undo->count(), 2);
}

TEST(Sessions, ModelFilesSaveAndLoadFromTheWindow) {
  MainWindow a(nullptr, false);
  a.show();
  Errors errors;
  errors.attach(a);
  a.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(a));
  const QString path = tmp("model.rssviz-model");
  ASSERT_TRUE(a.sessionActions()->saveModelTo(path));
  EXPECT_EQ(rssviz::io::peek_model_type(path.toStdString()), "esn");

  MainWindow b(nullptr, false);
  b.show();
  b.modelPanel()->setSettings(rssviz::test::smallEsn());  // the map's sentences come from the panel
  ASSERT_TRUE(b.sessionActions()->loadModelPath(path));
  ASSERT_TRUE(rssviz::test::waitSession(b));
  ASSERT_TRUE(idle(b));
  expectSameMap(*a.workspace()->session(), *b.workspace()->session());
  EXPECT_EQ(b.modelPanel()->settings().reservoir.units, rssviz::test::smallEsn().reservoir.units);

  // A model of another corpus size than the one shown maps on the corpus it was trained
  // on (its objects and seed, as `rssviz-cli evaluate --model-file` does), the panel
  // following it; before, it was refused because it did not fit the corpus shown.
  MainWindow c(nullptr, false);
  c.show();
  Errors cerr;
  cerr.attach(c);
  auto s5 = rssviz::test::smallEsn();
  s5.objects = 5;
  c.startSession(s5);
  ASSERT_TRUE(rssviz::test::waitSession(c));
  const auto before = c.workspace()->session();
  ASSERT_TRUE(c.sessionActions()->loadModelPath(path));
  ASSERT_TRUE(rssviz::test::waitSession(c));
  ASSERT_TRUE(idle(c));
  EXPECT_TRUE(cerr.seen.isEmpty()) << cerr.seen.join("\n").toStdString();
  EXPECT_NE(c.workspace()->session(), before);
  EXPECT_EQ(c.modelPanel()->settings().objects, 4);
  expectSameMap(*a.workspace()->session(), *c.workspace()->session());
  // An explored reservoir has no trained model to save.
  EXPECT_TRUE(errors.seen.isEmpty());
  std::filesystem::remove(path.toStdString());
}

TEST(Sessions, ASessionDroppedOnTheWindowOpens) {
  MainWindow a(nullptr, false);
  a.show();
  a.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(a));
  const QString path = tmp("dropped.rssviz");
  ASSERT_TRUE(a.sessionActions()->saveTo(path, true));
  MainWindow b(nullptr, false);
  b.show();
  QSignalSpy opened(b.sessionActions(), &SessionActions::opened);
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(path)});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&b, &enter);
  EXPECT_TRUE(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&b, &drop);
  ASSERT_TRUE(opened.wait(60000));
  expectSameMap(*a.workspace()->session(), *b.workspace()->session());
  // Anything else is not taken.
  QMimeData other;
  other.setUrls({QUrl::fromLocalFile("/tmp/figure.png")});
  QDragEnterEvent no(QPoint(10, 10), Qt::CopyAction, &other, Qt::LeftButton, Qt::NoModifier);
  no.setAccepted(false);
  QApplication::sendEvent(&b, &no);
  EXPECT_FALSE(no.isAccepted());
  std::filesystem::remove(path.toStdString());
}

}  // namespace rssviz_test_sessions
