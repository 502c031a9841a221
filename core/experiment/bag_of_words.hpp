// The authors' bag-of-words baseline (issue #12): a model with no notion of word order
// or sentence structure beyond the clause boundary.
//
//   key(clause)  = the clause's content words (object, position and colour words), as a
//                  sorted list of word indices; function words are dropped;
//   fit:  for every training sentence and every clause k (slot k, 1 or 2), memorise the
//         teacher sub-vector of slot k (its C = n + 3 + 4 values, randomly filled as the
//         models see it) under key(clause k). A list seen several times is memorised as
//         the mean of its sub-vectors (the least-squares memory: with one sighting it is
//         that sub-vector; with several, an unmentioned attribute's random fills average
//         out instead of the last one winning);
//   predict: slot k of a test sentence = the memorised vector of key(clause k), or zeros
//         for a list never seen in training; a slot without a clause (slot 2 of a
//         one-object sentence) is zeros.
// The outputs are decoded and scored like the models' (metrics::evaluate).
#pragma once
#include <Eigen/Core>
#include <map>
#include <vector>

#include "core/corpus/dataset.hpp"
#include "core/corpus/grammar.hpp"
#include "core/metrics/metrics.hpp"

namespace rssviz::experiment {

// Sorted word indices of the object, position and colour words of `clause`.
std::vector<int> content_words(const corpus::Grammar& g, const corpus::Clause& clause);

class BagOfWords {
 public:
  // Memorises the training set (its teacher must have Grammar::output_size() columns).
  // `g` is kept by reference: it must outlive the object.
  BagOfWords(const corpus::Grammar& g, const corpus::Dataset& train);

  // Outputs for `data`, one row per sentence (sentences x output_size).
  Eigen::MatrixXd predict(const corpus::Dataset& data) const;
  // The memorised sub-vector of a content-word list, or nullptr when it was never seen.
  const Eigen::VectorXd* memorised(const std::vector<int>& key) const;
  int lists() const { return static_cast<int>(memory_.size()); }

 private:
  const corpus::Grammar* grammar_;
  std::map<std::vector<int>, Eigen::VectorXd> memory_;
};

struct BagOfWordsRun {
  metrics::Scores test;
  int lists = 0;            // distinct content-word lists memorised
  int unseen_clauses = 0;   // test clauses whose list was never seen in training
};
// Fits on corpus.train and scores on corpus.test.
BagOfWordsRun run_bag_of_words(const corpus::Corpus& corpus);

}  // namespace rssviz::experiment
