// Corpus-file reader (--corpus FILE, File > Open corpus…): any input either parses or
// throws CorpusFileError naming the input; a parsed corpus builds its teachers, and
// written back by corpus_tsv (with its #synonym lines) it parses to
// the same sentences and meanings, whose TSV is then the same text. Anything else (a
// crash, a sanitizer report, a leak, an allocation over -malloc_limit_mb, another
// exception type, a failed check) is a finding.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/corpus/corpus_file.hpp"
#include "core/experiment/corpus_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rssviz::corpus;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::shared_ptr<const CorpusFile> file;
  try {
    file = std::make_shared<const CorpusFile>(parse_corpus(bytes, "fuzz.tsv"));
  } catch (const CorpusFileError& e) {
    if (e.file() != "fuzz.tsv" || e.issues().empty()) std::abort();
    return 0;
  }
  if (file->train.empty() || file->test.empty()) std::abort();
  CorpusOptions o;
  o.file = file;
  const Corpus c = make_corpus(o);
  if (c.train.teacher.rows() != c.train.size() || c.train.teacher.cols() != c.grammar.output_size()) std::abort();
  const std::string text = rssviz::experiment::corpus_tsv(c, true);  // with the #synonym lines
  CorpusOptions o2;
  o2.file = std::make_shared<const CorpusFile>(parse_corpus(text, "again.tsv"));  // must parse
  const Corpus back = make_corpus(o2);
  const Dataset* a[] = {&c.train, &c.test, &c.validation};
  const Dataset* b[] = {&back.train, &back.test, &back.validation};
  for (int k = 0; k < 3; ++k) {
    if (a[k]->size() != b[k]->size()) std::abort();
    for (int i = 0; i < a[k]->size(); ++i) {
      const auto &x = a[k]->sentences[static_cast<size_t>(i)], &y = b[k]->sentences[static_cast<size_t>(i)];
      if (c.grammar.text(x.tokens) != back.grammar.text(y.tokens)) std::abort();
      if (c.grammar.meaning_text(x.meaning) != back.grammar.meaning_text(y.meaning)) std::abort();
    }
  }
  if (rssviz::experiment::corpus_tsv(back, true) != text) std::abort();
  return 0;
}
