// --corpus FILE in place of --objects N (docs/FORMATS.md, "Corpus files"): the example
// corpora train both models end to end; the paper's corpus written and read back
// scores exactly as the paper's; model files and experiments remember their corpus.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/sha256.hpp"
#include "tests/cli/run_cli.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_cli_corpus_file {

using rssviz::test::run_cli;
using rssviz::test::slurp;
namespace fs = std::filesystem;

namespace {

const std::string kResources = RSSVIZ_RESOURCES;
const std::string kCenter = kResources + "/corpora/csl-center.tsv";
const std::string kRelative = kResources + "/corpora/csl-relative.tsv";

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("rssviz-cli-corpus-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

nlohmann::json json_of(const rssviz::test::CliResult& r) {
  EXPECT_EQ(r.code, 0) << r.err;
  return r.code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

}  // namespace

TEST(CliCorpusFile, ExampleCorporaTrainBothModelsEndToEnd) {
  for (const auto& file : {kCenter, kRelative}) {
    const std::string sha = rssviz::sha256_hex(slurp(file));
    const auto esn = json_of(run_cli("train --model esn --units 300 --json --corpus " + file));
    EXPECT_EQ(esn.value("corpus", ""), file);
    EXPECT_EQ(esn.value("corpus_sha256", ""), sha);
    EXPECT_EQ(esn.value("objects", 0), 4);
    EXPECT_EQ(esn.value("test_sentences", 0), 500);
    // A trained readout: far better than chance on its own test sentences.
    EXPECT_LT(esn.value("valid_error", 1.0), 0.5) << file;
    const auto lstm = json_of(run_cli("train --model lstm --hidden 8 --epochs 2 --json --corpus " + file));
    EXPECT_EQ(lstm.value("corpus_sha256", ""), sha);
    EXPECT_EQ(lstm.value("test_sentences", 0), 500);
    EXPECT_EQ(lstm.value("epochs", 0), 2);
  }
}

// The paper's corpus through a file scores exactly as the paper's corpus: the file holds
// the same sentences, and the teachers come from the same seed streams.
TEST(CliCorpusFile, PaperCorpusWrittenAndReadBackTrainsToTheSameScores) {
  TempDir d;
  ASSERT_EQ(run_cli("corpus --objects 4 --seed 3 --validation --out " + (d / "paper.tsv")).code, 0);
  for (const std::string model : {"--model esn --units 100", "--model lstm --hidden 6 --epochs 1"}) {
    const auto paper = json_of(run_cli("train " + model + " --seed 3 --json"));
    const auto file = json_of(run_cli("train " + model + " --seed 3 --json --corpus " + (d / "paper.tsv")));
    for (const char* k : {"valid_error", "exact_error", "rmse"})
      EXPECT_EQ(paper.at(k).get<double>(), file.at(k).get<double>()) << model << " " << k;  // bit for bit
  }
}

TEST(CliCorpusFile, SavedModelsEvaluateOnlyOnTheirCorpus) {
  TempDir d;
  for (const std::string model : {"--model esn --units 100", "--model lstm --hidden 6 --epochs 1"}) {
    const std::string m = d / "m.rssviz";
    const auto trained = json_of(run_cli("train " + model + " --json --corpus " + kCenter + " --save " + m));
    const auto again = json_of(run_cli("evaluate --json --model-file " + m + " --corpus " + kCenter));
    EXPECT_EQ(again.at("exact_error").get<double>(), trained.at("exact_error").get<double>()) << model;
    EXPECT_EQ(again.at("rmse").get<double>(), trained.at("rmse").get<double>()) << model;
    auto none = run_cli("evaluate --model-file " + m);
    EXPECT_EQ(none.code, 2) << none.err;
    EXPECT_NE(none.err.find("was trained on a corpus file"), std::string::npos) << none.err;
    auto other = run_cli("evaluate --model-file " + m + " --corpus " + kRelative);
    EXPECT_EQ(other.code, 2) << other.err;
    EXPECT_NE(other.err.find("is not the corpus file"), std::string::npos) << other.err;
    // A model of the paper's corpus is not evaluated on a file either.
    ASSERT_EQ(run_cli("train " + model + " --save " + m).code, 0);
    auto paper = run_cli("evaluate --model-file " + m + " --corpus " + kCenter);
    EXPECT_EQ(paper.code, 2) << paper.err;
    EXPECT_NE(paper.err.find("trained on the paper's corpus"), std::string::npos) << paper.err;
  }
}

TEST(CliCorpusFile, MalformedFilesAndBadCombinationsAreRefused) {
  TempDir d;
  const std::string bad = d / "bad.tsv";
  std::ofstream(bad) << "split\tsentence\tmeaning\ntrain\tthe cup is red\tcup,-,red\ntrian\ta cup\tcup,-,-\n"
                        "test\tthe cup\tcup,left,-\n";
  auto r = run_cli("train --model esn --units 20 --corpus " + bad);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find(bad + ":3: unknown split \"trian\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad + ":4: "), std::string::npos) << r.err;  // every bad line
  EXPECT_TRUE(r.out.empty());
  auto both = run_cli("train --model esn --units 20 --objects 4 --corpus " + kCenter);
  EXPECT_EQ(both.code, 2) << both.err;
  EXPECT_NE(both.err.find("--corpus"), std::string::npos) << both.err;
  EXPECT_NE(both.err.find("--objects"), std::string::npos) << both.err;
  for (const char* kind : {"objects", "training-size"}) {
    auto e = run_cli(std::string("experiment ") + kind + " --corpus " + kCenter + " --out " + (d / "x.tsv"));
    EXPECT_EQ(e.code, 2) << e.err;
    EXPECT_NE(e.err.find("--corpus does not apply to the " + std::string(kind) + " experiment"), std::string::npos)
        << e.err;
    EXPECT_FALSE(fs::exists(d / "x.tsv"));
  }
  auto missing = run_cli("states --model esn --corpus " + (d / "none.tsv") + " --out " + (d / "s.npy") +
                         " --labels " + (d / "l.tsv"));
  EXPECT_EQ(missing.code, 1) << missing.err;
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
}

// The experiment's identity line records the corpus: resuming with another corpus (or
// none) is refused instead of mixing their rows.
TEST(CliCorpusFile, ExperimentRecordsTheCorpusAndRefusesToMixCorpora) {
  TempDir d;
  const std::string out = " -q --out " + (d / "u.tsv");
  ASSERT_EQ(run_cli("experiment units --from 20 --to 20 --corpus " + kCenter + out).code, 0);
  const std::string text = slurp(d / "u.tsv");
  EXPECT_NE(text.find("\"corpus_sha256\":\"" + rssviz::sha256_hex(slurp(kCenter)) + "\""), std::string::npos) << text;
  auto other = run_cli("experiment units --from 20 --to 20 --corpus " + kRelative + out);
  EXPECT_EQ(other.code, 1) << other.err;
  EXPECT_NE(other.err.find("corpus_sha256"), std::string::npos) << other.err;
  auto paper = run_cli("experiment units --from 20 --to 20" + out);
  EXPECT_EQ(paper.code, 1) << paper.err;
  EXPECT_EQ(slurp(d / "u.tsv"), text);
  // The same corpus resumes (nothing left to run).
  EXPECT_EQ(run_cli("experiment units --from 20 --to 20 --corpus " + kCenter + out).code, 0);
}

TEST(CliCorpusFile, StatesOfACorpusFile) {
  TempDir d;
  auto r = run_cli("states --model esn --units 30 --sentences 5 --corpus " + kRelative + " --out " + (d / "s.npy") +
                   " --labels " + (d / "l.tsv"));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string labels = slurp(d / "l.tsv");
  EXPECT_NE(labels.find("which"), std::string::npos);  // the relative clause's word, from the file's vocabulary
}

}  // namespace rssviz_test_cli_corpus_file
