#include "core/corpus/grammar.hpp"

#include <gtest/gtest.h>

#include <set>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_grammar {

using rssviz::corpus::Grammar;

TEST(Grammar, ClauseCountIs172PerObject) {
  for (int n : {1, 2, 3, 4, 5, 10, 26, 50}) EXPECT_EQ(Grammar(n).clauses().size(), 172u * n) << n;
  EXPECT_EQ(Grammar(4).clauses().size(), 688u);
}

TEST(Grammar, VocabularyAndOutputSizes) {
  EXPECT_EQ(Grammar(3).vocabulary_size(), 20);
  EXPECT_EQ(Grammar(4).vocabulary_size(), 20);
  for (int n : {4, 5, 10, 20, 50}) EXPECT_EQ(Grammar(n).vocabulary_size(), n + 16) << n;
  for (int n : {1, 3, 4, 10, 50}) EXPECT_EQ(Grammar(n).output_size(), 2 * (n + 7)) << n;
  EXPECT_EQ(Grammar(4).output_size(), 22);
}

TEST(Grammar, VocabularyOrderForFourObjects) {
  const std::vector<std::string> expected = {"this", "is",   "a",    "red",  "glass", "cup",   "bowl",
                                             "orange", "green", "blue", "the", "that", "on",   "left",
                                             "right", "middle", "there", "and", "BEGIN", "END"};
  EXPECT_EQ(Grammar(4).vocabulary(), expected);
}

TEST(Grammar, VocabularyOrderForSixObjects) {
  const std::vector<std::string> prefix = {"this", "is", "a", "red", "glass", "cup", "bowl", "orange",
                                           "spoon", "apple", "green", "blue", "the", "that"};
  const Grammar g(6);
  const auto& v = g.vocabulary();
  ASSERT_GE(v.size(), prefix.size());
  EXPECT_EQ(std::vector<std::string>(v.begin(), v.begin() + static_cast<long>(prefix.size())), prefix);
  EXPECT_EQ(v[v.size() - 3], "and");
  EXPECT_EQ(v.back(), "END");
}

TEST(Grammar, ClauseLengthsAndOrder) {
  Grammar g(4);
  EXPECT_EQ(g.text(g.clauses()[0].words), "this is a red glass");
  EXPECT_EQ(g.text(g.clauses()[1].words), "this is a red cup");
  for (const auto& c : g.clauses()) {
    EXPECT_GE(c.words.size(), 4u);
    EXPECT_LE(c.words.size(), 8u);
  }
}

TEST(Grammar, ClausesAreDistinctAndMeaningsMatchWords) {
  Grammar g(5);
  std::set<std::string> seen;
  for (const auto& c : g.clauses()) {
    const auto t = g.text(c.words);
    EXPECT_TRUE(seen.insert(t).second) << "duplicate clause " << t;
    ASSERT_GE(c.meaning.object, 0);
    EXPECT_NE(t.find(std::string(g.object_name(c.meaning.object))), std::string::npos) << t;
    const bool has_pos = t.find("left") != std::string::npos || t.find("right") != std::string::npos ||
                         t.find("middle") != std::string::npos;
    EXPECT_EQ(has_pos, c.meaning.position >= 0) << t;
    if (c.meaning.position >= 0)
      EXPECT_NE(t.find(std::string(g.position_name(c.meaning.position))), std::string::npos);
    // A colour word other than the object "orange" means the colour is known.
    int colours = 0;
    for (int k = 0; k < 4; ++k) {
      const std::string w(g.colour_name(k));
      for (size_t pos = t.find(w); pos != std::string::npos; pos = t.find(w, pos + 1)) ++colours;
    }
    if (c.meaning.object == 3) --colours;  // the object "orange"
    EXPECT_EQ(colours > 0, c.meaning.colour >= 0) << t;
  }
}

TEST(Grammar, TemplateCountsPerObject) {
  Grammar g(1);
  int unknown_pos = 0, known_colour = 0;
  for (const auto& c : g.clauses()) {
    unknown_pos += c.meaning.position < 0;
    known_colour += c.meaning.colour >= 0;
  }
  EXPECT_EQ(unknown_pos, 20 + 8);                       // templates 1 and 2
  EXPECT_EQ(known_colour, 16 + 8 + 24 + 24 + 24 + 48);  // the coloured variants
}

TEST(Grammar, OutputLayoutAndNames) {
  Grammar g(4);
  EXPECT_EQ(g.object_offset(0), 0);
  EXPECT_EQ(g.position_offset(0), 4);
  EXPECT_EQ(g.colour_offset(0), 7);
  EXPECT_EQ(g.object_offset(1), 11);
  EXPECT_EQ(g.output_name(0), "slot1.object.glass");
  EXPECT_EQ(g.output_name(21), "slot2.colour.blue");
  EXPECT_THROW(g.output_name(22), std::invalid_argument);
}

TEST(Grammar, RejectsBadObjectCount) {
  EXPECT_THROW(Grammar(0), std::invalid_argument);
  EXPECT_THROW(Grammar(51), std::invalid_argument);
  try {
    Grammar g(-3);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("objects = -3"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[1, 50]"), std::string::npos);
  }
}

TEST(Grammar, MeaningText) {
  Grammar g(4);
  rssviz::corpus::Meaning m{{{0, 0, 0}, {1, -1, 3}}};
  EXPECT_EQ(g.meaning_text(m), "glass,left,red;cup,-,blue");
  m[1] = {};
  EXPECT_EQ(g.meaning_text(m), "glass,left,red");
}

}  // namespace rssviz_test_grammar
