// Offscreen tests of File > Open corpus…: a corpus file trains both models in the window;
// a malformed one is refused in a dialog naming its lines, and the old corpus stays.
#include <gtest/gtest.h>
#include <unistd.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTest>
#include <filesystem>
#include <fstream>

#include "core/io/session_file.hpp"
#include "tests/ui/window_helpers.hpp"
#include "ui/session_actions.hpp"
#include "ui/main_window.hpp"
#include "ui/model_panel.hpp"
#include "ui/workspace.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_window_corpus {

using namespace rssviz::ui;

namespace {

const QString kRelative = QStringLiteral(RSSVIZ_RESOURCES "/corpora/csl-relative.tsv");
const QString kCenter = QStringLiteral(RSSVIZ_RESOURCES "/corpora/csl-center.tsv");

void waitIdle(MainWindow& w) {
  QElapsedTimer t;
  t.start();
  while (w.jobs()->busy() && t.elapsed() < 120000) QTest::qWait(20);
  QTest::qWait(150);
}

QMessageBox* corpusErrorBox(MainWindow& w) {
  QMessageBox* box = nullptr;
  (void)QTest::qWaitFor([&] { return (box = w.findChild<QMessageBox*>("corpusErrorBox")) != nullptr; }, 20000);  // null on a timeout: the callers assert it
  return box;
}

}  // namespace

TEST(WindowCorpus, OpenCorpusTrainsTheEsnAndTheLstmOnIt) {
  MainWindow w(nullptr, false);
  w.show();
  ModelSettings s = rssviz::test::smallEsn();
  w.modelPanel()->setSettings(s);
  ASSERT_TRUE(w.openCorpus(kRelative));
  ASSERT_TRUE(rssviz::test::waitSession(w, 120000));
  const auto& esn = w.workspace()->session();
  ASSERT_TRUE(esn && esn->trained);
  EXPECT_EQ(esn->corpus->test.size(), 500);
  EXPECT_NE(esn->corpus->grammar.word_index("which"), -1);  // the file's vocabulary
  EXPECT_LT(esn->scores.valid_error, 0.5);
  EXPECT_NE(esn->description.find("corpus csl-relative.tsv"), std::string::npos) << esn->description;
  const auto* name = w.findChild<QLabel*>("corpusName");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->text(), "corpus csl-relative.tsv");
  ASSERT_TRUE(w.modelPanel()->settings().corpus_file);
  // The LSTM trains on the same corpus: the panel keeps it.
  s = w.modelPanel()->settings();
  s.model = rssviz::experiment::ModelKind::lstm;
  s.lstm.hidden = 6;
  s.trainer.epochs = 2;
  s.map_sentences = 30;
  w.startSession(s);
  waitIdle(w);
  const auto& lstm = w.workspace()->session();
  ASSERT_TRUE(lstm);
  EXPECT_EQ(lstm->model, rssviz::experiment::ModelKind::lstm);
  EXPECT_EQ(lstm->corpus->test.size(), 500);
  EXPECT_EQ(lstm->corpus->grammar.vocabulary(), esn->corpus->grammar.vocabulary());
  EXPECT_EQ(lstm->stages.size(), 3u);
}

TEST(WindowCorpus, MalformedCorpusIsRefusedAndTheCurrentCorpusStays) {
  MainWindow w(nullptr, false);
  w.show();
  ModelSettings s = rssviz::test::smallEsn();
  w.modelPanel()->setSettings(s);
  ASSERT_TRUE(w.openCorpus(kCenter));
  ASSERT_TRUE(rssviz::test::waitSession(w, 120000));
  const auto before = w.workspace()->session();
  const auto corpus_before = w.modelPanel()->settings().corpus_file;
  ASSERT_TRUE(corpus_before);

  const auto bad = std::filesystem::temp_directory_path() / ("rssviz-bad-corpus-" + std::to_string(::getpid()) + ".tsv");
  std::ofstream(bad) << "split\tsentence\tmeaning\ntrain\tthe cup is red\tcup,-,blue\ntest\ta cup\tcup,-,-\n";
  // Read on the job thread: the call returns at once, and the panel's corpus stays until
  // the file is read and valid.
  EXPECT_TRUE(w.openCorpus(QString::fromStdString(bad.string())));
  EXPECT_EQ(w.modelPanel()->settings().corpus_file, corpus_before);
  auto* box = corpusErrorBox(w);
  ASSERT_TRUE(box);
  EXPECT_NE(box->text().indexOf(QString::fromStdString(bad.string())), -1) << box->text().toStdString();
  EXPECT_NE(box->informativeText().indexOf("line 2: the meaning names the colour \"blue\""), -1)
      << box->informativeText().toStdString();
  box->close();  // deleted on close
  ASSERT_TRUE(QTest::qWaitFor([&] { return !w.findChild<QMessageBox*>("corpusErrorBox"); }, 2000));
  std::filesystem::remove(bad);
  // Nothing was replaced or retrained.
  EXPECT_FALSE(w.jobs()->busy());
  EXPECT_EQ(w.workspace()->session(), before);
  EXPECT_EQ(w.modelPanel()->settings().corpus_file, corpus_before);
  // A missing file is refused the same way.
  EXPECT_TRUE(w.openCorpus("/nonexistent/corpus.tsv"));
  box = corpusErrorBox(w);
  ASSERT_TRUE(box);
  EXPECT_NE(box->informativeText().indexOf("does not exist"), -1) << box->informativeText().toStdString();
  box->close();
  EXPECT_EQ(w.modelPanel()->settings().corpus_file, corpus_before);
}

// A session on a corpus file stores the file's path and SHA-256; reopened, its corpus is
// read (on the job thread) and checked, the map is the same bits and the panel holds the
// file; a corpus file that changed since refuses the session and nothing shown changes.
TEST(WindowCorpus, ASessionOnACorpusFileReopensTheSameAndAChangedFileIsRefused) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("rssviz-corpus-session-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path corpus = dir / "mine.tsv";
  fs::copy_file(kCenter.toStdString(), corpus, fs::copy_options::overwrite_existing);
  const QString session = QString::fromStdString((dir / "mine.rssviz").string());

  MainWindow a(nullptr, false);
  a.show();
  a.modelPanel()->setSettings(rssviz::test::smallEsn());
  ASSERT_TRUE(a.openCorpus(QString::fromStdString(corpus.string())));
  ASSERT_TRUE(rssviz::test::waitSession(a, 120000));
  ASSERT_TRUE(a.sessionActions()->saveTo(session, false));
  const auto f = rssviz::io::load_session_file(session.toStdString());
  ASSERT_EQ(f.corpus.kind, rssviz::io::CorpusSource::Kind::kFile);
  EXPECT_EQ(f.corpus.path, corpus.string());
  EXPECT_EQ(f.corpus.sha256, a.modelPanel()->settings().corpus_file->identity.sha256);

  MainWindow b(nullptr, false);
  b.show();
  QSignalSpy opened(b.sessionActions(), &SessionActions::opened);
  ASSERT_TRUE(b.openSession(session));
  ASSERT_TRUE(opened.wait(120000));
  const auto& sa = *a.workspace()->session();
  const auto& sb = *b.workspace()->session();
  EXPECT_EQ(sa.points->X, sb.points->X);
  EXPECT_EQ(sa.layout, sb.layout);
  EXPECT_EQ(sa.readout, sb.readout);
  ASSERT_TRUE(b.modelPanel()->settings().corpus_file);
  EXPECT_EQ(b.modelPanel()->settings().corpus_file->identity, a.modelPanel()->settings().corpus_file->identity);

  // The corpus changes: the session is refused once its corpus is read, naming both.
  std::ofstream(corpus, std::ios::app) << "test\tthe cup is red\tcup,-,red\n";
  QStringList errors;
  b.sessionActions()->setErrorHandler([&](const QString& t, const QString& m) { errors << t + "\n" + m; });
  const auto before = b.workspace()->session();
  const auto settings = b.modelPanel()->settings();
  EXPECT_TRUE(b.openSession(session));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !errors.isEmpty(); }, 20000));
  EXPECT_TRUE(errors[0].contains("mine.rssviz")) << errors[0].toStdString();
  EXPECT_TRUE(errors[0].contains("the file has changed")) << errors[0].toStdString();
  QTest::qWait(200);
  EXPECT_FALSE(b.jobs()->busy());
  EXPECT_EQ(b.workspace()->session(), before);
  EXPECT_EQ(b.modelPanel()->settings(), settings);
  fs::remove_all(dir);
}

// Regression (Load model… mapped a model trained on a corpus file on the paper's
// corpus): the model file's corpus checksum must be the window's corpus file, else it is
// refused saying which corpus to open; with that corpus open it maps the same readout.
TEST(WindowCorpus, AModelTrainedOnACorpusFileLoadsOnlyWithThatCorpus) {
  const QString model = QString::fromStdString(
      (std::filesystem::temp_directory_path() / ("rssviz-corpus-model-" + std::to_string(::getpid()) + ".rssviz-model"))
          .string());
  MainWindow a(nullptr, false);
  a.show();
  a.modelPanel()->setSettings(rssviz::test::smallEsn());
  ASSERT_TRUE(a.openCorpus(kCenter));
  ASSERT_TRUE(rssviz::test::waitSession(a, 120000));
  ASSERT_TRUE(a.sessionActions()->saveModelTo(model));

  MainWindow b(nullptr, false);
  b.show();
  QStringList errors;
  b.sessionActions()->setErrorHandler([&](const QString& t, const QString& m) { errors << t + "\n" + m; });
  b.modelPanel()->setSettings(rssviz::test::smallEsn());
  EXPECT_FALSE(b.sessionActions()->loadModelPath(model));  // the window holds the paper's corpus
  ASSERT_EQ(errors.size(), 1);
  EXPECT_TRUE(errors[0].contains("trained on a corpus file")) << errors[0].toStdString();
  EXPECT_TRUE(errors[0].contains("File > Open corpus")) << errors[0].toStdString();
  ASSERT_TRUE(b.openCorpus(kRelative));  // another corpus: still refused, naming it
  ASSERT_TRUE(rssviz::test::waitSession(b, 120000));
  EXPECT_FALSE(b.sessionActions()->loadModelPath(model));
  ASSERT_EQ(errors.size(), 2);
  EXPECT_TRUE(errors[1].contains("csl-relative.tsv")) << errors[1].toStdString();
  ASSERT_TRUE(b.openCorpus(kCenter));
  ASSERT_TRUE(rssviz::test::waitSession(b, 120000));
  ASSERT_TRUE(b.sessionActions()->loadModelPath(model));
  ASSERT_TRUE(rssviz::test::waitSession(b, 120000));
  const auto& sb = *b.workspace()->session();
  EXPECT_EQ(sb.readout, a.workspace()->session()->readout);
  EXPECT_EQ(sb.corpus->options.file->identity.sha256, a.modelPanel()->settings().corpus_file->identity.sha256);
  ASSERT_TRUE(b.modelPanel()->settings().corpus_file);
  std::filesystem::remove(model.toStdString());
}

}  // namespace rssviz_test_window_corpus
