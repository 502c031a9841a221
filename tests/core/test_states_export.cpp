#include "core/experiment/states_export.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/experiment/workbench.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/npy.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_states_export {

namespace fs = std::filesystem;
using namespace rssviz;
using namespace rssviz::experiment;

namespace {

std::shared_ptr<MapSession> esn_session() {
  static const auto s = [] {
    EsnSessionOptions o;
    o.reservoir.units = 60;
    o.map_sentences = 15;
    o.stages = {1000};
    return build_esn_session(o);
  }();
  return s;
}

std::shared_ptr<MapSession> lstm_session() {
  static const auto s = [] {
    auto o = lstm_session_options(4, 2);
    o.model.hidden = 5;
    o.trainer.epochs = 1;
    o.map_sentences = 12;
    return build_lstm_session(o);
  }();
  return s;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream is(text);
  for (std::string l; std::getline(is, l);) v.push_back(l);
  return v;
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> v;
  std::istringstream is(line);
  for (std::string f; std::getline(is, f, '\t');) v.push_back(f);
  return v;
}

fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / ("rssviz-states-" + std::to_string(::getpid()) + "-" + name);
}

}  // namespace

TEST(StatesExport, EveryStepRowsFollowTheSentencesInOrder) {
  const auto s = esn_session();
  const auto& p = *s->points;
  const auto& test = s->corpus->test;
  const auto t = make_states_table(*s, false);
  EXPECT_FALSE(t.unique);
  ASSERT_EQ(t.rows(), p.rows_total);
  EXPECT_EQ(t.states.cols(), 61);  // [1; x]
  EXPECT_TRUE((t.states.col(0).array() == 1.0f).all());
  const auto chosen = spread_sentences(test, 15);
  int r = 0;
  for (size_t ms = 0; ms < chosen.size(); ++ms) {
    const auto& sent = test.sentences[static_cast<size_t>(chosen[ms])];
    const auto codes = sentence_error_codes(s->corpus->grammar, test, p, static_cast<int>(ms), p.outputs);
    for (int step = 0; step < sent.length(); ++step, ++r) {
      const auto k = static_cast<size_t>(r);
      EXPECT_EQ(t.sentence[k], chosen[ms]);
      EXPECT_EQ(t.step[k], step);
      EXPECT_EQ(t.word[k], sent.tokens[static_cast<size_t>(step)]);
      EXPECT_EQ(t.part[k], sent.parts()[static_cast<size_t>(step)]);
      EXPECT_EQ(t.point[k], p.point_of[ms][static_cast<size_t>(step)]);
      EXPECT_TRUE(t.states.row(r) == p.X.row(t.point[k]));
      EXPECT_EQ(t.error_code[k], codes[static_cast<size_t>(step)]);  // against this row's own sentence
      const Eigen::VectorXd y = p.outputs.row(t.point[k]).transpose().cast<double>();
      EXPECT_EQ(t.decoded[k], metrics::decode(s->corpus->grammar, y));
    }
  }
  EXPECT_EQ(t.point.size(), static_cast<size_t>(t.rows()));
}

TEST(StatesExport, UniqueRowsAreTheMapPoints) {
  const auto s = esn_session();
  const auto& p = *s->points;
  const auto t = make_states_table(*s, true);
  EXPECT_TRUE(t.unique);
  ASSERT_EQ(t.rows(), p.size());
  EXPECT_TRUE(t.states == p.X);
  EXPECT_EQ(t.error_code, p.error_code);
  EXPECT_EQ(t.word, p.word);
  EXPECT_EQ(t.step, p.step);
  for (int i = 0; i < p.size(); ++i)
    EXPECT_EQ(t.sentence[static_cast<size_t>(i)], p.dataset_index[static_cast<size_t>(p.sentence[static_cast<size_t>(i)])]);
  // The embedding is the layout itself; every-step rows share their point's coordinates.
  EXPECT_TRUE(states_embedding(*s, t) == s->layout);
  const auto all = make_states_table(*s, false);
  const Eigen::MatrixXf e = states_embedding(*s, all);
  ASSERT_EQ(e.rows(), all.rows());
  for (int r = 0; r < all.rows(); ++r) EXPECT_TRUE(e.row(r) == s->layout.row(all.point[static_cast<size_t>(r)]));
}

TEST(StatesExport, LstmSentencesStartWithTheZeroState) {
  const auto s = lstm_session();
  const auto t = make_states_table(*s, false);
  EXPECT_EQ(t.states.cols(), 5);
  int starts = 0;
  for (int r = 0; r < t.rows(); ++r) {
    const auto k = static_cast<size_t>(r);
    const bool first = r == 0 || t.sentence[k] != t.sentence[k - 1];
    EXPECT_EQ(first, t.step[k] == 0) << r;
    if (!first) continue;
    ++starts;
    EXPECT_EQ(t.word[k], kNoWord);
    EXPECT_EQ(t.part[k], corpus::ClausePart::kFirstClause);
    EXPECT_TRUE(t.states.row(r).isZero(0.0f));
  }
  EXPECT_EQ(starts, 12);
  // Rows: each sentence's tokens plus its zero state.
  long long want = 0;
  for (int i : spread_sentences(s->corpus->test, 12)) want += s->corpus->test.sentences[static_cast<size_t>(i)].length() + 1;
  EXPECT_EQ(t.rows(), want);
  // --unique: the zero state of all 12 sentences is one point.
  const auto u = make_states_table(*s, true);
  EXPECT_EQ(std::count(u.word.begin(), u.word.end(), kNoWord), 1);
}

TEST(StatesExport, LabelsTsvHasAHeaderAndOneLinePerRow) {
  const auto s = lstm_session();
  const auto t = make_states_table(*s, false);
  const auto lines = lines_of(states_labels_tsv(*s, t));
  ASSERT_EQ(lines.size(), static_cast<size_t>(t.rows()) + 1);
  EXPECT_EQ(lines[0], "row\tsentence\tstep\tword\tclause_position\terror_code\tdecoded\tvalid\texact");
  const auto& g = s->corpus->grammar;
  for (int r = 0; r < t.rows(); ++r) {
    const auto f = fields(lines[static_cast<size_t>(r) + 1]);
    const auto k = static_cast<size_t>(r);
    ASSERT_EQ(f.size(), 9u) << lines[k + 1];
    EXPECT_EQ(f[0], std::to_string(r));
    EXPECT_EQ(f[1], std::to_string(t.sentence[k]));
    EXPECT_EQ(f[2], std::to_string(t.step[k]));
    EXPECT_EQ(f[3], t.word[k] == kNoWord ? "(zero)" : g.vocabulary()[static_cast<size_t>(t.word[k])]);
    EXPECT_EQ(f[4], clause_part_name(t.part[k]));
    EXPECT_EQ(f[5], std::to_string(t.error_code[k]));
    EXPECT_EQ(f[6], g.meaning_text(t.decoded[k]));
    const auto& res = s->results[static_cast<size_t>(t.sentence[k])];
    EXPECT_EQ(f[7], res.valid ? "1" : "0");
    EXPECT_EQ(f[8], res.exact ? "1" : "0");
  }
}

TEST(StatesExport, WriteStatesWritesAlignedFilesAllOrNothing) {
  const auto s = esn_session();
  const auto t = make_states_table(*s, false);
  StatesFiles f{temp("s.npy"), temp("l.tsv"), temp("e.npy")};
  check_states_files(f);
  write_states(*s, t, f);
  EXPECT_TRUE(io::read_npy_f(f.states) == t.states);
  EXPECT_TRUE(io::read_npy_f(f.embedding) == states_embedding(*s, t));
  EXPECT_EQ(io::read_file(f.labels), states_labels_tsv(*s, t));
  // An embedding path that cannot be written: the states and labels files stay as they were.
  const auto before = io::read_file(f.states);
  StatesFiles bad = f;
  bad.embedding = temp("no-such-folder") / "e.npy";
  EXPECT_THROW(write_states(*s, make_states_table(*s, true), bad), std::runtime_error);
  EXPECT_EQ(io::read_file(f.states), before);
  for (const auto& p : {f.states, f.labels, f.embedding}) fs::remove(p);
}

TEST(StatesExport, CheckStatesFilesNamesTheBadPath) {
  const StatesFiles missing{temp("no-such-folder") / "s.npy", temp("l.tsv"), {}};
  try {
    check_states_files(missing);
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing.states.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(check_states_files({temp("s.npy"), fs::temp_directory_path(), {}}), std::runtime_error);
  EXPECT_THROW(check_states_files({temp("s.npy"), temp("l.tsv"), temp("s.npy")}), std::invalid_argument);
  EXPECT_NO_THROW(check_states_files({temp("s.npy"), temp("l.tsv"), {}}));
  EXPECT_FALSE(fs::exists(temp("s.npy")));
}

}  // namespace rssviz_test_states_export
