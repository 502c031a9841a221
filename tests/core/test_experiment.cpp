#include "core/experiment/experiment.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/corpus/corpus_file.hpp"
#include "core/experiment/corpus_report.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_experiment {

using namespace rssviz;
namespace ex = rssviz::experiment;

TEST(ExperimentRunList, ObjectsSweepsValueThenModelThenSeed) {
  auto o = ex::default_experiment(ex::ExperimentKind::kObjects);
  o.from = 3, o.to = 7, o.step = 2;
  o.models = {ex::RunModel::kEsn, ex::RunModel::kLstm, ex::RunModel::kBagOfWords};
  o.seeds = 3;
  o.lstm_seeds = 2;
  o.first_seed = 10;
  const auto runs = ex::make_run_list(o);
  ASSERT_EQ(runs.size(), 3u * (3 + 2 + 3));
  for (size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i].index, static_cast<int>(i));
  EXPECT_EQ(runs[0].objects, 3);
  EXPECT_EQ(runs[0].model, ex::RunModel::kEsn);
  EXPECT_EQ(runs[0].seed, 10u);
  EXPECT_EQ(runs[2].seed, 12u);
  EXPECT_EQ(runs[3].model, ex::RunModel::kLstm);
  EXPECT_EQ(runs[4].seed, 11u);
  EXPECT_EQ(runs[5].model, ex::RunModel::kBagOfWords);
  EXPECT_EQ(runs[8].objects, 5);
  EXPECT_EQ(runs.back().objects, 7);
}

TEST(ExperimentRunList, SearchStartsWithThePapersPoint) {
  auto o = ex::default_experiment(ex::ExperimentKind::kSearch);
  o.trials = 5;
  o.seeds = 2;
  const auto runs = ex::make_run_list(o);
  ASSERT_EQ(runs.size(), 12u);
  EXPECT_EQ(runs[0].trial, 0);
  EXPECT_EQ(runs[0].point, ex::kPaperPoint);
  EXPECT_EQ(runs[1].point, ex::kPaperPoint);
  EXPECT_EQ(runs[2].trial, 1);
  EXPECT_EQ(runs[2].point, ex::sample_search(1, ex::SearchSampler::kRandom, 1).front());
}

TEST(ExperimentRunList, TrainingSizeKeepsTheTestSetAndItsDisjointOneObjectPart) {
  auto o = ex::default_experiment(ex::ExperimentKind::kTrainingSize);
  o.from = 100, o.to = 5000, o.step = 4900;
  const auto runs = ex::make_run_list(o);
  ASSERT_EQ(runs.size(), 2u);
  const auto small = ex::run_corpus_options(runs[0]);
  EXPECT_EQ(small.train_one_object, 30);
  EXPECT_EQ(small.train_two_object, 70);
  const auto big = ex::run_corpus_options(runs[1]);
  EXPECT_EQ(big.train_one_object, 688 - 300);  // capped: the 300 test one-object sentences stay unseen
  EXPECT_EQ(big.train_one_object + big.train_two_object, 5000);
  EXPECT_EQ(big.test_one_object + big.test_two_object, 1000);
}

TEST(ExperimentOptions, RejectsBadSettingsNamingThem) {
  auto expect_error = [](const ex::ExperimentOptions& o, const std::string& what) {
    try {
      o.validate();
      ADD_FAILURE() << "no error, expected " << what;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  auto o = ex::default_experiment(ex::ExperimentKind::kObjects);
  o.to = 51;
  expect_error(o, "to = 51");
  o = ex::default_experiment(ex::ExperimentKind::kObjects);
  o.from = 10, o.to = 5;
  expect_error(o, "to = 5 is below from = 10");
  o = ex::default_experiment(ex::ExperimentKind::kObjects);
  o.step = 0;
  expect_error(o, "step = 0");
  o = ex::default_experiment(ex::ExperimentKind::kUnits);
  o.models = {ex::RunModel::kLstm};
  expect_error(o, "ESN only");
  o = ex::default_experiment(ex::ExperimentKind::kObjects);
  o.models = {ex::RunModel::kEsn, ex::RunModel::kEsn};
  expect_error(o, "listed twice");
  o.models = {};
  expect_error(o, "empty");
  o = ex::default_experiment(ex::ExperimentKind::kObjects);
  o.seeds = 0;
  expect_error(o, "seeds = 0");
  o = ex::default_experiment(ex::ExperimentKind::kObjects);
  o.reservoir.leak_rate = 0;
  expect_error(o, "leak_rate = 0");
  // n = 1 has 172^2 = 29584 two-object sentences: not enough for 40000 training sentences.
  o = ex::default_experiment(ex::ExperimentKind::kTrainingSize);
  o.objects = 1, o.from = 1000, o.to = 40000, o.step = 1000;
  expect_error(o, "to = 40000 training sentences need");
  o.to = 20000;
  EXPECT_NO_THROW(o.validate());
}

TEST(ExperimentShard, ParsesIOfK) {
  EXPECT_EQ(ex::parse_shard("2/5"), (ex::Shard{2, 5}));
  EXPECT_EQ(ex::parse_shard("0/1"), (ex::Shard{0, 1}));
  for (const char* bad : {"5/5", "1", "-1/3", "a/3", "1/0", "1/", "/3", "1/3/4", " 1/3"})
    EXPECT_THROW(ex::parse_shard(bad), std::invalid_argument) << bad;
}

TEST(ExperimentShard, PartsAreDisjointAndComplete) {
  for (int k : {1, 2, 3, 7, 40}) {
    std::vector<int> owner(33, -1);
    for (int i = 0; i < k; ++i)
      for (int r = 0; r < 33; ++r)
        if (ex::Shard{i, k}.contains(r)) {
          EXPECT_EQ(owner[static_cast<size_t>(r)], -1) << "run " << r << " in two shards of " << k;
          owner[static_cast<size_t>(r)] = i;
        }
    for (int r = 0; r < 33; ++r) EXPECT_GE(owner[static_cast<size_t>(r)], 0) << "run " << r << " in no shard of " << k;
  }
}

TEST(ExperimentIdentity, RoundTrips) {
  auto o = ex::default_experiment(ex::ExperimentKind::kSearch);
  o.trials = 17;
  o.sampler = ex::SearchSampler::kSobol;
  o.reservoir.units = 123;
  o.reservoir.ridge = 1e-3 / 3;
  const auto j = ex::experiment_identity(o);
  EXPECT_EQ(ex::experiment_identity(ex::experiment_from_identity(j)), j);
  auto p = ex::default_experiment(ex::ExperimentKind::kObjects);
  p.models = {ex::RunModel::kLstm, ex::RunModel::kBagOfWords};
  p.trainer.epochs = 3;
  const auto k = ex::experiment_identity(p);
  EXPECT_FALSE(k.contains("esn"));  // options of models not run do not make experiments differ
  EXPECT_EQ(ex::experiment_identity(ex::experiment_from_identity(k)), k);
  auto bad = k;
  bad["lstm"].erase("epochs");
  EXPECT_THROW(ex::experiment_from_identity(bad), std::invalid_argument);
}

// A corpus file is part of the experiment's identity (so results of two corpora are never
// resumed or merged together) and is read back from it; objects and training-size build
// the paper's corpus per run and refuse one.
TEST(Experiment, CorpusFileIsPartOfTheIdentity) {
  corpus::CorpusOptions co;
  co.objects = 2;
  const auto tsv = ex::corpus_tsv(corpus::make_corpus(co));
  auto o = ex::default_experiment(ex::ExperimentKind::kUnits);
  o.from = o.to = 20;
  const auto plain = ex::experiment_identity(o);
  EXPECT_FALSE(plain.contains("corpus_sha256"));
  o.corpus_file = std::make_shared<const corpus::CorpusFile>(corpus::parse_corpus(tsv, "n2.tsv"));
  o.objects = o.corpus_file->grammar.objects();
  const auto with = ex::experiment_identity(o);
  EXPECT_EQ(with.at("corpus_sha256"), o.corpus_file->identity.sha256);
  EXPECT_NE(with, plain);
  const auto back = ex::experiment_from_identity(with);
  EXPECT_EQ(back.corpus_sha256, o.corpus_file->identity.sha256);
  EXPECT_EQ(ex::experiment_identity(back), with);
  // One run on the file equals the same run on the paper's corpus it holds.
  const auto runs = ex::make_run_list(o);
  ASSERT_EQ(runs.size(), 1u);
  auto paper = o;
  paper.corpus_file = nullptr;
  const auto a = ex::run_configuration(o, runs[0], 1, false);
  const auto b = ex::run_configuration(paper, runs[0], 1, false);
  EXPECT_EQ(a.test.exact_error, b.test.exact_error);
  EXPECT_EQ(a.test.rmse, b.test.rmse);
  for (auto kind : {ex::ExperimentKind::kObjects, ex::ExperimentKind::kTrainingSize}) {
    auto k = ex::default_experiment(kind);
    k.corpus_file = o.corpus_file;
    EXPECT_THROW(k.validate(), std::invalid_argument) << ex::to_string(kind);
  }
}

}  // namespace rssviz_test_experiment
