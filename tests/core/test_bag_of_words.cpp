#include "core/experiment/bag_of_words.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_bag_of_words {

using namespace rssviz;
namespace ex = rssviz::experiment;
using corpus::Grammar;

namespace {

int clause(const Grammar& g, const std::string& text) {
  for (size_t i = 0; i < g.clauses().size(); ++i)
    if (g.text(g.clauses()[i].words) == text) return static_cast<int>(i);
  throw std::invalid_argument("no clause \"" + text + "\"");
}

std::vector<int> words(const Grammar& g, std::initializer_list<const char*> w) {
  std::vector<int> v;
  for (const char* s : w) v.push_back(g.word_index(s));
  std::sort(v.begin(), v.end());
  return v;
}

// A tiny hand-made corpus on n = 2 (glass, cup): C = 2 + 3 + 4 = 9 values per slot, with
// hand-written teachers so that the memorised vectors are known.
struct Tiny {
  Grammar g{2};
  corpus::Dataset train;
  Eigen::VectorXd a, b, c, d;  // teacher sub-vectors
  Tiny() {
    Rng rng(1);
    train = corpus::make_dataset(g,
                                 {{clause(g, "the glass is red"), -1},
                                  {clause(g, "the cup on the left is blue"), clause(g, "this is a red glass")},
                                  {clause(g, "there is a cup on the right"), -1}},
                                 0.0, rng);
    const int k = g.concepts_per_slot();
    a = Eigen::VectorXd::LinSpaced(k, 0.1, 0.9);
    b = Eigen::VectorXd::LinSpaced(k, -1.0, 1.0);
    c = Eigen::VectorXd::Constant(k, 0.25);
    d = Eigen::VectorXd::LinSpaced(k, 2.0, 3.0);
    train.teacher.setZero();
    train.teacher.row(0).segment(0, k) = a.transpose();
    train.teacher.row(0).segment(k, k) = d.transpose();  // slot 2 of a one-object sentence: no clause, not memorised
    train.teacher.row(1).segment(0, k) = b.transpose();
    train.teacher.row(1).segment(k, k) = c.transpose();
    train.teacher.row(2).segment(0, k) = d.transpose();
  }
};

}  // namespace

TEST(BagOfWords, KeysAreTheSortedContentWords) {
  const Grammar g(4);
  EXPECT_EQ(ex::content_words(g, g.clauses()[static_cast<size_t>(clause(g, "the glass on the left is red"))]),
            words(g, {"glass", "left", "red"}));
  // Word order and function words do not matter: two templates, one list.
  EXPECT_EQ(ex::content_words(g, g.clauses()[static_cast<size_t>(clause(g, "the red glass is on the left"))]),
            words(g, {"glass", "left", "red"}));
  // "orange" is an object and a colour: both occurrences are kept.
  EXPECT_EQ(ex::content_words(g, g.clauses()[static_cast<size_t>(clause(g, "the orange is orange"))]),
            words(g, {"orange", "orange"}));
  EXPECT_EQ(ex::content_words(g, g.clauses()[static_cast<size_t>(clause(g, "that is the cup"))]), words(g, {"cup"}));
}

TEST(BagOfWords, MemorisesTheTeacherSubVectorOfEachList) {
  const Tiny t;
  const ex::BagOfWords bow(t.g, t.train);
  // [glass, red] was seen twice (slot 1 of sentence 0 and slot 2 of sentence 1): the mean.
  ASSERT_EQ(bow.lists(), 3);
  const auto* glass_red = bow.memorised(words(t.g, {"glass", "red"}));
  ASSERT_NE(glass_red, nullptr);
  EXPECT_TRUE(glass_red->isApprox((t.a + t.c) / 2.0)) << glass_red->transpose();
  const auto* cup_left_blue = bow.memorised(words(t.g, {"cup", "left", "blue"}));
  ASSERT_NE(cup_left_blue, nullptr);
  EXPECT_EQ(*cup_left_blue, t.b);
  const auto* cup_right = bow.memorised(words(t.g, {"cup", "right"}));
  ASSERT_NE(cup_right, nullptr);
  EXPECT_EQ(*cup_right, t.d);
  EXPECT_EQ(bow.memorised(words(t.g, {"glass"})), nullptr);
}

TEST(BagOfWords, PredictsMemorisedVectorsAndZerosForUnseenLists) {
  const Tiny t;
  const ex::BagOfWords bow(t.g, t.train);
  const int k = t.g.concepts_per_slot();
  Rng rng(2);
  const auto test = corpus::make_dataset(
      t.g,
      {{clause(t.g, "this is a red glass"), -1},                                  // seen list, one object
       {clause(t.g, "on the right there is a cup"), clause(t.g, "the glass is green")},  // seen, unseen
       {clause(t.g, "that is a glass"), clause(t.g, "the red glass is on the left")}},   // unseen, unseen
      0.5, rng);
  const Eigen::MatrixXd y = bow.predict(test);
  ASSERT_EQ(y.rows(), 3);
  ASSERT_EQ(y.cols(), t.g.output_size());
  EXPECT_TRUE(y.row(0).segment(0, k).transpose().isApprox((t.a + t.c) / 2.0));
  EXPECT_TRUE(y.row(0).segment(k, k).isZero(0.0));  // no second clause: zeros
  EXPECT_EQ(y.row(1).segment(0, k).transpose(), t.d);
  EXPECT_TRUE(y.row(1).segment(k, k).isZero(0.0));
  EXPECT_TRUE(y.row(2).isZero(0.0));
}

TEST(BagOfWords, IsScoredLikeTheModels) {
  // Scored by metrics::evaluate like the models; with more objects there are more
  // content-word lists (about 20 n) for the same 1000 training sentences, so more test
  // clauses are unseen and the error grows.
  corpus::CorpusOptions co;
  co.objects = 4;
  const auto c4 = corpus::make_corpus(co);
  const auto r4 = ex::run_bag_of_words(c4);
  EXPECT_EQ(r4.test.sentences, 1000);
  const ex::BagOfWords bow(c4.grammar, c4.train);
  const auto again = metrics::evaluate(c4.grammar, c4.test, bow.predict(c4.test));
  EXPECT_EQ(again.valid_error, r4.test.valid_error);
  EXPECT_EQ(again.exact_error, r4.test.exact_error);
  EXPECT_EQ(again.rmse, r4.test.rmse);
  co.objects = 50;
  const auto r50 = ex::run_bag_of_words(corpus::make_corpus(co));
  EXPECT_GT(r50.unseen_clauses, r4.unseen_clauses);
  EXPECT_GT(r50.test.valid_error, r4.test.valid_error);
}

TEST(BagOfWords, RejectsAMisShapedTeacher) {
  Tiny t;
  t.train.teacher.conservativeResize(Eigen::NoChange, 3);
  EXPECT_THROW(ex::BagOfWords(t.g, t.train), std::invalid_argument);
}

}  // namespace rssviz_test_bag_of_words
