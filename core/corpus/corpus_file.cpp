#include "core/corpus/corpus_file.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/common/sha256.hpp"
#include "core/corpus/corpus_text.hpp"

namespace rssviz::corpus {

namespace {

std::string join_issues(const std::string& file, const std::vector<CorpusFileIssue>& issues, int more) {
  std::string s;
  for (const auto& i : issues) {
    if (!s.empty()) s += '\n';
    s += file;
    if (i.line > 0) {
      s += ':';
      s += std::to_string(i.line);
    }
    s += ": ";
    s += i.reason;
  }
  if (more > 0) s += "\n" + file + ": ... and " + std::to_string(more) + " more malformed lines";
  return s;
}

// The paper's order of words and concepts (its grammar with every object).
const Grammar& paper_grammar() {
  static const Grammar g(kMaxObjects);
  return g;
}

// Index of each name: the paper's names first in the paper's order, then the others in
// order of first appearance.
std::vector<std::string> ordered(const std::vector<std::string>& paper, const std::vector<std::string>& seen) {
  std::unordered_set<std::string> in(seen.begin(), seen.end());
  std::vector<std::string> out;
  for (const auto& p : paper)
    if (in.erase(p) > 0) out.push_back(p);
  for (const auto& s : seen)
    if (std::find(paper.begin(), paper.end(), s) == paper.end()) out.push_back(s);
  return out;
}

std::unordered_map<std::string, int> index_of(const std::vector<std::string>& names) {
  std::unordered_map<std::string, int> m;
  for (size_t i = 0; i < names.size(); ++i) m.emplace(names[i], static_cast<int>(i));
  return m;
}

// Names in order of first appearance, bounded.
struct NameList {
  std::vector<std::string> names;
  std::unordered_set<std::string> set;
  // False when adding would exceed `limit`.
  bool add(std::string_view v, size_t limit) {
    std::string n(v);
    if (set.count(n) > 0) return true;
    if (names.size() >= limit) return false;
    set.insert(n);
    names.push_back(std::move(n));
    return true;
  }
};

constexpr std::array<const char*, 3> kGroupNames = {"object", "position", "colour"};

class Parser {
 public:
  explicit Parser(std::string name) : name_(std::move(name)) {}

  CorpusFile run(std::string_view bytes) {
    if (bytes.size() > kMaxCorpusFileBytes) fail_file(size_message(bytes.size()));
    int number = 0;
    size_t pos = 0;
    while (pos < bytes.size()) {
      size_t end = bytes.find('\n', pos);
      if (end == std::string_view::npos) end = bytes.size();
      std::string_view line = bytes.substr(pos, end - pos);
      pos = end + 1;
      ++number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF files
      if (auto why = line_problem(line, number)) issue(number, *why);
    }
    if (number == 0) issue(0, "empty file: expected the header \"split\\tsentence\\tmeaning\"");
    check_concepts();
    if (issues_.empty()) check_whole();
    // Line order (the concept checks ran after the line checks).
    std::stable_sort(issues_.begin(), issues_.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
    if (!issues_.empty()) throw CorpusFileError(name_, issues_, more_);
    return build(bytes);
  }

 private:
  struct Line {
    int number = 0;
    int split = 0;                           // 0 train, 1 test, 2 validation
    std::vector<std::string_view> words;     // without BEGIN/END (views into the file's bytes)
    int and_position = -1;                   // index in words of "and", -1 for one clause
    std::vector<std::array<std::string_view, 3>> meaning;  // per clause: object, position, colour ("-" = none)
  };

  [[noreturn]] void fail_file(const std::string& reason) { throw CorpusFileError(name_, {{0, reason}}); }

  static std::string size_message(std::uint64_t size) {
    return "the file has " + std::to_string(size) + " bytes, over the limit of " +
           std::to_string(kMaxCorpusFileBytes) + " bytes (kMaxCorpusFileBytes, 64 MiB)";
  }

  void issue(int line, std::string reason) {
    if (static_cast<int>(issues_.size()) < CorpusFileError::kMaxIssues)
      issues_.push_back({line, std::move(reason)});
    else
      ++more_;
  }

  // The reason a line is malformed, or nothing (the line is recorded).
  std::optional<std::string> line_problem(std::string_view line, int number) {
    if (line.size() > kMaxCorpusLineBytes)
      return "the line has " + std::to_string(line.size()) + " bytes, over the limit of " +
             std::to_string(kMaxCorpusLineBytes) + " bytes per line (kMaxCorpusLineBytes)";
    if (auto bad = text_problem(line)) return *bad;
    if (number == 1) {
      if (line.substr(0, 3) == "\xEF\xBB\xBF") return std::string("the file starts with a UTF-8 byte order mark: remove it");
      if (line != kHeader)
        return "bad header \"" + printable(line) + "\": the first line must be \"split\\tsentence\\tmeaning\"";
      return std::nullopt;
    }
    if (line == kHeader) return std::string("duplicate header (line 1 is the header)");
    if (is_blank(line)) return std::nullopt;
    if (line.front() == '#') return directive(line, number);
    const auto cols = split(line, '\t');
    if (cols.size() != 3)
      return "expected 3 tab-separated columns (split, sentence, meaning), found " + std::to_string(cols.size());
    Line l;
    l.number = number;
    if (cols[0] == "train") l.split = 0;
    else if (cols[0] == "test") l.split = 1;
    else if (cols[0] == "validation") l.split = 2;
    else return "unknown split \"" + printable(cols[0]) + "\" (expected train, test or validation)";
    if (auto why = sentence_problem(cols[1], l)) return why;
    if (auto why = meaning_problem(cols[2], l)) return why;
    if (static_cast<int>(lines_.size()) >= kMaxCorpusSentences)
      return "more than " + std::to_string(kMaxCorpusSentences) + " sentences (kMaxCorpusSentences)";
    for (const auto& w : l.words)
      if (w != "and" && !words_.add(w, static_cast<size_t>(kMaxCorpusVocabulary - 3)))
        return "the word \"" + std::string(w) + "\" makes more than " + std::to_string(kMaxCorpusVocabulary) +
               " words in the vocabulary (kMaxCorpusVocabulary, and/BEGIN/END included)";
    for (const auto& p : l.meaning)
      for (size_t g = 0; g < 3; ++g)
        if (p[g] != "-" && !concepts_[g].add(p[g], kMaxConceptsPerGroup))
          return "the " + std::string(kGroupNames[g]) + " \"" + std::string(p[g]) + "\" makes more than " +
                 std::to_string(kMaxConceptsPerGroup) + " " + kGroupNames[g] + " concepts (kMaxConceptsPerGroup)";
    lines_.push_back(std::move(l));
    return std::nullopt;
  }

  std::optional<std::string> directive(std::string_view line, int number) {
    const auto f = fields(line);
    if (f.empty() || f[0] != "#synonym") return std::nullopt;  // a comment
    if (f.size() != 3) return std::string("#synonym takes a word and a concept: \"#synonym center middle\"");
    if (!lines_.empty())
      return std::string("#synonym after the first sentence: declare synonyms before the sentences");
    const std::string word(f[1]), concept_name(f[2]);
    if (word == "and" || word == "BEGIN" || word == "END" || word == "-" || concept_name == "-")
      return "#synonym: \"" + word + "\" cannot name a concept";
    if (const auto it = synonyms_.find(word); it != synonyms_.end() && it->second != concept_name)
      return "#synonym: \"" + word + "\" already names \"" + it->second + "\"";
    synonyms_[word] = concept_name;
    (void)number;
    return std::nullopt;
  }

  static std::optional<std::string> sentence_problem(std::string_view text, Line& l) {
    l.words = fields(text);
    if (l.words.empty()) return std::string("empty sentence");
    if (static_cast<int>(l.words.size()) > kMaxSentenceWords)
      return "the sentence has " + std::to_string(l.words.size()) + " words, over the limit of " +
             std::to_string(kMaxSentenceWords) + " (kMaxSentenceWords)";
    for (size_t i = 0; i < l.words.size(); ++i) {
      const auto& w = l.words[i];
      if (w == "BEGIN" || w == "END")
        return "the sentence contains \"" + std::string(w) + "\": the reader adds BEGIN and END";
      if (w == "-") return std::string("the sentence contains the word \"-\", which stands for \"none\" in meanings");
      if (w != "and") continue;
      if (l.and_position >= 0) return std::string("the sentence has \"and\" twice: at most two clauses");
      l.and_position = static_cast<int>(i);
    }
    if (l.and_position == 0 || l.and_position + 1 == static_cast<int>(l.words.size()))
      return std::string("an empty clause before or after \"and\"");
    return std::nullopt;
  }

  static std::optional<std::string> meaning_problem(std::string_view text, Line& l) {
    const auto preds = split(text, ';');
    if (preds.size() > 2)
      return "too many objects for the slots: the meaning has " + std::to_string(preds.size()) +
             " predicates, the output has 2 slots";
    for (auto p : preds) {
      const auto f = split(p, ',');
      if (f.size() != 3)
        return "predicate \"" + printable(p) + "\" is not object,position,colour (\"-\" for none)";
      std::array<std::string_view, 3> a;
      for (size_t g = 0; g < 3; ++g) {
        if (f[g].empty() || f[g].find(' ') != std::string_view::npos)
          return "predicate \"" + printable(p) + "\": the " + kGroupNames[g] + " must be one word or \"-\"";
        a[g] = f[g];
      }
      if (a[0] == "-" && a[1] == "-" && a[2] == "-") return "predicate \"" + std::string(p) + "\" names nothing";
      l.meaning.push_back(std::move(a));
    }
    const bool two = l.and_position >= 0;
    if (two && l.meaning.size() == 1)
      return std::string("the sentence has two clauses (\"and\") but its meaning one predicate");
    if (!two && l.meaning.size() == 2)
      return std::string("the meaning has two predicates but the sentence one clause (no \"and\")");
    return std::nullopt;
  }

  // After every line parsed (every #synonym known): the concepts each clause names.
  void check_concepts() {
    for (const auto& l : lines_) {
      for (size_t c = 0; c < l.meaning.size(); ++c) {
        const auto first = l.words.begin() + (c == 0 ? 0 : l.and_position + 1);
        const auto last = c == 0 && l.and_position >= 0 ? l.words.begin() + l.and_position : l.words.end();
        for (size_t g = 0; g < 3; ++g) {
          const auto& name = l.meaning[c][g];
          if (name == "-") continue;
          const bool named = std::any_of(first, last, [&](std::string_view w) {
            if (w == name) return true;
            const auto it = synonyms_.find(std::string(w));
            return it != synonyms_.end() && it->second == name;
          });
          if (!named)
            issue(l.number, "the meaning names the " + std::string(kGroupNames[g]) + " \"" + std::string(name) +
                                "\", which no word of clause " + std::to_string(c + 1) + " names");
        }
      }
    }
  }

  // The file as a whole: both splits there, every group named.
  void check_whole() {
    std::array<int, 3> count{};
    for (const auto& l : lines_) ++count[static_cast<size_t>(l.split)];
    if (count[0] == 0) issue(0, "no training sentences (split \"train\"): a model cannot be trained");
    if (count[1] == 0) issue(0, "no test sentences (split \"test\"): a model cannot be evaluated");
    for (size_t g = 0; g < 3; ++g)
      if (concepts_[g].names.empty())
        issue(0, std::string("no meaning names ") + (g == 0 ? "an " : "a ") + kGroupNames[g] +
                     ": every attribute group needs a concept");
  }

  CorpusFile build(std::string_view bytes) const {
    const Grammar& paper = paper_grammar();
    auto names = [](int k, auto fn) {
      std::vector<std::string> v;
      for (int i = 0; i < k; ++i) v.emplace_back(fn(i));
      return v;
    };
    GrammarParts parts;
    parts.objects = ordered(names(paper.objects(), [&](int i) { return paper.object_name(i); }), concepts_[0].names);
    parts.positions = ordered(names(paper.positions(), [&](int i) { return paper.position_name(i); }), concepts_[1].names);
    parts.colours = ordered(names(paper.colours(), [&](int i) { return paper.colour_name(i); }), concepts_[2].names);
    const auto& pv = paper.vocabulary();
    parts.vocabulary = ordered(std::vector<std::string>(pv.begin(), pv.end() - 3), words_.names);
    for (const char* w : {"and", "BEGIN", "END"}) parts.vocabulary.emplace_back(w);
    const auto word = index_of(parts.vocabulary);
    const std::array<std::unordered_map<std::string, int>, 3> concept_index = {
        index_of(parts.objects), index_of(parts.positions), index_of(parts.colours)};

    // Distinct clauses (words and meaning), in order of first appearance.
    std::map<std::pair<std::vector<int>, std::array<int, 3>>, int> clause_of;
    auto clause = [&](const Line& l, size_t c) {
      Clause cl;
      const size_t first = c == 0 ? 0 : static_cast<size_t>(l.and_position) + 1;
      const size_t last = c == 0 && l.and_position >= 0 ? static_cast<size_t>(l.and_position) : l.words.size();
      for (size_t i = first; i < last; ++i) cl.words.push_back(word.at(std::string(l.words[i])));
      std::array<int, 3> m{-1, -1, -1};
      for (size_t g = 0; g < 3; ++g)
        if (l.meaning[c][g] != "-") m[g] = concept_index[g].at(std::string(l.meaning[c][g]));
      cl.meaning = {m[0], m[1], m[2]};
      const auto [it, fresh] = clause_of.try_emplace({cl.words, m}, static_cast<int>(parts.clauses.size()));
      if (fresh) parts.clauses.push_back(std::move(cl));
      return it->second;
    };
    std::vector<std::pair<int, int>> pairs;
    pairs.reserve(lines_.size());
    for (const auto& l : lines_) pairs.emplace_back(clause(l, 0), l.meaning.size() > 1 ? clause(l, 1) : -1);

    CorpusFile f{{name_, sha256_hex(bytes), bytes.size()}, Grammar(std::move(parts)), {}, {}, {},
                 {synonyms_.begin(), synonyms_.end()}};
    for (size_t i = 0; i < lines_.size(); ++i) {
      auto s = make_sentence(f.grammar, pairs[i].first, pairs[i].second);
      (lines_[i].split == 0 ? f.train : lines_[i].split == 1 ? f.test : f.validation).push_back(std::move(s));
    }
    return f;
  }

  std::string name_;
  std::vector<CorpusFileIssue> issues_;
  int more_ = 0;
  std::vector<Line> lines_;
  NameList words_;
  std::array<NameList, 3> concepts_;
  std::map<std::string, std::string> synonyms_;
};

}  // namespace

CorpusFileError::CorpusFileError(std::string file, std::vector<CorpusFileIssue> issues, int more)
    : std::runtime_error(join_issues(file, issues, more)), file_(std::move(file)), issues_(std::move(issues)) {}

CorpusFile parse_corpus(std::string_view bytes, const std::string& name) { return Parser(name).run(bytes); }

std::string corpus_label(int objects, const std::shared_ptr<const CorpusFile>& file) {
  if (!file) return "CSL n = " + std::to_string(objects);
  return "corpus " + std::filesystem::path(file->identity.path).filename().string();
}

std::string corpus_label(const CorpusOptions& options) { return corpus_label(options.objects, options.file); }

std::string corpus_sha256(const CorpusOptions& options) { return options.file ? options.file->identity.sha256 : ""; }

CorpusFile read_corpus_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    throw CorpusFileError(name, {{0, "cannot read the file: it does not exist"}});
  if (!std::filesystem::is_regular_file(status))
    throw CorpusFileError(name, {{0, "cannot read the file: not a regular file"}});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CorpusFileError(name, {{0, "cannot open the file for reading"}});
  // Read at most one byte past the limit, so that a huge (or growing) file never
  // allocates more than the limit.
  std::string bytes;
  std::array<char, 1 << 16> buf{};
  while (in && bytes.size() <= kMaxCorpusFileBytes) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    bytes.append(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw CorpusFileError(name, {{0, "read error"}});
  if (bytes.size() > kMaxCorpusFileBytes)
    throw CorpusFileError(name, {{0, "the file is over the limit of " + std::to_string(kMaxCorpusFileBytes) +
                                         " bytes (kMaxCorpusFileBytes, 64 MiB)"}});
  return parse_corpus(bytes, name);
}

CorpusFile read_corpus_file(const std::filesystem::path& path, std::string_view expected_sha256) {
  CorpusFile f = read_corpus_file(path);
  if (f.identity.sha256 != expected_sha256)
    throw CorpusFileError(path.string(), {{0, "the file has changed: its SHA-256 is " + f.identity.sha256 +
                                                  ", expected " + std::string(expected_sha256)}});
  return f;
}

}  // namespace rssviz::corpus
