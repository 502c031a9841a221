// A corpus of your own: the TSV that `rssviz-cli corpus` writes, read back into a
// grammar (vocabulary, concepts, clauses) and the sentences of each split, so that every
// model, map and analysis runs on it unchanged (make_corpus with CorpusOptions::file
// builds the teachers exactly as for the paper's corpus). Format and limits:
// docs/FORMATS.md, "Corpus files".
//
//   split<TAB>sentence<TAB>meaning                      the header, line 1, exactly
//   train<TAB>the cup is red<TAB>cup,-,red              one object
//   test<TAB>this is a glass and the cup is red<TAB>glass,-,-;cup,-,red
//   #synonym<TAB>center<TAB>middle                       "center" names the concept "middle"
//   # anything else after '#' is a comment; blank lines are skipped
//
// Order of the inputs and outputs (so that the paper's corpus read back is bit for bit
// the one make_corpus builds): the words of the paper's grammar in its order, then the
// file's other words in order of first appearance, then "and", "BEGIN", "END"; the
// concepts of each group (object, position, colour) likewise: the paper's in its order,
// then new ones in order of first appearance.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/corpus/dataset.hpp"

namespace rssviz::corpus {

// Limits, named in the messages that enforce them.
inline constexpr std::uint64_t kMaxCorpusFileBytes = 64ull << 20;  // whole file: 64 MiB
inline constexpr std::size_t kMaxCorpusLineBytes = 4096;           // one line, its newline excluded
inline constexpr int kMaxCorpusSentences = 50000;                   // all splits together
inline constexpr int kMaxSentenceWords = 64;                        // one sentence, "and" included
inline constexpr int kMaxCorpusVocabulary = 1000;                   // distinct words, and/BEGIN/END included
inline constexpr int kMaxConceptsPerGroup = kMaxObjects;            // objects, positions, colours: 50 each

// Which file a corpus came from: what a session stores and checks on reopening.
struct CorpusIdentity {
  std::string path;        // the path as given to read_corpus_file (the name given to parse_corpus)
  std::string sha256;      // lower-case hex SHA-256 of the file's bytes
  std::uint64_t bytes = 0; // file size
  friend bool operator==(const CorpusIdentity&, const CorpusIdentity&) = default;
};

// A parsed corpus file. The sentences have no teacher yet: make_corpus draws it from
// the master seed (CorpusOptions::file).
struct CorpusFile {
  CorpusIdentity identity;
  Grammar grammar;                    // concepts, vocabulary and distinct clauses of the file
  std::vector<Sentence> train, test, validation;  // in file order
  std::vector<std::pair<std::string, std::string>> synonyms;  // the #synonym lines: (word, concept)
};

// One malformed line (line 0: the file as a whole, e.g. no test sentences).
struct CorpusFileIssue {
  int line = 0;
  std::string reason;
};

// Every problem found, at most kMaxIssues of them; what() has one "FILE:LINE: reason"
// line per issue (and "... and K more" when there were more).
class CorpusFileError : public std::runtime_error {
 public:
  static constexpr int kMaxIssues = 20;
  CorpusFileError(std::string file, std::vector<CorpusFileIssue> issues, int more = 0);
  const std::string& file() const { return file_; }
  const std::vector<CorpusFileIssue>& issues() const { return issues_; }

 private:
  std::string file_;
  std::vector<CorpusFileIssue> issues_;
};

// Reads and validates a corpus file. Throws CorpusFileError naming the file and every
// malformed line (or the file: missing, unreadable, over kMaxCorpusFileBytes).
CorpusFile read_corpus_file(const std::filesystem::path& path);
// The same, verifying the identity a session stored: a file whose bytes changed is
// refused naming both checksums.
CorpusFile read_corpus_file(const std::filesystem::path& path, std::string_view expected_sha256);
// The parser on bytes in memory; `name` stands for the file in messages and the identity.
CorpusFile parse_corpus(std::string_view bytes, const std::string& name);

// For titles: "CSL n = 4", or "corpus NAME" (the file name without its folder).
std::string corpus_label(int objects, const std::shared_ptr<const CorpusFile>& file);
std::string corpus_label(const CorpusOptions& options);
// The file's SHA-256, or "" for the paper's grammar (what model files record).
std::string corpus_sha256(const CorpusOptions& options);

}  // namespace rssviz::corpus
