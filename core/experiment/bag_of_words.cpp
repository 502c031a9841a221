#include "core/experiment/bag_of_words.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rssviz::experiment {

namespace {

std::vector<char> content_mask(const corpus::Grammar& g) {
  std::vector<char> m(static_cast<size_t>(g.vocabulary_size()), 0);
  auto mark = [&](std::string_view w) {
    const int i = g.word_index(w);
    if (i >= 0) m[static_cast<size_t>(i)] = 1;
  };
  for (int i = 0; i < g.objects(); ++i) mark(g.object_name(i));
  for (int i = 0; i < g.positions(); ++i) mark(g.position_name(i));
  for (int i = 0; i < g.colours(); ++i) mark(g.colour_name(i));
  return m;
}

std::vector<int> key_of(const std::vector<char>& mask, const corpus::Clause& c) {
  std::vector<int> k;
  for (int w : c.words)
    if (w >= 0 && static_cast<size_t>(w) < mask.size() && mask[static_cast<size_t>(w)]) k.push_back(w);
  std::sort(k.begin(), k.end());
  return k;
}

const corpus::Clause& clause_at(const corpus::Grammar& g, int index) {
  if (index < 0 || static_cast<size_t>(index) >= g.clauses().size())
    throw std::invalid_argument("clause index = " + std::to_string(index) + " is out of range [0, " +
                                std::to_string(g.clauses().size()) + ")");
  return g.clauses()[static_cast<size_t>(index)];
}

}  // namespace

std::vector<int> content_words(const corpus::Grammar& g, const corpus::Clause& clause) {
  return key_of(content_mask(g), clause);
}

BagOfWords::BagOfWords(const corpus::Grammar& g, const corpus::Dataset& train) : grammar_(&g) {
  const int c = g.concepts_per_slot();
  if (train.teacher.rows() != train.size() || train.teacher.cols() != g.output_size())
    throw std::invalid_argument("bag of words: the teacher is " + std::to_string(train.teacher.rows()) + " x " +
                                std::to_string(train.teacher.cols()) + ", expected " + std::to_string(train.size()) +
                                " x " + std::to_string(g.output_size()));
  const auto mask = content_mask(g);
  std::map<std::vector<int>, int> count;
  for (int i = 0; i < train.size(); ++i) {
    const auto& s = train.sentences[static_cast<size_t>(i)];
    const int clauses[2] = {s.clause1, s.clause2};
    for (int slot = 0; slot < 2; ++slot) {
      if (clauses[slot] < 0) continue;
      auto key = key_of(mask, clause_at(g, clauses[slot]));
      const Eigen::VectorXd sub = train.teacher.row(i).segment(g.object_offset(slot), c).transpose();
      auto [it, fresh] = memory_.try_emplace(key, Eigen::VectorXd::Zero(c));
      it->second += sub;
      ++count[key];
    }
  }
  for (auto& [key, v] : memory_) v /= static_cast<double>(count[key]);
}

const Eigen::VectorXd* BagOfWords::memorised(const std::vector<int>& key) const {
  const auto it = memory_.find(key);
  return it == memory_.end() ? nullptr : &it->second;
}

Eigen::MatrixXd BagOfWords::predict(const corpus::Dataset& data) const {
  const auto& g = *grammar_;
  const auto mask = content_mask(g);
  const int c = g.concepts_per_slot();
  Eigen::MatrixXd y = Eigen::MatrixXd::Zero(data.size(), g.output_size());
  for (int i = 0; i < data.size(); ++i) {
    const auto& s = data.sentences[static_cast<size_t>(i)];
    const int clauses[2] = {s.clause1, s.clause2};
    for (int slot = 0; slot < 2; ++slot) {
      if (clauses[slot] < 0) continue;
      if (const auto* v = memorised(key_of(mask, clause_at(g, clauses[slot]))))
        y.row(i).segment(g.object_offset(slot), c) = v->transpose();
    }
  }
  return y;
}

BagOfWordsRun run_bag_of_words(const corpus::Corpus& corpus) {
  const BagOfWords bow(corpus.grammar, corpus.train);
  BagOfWordsRun r;
  r.test = metrics::evaluate(corpus.grammar, corpus.test, bow.predict(corpus.test));
  r.lists = bow.lists();
  const auto mask = content_mask(corpus.grammar);
  for (const auto& s : corpus.test.sentences)
    for (int cl : {s.clause1, s.clause2})
      if (cl >= 0 && !bow.memorised(key_of(mask, clause_at(corpus.grammar, cl)))) ++r.unseen_clauses;
  return r;
}

}  // namespace rssviz::experiment
