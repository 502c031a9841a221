#include "core/corpus/dataset.hpp"

#include <gtest/gtest.h>

#include <set>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_dataset {

using namespace rssviz::corpus;

namespace {
std::set<std::vector<int>> token_set(const Dataset& d) {
  std::set<std::vector<int>> s;
  for (const auto& x : d.sentences) s.insert(x.tokens);
  return s;
}
}  // namespace

TEST(Dataset, SplitSizesForEveryN) {
  for (int n : {2, 3, 4, 10, 50}) {
    CorpusOptions o;
    o.objects = n;
    auto c = make_corpus(o);
    EXPECT_EQ(c.train.size(), 1000) << n;
    EXPECT_EQ(c.test.size(), 1000) << n;
    EXPECT_EQ(c.validation.size(), 280) << n;
    int one = 0;
    for (const auto& s : c.train.sentences) one += !s.two_objects();
    EXPECT_EQ(one, 300);
    EXPECT_EQ(c.train.teacher.rows(), 1000);
    EXPECT_EQ(c.train.teacher.cols(), 2 * (n + 7));
  }
}

TEST(Dataset, OneObjectCorpusHasOnly172OneObjectSentences) {
  CorpusOptions o;
  o.objects = 1;
  auto c = make_corpus(o);
  EXPECT_EQ(c.train.size(), 172 + 700);
  EXPECT_EQ(c.test.size(), 172 + 700);
}

TEST(Dataset, TrainTestValidationDisjointFromFourObjects) {
  for (int n : {4, 6, 20}) {
    CorpusOptions o;
    o.objects = n;
    o.seed = 7;
    auto c = make_corpus(o);
    auto tr = token_set(c.train), te = token_set(c.test), va = token_set(c.validation);
    EXPECT_EQ(tr.size(), 1000u) << "train has duplicates";
    EXPECT_EQ(te.size(), 1000u);
    EXPECT_EQ(va.size(), 280u);
    for (const auto& s : te) {
      EXPECT_EQ(tr.count(s), 0u);
      EXPECT_EQ(va.count(s), 0u);
    }
    for (const auto& s : va) EXPECT_EQ(tr.count(s), 0u);
  }
}

TEST(Dataset, SentenceStructureAndLengths) {
  auto c = make_corpus({});
  const auto& g = c.grammar;
  for (const auto& s : c.test.sentences) {
    EXPECT_EQ(s.tokens.front(), g.begin_token());
    EXPECT_EQ(s.tokens.back(), g.end_token());
    if (s.two_objects()) {
      EXPECT_GE(s.length(), 11);
      EXPECT_LE(s.length(), 19);
      EXPECT_EQ(s.tokens[static_cast<size_t>(s.and_position)], g.and_token());
      EXPECT_EQ(std::count(s.tokens.begin(), s.tokens.end(), g.and_token()), 1);
    } else {
      EXPECT_GE(s.length(), 6);
      EXPECT_LE(s.length(), 10);
      EXPECT_TRUE(s.meaning[1].empty());
    }
    const auto parts = s.parts();
    EXPECT_EQ(parts.back(), ClausePart::kEnd);
    EXPECT_EQ(parts.front(), ClausePart::kFirstClause);
  }
  EXPECT_EQ(c.test.min_length(), 6);
  EXPECT_EQ(c.test.max_length(), 19);
}

TEST(Dataset, TeacherSlotsHoldThreeOnesOrZeroAndFillOnlyWhereSilent) {
  CorpusOptions o;
  o.objects = 10;
  auto c = make_corpus(o);
  const auto& g = c.grammar;
  int random_second = 0, one_object = 0;
  for (int i = 0; i < c.train.size(); ++i) {
    const auto& s = c.train.sentences[static_cast<size_t>(i)];
    for (int slot = 0; slot < 2; ++slot) {
      auto row = c.train.teacher.row(i);
      auto grp = [&](int off, int k) { return row.segment(off, k); };
      const auto obj = grp(g.object_offset(slot), g.objects());
      const auto pos = grp(g.position_offset(slot), kPositions);
      const auto col = grp(g.colour_offset(slot), kColours);
      const double total = obj.sum() + pos.sum() + col.sum();
      ASSERT_TRUE(total == 0.0 || total == 3.0);
      for (auto v : {obj, pos, col})
        for (int k = 0; k < v.size(); ++k) ASSERT_TRUE(v[k] == 0.0 || v[k] == 1.0);
      if (total == 3.0) {
        EXPECT_EQ(obj.sum(), 1.0);
        EXPECT_EQ(pos.sum(), 1.0);
        EXPECT_EQ(col.sum(), 1.0);
      }
      const auto& p = s.meaning[static_cast<size_t>(slot)];
      if (p.object >= 0) EXPECT_EQ(obj[p.object], 1.0);
      if (p.position >= 0) EXPECT_EQ(pos[p.position], 1.0);
      if (p.colour >= 0) EXPECT_EQ(col[p.colour], 1.0);
      if (slot == 1 && !s.two_objects()) {
        ++one_object;
        random_second += total == 3.0;
      }
      if (slot == 0 || s.two_objects()) EXPECT_EQ(total, 3.0);
    }
  }
  // About half of the one-object teachers carry a random second object.
  EXPECT_GT(random_second, 100);
  EXPECT_LT(random_second, 200);
  EXPECT_EQ(one_object, 300);
}

TEST(Dataset, UnmentionedAttributesAreFilledUniformly) {
  CorpusOptions o;
  o.objects = 4;
  auto c = make_corpus(o);
  const auto& g = c.grammar;
  std::array<int, kPositions> counts{};
  int silent = 0;
  for (int i = 0; i < c.train.size(); ++i) {
    const auto& s = c.train.sentences[static_cast<size_t>(i)];
    if (s.meaning[0].position >= 0) continue;
    ++silent;
    for (int k = 0; k < kPositions; ++k) counts[static_cast<size_t>(k)] += c.train.teacher(i, g.position_offset(0) + k) == 1.0;
  }
  ASSERT_GT(silent, 60);
  for (int k = 0; k < kPositions; ++k) EXPECT_GT(counts[static_cast<size_t>(k)], silent / 6) << k;
}

TEST(Dataset, SameSeedSameCorpusDifferentSeedDifferentSplit) {
  CorpusOptions a;
  a.seed = 11;
  auto c1 = make_corpus(a), c2 = make_corpus(a);
  ASSERT_EQ(c1.train.size(), c2.train.size());
  for (int i = 0; i < c1.train.size(); ++i)
    EXPECT_EQ(c1.train.sentences[static_cast<size_t>(i)].tokens, c2.train.sentences[static_cast<size_t>(i)].tokens);
  EXPECT_EQ(c1.train.teacher, c2.train.teacher);
  EXPECT_EQ(c1.test.teacher, c2.test.teacher);
  CorpusOptions b = a;
  b.seed = 12;
  auto c3 = make_corpus(b);
  EXPECT_NE(token_set(c1.train), token_set(c3.train));
}

TEST(Dataset, LargeCorpusSamplesPairsWithoutTheFullList) {
  CorpusOptions o;
  o.objects = 50;  // (172*50)^2 = 74 million pairs: never materialised
  auto c = make_corpus(o);
  EXPECT_EQ(c.train.size(), 1000);
  EXPECT_EQ(token_set(c.test).size(), 1000u);
}

TEST(Dataset, OneHotInputs) {
  auto c = make_corpus({});
  auto x = c.test.one_hot(0, c.grammar.vocabulary_size());
  EXPECT_EQ(x.rows(), c.test.sentences[0].length());
  for (int t = 0; t < x.rows(); ++t) {
    EXPECT_EQ(x.row(t).sum(), 1.0);
    EXPECT_EQ(x(t, c.test.sentences[0].tokens[static_cast<size_t>(t)]), 1.0);
  }
}

TEST(Dataset, RejectsBadOptions) {
  CorpusOptions o;
  o.objects = 0;
  EXPECT_THROW(make_corpus(o), std::invalid_argument);
  o = {};
  o.second_slot_fill = 1.5;
  EXPECT_THROW(make_corpus(o), std::invalid_argument);
  o = {};
  o.train_one_object = o.train_two_object = 0;
  EXPECT_THROW(make_corpus(o), std::invalid_argument);
  Grammar g(4);
  EXPECT_THROW(make_sentence(g, 688), std::invalid_argument);
  EXPECT_THROW(make_sentence(g, 0, -2), std::invalid_argument);
}

}  // namespace rssviz_test_dataset
