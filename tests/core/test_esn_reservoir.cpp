#include "core/esn/reservoir.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include "core/corpus/dataset.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_esn_reservoir {

using namespace rssviz;
using esn::Keep;
using esn::Reservoir;
using esn::ReservoirOptions;

namespace {

ReservoirOptions small(int units = 80, std::uint64_t seed = 3) {
  ReservoirOptions o;
  o.units = units;
  o.seed = seed;
  o.input_connectivity = 0.3;
  return o;
}

double full_radius(const Eigen::MatrixXd& m) {
  Eigen::EigenSolver<Eigen::MatrixXd> es(m, false);
  return es.eigenvalues().cwiseAbs().maxCoeff();
}

void expect_throws_naming(const ReservoirOptions& o, const std::string& field, const std::string& range) {
  try {
    o.validate();
    ADD_FAILURE() << "no throw for " << field;
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(field), std::string::npos) << m;
    EXPECT_NE(m.find(range), std::string::npos) << m;
  }
}

const corpus::Corpus& corpus4() {
  static const corpus::Corpus c = [] {
    corpus::CorpusOptions o;
    o.objects = 4;
    o.seed = 7;
    return corpus::make_corpus(o);
  }();
  return c;
}

}  // namespace

TEST(EsnReservoir, DefaultsAreThePapersSettings) {
  const ReservoirOptions o;
  EXPECT_EQ(o.units, 1000);
  EXPECT_DOUBLE_EQ(o.spectral_radius, 1.1);
  EXPECT_DOUBLE_EQ(o.leak_rate, 0.05);
  EXPECT_DOUBLE_EQ(o.input_scaling, 1.0);
  EXPECT_DOUBLE_EQ(o.density, 0.85);
  EXPECT_DOUBLE_EQ(o.input_connectivity, 0.1);
  EXPECT_NEAR(o.ridge, std::pow(10.0, -3.5), 1e-18);
  EXPECT_TRUE(o.bias);
  EXPECT_NO_THROW(o.validate());
}

TEST(EsnReservoir, InvalidOptionsThrowNamingValueAndRange) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto o = small();
  o.units = 0;
  expect_throws_naming(o, "units = 0", "[1, ");
  o = small();
  o.leak_rate = 0.0;
  expect_throws_naming(o, "leak_rate = 0", "(0, 1]");
  o.leak_rate = 1.5;
  expect_throws_naming(o, "leak_rate = 1.5", "(0, 1]");
  o.leak_rate = nan;
  expect_throws_naming(o, "leak_rate = nan", "(0, 1]");
  o = small();
  o.spectral_radius = -0.5;
  expect_throws_naming(o, "spectral_radius = -0.5", "[0, ");
  o.spectral_radius = nan;
  expect_throws_naming(o, "spectral_radius = nan", "[0, ");
  o = small();
  o.ridge = -1e-3;
  expect_throws_naming(o, "ridge = -0.001", "[0, ");
  o = small();
  o.density = 0.0;
  expect_throws_naming(o, "density = 0", "(0, 1]");
  o.density = 1.2;
  expect_throws_naming(o, "density = 1.2", "(0, 1]");
  o = small();
  o.input_connectivity = 0.0;
  expect_throws_naming(o, "input_connectivity = 0", "(0, 1]");
  o = small();
  o.input_scaling = -1.0;
  expect_throws_naming(o, "input_scaling = -1", "[0, ");
  EXPECT_THROW(Reservoir(small(), 0), std::invalid_argument);
  // The live path validates too.
  const Reservoir r(small(), 5);
  EXPECT_THROW((void)r.with_scaling({1.0, 0.0, 1.0}), std::invalid_argument);
  EXPECT_THROW((void)r.with_scaling({-1.0, 0.5, 1.0}), std::invalid_argument);
}

TEST(EsnReservoir, SameSeedSameWeightsSeparateStreams) {
  const Reservoir a(small(60, 5), 7), b(small(60, 5), 7), c(small(60, 6), 7);
  EXPECT_EQ(a.unit_w(), b.unit_w());
  EXPECT_EQ(a.unit_win(), b.unit_win());
  EXPECT_EQ(a.unit_bias(), b.unit_bias());
  EXPECT_NE(a.unit_w(), c.unit_w());
  EXPECT_NE(a.unit_win(), c.unit_win());
  // A different recurrent density redraws W only: Win and the bias have their own streams.
  auto o = small(60, 5);
  o.density = 0.3;
  const Reservoir d(o, 7);
  EXPECT_NE(a.unit_w(), d.unit_w());
  EXPECT_EQ(a.unit_win(), d.unit_win());
  EXPECT_EQ(a.unit_bias(), d.unit_bias());
  // Entries follow the documented laws.
  EXPECT_TRUE((a.unit_win().array().abs() == 1.0f || a.unit_win().array() == 0.0f).all());
  const double nz = static_cast<double>((d.unit_w().array() != 0.0f).count()) / (60.0 * 60.0);
  EXPECT_NEAR(nz, 0.3, 0.05);
}

TEST(EsnReservoir, ExactInitHitsTheRequestedRadius) {
  for (int units : {30, 150}) {  // Eigen's full solver below 64 units, Spectra above
    auto o = small(units, 11);
    o.weight_init = esn::WeightInit::kExact;
    o.spectral_radius = 0.9;
    const Reservoir r(o, 4);
    EXPECT_NEAR(full_radius(r.w()), 0.9, 1e-5) << units;
    EXPECT_NEAR(full_radius(r.unit_w().cast<double>()), 1.0, 1e-5) << units;
  }
}

TEST(EsnReservoir, SpectralRadiusAgreesWithTheFullEigensolver) {
  Rng rng(5, "test");
  Eigen::MatrixXd m(200, 200);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
  EXPECT_NEAR(esn::spectral_radius(m), full_radius(m), 1e-8 * full_radius(m));
}

TEST(EsnReservoir, ExpectedInitIsCloseForALargeReservoir) {
  auto o = small(400, 2);
  o.spectral_radius = 1.1;
  const Reservoir r(o, 4);
  EXPECT_NEAR(r.raw_radius(), std::sqrt(400 * 0.85 / 3.0), 1e-12);
  EXPECT_NEAR(full_radius(r.w()), 1.1, 0.08);  // circular law, finite-size deviation
}

TEST(EsnReservoir, RescaleEqualsAFreshBuild) {
  auto o = small(70, 9);
  o.weight_init = esn::WeightInit::kExact;
  const Reservoir base(o, 6);
  const Reservoir scaled = base.with_scaling({0.7, 0.3, 2.5});
  o.spectral_radius = 0.7;
  o.leak_rate = 0.3;
  o.input_scaling = 2.5;
  const Reservoir fresh(o, 6);
  EXPECT_EQ(&scaled.unit_w(), &base.unit_w());  // shared, not redrawn
  EXPECT_EQ(scaled.w(), fresh.w());
  EXPECT_EQ(scaled.win(), fresh.win());
  EXPECT_EQ(scaled.drive(), fresh.drive());
  const std::vector<std::vector<int>> seqs = {{0, 1, 2, 3}, {0, 1, 5}, {4, 4, 4, 4, 4}};
  EXPECT_EQ(esn::harvest(scaled, seqs, Keep::kEveryStep).x, esn::harvest(fresh, seqs, Keep::kEveryStep).x);
  Reservoir in_place = base;
  in_place.rescale(0.7, 0.3, 2.5, o.bias_scaling);
  EXPECT_EQ(in_place.drive(), fresh.drive());
}

// The sliders' scalings default to the reservoir's own (the paper's) values, and
// with_scaling(Scalings::of(o)) is the reservoir of o.
TEST(EsnReservoir, ScalingsAreTheReservoirOptionsScalings) {
  const esn::ReservoirOptions paper;
  const esn::Scalings d;
  EXPECT_EQ(d.spectral_radius, paper.spectral_radius);
  EXPECT_EQ(d.leak_rate, paper.leak_rate);
  EXPECT_EQ(d.input_scaling, paper.input_scaling);
  EXPECT_EQ(esn::Scalings::of(paper), d);
  auto o = small(50, 2);
  const esn::Scalings v{0.6, 0.2, 1.5};
  const auto applied = v.applied_to(o);
  EXPECT_EQ(esn::Scalings::of(applied), v);
  EXPECT_EQ(applied.units, o.units);
  EXPECT_EQ(applied.seed, o.seed);
  const Reservoir base(o, 5);
  EXPECT_EQ(base.with_scaling(v).options(), applied);
  EXPECT_EQ(base.with_scaling(esn::Scalings::of(o)).drive(), base.drive());
}

TEST(EsnReservoir, LeakOneIsThePlainTanhUpdate) {
  auto o = small(40, 4);
  o.leak_rate = 1.0;
  const Reservoir r(o, 5);
  const std::vector<int> tokens = {1, 3, 0, 4, 2};
  const Eigen::MatrixXd w = r.w(), win = r.win();
  Eigen::VectorXd x = Eigen::VectorXd::Zero(40);
  const esn::States st = esn::harvest(r, std::vector<std::vector<int>>{tokens}, Keep::kEveryStep);
  for (size_t t = 0; t < tokens.size(); ++t) {
    x = (w * x + win.col(0) + win.col(1 + tokens[t])).array().tanh().matrix();
    EXPECT_LT((st.state(0, static_cast<int>(t)).cast<double>() - x).cwiseAbs().maxCoeff(), 1e-5) << t;
  }
}

TEST(EsnReservoir, StateIsResetBeforeEachSentence) {
  const Reservoir r(small(50, 8), 6);
  const std::vector<int> s1 = {5, 1, 2, 3, 4}, s2 = {2, 2, 1};
  const auto both = esn::harvest(r, std::vector<std::vector<int>>{s1, s2}, Keep::kEveryStep);
  const auto alone = esn::harvest(r, std::vector<std::vector<int>>{s2}, Keep::kEveryStep);
  for (int t = 0; t < 3; ++t) EXPECT_EQ(both.state(1, t), alone.state(0, t));
  // First state: x(0) = a tanh(drive[:, u]) from x(-1) = 0.
  const Eigen::VectorXf first = 0.05f * r.drive().col(2).array().tanh().matrix();
  EXPECT_LT((alone.state(0, 0) - first).cwiseAbs().maxCoeff(), 1e-7);
  // The reference starts from zero for every call as well.
  EXPECT_LT((esn::run_sentence(r, s2) - alone.x.cast<double>()).cwiseAbs().maxCoeff(), 1e-5);
}

TEST(EsnReservoir, BatchedHarvestEqualsTheOneSentenceReference) {
  // 203 units: the kernels' tails (rows past a 48-row panel, k past the last 8 of a
  // packed column panel).
  for (int units : {200, 203}) {
    SCOPED_TRACE(units);
    const auto& c = corpus4();
    auto o = small(units, 1);
    o.input_connectivity = 0.1;
    const Reservoir r(o, c.grammar.vocabulary_size());
    std::vector<corpus::Sentence> some(c.test.sentences.begin(), c.test.sentences.begin() + 150);
    const auto st = esn::harvest(r, some, Keep::kEveryStep);
    ASSERT_EQ(st.sentences(), 150);
    double worst = 0.0;
    for (int s = 0; s < 150; ++s) {
      const Eigen::MatrixXd ref = esn::run_sentence(r, some[static_cast<size_t>(s)].tokens);
      ASSERT_EQ(st.offsets[static_cast<size_t>(s) + 1] - st.offsets[static_cast<size_t>(s)], ref.cols());
      worst = std::max(worst, (st.x.middleCols(st.offsets[static_cast<size_t>(s)], ref.cols()).cast<double>() - ref)
                                  .cwiseAbs()
                                  .maxCoeff());
    }
    EXPECT_LT(worst, 2e-5);  // float32 states against the double reference
    EXPECT_GT(worst, 0.0);   // (and they are not the same code path)
    // END mode returns the last column of every sentence, bitwise.
    const auto end = esn::harvest(r, some, Keep::kEnd);
    ASSERT_EQ(end.x.cols(), 150);
    for (int s = 0; s < 150; ++s) EXPECT_EQ(end.x.col(s), st.x.col(st.offsets[static_cast<size_t>(s) + 1] - 1));
  }
}

TEST(EsnReservoir, PrefixSharingComputesEachDistinctPrefixOnce) {
  const auto& c = corpus4();
  const Reservoir r(small(30, 2), c.grammar.vocabulary_size());
  const auto st = esn::harvest(r, c.train.sentences, Keep::kEveryStep);
  std::set<std::vector<int>> prefixes;
  for (const auto& s : c.train.sentences)
    for (size_t t = 1; t <= s.tokens.size(); ++t) prefixes.emplace(s.tokens.begin(), s.tokens.begin() + static_cast<long>(t));
  EXPECT_EQ(st.unique_steps, static_cast<long long>(prefixes.size()));
  EXPECT_EQ(st.total_steps, c.train.total_tokens());
  EXPECT_LT(st.unique_steps, st.total_steps);
  // Same prefix id, same state; and every sentence starts with the shared BEGIN state.
  for (int s = 1; s < st.sentences(); ++s) {
    EXPECT_EQ(st.prefix_id[static_cast<size_t>(st.offsets[static_cast<size_t>(s)])], st.prefix_id[0]);
    EXPECT_EQ(st.state(s, 0), st.state(0, 0));
  }
}

TEST(EsnReservoir, HarvestIsIndependentOfBatchAndThreads) {
  const auto& c = corpus4();
  auto o = small(300, 4);
  o.threads = 1;
  const Reservoir r1(o, c.grammar.vocabulary_size());
  o.threads = 2;
  const Reservoir r2(o, c.grammar.vocabulary_size());
  std::vector<corpus::Sentence> all = c.train.sentences;
  all.insert(all.end(), c.test.sentences.begin(), c.test.sentences.end());
  const auto together = esn::harvest(r2, all, Keep::kEnd);
  const auto test1 = esn::harvest(r1, c.test.sentences, Keep::kEnd);
  const auto test2 = esn::harvest(r2, c.test.sentences, Keep::kEnd);
  EXPECT_EQ(test1.x, test2.x);
  EXPECT_EQ(together.x.rightCols(c.test.size()), test1.x);
}

TEST(EsnReservoir, BadTokensAndCancellation) {
  const Reservoir r(small(20, 1), 5);
  try {
    (void)esn::harvest(r, std::vector<std::vector<int>>{{0, 1}, {2, 5}}, Keep::kEnd);
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("sentence 1, step 1: token 5"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)esn::run_sentence(r, {-1}), std::invalid_argument);
  StopFlag stop;
  stop.request();
  EXPECT_THROW((void)esn::harvest(r, std::vector<std::vector<int>>{{0, 1}}, Keep::kEnd, &stop), Cancelled);
  // An empty batch is valid and empty.
  const auto none = esn::harvest(r, std::vector<std::vector<int>>{}, Keep::kEnd);
  EXPECT_EQ(none.sentences(), 0);
  EXPECT_EQ(none.x.cols(), 0);
}

// Regression: under Keep::kEnd an empty sentence got a column that nothing wrote (the
// allocation is deliberately not zeroed), so its END state was whatever the memory held.
// The state is 0 before the first token, so an empty sentence's END state is 0.
TEST(EsnReservoir, AnEmptySentencesEndStateIsTheZeroState) {
  const Reservoir r(small(100, 2), 4);
  const std::vector<std::vector<int>> batch = {{}, {1, 2}, {}};
  const std::vector<std::vector<int>> both_empty = {{}, {}};
  const auto lone_end = esn::harvest(r, std::vector<std::vector<int>>{{1, 2}}, Keep::kEnd);
  const auto is_zero = [](const auto& col) { return (col.array() == 0.0f).all(); };
  // A harvest of the same shape first, freed just before: its nonzero states are what
  // an unwritten column would read.
  (void)esn::harvest(r, std::vector<std::vector<int>>{{3}, {1, 2}, {0}}, Keep::kEnd);
  const auto end = esn::harvest(r, batch, Keep::kEnd);
  ASSERT_EQ(end.sentences(), 3);
  EXPECT_EQ(end.offsets, (std::vector<long long>{0, 1, 2, 3}));
  ASSERT_EQ(end.x.cols(), 3);
  EXPECT_TRUE(is_zero(end.state(0)));
  EXPECT_EQ(end.state(1), lone_end.state(0));
  EXPECT_TRUE(is_zero(end.state(2)));
  EXPECT_EQ(end.prefix_id, (std::vector<int>{-1, lone_end.prefix_id[0], -1}));  // -1: the empty prefix
  EXPECT_EQ(end.total_steps, 2);
  EXPECT_EQ(end.unique_steps, 2);
  (void)esn::harvest(r, std::vector<std::vector<int>>{{3}, {0}}, Keep::kEnd);
  const auto none = esn::harvest(r, both_empty, Keep::kEnd);
  ASSERT_EQ(none.x.cols(), 2);
  EXPECT_TRUE(is_zero(none.x));
  EXPECT_EQ(none.offsets, (std::vector<long long>{0, 1, 2}));
  EXPECT_EQ(none.prefix_id, (std::vector<int>{-1, -1}));
  EXPECT_EQ(none.total_steps, 0);
  EXPECT_EQ(none.unique_steps, 0);
  // Every step and prefixes: an empty sentence owns no entries (offsets[s] = offsets[s+1]).
  for (Keep keep : {Keep::kEveryStep, Keep::kPrefixes}) {
    const auto lone = esn::harvest(r, std::vector<std::vector<int>>{{1, 2}}, keep);
    const auto st = esn::harvest(r, batch, keep);
    ASSERT_EQ(st.sentences(), 3);
    EXPECT_EQ(st.offsets, (std::vector<long long>{0, 0, 2, 2}));
    EXPECT_EQ(st.prefix_id, lone.prefix_id);
    EXPECT_EQ(st.x, lone.x);
    for (int t = 0; t < 2; ++t) EXPECT_EQ(st.state(1, t), lone.state(0, t));
    const auto empty = esn::harvest(r, both_empty, keep);
    EXPECT_EQ(empty.offsets, (std::vector<long long>{0, 0, 0}));
    EXPECT_EQ(empty.x.cols(), 0);
    EXPECT_TRUE(empty.prefix_id.empty());
    EXPECT_EQ(empty.unique_steps, 0);
  }
}

TEST(EsnReservoir, BiasOffAndBiasScaling) {
  auto o = small(30, 6);
  const Reservoir on(o, 4);
  o.bias = false;
  const Reservoir off(o, 4);
  EXPECT_EQ(off.unit_bias(), on.unit_bias());  // drawn either way: the stream does not shift
  EXPECT_TRUE(off.win().col(0).isZero());
  EXPECT_EQ(off.drive(), on.unit_win());  // input scaling 1, no bias term
  EXPECT_FALSE(on.unit_bias().isZero());
  o.bias = true;
  o.bias_scaling = 0.5;
  const Reservoir half(o, 4);
  EXPECT_EQ(half.win().col(0), 0.5 * on.win().col(0));
  const std::vector<int> tokens = {0, 3, 1};
  EXPECT_LT((esn::run_sentence(half, tokens) -
             esn::harvest(half, std::vector<std::vector<int>>{tokens}, Keep::kEveryStep).x.cast<double>())
                .cwiseAbs()
                .maxCoeff(),
            1e-6);
}

namespace {
std::vector<const std::vector<int>*> token_lists(const std::vector<corpus::Sentence>& s) {
  std::vector<const std::vector<int>*> v;
  for (const auto& x : s) v.push_back(&x.tokens);
  return v;
}
}  // namespace

TEST(EsnReservoir, SparseKernelGivesTheDenseKernelsStates) {
  if (!esn::sparse_harvest_available()) GTEST_SKIP() << "the sparse kernel needs an AVX2 + FMA build";
  const auto& c = corpus4();
  const auto sentences = token_lists(c.test.sentences);
  // Sparse, dense and in between; 300 units (not a multiple of 8 or 24); every step, so
  // small chunks (the first levels) and full ones are both compared; 1 and 2 threads.
  for (double density : {0.05, 0.3, 0.85}) {
    for (int threads : {1, 2}) {
      auto o = small(300, 5);
      o.density = density;
      o.threads = threads;
      const Reservoir r(o, c.grammar.vocabulary_size());
      const auto dense = esn::harvest(r, sentences, Keep::kEveryStep, esn::HarvestKernel::kDense);
      const auto sparse = esn::harvest(r, sentences, Keep::kEveryStep, esn::HarvestKernel::kSparse);
      ASSERT_EQ(dense.x.cols(), sparse.x.cols());
      EXPECT_EQ(dense.x, sparse.x) << "density " << density << ", " << threads << " thread(s)";
      EXPECT_EQ(dense.prefix_id, sparse.prefix_id);
    }
  }
}

// The harvest packs W1 once per set of rescaled copies (Reservoir::kernel_cache): a copy
// made before or after the first harvest shares the packed form, each kernel's form is
// built only when that kernel runs, and the states are those of a fresh reservoir with
// its own, freshly packed W1, bitwise.
TEST(EsnReservoir, PackedWeightsAreBuiltOnceAndSharedByRescaledCopies) {
  const auto& c = corpus4();
  const auto sentences = token_lists(c.test.sentences);
  auto o = small(130, 8);
  const Reservoir base(o, c.grammar.vocabulary_size());
  const Reservoir early = base.with_scaling({0.8, 0.4, 1.2});
  EXPECT_EQ(&early.kernel_cache(), &base.kernel_cache());
  EXPECT_EQ(base.kernel_cache().dense, nullptr);  // nothing packed before a harvest
  const auto first = esn::harvest(early, sentences, Keep::kPrefixes, esn::HarvestKernel::kDense);
  const void* packed = base.kernel_cache().dense.get();
  ASSERT_NE(packed, nullptr);
  EXPECT_EQ(base.kernel_cache().sparse, nullptr);  // the other kernel's form is not built
  const Reservoir late = base.with_scaling({1.3, 0.1, 0.7});
  EXPECT_EQ(&late.kernel_cache(), &base.kernel_cache());
  const auto again = esn::harvest(late, sentences, Keep::kPrefixes, esn::HarvestKernel::kDense);
  EXPECT_EQ(base.kernel_cache().dense.get(), packed);  // reused, not packed again
  for (const auto& [scalings, states] : {std::pair{esn::Scalings{0.8, 0.4, 1.2}, &first},
                                         std::pair{esn::Scalings{1.3, 0.1, 0.7}, &again}}) {
    const Reservoir fresh(scalings.applied_to(o), c.grammar.vocabulary_size());
    EXPECT_NE(&fresh.kernel_cache(), &base.kernel_cache());
    EXPECT_EQ(esn::harvest(fresh, sentences, Keep::kPrefixes, esn::HarvestKernel::kDense).x, states->x)
        << "spectral radius " << scalings.spectral_radius;
  }
  if (esn::sparse_harvest_available()) {
    const auto sparse = esn::harvest(late, sentences, Keep::kPrefixes, esn::HarvestKernel::kSparse);
    ASSERT_NE(base.kernel_cache().sparse, nullptr);
    EXPECT_EQ(sparse.x, again.x);
  }
}

TEST(EsnReservoir, AutomaticKernelChoiceDoesNotChangeTheStates) {
  const auto& c = corpus4();
  const auto sentences = token_lists(c.test.sentences);
  for (double density : {0.2, 0.85}) {  // sparse and dense under kAutomatic
    auto o = small(200, 6);
    o.density = density;
    const Reservoir r(o, c.grammar.vocabulary_size());
    EXPECT_EQ(esn::harvest(r, sentences, Keep::kEnd).x,
              esn::harvest(r, sentences, Keep::kEnd, esn::HarvestKernel::kDense).x);
  }
}

// Keep::kPrefixes stores each distinct prefix once: its states are those of kEveryStep,
// bitwise, at the column prefix_id names, and x has exactly unique_steps columns.
TEST(EsnReservoir, PrefixHarvestStoresEachPrefixOnceWithTheSameBits) {
  const auto& c = corpus4();
  const Reservoir r(small(120, 5), c.grammar.vocabulary_size());
  std::vector<corpus::Sentence> some(c.test.sentences.begin(), c.test.sentences.begin() + 300);
  const auto every = esn::harvest(r, some, Keep::kEveryStep);
  const auto pre = esn::harvest(r, some, Keep::kPrefixes);
  EXPECT_TRUE(pre.by_prefix);
  EXPECT_FALSE(every.by_prefix);
  EXPECT_EQ(pre.unique_steps, every.unique_steps);
  EXPECT_LT(pre.unique_steps, pre.total_steps);  // the sentences share prefixes
  EXPECT_EQ(pre.x.cols(), pre.unique_steps);
  EXPECT_EQ(pre.offsets, every.offsets);
  EXPECT_EQ(pre.prefix_id, every.prefix_id);
  for (int s = 0; s < 300; ++s)
    for (int t = 0; t < some[static_cast<size_t>(s)].length(); ++t)
      ASSERT_EQ(pre.state(s, t), every.state(s, t)) << "sentence " << s << ", step " << t;
  // Every column is used: each prefix id appears.
  std::vector<char> used(static_cast<size_t>(pre.unique_steps), 0);
  for (int id : pre.prefix_id) used[static_cast<size_t>(id)] = 1;
  EXPECT_EQ(std::count(used.begin(), used.end(), 1), pre.unique_steps);
}

}  // namespace rssviz_test_esn_reservoir
