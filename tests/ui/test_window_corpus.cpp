// Offscreen tests of File > Open corpus…: a corpus file trains both models in the window;
// a malformed one is refused in a dialog naming its lines, and the old corpus stays.
#include <gtest/gtest.h>
#include <unistd.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QMessageBox>
#include <QTest>
#include <filesystem>
#include <fstream>

#include "tests/ui/window_helpers.hpp"
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
  QTest::qWaitFor([&] { return (box = w.findChild<QMessageBox*>("corpusErrorBox")) != nullptr; }, 2000);
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
  s.hidden = 6;
  s.epochs = 2;
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
  EXPECT_FALSE(w.openCorpus(QString::fromStdString(bad.string())));
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
  EXPECT_FALSE(w.openCorpus("/nonexistent/corpus.tsv"));
  box = corpusErrorBox(w);
  ASSERT_TRUE(box);
  EXPECT_NE(box->informativeText().indexOf("does not exist"), -1) << box->informativeText().toStdString();
  box->close();
  EXPECT_EQ(w.modelPanel()->settings().corpus_file, corpus_before);
}

}  // namespace rssviz_test_window_corpus
