// The Cross-Situational Learning (CSL) grammar: concepts, the six clause templates,
// each clause's meaning (predicate), and the vocabulary in first-appearance order.
// Specification: shared/paper-notes.md section 1.
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace rssviz::corpus {

inline constexpr int kMaxObjects = 50;
inline constexpr int kPositions = 3;  // left, right, middle
inline constexpr int kColours = 4;    // red, orange, green, blue
inline constexpr int kClausesPerObject = 172;

// A clause's meaning. -1 means "not mentioned" (none).
struct Predicate {
  int object = -1;
  int position = -1;
  int colour = -1;
  bool empty() const { return object < 0 && position < 0 && colour < 0; }
  friend bool operator==(const Predicate&, const Predicate&) = default;
};

// A sentence's meaning: up to two objects; slot 2 of a one-object sentence is empty.
using Meaning = std::array<Predicate, 2>;

struct Clause {
  std::vector<int> words;  // word indices into the vocabulary
  Predicate meaning;
};

// What a grammar is made of, for a grammar that is not the paper's (a corpus file,
// core/corpus/corpus_file.hpp): the concept names of each attribute group, the
// vocabulary, whose last three words must be "and", "BEGIN", "END", and the clauses.
struct GrammarParts {
  std::vector<std::string> objects, positions, colours;  // concept names, in output order
  std::vector<std::string> vocabulary;                   // word names, in input order
  std::vector<Clause> clauses;                           // words and meaning of each clause
};

// The grammar for the first n objects of the fixed object list (1 <= n <= 50), or one
// given by its parts (a corpus file's).
class Grammar {
 public:
  explicit Grammar(int objects = 4);
  // Throws std::invalid_argument when the parts do not fit together: a group without
  // concepts, a vocabulary not ending in "and", "BEGIN", "END" or with a word twice, a
  // clause word or meaning out of range.
  explicit Grammar(GrammarParts parts);

  int objects() const { return objects_; }
  int positions() const { return static_cast<int>(positions_.size()); }
  int colours() const { return static_cast<int>(colours_.size()); }
  // All one-object clauses, in grammar order (172 per object for the paper's grammar).
  const std::vector<Clause>& clauses() const { return clauses_; }
  // Words in order of first appearance, then "and", "BEGIN", "END".
  const std::vector<std::string>& vocabulary() const { return vocabulary_; }
  int vocabulary_size() const { return static_cast<int>(vocabulary_.size()); }
  // Index of a word, or -1 when it is not in the vocabulary.
  int word_index(std::string_view word) const;
  int and_token() const { return and_; }
  int begin_token() const { return begin_; }
  int end_token() const { return end_; }

  // Output layout: 2 slots x (objects | positions | colours).
  int concepts_per_slot() const { return objects_ + positions() + colours(); }
  int output_size() const { return 2 * concepts_per_slot(); }
  int object_offset(int slot) const { return slot * concepts_per_slot(); }
  int position_offset(int slot) const { return slot * concepts_per_slot() + objects_; }
  int colour_offset(int slot) const { return slot * concepts_per_slot() + objects_ + positions(); }
  // Name of output unit i, e.g. "slot1.object.glass" or "slot2.colour.red".
  std::string output_name(int i) const;

  // Concept names ("glass", "left", "red" for index 0 of the paper's grammar).
  std::string_view object_name(int i) const;
  std::string_view position_name(int i) const;
  std::string_view colour_name(int i) const;

  // "this is a red glass" for a word sequence.
  std::string text(const std::vector<int>& words) const;
  // "glass,left,red;cup,-,blue" ("-" for none); an empty slot 2 is written "-".
  std::string meaning_text(const Meaning& m) const;
  std::string predicate_text(const Predicate& p) const;

 private:
  int add_word(std::string_view w);
  int objects_;
  std::vector<std::string> objects_names_, positions_, colours_;
  std::vector<Clause> clauses_;
  std::vector<std::string> vocabulary_;
  int and_ = -1, begin_ = -1, end_ = -1;
};

}  // namespace rssviz::corpus
