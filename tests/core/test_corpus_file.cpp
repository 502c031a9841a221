#include "core/corpus/corpus_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/common/sha256.hpp"
#include "core/experiment/corpus_report.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_corpus_file {

using namespace rssviz::corpus;
namespace fs = std::filesystem;

namespace {

const std::string kHead = "split\tsentence\tmeaning\n";
// A valid body: two training sentences, one test sentence.
const std::string kGood = kHead +
                          "train\tthe cup is red\tcup,-,red\n"
                          "train\tthis is a glass and the glass on the left is blue\tglass,-,-;glass,left,blue\n"
                          "test\tthe glass is red\tglass,-,red\n";

// The single issue the parser reports for `text`.
CorpusFileIssue only_issue(const std::string& text) {
  try {
    parse_corpus(text, "c.tsv");
  } catch (const CorpusFileError& e) {
    EXPECT_EQ(e.issues().size(), 1u) << e.what();
    EXPECT_EQ(e.file(), "c.tsv");
    return e.issues().empty() ? CorpusFileIssue{} : e.issues().front();
  }
  ADD_FAILURE() << "accepted:\n" << text;
  return {};
}

// kGood with one more line at line 5.
std::string with_line(const std::string& line) { return kGood + line + "\n"; }

void expect_issue(const std::string& text, int line, const std::string& part) {
  const auto i = only_issue(text);
  EXPECT_EQ(i.line, line) << i.reason;
  EXPECT_NE(i.reason.find(part), std::string::npos) << i.reason;
}

bool same(const Dataset& a, const Dataset& b) {
  if (a.size() != b.size() || a.teacher.rows() != b.teacher.rows() || a.teacher.cols() != b.teacher.cols())
    return false;
  for (int i = 0; i < a.size(); ++i) {
    const auto &x = a.sentences[static_cast<size_t>(i)], &y = b.sentences[static_cast<size_t>(i)];
    if (x.tokens != y.tokens || x.meaning != y.meaning || x.and_position != y.and_position) return false;
  }
  return a.teacher == b.teacher;  // bit for bit
}

struct CorpusTempDir {
  fs::path path = fs::temp_directory_path() / ("rssviz-corpus-" + std::to_string(::getpid()));
  CorpusTempDir() { fs::create_directories(path); }
  ~CorpusTempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(CorpusFile, ReadsGrammarAndSentences) {
  const auto f = parse_corpus(kGood, "c.tsv");
  const Grammar& g = f.grammar;
  ASSERT_EQ(g.objects(), 2);
  EXPECT_EQ(g.object_name(0), "glass");  // the paper's order, not the file's
  EXPECT_EQ(g.object_name(1), "cup");
  ASSERT_EQ(g.positions(), 1);
  EXPECT_EQ(g.position_name(0), "left");
  ASSERT_EQ(g.colours(), 2);
  EXPECT_EQ(g.colour_name(0), "red");
  EXPECT_EQ(g.colour_name(1), "blue");
  EXPECT_EQ(g.output_size(), 2 * 5);
  const std::vector<std::string> vocab = {"this", "is", "a",  "red", "glass", "cup",   "blue",
                                          "the",  "on", "left", "and", "BEGIN", "END"};
  EXPECT_EQ(g.vocabulary(), vocab);
  ASSERT_EQ(f.train.size(), 2u);
  ASSERT_EQ(f.test.size(), 1u);
  EXPECT_TRUE(f.validation.empty());
  const auto& s = f.train[1];
  EXPECT_TRUE(s.two_objects());
  EXPECT_EQ(g.text(s.tokens), "BEGIN this is a glass and the glass on the left is blue END");
  EXPECT_EQ(s.and_position, 5);
  EXPECT_EQ(g.meaning_text(s.meaning), "glass,-,-;glass,left,blue");
  EXPECT_EQ(g.clauses().size(), 4u);  // distinct clauses
  EXPECT_EQ(f.identity.path, "c.tsv");
  EXPECT_EQ(f.identity.bytes, kGood.size());
  EXPECT_EQ(f.identity.sha256, rssviz::sha256_hex(kGood));
}

// Writing the paper's corpus as `rssviz-cli corpus` does and reading it back gives the
// corpus make_corpus builds: same vocabulary, tokens, meanings, and teachers bit for bit.
TEST(CorpusFile, PaperCorpusRoundTripsBitForBit) {
  for (int n : {1, 4, 7}) {
    CorpusOptions o;
    o.objects = n;
    o.seed = 11;
    const Corpus paper = make_corpus(o);
    const std::string tsv = rssviz::experiment::corpus_tsv(paper, true);
    CorpusOptions fo;
    fo.seed = 11;
    fo.file = std::make_shared<const CorpusFile>(parse_corpus(tsv, "paper.tsv"));
    const Corpus back = make_corpus(fo);
    EXPECT_EQ(back.grammar.vocabulary(), paper.grammar.vocabulary()) << n;
    EXPECT_EQ(back.grammar.output_size(), paper.grammar.output_size()) << n;
    for (int i = 0; i < paper.grammar.output_size(); ++i)
      EXPECT_EQ(back.grammar.output_name(i), paper.grammar.output_name(i));
    EXPECT_TRUE(same(back.train, paper.train)) << n;
    EXPECT_TRUE(same(back.test, paper.test)) << n;
    EXPECT_TRUE(same(back.validation, paper.validation)) << n;
    EXPECT_EQ(back.options.objects, n);
    EXPECT_EQ(back.options.train_one_object + back.options.train_two_object, paper.train.size());
    EXPECT_EQ(back.options.test_two_object, paper.options.test_two_object);
    // And the file written again from what was read is the same file.
    EXPECT_EQ(rssviz::experiment::corpus_tsv(back, true), tsv) << n;
  }
}

TEST(CorpusFile, TeacherFollowsTheSeed) {
  CorpusOptions a, b;
  a.file = b.file = std::make_shared<const CorpusFile>(parse_corpus(kGood, "c.tsv"));
  b.seed = 2;
  const Corpus ca = make_corpus(a), ca2 = make_corpus(a), cb = make_corpus(b);
  EXPECT_EQ(ca.train.teacher, ca2.train.teacher);
  // Mentioned attributes are one-hot whatever the seed: the cup is red.
  const Grammar& g = ca.grammar;
  EXPECT_EQ(ca.train.teacher(0, g.object_offset(0) + 1), 1.0);
  EXPECT_EQ(ca.train.teacher(0, g.colour_offset(0) + 0), 1.0);
  EXPECT_EQ(cb.train.teacher(0, g.colour_offset(0) + 0), 1.0);
  EXPECT_EQ(ca.train.teacher.rowwise().sum()(1), 6.0);  // two full slots
}

TEST(CorpusFile, SynonymNamesAConcept) {
  const auto f = parse_corpus(kHead + "#synonym\tcenter\tmiddle\n"
                                      "train\tthe cup on the center is red\tcup,middle,red\n"
                                      "test\tthe cup on the middle is red\tcup,middle,red\n",
                              "s.tsv");
  EXPECT_EQ(f.grammar.positions(), 1);
  EXPECT_EQ(f.grammar.position_name(0), "middle");
  EXPECT_NE(f.grammar.word_index("center"), -1);
  EXPECT_EQ(f.train[0].meaning, f.test[0].meaning);
  EXPECT_NE(f.train[0].tokens, f.test[0].tokens);
}

TEST(CorpusFile, CrlfBlankLinesAndCommentsAreAccepted) {
  std::string crlf;
  for (char c : kGood) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const auto a = parse_corpus(crlf + "\r\n# a comment\n\n", "crlf.tsv");
  const auto b = parse_corpus(kGood, "lf.tsv");
  EXPECT_EQ(a.grammar.vocabulary(), b.grammar.vocabulary());
  ASSERT_EQ(a.train.size(), b.train.size());
  EXPECT_EQ(a.train[1].tokens, b.train[1].tokens);
  EXPECT_NE(a.identity.sha256, b.identity.sha256);  // the identity is of the bytes
  // No newline at the end of the last line.
  EXPECT_EQ(parse_corpus(kGood.substr(0, kGood.size() - 1), "c.tsv").test.size(), 1u);
}

// Every reader error, with its line number.
TEST(CorpusFileErrors, HeaderProblems) {
  expect_issue("", 0, "empty file");
  expect_issue("split\tsentence\n" + kGood.substr(kHead.size()), 1, "bad header");
  expect_issue("\xEF\xBB\xBF" + kGood, 1, "byte order mark");
  expect_issue(with_line("split\tsentence\tmeaning"), 5, "duplicate header");
}

TEST(CorpusFileErrors, ColumnsAndSplit) {
  expect_issue(with_line("train\tthe cup is red"), 5, "expected 3 tab-separated columns");
  expect_issue(with_line("train\tthe cup is red\tcup,-,red\textra"), 5, "found 4");
  expect_issue(with_line("trian\tthe cup is red\tcup,-,red"), 5, "unknown split \"trian\"");
}

TEST(CorpusFileErrors, SentenceProblems) {
  expect_issue(with_line("train\t  \tcup,-,red"), 5, "empty sentence");
  expect_issue(with_line("train\tBEGIN the cup is red\tcup,-,red"), 5, "the reader adds BEGIN and END");
  expect_issue(with_line("train\tthe cup and the glass and a cup\tcup,-,-;glass,-,-"), 5, "\"and\" twice");
  expect_issue(with_line("train\tthe cup is red and\tcup,-,red;cup,-,-"), 5, "empty clause");
  std::string long_sentence;
  for (int i = 0; i <= kMaxSentenceWords; ++i) long_sentence += "cup ";
  expect_issue(with_line("train\t" + long_sentence + "\tcup,-,-"), 5, "kMaxSentenceWords");
}

TEST(CorpusFileErrors, MeaningProblems) {
  expect_issue(with_line("train\tthe cup is blue\tcup,-,red"), 5,
               "names the colour \"red\", which no word of clause 1 names");
  expect_issue(with_line("train\tthe cup is red and a glass\tcup,-,red;glass,left,-"), 5,
               "the position \"left\", which no word of clause 2 names");
  expect_issue(with_line("train\ta cup and a glass\tcup,-,-;glass,-,-;cup,-,-"), 5, "too many objects for the slots");
  expect_issue(with_line("train\tthe cup is red\tcup,-,red;glass,-,-;cup,-,-"), 5, "too many objects for the slots");
  expect_issue(with_line("train\tthe cup is red\tcup,red"), 5, "not object,position,colour");
  expect_issue(with_line("train\tthe cup is red\t-,-,-"), 5, "names nothing");
  expect_issue(with_line("train\tthe cup is red and a glass\tcup,-,red"), 5, "two clauses");
  expect_issue(with_line("train\tthe cup is red\tcup,-,red;glass,-,-"), 5, "one clause");
  expect_issue(with_line("train\tthe cup is red\tcup,,red"), 5, "must be one word");
}

TEST(CorpusFileErrors, BytesAndLengths) {
  expect_issue(with_line(std::string(kMaxCorpusLineBytes + 1, 'a')), 5, "kMaxCorpusLineBytes");
  expect_issue(with_line("train\tthe cup is \xC3\x28\tcup,-,-"), 5, "invalid UTF-8 at column 18");
  expect_issue(with_line("train\tthe cup is \xED\xA0\x80\tcup,-,-"), 5, "invalid UTF-8");  // a surrogate
  expect_issue(with_line("train\tthe cup\x01 is red\tcup,-,red"), 5, "control byte 0x01 at column 14");
  expect_issue(with_line("train\tthe cup\ris red\tcup,-,red"), 5, "carriage return");
  // UTF-8 words are fine.
  EXPECT_NO_THROW(parse_corpus(with_line("train\tla tasse est rouge \xC3\xA9\ttasse,-,rouge"), "u.tsv"));
}

TEST(CorpusFileErrors, WholeFileProblems) {
  expect_issue(kHead + "train\tthe cup on the left is red\tcup,left,red\n", 0, "no test sentences");
  expect_issue(kHead + "test\tthe cup on the left is red\tcup,left,red\nvalidation\ta cup\tcup,-,-\n", 0,
               "no training sentences");
  expect_issue(kHead + "train\tthe red cup\tcup,-,red\ntest\tthe cup\tcup,-,-\n", 0, "no meaning names a position");
  expect_issue(kGood + "#synonym\tcenter\tmiddle\n", 5, "#synonym after the first sentence");
  expect_issue(kHead + "#synonym\tcenter\n" + kGood.substr(kHead.size()), 2, "#synonym takes a word and a concept");
}

TEST(CorpusFileErrors, LimitsOnConceptsAndVocabulary) {
  std::string objects = kGood, words = kGood;
  for (int i = 0; i < kMaxConceptsPerGroup - 1; ++i)
    objects += "train\tthing" + std::to_string(i) + "\tthing" + std::to_string(i) + ",-,-\n";
  const auto o = only_issue(objects);
  EXPECT_NE(o.reason.find("kMaxConceptsPerGroup"), std::string::npos) << o.reason;
  EXPECT_EQ(o.line, 5 + kMaxConceptsPerGroup - 2);  // glass and cup are two of the 50
  // kGood has 10 words besides "and"; one too many.
  for (int i = 0; i < kMaxCorpusVocabulary - 3 - 10 + 1; ++i) words += "train\tthe cup w" + std::to_string(i) + "\tcup,-,-\n";
  const auto w = only_issue(words);
  EXPECT_NE(w.reason.find("kMaxCorpusVocabulary"), std::string::npos) << w.reason;
  EXPECT_EQ(w.line, 5 + kMaxCorpusVocabulary - 3 - 10);
}

TEST(CorpusFileErrors, ReportsEveryBadLineUpToTheCap) {
  std::string text = kGood;
  for (int i = 0; i < CorpusFileError::kMaxIssues + 5; ++i) text += "bad\tx\tx,-,-\n";
  try {
    parse_corpus(text, "many.tsv");
    FAIL();
  } catch (const CorpusFileError& e) {
    ASSERT_EQ(e.issues().size(), static_cast<size_t>(CorpusFileError::kMaxIssues));
    EXPECT_EQ(e.issues()[0].line, 5);
    EXPECT_EQ(e.issues()[1].line, 6);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("many.tsv:5: unknown split \"bad\"", 0), 0u) << what;
    EXPECT_NE(what.find("... and 5 more malformed lines"), std::string::npos);
  }
}

TEST(CorpusFile, ReadsFilesAndVerifiesTheirIdentity) {
  CorpusTempDir d;
  const auto p = d.path / "c.tsv";
  std::ofstream(p, std::ios::binary) << kGood;
  const auto f = read_corpus_file(p);
  EXPECT_EQ(f.identity.path, p.string());
  EXPECT_EQ(f.identity.sha256, rssviz::sha256_hex(kGood));
  EXPECT_EQ(read_corpus_file(p, f.identity.sha256).identity, f.identity);
  std::ofstream(p, std::ios::binary | std::ios::app) << "test\ta cup\tcup,-,-\n";
  try {
    read_corpus_file(p, f.identity.sha256);
    FAIL();
  } catch (const CorpusFileError& e) {
    EXPECT_NE(std::string(e.what()).find("the file has changed"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_corpus_file(d.path / "missing.tsv"), CorpusFileError);
  EXPECT_THROW(read_corpus_file(d.path), CorpusFileError);  // a folder
}

TEST(CorpusFile, RefusesAFileOverTheSizeLimitWithoutReadingItAll) {
  CorpusTempDir d;
  const auto p = d.path / "big.tsv";
  { std::ofstream out(p); }
  fs::resize_file(p, kMaxCorpusFileBytes + 1);  // sparse: no disk used
  try {
    read_corpus_file(p);
    FAIL();
  } catch (const CorpusFileError& e) {
    EXPECT_NE(std::string(e.what()).find("kMaxCorpusFileBytes"), std::string::npos) << e.what();
  }
}

// The concept checks run after the line checks (they need every #synonym): their issues
// come with the others, in line order.
TEST(CorpusFileErrors, ConceptIssuesComeWithLineIssuesInLineOrder) {
  try {
    parse_corpus(kGood + "train\tthe cup is blue\tcup,-,red\ntrian\ta cup\tcup,-,-\n", "c.tsv");
    FAIL();
  } catch (const CorpusFileError& e) {
    ASSERT_EQ(e.issues().size(), 2u) << e.what();
    EXPECT_EQ(e.issues()[0].line, 5);
    EXPECT_NE(e.issues()[0].reason.find("\"red\""), std::string::npos);
    EXPECT_EQ(e.issues()[1].line, 6);
    EXPECT_NE(e.issues()[1].reason.find("unknown split"), std::string::npos);
  }
}

// Regression (corpus_tsv did not write the #synonym lines): a corpus file that says
// "center" for the concept "middle", written back with corpus_tsv, read back to the
// same corpus; without the line the sentence would name a concept it does not say.
TEST(CorpusFile, WrittenBackKeepsItsSynonyms) {
  const std::string text = kHead + "#synonym\tcenter\tmiddle\n" +
                           "train\tthe cup on the center is red\tcup,middle,red\n"
                           "train\tthe glass is blue\tglass,-,blue\n"
                           "test\tthe glass on the center is red\tglass,middle,red\n";
  CorpusOptions o;
  o.file = std::make_shared<const CorpusFile>(parse_corpus(text, "center.tsv"));
  const Corpus c = make_corpus(o);
  const std::string tsv = rssviz::experiment::corpus_tsv(c, true);
  EXPECT_NE(tsv.find("\n#synonym\tcenter\tmiddle\n"), std::string::npos) << tsv;
  CorpusOptions o2;
  o2.file = std::make_shared<const CorpusFile>(parse_corpus(tsv, "again.tsv"));
  EXPECT_EQ(o2.file->synonyms, o.file->synonyms);
  const Corpus back = make_corpus(o2);
  EXPECT_TRUE(same(back.train, c.train));
  EXPECT_TRUE(same(back.test, c.test));
  EXPECT_EQ(rssviz::experiment::corpus_tsv(back, true), tsv);
}

}  // namespace rssviz_test_corpus_file
