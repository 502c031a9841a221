// Sentence sets of the CSL task: one- and two-object sentences wrapped in BEGIN/END,
// the seeded split, and the "simulated vision" teacher with its random fill.
// Specification: shared/paper-notes.md section 1.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/common/rng.hpp"
#include "core/corpus/grammar.hpp"

namespace rssviz::corpus {

struct CorpusFile;  // core/corpus/corpus_file.hpp

struct CorpusOptions {
  int objects = 4;              // n: number of objects, 1-50; 4 is the paper's basic corpus
  std::uint64_t seed = 1;       // master seed: split and teacher fill use streams derived from it
  int train_one_object = 300;   // one-object sentences in the training set (paper: 300)
  int train_two_object = 700;   // two-object sentences in the training set (paper: 700)
  int test_one_object = 300;    // one-object sentences in the test set (paper: 300)
  int test_two_object = 700;    // two-object sentences in the test set (paper: 700)
  int validation_one_object = 84;   // one-object validation sentences, disjoint from train/test when n >= 4
  int validation_two_object = 196;  // two-object validation sentences (84 + 196 = the LSTM's 280)
  double second_slot_fill = 0.5;    // probability that slot 2 of a one-object teacher holds a random object
  // A corpus read from a file (read_corpus_file), or null for the paper's grammar. When
  // set, its sentences and split replace the grammar's (objects and the set sizes are
  // ignored; make_corpus writes the file's into the corpus's options), and the teachers
  // are drawn from `seed` as for the paper's corpus.
  std::shared_ptr<const CorpusFile> file;
  void validate() const;            // throws std::invalid_argument naming the bad field
};

// Where a token stands in its sentence (for colouring maps).
enum class ClausePart : std::uint8_t { kFirstClause = 0, kAnd = 1, kSecondClause = 2, kEnd = 3 };

struct Sentence {
  std::vector<int> tokens;  // BEGIN clause [and clause] END, as word indices
  Meaning meaning;          // the sentence's own predicate, no random fill
  int clause1 = -1;         // index of the first clause in Grammar::clauses()
  int clause2 = -1;         // index of the second clause, -1 for a one-object sentence
  int and_position = -1;    // index of the "and" token, -1 for a one-object sentence
  bool two_objects() const { return clause2 >= 0; }
  int length() const { return static_cast<int>(tokens.size()); }
  // Clause part of every token (BEGIN counts as the first clause).
  std::vector<ClausePart> parts() const;
};

struct Dataset {
  std::vector<Sentence> sentences;
  Eigen::MatrixXd teacher;  // sentences x output_size: the randomly filled target read after END
  int size() const { return static_cast<int>(sentences.size()); }
  int min_length() const;
  int max_length() const;
  long long total_tokens() const;
  // One-hot inputs of sentence i: length x vocabulary_size.
  Eigen::MatrixXd one_hot(int i, int vocabulary_size) const;
};

struct Corpus {
  CorpusOptions options;
  Grammar grammar;
  Dataset train, test, validation;
};

// The sentence made of clause c1 (and c2 when c2 >= 0).
Sentence make_sentence(const Grammar& g, int c1, int c2 = -1);

// Builds the split. One-object sentences: the clause list shuffled with the "split"
// stream; train = the first train_one_object, test = the last test_one_object,
// validation = those right after the training ones. Two-object sentences: distinct
// ordered clause pairs sampled by index (the (172 n)^2 list is never built), in the
// order drawn: train first, then test, then validation. When n is small (n < 4) the
// one-object list is shorter than the sets and the sets overlap. With options.file: the
// file's grammar and sentences, and teachers from the same streams.
Corpus make_corpus(const CorpusOptions& options);

// Teacher rows for `sentences`: each mentioned attribute one-hot, each unmentioned one
// uniformly random; slot 2 of a one-object sentence is, with probability
// `second_slot_fill`, a fully random object, otherwise zero. Draws from `rng`.
Eigen::MatrixXd make_teacher(const Grammar& g, const std::vector<Sentence>& sentences,
                             double second_slot_fill, Rng& rng);

// Sentence set of a custom list of clause pairs, e.g. for tests.
Dataset make_dataset(const Grammar& g, const std::vector<std::pair<int, int>>& clause_pairs,
                     double second_slot_fill, Rng& rng);


}  // namespace rssviz::corpus
