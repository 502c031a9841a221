#include "core/experiment/corpus_report.hpp"

#include <sstream>

#include "core/corpus/corpus_file.hpp"

namespace rssviz::experiment {
std::string inner_text(const corpus::Grammar& g, const corpus::Sentence& s) {
  std::vector<int> inner(s.tokens.begin() + 1, s.tokens.end() - 1);
  return g.text(inner);
}

namespace {

void rows(std::ostringstream& os, const corpus::Grammar& g, const corpus::Dataset& d, const char* name) {
  for (const auto& s : d.sentences) os << name << '\t' << inner_text(g, s) << '\t' << g.meaning_text(s.meaning) << '\n';
}

nlohmann::json set_json(const corpus::Dataset& d) {
  int one = 0;
  for (const auto& s : d.sentences) one += !s.two_objects();
  return {{"sentences", d.size()},
          {"one_object", one},
          {"two_object", d.size() - one},
          {"min_length", d.min_length()},
          {"max_length", d.max_length()},
          {"tokens", d.total_tokens()}};
}

}  // namespace

std::string corpus_tsv(const corpus::Corpus& c, bool with_validation) {
  std::ostringstream os;
  os << "split\tsentence\tmeaning\n";
  if (c.options.file)
    for (const auto& [word, concept_name] : c.options.file->synonyms) os << "#synonym\t" << word << '\t' << concept_name << '\n';
  rows(os, c.grammar, c.train, "train");
  rows(os, c.grammar, c.test, "test");
  if (with_validation) rows(os, c.grammar, c.validation, "validation");
  return os.str();
}

nlohmann::json corpus_summary_json(const corpus::Corpus& c) {
  const auto& g = c.grammar;
  int min_clause = 100, max_clause = 0;
  for (const auto& cl : g.clauses()) {
    min_clause = std::min(min_clause, static_cast<int>(cl.words.size()));
    max_clause = std::max(max_clause, static_cast<int>(cl.words.size()));
  }
  return {{"objects", g.objects()},
          {"seed", c.options.seed},
          {"clauses", g.clauses().size()},
          {"clause_words_min", min_clause},
          {"clause_words_max", max_clause},
          {"two_object_sentences", static_cast<double>(g.clauses().size()) * static_cast<double>(g.clauses().size())},
          {"vocabulary", g.vocabulary_size()},
          {"outputs", g.output_size()},
          {"train", set_json(c.train)},
          {"test", set_json(c.test)},
          {"validation", set_json(c.validation)}};
}

std::string corpus_summary_text(const corpus::Corpus& c) {
  const auto j = corpus_summary_json(c);
  std::ostringstream os;
  os << "objects              " << j["objects"] << "\n"
     << "seed                 " << j["seed"] << "\n"
     << "one-object clauses   " << j["clauses"] << " (" << j["clause_words_min"] << "-" << j["clause_words_max"]
     << " words)\n"
     << "two-object sentences " << static_cast<long long>(j["two_object_sentences"].get<double>()) << "\n"
     << "vocabulary           " << j["vocabulary"] << " words\n"
     << "outputs              " << j["outputs"] << "\n";
  for (const char* name : {"train", "test", "validation"}) {
    const auto& s = j[name];
    os << name << std::string(21 - std::string(name).size(), ' ') << s["sentences"] << " sentences (" << s["one_object"]
       << " one-object, " << s["two_object"] << " two-object), " << s["min_length"] << "-" << s["max_length"]
       << " tokens\n";
  }
  return os.str();
}

}  // namespace rssviz::experiment
