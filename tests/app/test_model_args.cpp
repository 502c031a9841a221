// app/common/model_args.hpp: the model options, parsed in process.
#include "app/common/model_args.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_model_args {

using namespace rssviz;

namespace {

struct Parsed {
  CLI::App app{"test"};
  app::ModelArgs args;
  app::ModelOptionSet set;
  explicit Parsed(bool model_required = true) : set(app::add_model_options(&app, args, model_required)) {}
  void parse(std::vector<std::string> argv) {
    std::reverse(argv.begin(), argv.end());  // CLI11's vector form takes the arguments last first
    app.parse(argv);
  }
};

std::string usage_error(const std::vector<std::string>& argv) {
  Parsed p;
  p.parse(argv);
  try {
    p.set.check();
  } catch (const app::UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(AppModelArgs, DefaultsAreTheCoresAndThePapers) {
  Parsed p;
  p.parse({"--model", "esn"});
  p.set.check();
  const auto e = app::esn_experiment_options(p.args);
  const esn::ReservoirOptions core;
  EXPECT_EQ(e.objects, 4);
  EXPECT_EQ(e.reservoir.units, core.units);
  EXPECT_EQ(e.reservoir.ridge, core.ridge);  // exactly 10^-3.5, no round trip through text
  EXPECT_EQ(e.reservoir.leak_rate, core.leak_rate);
  EXPECT_EQ(e.reservoir.seed, 1u);
  EXPECT_TRUE(e.reservoir.bias);
  EXPECT_EQ(e.readout, experiment::EsnReadout::kRidge);
  const auto l = app::lstm_protocol_options(p.args);
  const auto paper = experiment::lstm_paper_options(4, 1);
  EXPECT_EQ(l.model.hidden, paper.model.hidden);
  EXPECT_EQ(l.trainer.epochs, paper.trainer.epochs);
  EXPECT_EQ(l.trainer.batch_size, paper.trainer.batch_size);
  EXPECT_EQ(l.trainer.learning_rate, paper.trainer.learning_rate);
  EXPECT_EQ(l.trainer.threads, paper.trainer.threads);
  const auto s = app::esn_session_options(p.args);
  EXPECT_EQ(s.map_sentences, 200);
  EXPECT_EQ(s.umap.n_neighbors, experiment::paper_map_umap().n_neighbors);
  EXPECT_EQ(s.umap.seed, 42u);
}

TEST(AppModelArgs, EveryOptionReachesTheCoreOptions) {
  Parsed p;
  p.parse({"--model", "esn", "-n", "6", "-s", "9", "-j", "2", "--units", "50", "--spectral-radius", "0.9",
           "--leak-rate", "0.2", "--input-scaling", "0.5", "--density", "0.3", "--input-connectivity", "0.4",
           "--bias-scaling", "0.7", "--no-bias", "--ridge", "0.01", "--readout", "rls", "--weight-init", "exact"});
  p.set.check();
  const auto s = app::esn_session_options(p.args);
  EXPECT_EQ(s.objects, 6);
  const auto& r = s.reservoir;
  EXPECT_EQ(r.seed, 9u);
  EXPECT_EQ(r.threads, 2);
  EXPECT_EQ(s.umap.threads, 2);
  EXPECT_EQ(r.units, 50);
  EXPECT_EQ(r.spectral_radius, 0.9);
  EXPECT_EQ(r.leak_rate, 0.2);
  EXPECT_EQ(r.input_scaling, 0.5);
  EXPECT_EQ(r.density, 0.3);
  EXPECT_EQ(r.input_connectivity, 0.4);
  EXPECT_EQ(r.bias_scaling, 0.7);
  EXPECT_FALSE(r.bias);
  EXPECT_EQ(r.ridge, 0.01);
  EXPECT_EQ(r.weight_init, esn::WeightInit::kExact);
  EXPECT_EQ(s.readout, experiment::EsnReadout::kRls);

  Parsed q;
  q.parse({"--model", "lstm", "-n", "5", "-s", "3", "-j", "2", "--hidden", "7", "--epochs", "4", "--batch-size", "8",
           "--learning-rate", "0.01", "--clip", "2.5", "--shuffle"});
  q.set.check();
  const auto l = app::lstm_session_options(q.args);
  EXPECT_EQ(l.corpus.objects, 5);
  EXPECT_EQ(l.corpus.seed, 3u);
  EXPECT_EQ(l.model.seed, 3u);
  EXPECT_EQ(l.trainer.seed, 3u);
  EXPECT_EQ(l.model.hidden, 7);
  EXPECT_EQ(l.trainer.epochs, 4);
  EXPECT_EQ(l.trainer.batch_size, 8);
  EXPECT_EQ(l.trainer.learning_rate, 0.01);
  EXPECT_EQ(l.trainer.clip_norm, 2.5);
  EXPECT_TRUE(l.trainer.shuffle);
  EXPECT_EQ(l.trainer.threads, 2);
  EXPECT_EQ(l.map_sentences, 200);
}

TEST(AppModelArgs, CheckNamesTheFlag) {
  EXPECT_EQ(usage_error({"--model", "esn", "--hidden", "8"}), "--hidden applies to --model lstm only");
  EXPECT_EQ(usage_error({"--model", "lstm", "--leak-rate", "0.5"}), "--leak-rate applies to --model esn only");
  EXPECT_EQ(usage_error({"--model", "esn", "--leak-rate", "0"}), "--leak-rate = 0 is out of range (0, 1]");
  EXPECT_EQ(usage_error({"--model", "esn", "--readout", "rls", "--ridge", "0"}).rfind("--ridge = 0 is out of range", 0),
            0u);
  EXPECT_EQ(usage_error({"--model", "esn"}), "");
  EXPECT_EQ(usage_error({"--model", "lstm"}), "");
}

TEST(AppModelArgs, CoreMessagesBecomeFlagNames) {
  auto as_flag = [](const char* msg) {
    try {
      app::rethrow_as_flag(std::invalid_argument(msg));
    } catch (const app::UsageError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(as_flag("input_connectivity = 2 is out of range (0, 1]"), "--input-connectivity = 2 is out of range (0, 1]");
  EXPECT_EQ(as_flag("TrainerOptions.clip_norm = -1 is out of range [0, 1e+12]"),
            "--clip = -1 is out of range [0, 1e+12]");
  EXPECT_EQ(as_flag("TrainerOptions.batch_size = 0 is out of range [1, 1000000]"),
            "--batch-size = 0 is out of range [1, 1000000]");
  EXPECT_EQ(as_flag("LstmOptions.hidden = 0 is out of range [1, 4096]"), "--hidden = 0 is out of range [1, 4096]");
  EXPECT_EQ(as_flag("the model reads 20 words"), "the model reads 20 words");
}

TEST(AppModelArgs, ModelMayBeOptional) {
  Parsed p(false);
  p.parse({"--units", "30"});
  p.set.check();
  EXPECT_EQ(p.args.model, "esn");
  EXPECT_EQ(app::esn_experiment_options(p.args).reservoir.units, 30);
  Parsed q;
  EXPECT_THROW(q.parse({"--units", "30"}), CLI::RequiredError);
}

TEST(AppModelArgs, SeedIsDecimalAndInRange) {
  Parsed p;
  p.parse({"--model", "esn", "--seed", "007"});
  EXPECT_EQ(p.args.seed, 7u);
  for (const char* bad : {"-1", "0x10", "18446744073709551616", "", "+3"}) {
    Parsed q;
    EXPECT_THROW(q.parse({"--model", "esn", "--seed", bad}), CLI::ValidationError) << bad;
  }
}

// Issue #14: NaN passed CLI::Range (every comparison with NaN is false), so --learning-rate
// nan reached the core; every floating-point option now names its allowed range.
TEST(AppModelArgs, NonFiniteValuesAreRefusedWithTheRange) {
  const auto parse_error = [](const std::vector<std::string>& argv) -> std::string {
    Parsed p;
    try {
      p.parse(argv);
      p.set.check();
    } catch (const CLI::ValidationError& e) {
      return e.what();
    } catch (const app::UsageError& e) {
      return e.what();
    }
    return "";
  };
  for (const char* v : {"nan", "NaN", "inf", "-inf"}) {
    const std::string lr = parse_error({"--model", "lstm", "--learning-rate", v});
    EXPECT_NE(lr.find("is not a finite number in [1e-12, 10]"), std::string::npos) << v << ": " << lr;
    const std::string clip = parse_error({"--model", "lstm", "--clip", v});
    EXPECT_NE(clip.find("[0, 1e+12]"), std::string::npos) << v << ": " << clip;
    // The ESN's options are checked by the core, whose message names the flag and range.
    const std::string sr = parse_error({"--model", "esn", "--spectral-radius", v});
    EXPECT_EQ(sr.rfind("--spectral-radius = ", 0), 0u) << v << ": " << sr;
    EXPECT_NE(sr.find("is out of range [0, 1e+06]"), std::string::npos) << v << ": " << sr;
    const std::string leak = parse_error({"--model", "esn", "--leak-rate", v});
    EXPECT_NE(leak.find("is out of range (0, 1]"), std::string::npos) << v << ": " << leak;
  }
  const std::string text = parse_error({"--model", "lstm", "--learning-rate", "fast"});
  EXPECT_NE(text.find("\"fast\" is not a number in [1e-12, 10]"), std::string::npos) << text;
  const std::string big = parse_error({"--model", "lstm", "--learning-rate", "11"});
  EXPECT_NE(big.find("11 is out of range [1e-12, 10]"), std::string::npos) << big;
  EXPECT_EQ(parse_error({"--model", "lstm", "--learning-rate", "0.5", "--clip", "1"}), "");
}

TEST(AppModelArgs, FiniteRangeAcceptsTheEndsAndRefusesTheRest) {
  const auto check = [](const CLI::Validator& v, std::string s) { return v(s); };
  const CLI::Validator v = app::finite_range(0.01, 100.0);
  EXPECT_EQ(check(v, "0.01"), "");
  EXPECT_EQ(check(v, "100"), "");
  EXPECT_EQ(check(v, "4"), "");
  EXPECT_EQ(check(v, "0.001"), "0.001 is out of range [0.01, 100]");
  EXPECT_EQ(check(v, "nan"), "nan is not a finite number in [0.01, 100]");
  EXPECT_EQ(check(v, "-inf"), "-inf is not a finite number in [0.01, 100]");
  EXPECT_EQ(check(v, ""), "\"\" is not a number in [0.01, 100]");
  EXPECT_EQ(check(v, "4 fps"), "\"4 fps\" is not a number in [0.01, 100]");
}

// --corpus FILE: read while parsing, handed to every option struct in place of --objects.
TEST(AppModelArgs, CorpusFileReachesEveryModelsOptions) {
  const std::string file = RSSVIZ_RESOURCES "/corpora/csl-center.tsv";
  Parsed p;
  p.parse({"--model", "esn", "--corpus", file});
  p.set.check();
  ASSERT_TRUE(p.args.corpus);
  EXPECT_EQ(p.args.corpus->identity.path, file);
  EXPECT_EQ(app::esn_experiment_options(p.args).corpus_file, p.args.corpus);
  EXPECT_EQ(app::esn_experiment_options(p.args).objects, p.args.corpus->grammar.objects());
  EXPECT_EQ(app::esn_session_options(p.args).corpus_file, p.args.corpus);
  EXPECT_EQ(app::lstm_protocol_options(p.args).corpus.file, p.args.corpus);
  EXPECT_EQ(app::lstm_session_options(p.args).corpus.file, p.args.corpus);
  EXPECT_EQ(app::corpus_options(p.args).file, p.args.corpus);
  Parsed both;
  EXPECT_THROW(both.parse({"--model", "esn", "--objects", "4", "--corpus", file}), CLI::ExcludesError);
  Parsed bad;
  EXPECT_THROW(bad.parse({"--model", "esn", "--corpus", "/nonexistent.tsv"}), rssviz::corpus::CorpusFileError);
}

}  // namespace rssviz_test_model_args
