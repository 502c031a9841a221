// Textual views of a corpus shared by the CLI and the GUI: TSV export and summary.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/corpus/dataset.hpp"

namespace rssviz::experiment {

// The sentence without its BEGIN/END tokens, e.g. "the cup is red".
std::string inner_text(const corpus::Grammar& g, const corpus::Sentence& s);

// The corpus as a corpus file (docs/FORMATS.md): the "split\tsentence\tmeaning" header,
// a corpus file's #synonym lines (without them a sentence that says "center" for
// "middle" would not read back), then one row per sentence (train, then test, then
// validation when asked); the sentence without BEGIN/END, the meaning as
// "glass,left,red;cup,-,blue". It reads back (corpus::parse_corpus) to the same corpus.
std::string corpus_tsv(const corpus::Corpus& c, bool with_validation = false);
nlohmann::json corpus_summary_json(const corpus::Corpus& c);
std::string corpus_summary_text(const corpus::Corpus& c);

}  // namespace rssviz::experiment
