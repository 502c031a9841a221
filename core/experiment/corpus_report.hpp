// Textual views of a corpus shared by the CLI and the GUI: TSV export and summary.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/corpus/dataset.hpp"

namespace rssviz::experiment {

// "split\tsentence\tmeaning" header, then one row per sentence (train, then test,
// then validation when asked); the sentence without BEGIN/END, the meaning as
// "glass,left,red;cup,-,blue".
// The sentence without its BEGIN/END tokens, e.g. "the cup is red".
std::string inner_text(const corpus::Grammar& g, const corpus::Sentence& s);

std::string corpus_tsv(const corpus::Corpus& c, bool with_validation = false);
nlohmann::json corpus_summary_json(const corpus::Corpus& c);
std::string corpus_summary_text(const corpus::Corpus& c);

}  // namespace rssviz::experiment
