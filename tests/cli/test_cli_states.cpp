// rssviz-cli states: the map's states, labels and layout for other tools.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>

#include "core/corpus/dataset.hpp"
#include "core/experiment/workbench.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/npy.hpp"
#include "tests/cli/run_cli.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_cli_states {

namespace fs = std::filesystem;
using rssviz::test::run_cli;
namespace ex = rssviz::experiment;

namespace {

// A fresh folder per test for the three outputs.
struct Outputs {
  fs::path dir, states, labels, embedding;
  explicit Outputs(const std::string& name)
      : dir(fs::temp_directory_path() / ("rssviz-cli-states-" + std::to_string(::getpid()) + "-" + name)),
        states(dir / "states.npy"),
        labels(dir / "labels.tsv"),
        embedding(dir / "map.npy") {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Outputs() { fs::remove_all(dir); }
  std::string args(bool with_embedding = true) const {
    return " --out " + states.string() + " --labels " + labels.string() +
           (with_embedding ? " --embedding " + embedding.string() : std::string());
  }
};

rssviz::io::NpyHeader header(const fs::path& p) { return rssviz::io::parse_npy_header(rssviz::io::read_file(p), p.string()); }

std::vector<std::vector<std::string>> tsv(const fs::path& p) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream is(rssviz::io::read_file(p));
  for (std::string line; std::getline(is, line);) {
    std::vector<std::string> f;
    std::istringstream ls(line);
    for (std::string x; std::getline(ls, x, '\t');) f.push_back(x);
    rows.push_back(std::move(f));
  }
  return rows;
}

const std::vector<std::string> kHeader = {"row", "sentence", "step", "word", "clause_position",
                                          "error_code", "decoded", "valid", "exact"};

// Tokens of the test sentences the map uses (the corpus of objects 4, seed `seed`).
std::vector<rssviz::corpus::Sentence> map_sentences(int count, std::uint64_t seed) {
  rssviz::corpus::CorpusOptions co;
  co.seed = seed;
  const auto c = rssviz::corpus::make_corpus(co);
  std::vector<rssviz::corpus::Sentence> v;
  for (int i : ex::spread_sentences(c.test, count)) v.push_back(c.test.sentences[static_cast<size_t>(i)]);
  return v;
}

}  // namespace

TEST(CliStates, EsnWritesExtendedStatesOfEveryStepWithAlignedLabelsAndEmbedding) {
  Outputs o("esn");
  auto r = run_cli("states --model esn --units 100 --sentences 30" + o.args());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto h = header(o.states);
  EXPECT_EQ(h.dtype, rssviz::io::NpyDtype::float32);  // '<f4'
  EXPECT_FALSE(h.fortran_order);
  ASSERT_EQ(h.shape.size(), 2u);
  long long steps = 0;
  const auto sentences = map_sentences(30, 1);
  for (const auto& s : sentences) steps += s.length();
  EXPECT_EQ(h.shape[0], static_cast<size_t>(steps));  // duplicates kept
  EXPECT_EQ(h.shape[1], 101u);                        // [1; x]
  const Eigen::MatrixXf X = rssviz::io::read_npy_f(o.states);
  EXPECT_TRUE((X.col(0).array() == 1.0f).all());
  const auto rows = tsv(o.labels);
  ASSERT_EQ(rows.size(), static_cast<size_t>(X.rows()) + 1);
  EXPECT_EQ(rows[0], kHeader);
  // Sentence then step order; the word column is the token read.
  size_t k = 1;
  for (const auto& s : sentences)
    for (int t = 0; t < s.length(); ++t, ++k) {
      ASSERT_EQ(rows[k].size(), kHeader.size());
      EXPECT_EQ(rows[k][0], std::to_string(k - 1));
      EXPECT_EQ(rows[k][2], std::to_string(t));
    }
  EXPECT_EQ(rows[1][3], "BEGIN");
  EXPECT_EQ(rows[1][4], "first clause");
  EXPECT_EQ(rows[static_cast<size_t>(sentences[0].length())][3], "END");
  EXPECT_EQ(rows[static_cast<size_t>(sentences[0].length())][4], "END");
  const auto e = header(o.embedding);
  EXPECT_EQ(e.dtype, rssviz::io::NpyDtype::float32);
  EXPECT_EQ(e.shape, (std::vector<size_t>{static_cast<size_t>(X.rows()), 2}));
  // Rows with the same state (a shared prefix: every BEGIN) share their map coordinates.
  const Eigen::MatrixXf E = rssviz::io::read_npy_f(o.embedding);
  for (Eigen::Index i = 1; i < X.rows(); ++i)
    if (X.row(i) == X.row(0)) EXPECT_TRUE(E.row(i) == E.row(0)) << i;
  EXPECT_NE(r.out.find(std::to_string(steps) + " states x 101"), std::string::npos) << r.out;
}

TEST(CliStates, UniqueRowsAreTheWorkbenchMapPoints) {
  Outputs o("unique");
  auto r = run_cli("states --model esn --units 100 --sentences 30 --seed 3 --unique" + o.args());
  ASSERT_EQ(r.code, 0) << r.err;
  // The same session in process: the rows are its points, the embedding its layout.
  ex::EsnSessionOptions so;
  so.reservoir.units = 100;
  so.reservoir.seed = 3;
  so.map_sentences = 30;
  const auto s = ex::build_esn_session(so);
  const Eigen::MatrixXf X = rssviz::io::read_npy_f(o.states);
  ASSERT_EQ(X.rows(), s->points->size());
  EXPECT_TRUE(X == s->points->X);
  EXPECT_TRUE(rssviz::io::read_npy_f(o.embedding) == s->layout);
  EXPECT_EQ(tsv(o.labels).size(), static_cast<size_t>(X.rows()) + 1);
  // No two rows alike.
  std::vector<std::vector<float>> v(static_cast<size_t>(X.rows()));
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) v[static_cast<size_t>(i)].push_back(X(i, j));
  std::sort(v.begin(), v.end());
  EXPECT_EQ(std::adjacent_find(v.begin(), v.end()), v.end());
}

TEST(CliStates, LstmSentencesStartWithTheZeroState) {
  Outputs o("lstm");
  auto r = run_cli("states --model lstm --hidden 6 --epochs 2 --sentences 20" + o.args());
  ASSERT_EQ(r.code, 0) << r.err;
  const Eigen::MatrixXf X = rssviz::io::read_npy_f(o.states);
  EXPECT_EQ(X.cols(), 6);  // the cell state
  const auto sentences = map_sentences(20, 1);
  long long want = 0;
  for (const auto& s : sentences) want += s.length() + 1;
  ASSERT_EQ(X.rows(), want);
  const auto rows = tsv(o.labels);
  ASSERT_EQ(rows.size(), static_cast<size_t>(want) + 1);
  Eigen::Index r0 = 0;
  for (const auto& s : sentences) {
    const auto& first = rows[static_cast<size_t>(r0) + 1];
    EXPECT_EQ(first[2], "0");
    EXPECT_EQ(first[3], "(zero)");
    EXPECT_TRUE(X.row(r0).isZero(0.0f)) << r0;
    EXPECT_EQ(rows[static_cast<size_t>(r0) + 2][3], "BEGIN");
    r0 += s.length() + 1;
  }
  EXPECT_EQ(header(o.embedding).shape, (std::vector<size_t>{static_cast<size_t>(want), 2}));
  EXPECT_NE(r.out.find("epoch 2/2"), std::string::npos) << r.out;
}

TEST(CliStates, SameSeedTwiceGivesByteIdenticalFiles) {
  for (const char* model : {"--model esn --units 80", "--model lstm --hidden 5 --epochs 1"}) {
    Outputs a("same-a"), b("same-b");
    const std::string cmd = std::string("states ") + model + " --sentences 15 --seed 4";
    auto ra = run_cli(cmd + a.args());
    auto rb = run_cli(cmd + b.args());
    ASSERT_EQ(ra.code, 0) << ra.err;
    ASSERT_EQ(rb.code, 0) << rb.err;
    EXPECT_EQ(rssviz::io::read_file(a.states), rssviz::io::read_file(b.states)) << model;
    EXPECT_EQ(rssviz::io::read_file(a.labels), rssviz::io::read_file(b.labels)) << model;
    EXPECT_EQ(rssviz::io::read_file(a.embedding), rssviz::io::read_file(b.embedding)) << model;
  }
}

TEST(CliStates, BadSentencesIsBadUsage) {
  Outputs o("bad-k");
  for (const char* k : {"0", "1001", "x", "-3"}) {
    auto r = run_cli(std::string("states --model esn --units 20 --sentences ") + k + o.args());
    EXPECT_EQ(r.code, 2) << k << ": " << r.err;
    EXPECT_NE(r.err.find("--sentences"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_FALSE(fs::exists(o.states));
  EXPECT_FALSE(fs::exists(o.labels));
}

TEST(CliStates, OptionsOfTheOtherModelAndMissingOutputsAreBadUsage) {
  Outputs o("usage");
  auto r = run_cli("states --model esn --hidden 8" + o.args());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--hidden applies to --model lstm only"), std::string::npos) << r.err;
  r = run_cli("states --model lstm --leak-rate 0.1" + o.args());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--leak-rate applies to --model esn only"), std::string::npos) << r.err;
  r = run_cli("states --model esn --leak-rate 0" + o.args());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--leak-rate = 0 is out of range"), std::string::npos) << r.err;
  r = run_cli("states --model esn --seed -1" + o.args());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--seed"), std::string::npos) << r.err;
  r = run_cli("states --model esn --labels " + o.labels.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
  r = run_cli("states --model esn --out " + o.states.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--labels"), std::string::npos) << r.err;
  r = run_cli("states --model esn --out " + o.states.string() + " --labels " + o.states.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("two outputs"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(o.dir));
  auto h = run_cli("states --help");
  EXPECT_EQ(h.code, 0);
  for (const char* opt : {"--sentences", "--out", "--labels", "--embedding", "--unique", "--units", "--hidden"})
    EXPECT_NE(h.out.find(opt), std::string::npos) << opt;
}

// A bad output path fails before the training starts (the paper's LSTM here would train
// for tens of seconds), with exit 1 naming the path, and replaces nothing.
TEST(CliStates, BadOutputPathFailsFastNamingIt) {
  Outputs o("fast");
  rssviz::io::write_file_atomic(o.states, "old states");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {" --out /nonexistent-dir/states.npy --labels " + o.labels.string(), "/nonexistent-dir/states.npy"},
      {" --out " + o.dir.string() + " --labels " + o.labels.string(), o.dir.string()},
      {" --out " + o.states.string() + " --labels " + (o.dir / "missing" / "l.tsv").string(),
       (o.dir / "missing" / "l.tsv").string()},
      {o.args(false) + " --embedding " + o.dir.string(), o.dir.string()},
      {" --out /dev/null --labels " + o.labels.string(), "/dev/null"},
  };
  for (const auto& [args, path] : cases) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = run_cli("states --model lstm" + args);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(r.code, 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << "training started: " << r.out;
    EXPECT_LT(seconds, 1.0) << args;
  }
  EXPECT_EQ(rssviz::io::read_file(o.states), "old states");
  EXPECT_FALSE(fs::exists(o.labels));
}

}  // namespace rssviz_test_cli_states
