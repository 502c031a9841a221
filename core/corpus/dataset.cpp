#include "core/corpus/dataset.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "core/common/check.hpp"
#include "core/corpus/corpus_file.hpp"

namespace rssviz::corpus {

void CorpusOptions::validate() const {
  check_range("second_slot_fill", second_slot_fill, 0.0, 1.0);
  if (file) return;  // the file's sizes were checked by its reader
  check_range("objects", objects, 1, kMaxObjects);
  check_range("train_one_object", train_one_object, 0, 100000);
  check_range("train_two_object", train_two_object, 0, 1000000);
  check_range("test_one_object", test_one_object, 0, 100000);
  check_range("test_two_object", test_two_object, 0, 1000000);
  check_range("validation_one_object", validation_one_object, 0, 100000);
  check_range("validation_two_object", validation_two_object, 0, 1000000);
  if (train_one_object + train_two_object == 0)
    throw std::invalid_argument("train_one_object + train_two_object = 0: the training set is empty");
}

std::vector<ClausePart> Sentence::parts() const {
  std::vector<ClausePart> p(tokens.size(), ClausePart::kFirstClause);
  if (tokens.empty()) return p;
  if (and_position >= 0) {
    p[static_cast<size_t>(and_position)] = ClausePart::kAnd;
    for (size_t t = static_cast<size_t>(and_position) + 1; t < tokens.size(); ++t) p[t] = ClausePart::kSecondClause;
  }
  p.back() = ClausePart::kEnd;
  return p;
}

int Dataset::min_length() const {
  int m = 0;
  for (const auto& s : sentences) m = (m == 0 ? s.length() : std::min(m, s.length()));
  return m;
}

int Dataset::max_length() const {
  int m = 0;
  for (const auto& s : sentences) m = std::max(m, s.length());
  return m;
}

long long Dataset::total_tokens() const {
  long long n = 0;
  for (const auto& s : sentences) n += s.length();
  return n;
}

Eigen::MatrixXd Dataset::one_hot(int i, int vocabulary_size) const {
  const auto& s = sentences.at(static_cast<size_t>(i));
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(s.length(), vocabulary_size);
  for (int t = 0; t < s.length(); ++t) x(t, s.tokens[static_cast<size_t>(t)]) = 1.0;
  return x;
}

Sentence make_sentence(const Grammar& g, int c1, int c2) {
  const int nc = static_cast<int>(g.clauses().size());
  check_range("clause index", c1, 0, nc - 1);
  if (c2 != -1) check_range("second clause index", c2, 0, nc - 1);
  Sentence s;
  s.clause1 = c1;
  s.clause2 = c2;
  const auto& a = g.clauses()[static_cast<size_t>(c1)];
  s.tokens.push_back(g.begin_token());
  s.tokens.insert(s.tokens.end(), a.words.begin(), a.words.end());
  s.meaning[0] = a.meaning;
  if (c2 >= 0) {
    const auto& b = g.clauses()[static_cast<size_t>(c2)];
    s.and_position = static_cast<int>(s.tokens.size());
    s.tokens.push_back(g.and_token());
    s.tokens.insert(s.tokens.end(), b.words.begin(), b.words.end());
    s.meaning[1] = b.meaning;
  }
  s.tokens.push_back(g.end_token());
  return s;
}

Eigen::MatrixXd make_teacher(const Grammar& g, const std::vector<Sentence>& sentences,
                             double second_slot_fill, Rng& rng) {
  Eigen::MatrixXd y = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(sentences.size()), g.output_size());
  const int n = g.objects();
  for (size_t i = 0; i < sentences.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    auto fill = [&](int slot, const Predicate& p) {
      const int o = p.object >= 0 ? p.object : static_cast<int>(rng.below(static_cast<std::uint64_t>(n)));
      const int pos = p.position >= 0 ? p.position : static_cast<int>(rng.below(static_cast<std::uint64_t>(g.positions())));
      const int col = p.colour >= 0 ? p.colour : static_cast<int>(rng.below(static_cast<std::uint64_t>(g.colours())));
      y(r, g.object_offset(slot) + o) = 1.0;
      y(r, g.position_offset(slot) + pos) = 1.0;
      y(r, g.colour_offset(slot) + col) = 1.0;
    };
    const auto& s = sentences[i];
    fill(0, s.meaning[0]);
    if (s.two_objects())
      fill(1, s.meaning[1]);
    else if (rng.bernoulli(second_slot_fill))
      fill(1, Predicate{});
  }
  return y;
}

Dataset make_dataset(const Grammar& g, const std::vector<std::pair<int, int>>& clause_pairs,
                     double second_slot_fill, Rng& rng) {
  Dataset d;
  d.sentences.reserve(clause_pairs.size());
  for (auto [a, b] : clause_pairs) d.sentences.push_back(make_sentence(g, a, b));
  d.teacher = make_teacher(g, d.sentences, second_slot_fill, rng);
  return d;
}

namespace {

// `count` distinct integers from [0, total), in random order, without materialising
// the range when it is large (rejection against a hash set; a partial shuffle when
// most of the range is wanted).
std::vector<std::uint64_t> sample_distinct(std::uint64_t total, std::uint64_t count, Rng& rng) {
  if (count > total)
    throw std::invalid_argument("cannot draw " + std::to_string(count) + " distinct sentences from " +
                                std::to_string(total));
  std::vector<std::uint64_t> out;
  out.reserve(count);
  if (count * 4 >= total) {
    std::vector<std::uint64_t> all(total);
    for (std::uint64_t i = 0; i < total; ++i) all[i] = i;
    for (std::uint64_t i = 0; i < count; ++i) {
      const auto j = i + rng.below(total - i);
      std::swap(all[i], all[j]);
      out.push_back(all[i]);
    }
    return out;
  }
  std::unordered_set<std::uint64_t> seen;
  seen.reserve(count * 2);
  while (out.size() < count) {
    const auto k = rng.below(total);
    if (seen.insert(k).second) out.push_back(k);
  }
  return out;
}

}  // namespace

namespace {

Dataset file_dataset(const Grammar& g, const std::vector<Sentence>& sentences, double second_slot_fill, Rng& rng) {
  Dataset d;
  d.sentences = sentences;
  d.teacher = make_teacher(g, d.sentences, second_slot_fill, rng);
  return d;
}

// The file's corpus: its grammar and split; the teachers as make_corpus draws them.
Corpus make_file_corpus(const CorpusOptions& options) {
  const CorpusFile& f = *options.file;
  Corpus c{options, f.grammar, {}, {}, {}};
  auto count = [](const std::vector<Sentence>& v, bool two) {
    return static_cast<int>(std::count_if(v.begin(), v.end(), [&](const Sentence& s) { return s.two_objects() == two; }));
  };
  c.options.objects = f.grammar.objects();
  c.options.train_one_object = count(f.train, false);
  c.options.train_two_object = count(f.train, true);
  c.options.test_one_object = count(f.test, false);
  c.options.test_two_object = count(f.test, true);
  c.options.validation_one_object = count(f.validation, false);
  c.options.validation_two_object = count(f.validation, true);
  Rng fill_train(options.seed, "corpus.teacher.train");
  Rng fill_test(options.seed, "corpus.teacher.test");
  Rng fill_val(options.seed, "corpus.teacher.validation");
  c.train = file_dataset(c.grammar, f.train, options.second_slot_fill, fill_train);
  c.test = file_dataset(c.grammar, f.test, options.second_slot_fill, fill_test);
  c.validation = file_dataset(c.grammar, f.validation, options.second_slot_fill, fill_val);
  return c;
}

}  // namespace

Corpus make_corpus(const CorpusOptions& options) {
  options.validate();
  if (options.file) return make_file_corpus(options);
  Corpus c{options, Grammar(options.objects), {}, {}, {}};
  const Grammar& g = c.grammar;
  const auto m = static_cast<std::uint64_t>(g.clauses().size());

  Rng split(options.seed, "corpus.split");
  std::vector<int> one(m);
  for (std::uint64_t i = 0; i < m; ++i) one[i] = static_cast<int>(i);
  split.shuffle(one.begin(), one.end());

  auto take_one = [&](int first, int count) {
    std::vector<std::pair<int, int>> v;
    for (int i = 0; i < count; ++i) v.emplace_back(one[static_cast<size_t>((first + i) % static_cast<int>(m))], -1);
    return v;
  };
  const int mi = static_cast<int>(m);
  auto train_pairs = take_one(0, std::min(options.train_one_object, mi));
  auto test_pairs = take_one(std::max(0, mi - options.test_one_object), std::min(options.test_one_object, mi));
  auto val_pairs = take_one(std::min(options.train_one_object, mi) % mi, std::min(options.validation_one_object, mi));

  const auto two_total = static_cast<std::uint64_t>(options.train_two_object + options.test_two_object +
                                                    options.validation_two_object);
  const auto picks = sample_distinct(m * m, two_total, split);
  size_t k = 0;
  auto take_two = [&](std::vector<std::pair<int, int>>& v, int count) {
    for (int i = 0; i < count; ++i, ++k)
      v.emplace_back(static_cast<int>(picks[k] / m), static_cast<int>(picks[k] % m));
  };
  take_two(train_pairs, options.train_two_object);
  take_two(test_pairs, options.test_two_object);
  take_two(val_pairs, options.validation_two_object);

  // Separate teacher streams so that changing one set's size leaves the others' fills alone.
  Rng fill_train(options.seed, "corpus.teacher.train");
  Rng fill_test(options.seed, "corpus.teacher.test");
  Rng fill_val(options.seed, "corpus.teacher.validation");
  c.train = make_dataset(g, train_pairs, options.second_slot_fill, fill_train);
  c.test = make_dataset(g, test_pairs, options.second_slot_fill, fill_test);
  c.validation = make_dataset(g, val_pairs, options.second_slot_fill, fill_val);
  return c;
}

}  // namespace rssviz::corpus
