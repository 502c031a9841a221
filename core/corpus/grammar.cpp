#include "core/corpus/grammar.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/common/check.hpp"

namespace rssviz::corpus {
namespace {

constexpr std::array<std::string_view, kMaxObjects> kObjects = {
    "glass",     "cup",        "bowl",       "orange",     "spoon",     "apple",   "accordion",
    "acoustic",  "bagpipes",   "banjo",      "bass",       "bongo",     "bugle",   "cello",
    "clarinet",  "cymbals",    "drums",      "electric",   "guitar",    "flute",   "horn",
    "harmonica", "harp",       "keyboard",   "maracas",    "organ",     "pan",     "piano",
    "recorder",  "saxophone",  "sitar",      "tambourine", "triangle",  "trombone", "trumpet",
    "tuba",      "ukulele",    "violin",     "xylophone",  "bassoon",   "castanets", "didgeridoo",
    "double",    "gong",       "harpsichord", "lute",      "mandolin",  "oboe",    "piccolo",
    "viola"};
constexpr std::array<std::string_view, kPositions> kPositionNames = {"left", "right", "middle"};
constexpr std::array<std::string_view, kColours> kColourNames = {"red", "orange", "green", "blue"};
constexpr std::array<std::string_view, 2> kDemonstratives = {"this", "that"};
constexpr std::array<std::string_view, 2> kDeterminers = {"a", "the"};

}  // namespace

std::string_view Grammar::object_name(int i) const { return objects_names_.at(static_cast<size_t>(i)); }
std::string_view Grammar::position_name(int i) const { return positions_.at(static_cast<size_t>(i)); }
std::string_view Grammar::colour_name(int i) const { return colours_.at(static_cast<size_t>(i)); }

int Grammar::word_index(std::string_view word) const {
  auto it = std::find(vocabulary_.begin(), vocabulary_.end(), word);
  return it == vocabulary_.end() ? -1 : static_cast<int>(it - vocabulary_.begin());
}

int Grammar::add_word(std::string_view w) {
  const int i = word_index(w);
  if (i >= 0) return i;
  vocabulary_.emplace_back(w);
  return static_cast<int>(vocabulary_.size()) - 1;
}

Grammar::Grammar(int objects) : objects_(objects) {
  check_range("objects", objects, 1, kMaxObjects);
  objects_names_.assign(kObjects.begin(), kObjects.begin() + objects);
  positions_.assign(kPositionNames.begin(), kPositionNames.end());
  colours_.assign(kColourNames.begin(), kColourNames.end());
  clauses_.reserve(static_cast<size_t>(kClausesPerObject * objects));

  // A clause is built from string pieces; words enter the vocabulary as they appear.
  auto emit = [&](std::initializer_list<std::string_view> words, Predicate p) {
    Clause c;
    for (auto w : words)
      if (!w.empty()) c.words.push_back(add_word(w));
    c.meaning = p;
    clauses_.push_back(std::move(c));
  };
  // Optional colour: the four colours, then "no colour" (index kColours).
  auto col_word = [](int c) { return c < kColours ? kColourNames[static_cast<size_t>(c)] : std::string_view{}; };
  auto col_meaning = [](int c) { return c < kColours ? c : -1; };
  auto obj = [](int o) { return kObjects[static_cast<size_t>(o)]; };

  // 1. (this|that) is DET [COL] OBJ
  for (auto demo : kDemonstratives)
    for (auto det : kDeterminers)
      for (int c = 0; c <= kColours; ++c)
        for (int o = 0; o < objects; ++o)
          emit({demo, "is", det, col_word(c), obj(o)}, {o, -1, col_meaning(c)});
  // 2. DET OBJ is COL
  for (auto det : kDeterminers)
    for (int c = 0; c < kColours; ++c)
      for (int o = 0; o < objects; ++o) emit({det, obj(o), "is", col_word(c)}, {o, -1, c});
  // 3. DET OBJ on the POS is COL
  for (auto det : kDeterminers)
    for (int p = 0; p < kPositions; ++p)
      for (int c = 0; c < kColours; ++c)
        for (int o = 0; o < objects; ++o)
          emit({det, obj(o), "on", "the", kPositionNames[static_cast<size_t>(p)], "is", col_word(c)}, {o, p, c});
  // 4. DET [COL] OBJ is on the POS
  for (auto det : kDeterminers)
    for (int p = 0; p < kPositions; ++p)
      for (int c = 0; c <= kColours; ++c)
        for (int o = 0; o < objects; ++o)
          emit({det, col_word(c), obj(o), "is", "on", "the", kPositionNames[static_cast<size_t>(p)]},
               {o, p, col_meaning(c)});
  // 5. there is DET [COL] OBJ on the POS
  for (auto det : kDeterminers)
    for (int p = 0; p < kPositions; ++p)
      for (int c = 0; c <= kColours; ++c)
        for (int o = 0; o < objects; ++o)
          emit({"there", "is", det, col_word(c), obj(o), "on", "the", kPositionNames[static_cast<size_t>(p)]},
               {o, p, col_meaning(c)});
  // 6. on the POS (is | there is) DET [COL] OBJ
  for (int p = 0; p < kPositions; ++p)
    for (int there = 0; there < 2; ++there)
      for (auto det : kDeterminers)
        for (int c = 0; c <= kColours; ++c)
          for (int o = 0; o < objects; ++o)
            emit({"on", "the", kPositionNames[static_cast<size_t>(p)], there ? "there" : "", "is", det, col_word(c), obj(o)},
                 {o, p, col_meaning(c)});

  and_ = add_word("and");
  begin_ = add_word("BEGIN");
  end_ = add_word("END");
}

Grammar::Grammar(GrammarParts parts)
    : objects_(static_cast<int>(parts.objects.size())),
      objects_names_(std::move(parts.objects)),
      positions_(std::move(parts.positions)),
      colours_(std::move(parts.colours)),
      clauses_(std::move(parts.clauses)),
      vocabulary_(std::move(parts.vocabulary)) {
  auto need = [](bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument("GrammarParts: " + what);
  };
  need(objects_ > 0 && positions() > 0 && colours() > 0, "every attribute group needs a concept (objects " +
                                                             std::to_string(objects_) + ", positions " +
                                                             std::to_string(positions()) + ", colours " +
                                                             std::to_string(colours()) + ")");
  const size_t v = vocabulary_.size();
  need(v >= 4 && vocabulary_[v - 3] == "and" && vocabulary_[v - 2] == "BEGIN" && vocabulary_[v - 1] == "END",
       "the vocabulary must have a word and end in \"and\", \"BEGIN\", \"END\"");
  for (size_t i = 0; i < v; ++i)
    need(std::find(vocabulary_.begin() + static_cast<std::ptrdiff_t>(i) + 1, vocabulary_.end(), vocabulary_[i]) ==
             vocabulary_.end(),
         "the word \"" + vocabulary_[i] + "\" is in the vocabulary twice");
  and_ = static_cast<int>(v) - 3;
  begin_ = static_cast<int>(v) - 2;
  end_ = static_cast<int>(v) - 1;
  for (const auto& c : clauses_) {
    need(!c.words.empty(), "a clause has no word");
    for (int w : c.words) need(w >= 0 && w < and_, "clause word index " + std::to_string(w) + " out of range");
    const auto& p = c.meaning;
    need(p.object >= -1 && p.object < objects_ && p.position >= -1 && p.position < positions() && p.colour >= -1 &&
             p.colour < colours(),
         "a clause's meaning is out of range");
  }
}

std::string Grammar::output_name(int i) const {
  check_range("output index", i, 0, output_size() - 1);
  const int slot = i / concepts_per_slot();
  const int k = i % concepts_per_slot();
  std::string s = "slot" + std::to_string(slot + 1) + ".";
  if (k < objects_) return s + "object." + std::string(object_name(k));
  if (k < objects_ + positions()) return s + "position." + std::string(position_name(k - objects_));
  return s + "colour." + std::string(colour_name(k - objects_ - positions()));
}

std::string Grammar::text(const std::vector<int>& words) const {
  std::string s;
  for (int w : words) {
    if (!s.empty()) s += ' ';
    s += vocabulary_.at(static_cast<size_t>(w));
  }
  return s;
}

std::string Grammar::predicate_text(const Predicate& p) const {
  if (p.empty()) return "-";
  std::string s = p.object >= 0 ? std::string(object_name(p.object)) : "-";
  s += ',';
  s += p.position >= 0 ? std::string(position_name(p.position)) : "-";
  s += ',';
  s += p.colour >= 0 ? std::string(colour_name(p.colour)) : "-";
  return s;
}

std::string Grammar::meaning_text(const Meaning& m) const {
  if (m[1].empty()) return predicate_text(m[0]);
  return predicate_text(m[0]) + ";" + predicate_text(m[1]);
}

}  // namespace rssviz::corpus
