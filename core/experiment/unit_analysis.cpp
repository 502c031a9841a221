#include "core/experiment/unit_analysis.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/esn/readout.hpp"
#include "core/esn/reservoir.hpp"
#include "core/lstm/inspect.hpp"

namespace rssviz::experiment {

namespace {

void check_stage(const MapSession& s, int stage) {
  if (stage < -1 || stage >= static_cast<int>(s.stages.size()))
    throw std::invalid_argument("stage = " + std::to_string(stage) + " is out of range [-1, " +
                                std::to_string(static_cast<int>(s.stages.size()) - 1) + "]");
}

const lstm::Lstm* lstm_at(const MapSession& s, int stage) {
  if (stage >= 0 && s.stages[static_cast<size_t>(stage)].lstm) return s.stages[static_cast<size_t>(stage)].lstm.get();
  return s.lstm.get();
}

// The map's points at a stage (LSTM stages carry their own).
const MapPoints* points_at(const MapSession& s, int stage) {
  if (stage >= 0 && s.stages[static_cast<size_t>(stage)].points) return s.stages[static_cast<size_t>(stage)].points.get();
  return s.points.get();
}

const Eigen::MatrixXf* outputs_at(const MapSession& s, int stage, const MapPoints& p) {
  if (stage >= 0 && s.stages[static_cast<size_t>(stage)].outputs.rows() == p.size())
    return &s.stages[static_cast<size_t>(stage)].outputs;
  return p.has_outputs() ? &p.outputs : nullptr;
}

std::vector<int> row_words(const corpus::Sentence& sent, bool zero_state_first) {
  std::vector<int> w;
  if (zero_state_first) w.push_back(-1);
  w.insert(w.end(), sent.tokens.begin(), sent.tokens.end());
  return w;
}

SentenceRecord from_map(const MapSession& s, int stage, int test_index) {
  const MapPoints* p = points_at(s, stage);
  if (!p) throw std::invalid_argument("the session has no states");
  const auto it = std::find(p->dataset_index.begin(), p->dataset_index.end(), test_index);
  if (it == p->dataset_index.end())
    throw std::invalid_argument("test sentence " + std::to_string(test_index) +
                                " is not on the map and the session keeps no model to run it");
  const int ms = static_cast<int>(it - p->dataset_index.begin());
  SentenceRecord r;
  r.test_index = test_index;
  r.states = p->sentence_units(ms).cast<double>();
  if (const auto* out = outputs_at(s, stage, *p)) {
    const auto& rows = p->point_of[static_cast<size_t>(ms)];
    r.outputs.resize(static_cast<Eigen::Index>(rows.size()), out->cols());
    for (size_t k = 0; k < rows.size(); ++k) r.outputs.row(static_cast<Eigen::Index>(k)) = out->row(rows[k]).cast<double>();
  }
  r.words = row_words(s.corpus->test.sentences[static_cast<size_t>(test_index)], p->zero_state_first);
  return r;
}

}  // namespace

const Eigen::MatrixXd& readout_at(const MapSession& s, int stage) {
  check_stage(s, stage);
  if (stage >= 0 && s.stages[static_cast<size_t>(stage)].readout.size() > 0) return s.stages[static_cast<size_t>(stage)].readout;
  return s.readout;
}

int readout_offset(const MapSession& s) { return s.model == ModelKind::esn ? 1 : 0; }

std::vector<SentenceRecord> record_sentences(const MapSession& s, int stage, const std::vector<int>& test_indices,
                                             const StopFlag* stop) {
  check_stage(s, stage);
  if (!s.corpus) throw std::invalid_argument("the session has no corpus");
  const auto& test = s.corpus->test;
  for (int i : test_indices)
    if (i < 0 || i >= test.size())
      throw std::invalid_argument("test sentence " + std::to_string(i) + " is out of range [0, " +
                                  std::to_string(test.size() - 1) + "]");
  std::vector<SentenceRecord> out(test_indices.size());
  const Eigen::MatrixXd& wout = readout_at(s, stage);
  bool all_on_map = s.points != nullptr;
  if (all_on_map) {
    const auto& idx = points_at(s, stage)->dataset_index;
    for (int i : test_indices)
      if (std::find(idx.begin(), idx.end(), i) == idx.end()) all_on_map = false;
  }
  if (s.model == ModelKind::esn && s.reservoir && !all_on_map) {
    std::vector<const std::vector<int>*> tokens;
    for (int i : test_indices) tokens.push_back(&test.sentences[static_cast<size_t>(i)].tokens);
    const esn::States st = esn::harvest(*s.reservoir, tokens, esn::Keep::kEveryStep, stop);
    for (size_t k = 0; k < test_indices.size(); ++k) {
      const auto c0 = st.offsets[k], len = st.offsets[k + 1] - c0;
      const Eigen::MatrixXf x = st.x.middleCols(c0, len);
      auto& r = out[k];
      r.test_index = test_indices[k];
      r.states = x.transpose().cast<double>();
      if (wout.size() > 0) r.outputs = esn::predict(wout, x);
      r.words = row_words(test.sentences[static_cast<size_t>(test_indices[k])], false);
    }
    return out;
  }
  if (s.model == ModelKind::lstm) {
    if (const lstm::Lstm* model = lstm_at(s, stage)) {
      std::vector<std::vector<int>> tokens;
      for (int i : test_indices) tokens.push_back(test.sentences[static_cast<size_t>(i)].tokens);
      const lstm::Inspection ins = lstm::inspect(*model, tokens);
      for (size_t k = 0; k < test_indices.size(); ++k) {
        const int r0 = ins.offsets[k], len = ins.offsets[k + 1] - r0;
        auto& r = out[k];
        r.test_index = test_indices[k];
        r.states = ins.cell.middleRows(r0, len);
        r.hidden = ins.hidden.middleRows(r0, len);
        r.outputs = ins.output.middleRows(r0, len);
        r.words = row_words(test.sentences[static_cast<size_t>(test_indices[k])], true);
      }
      return out;
    }
  }
  for (size_t k = 0; k < test_indices.size(); ++k) {
    if (stop_requested(stop)) throw Cancelled();
    out[k] = from_map(s, stage, test_indices[k]);
  }
  return out;
}

SentenceRecord record_sentence(const MapSession& s, int stage, int test_index) {
  return std::move(record_sentences(s, stage, {test_index}).front());
}

std::string to_string(UnitSetKind k) {
  switch (k) {
    case UnitSetKind::kPolyvalent: return "polyvalent";
    case UnitSetKind::kTopForOutput: return "top";
    case UnitSetKind::kByHand: return "hand";
    case UnitSetKind::kAll: return "all";
    case UnitSetKind::kRandom: return "random";
  }
  return {};
}

UnitSetKind unit_set_from_string(const std::string& s) {
  for (auto k : {UnitSetKind::kPolyvalent, UnitSetKind::kTopForOutput, UnitSetKind::kByHand, UnitSetKind::kAll,
                 UnitSetKind::kRandom})
    if (to_string(k) == s) return k;
  throw std::invalid_argument("unit set \"" + s + "\" is not one of polyvalent, top, hand, all, random");
}

std::vector<analysis::PolyvalentUnit> session_polyvalent(const MapSession& s, int stage,
                                                         analysis::PolyvalentOptions options) {
  const Eigen::MatrixXd& w = readout_at(s, stage);
  if (w.size() == 0) return {};
  options.offset = readout_offset(s);
  return analysis::polyvalent_units(w, options);
}

std::vector<int> choose_units(const MapSession& s, int stage, const UnitSetChoice& c) {
  const Eigen::MatrixXd& w = readout_at(s, stage);
  const int units = s.points ? s.points->units() : 0;
  switch (c.kind) {
    case UnitSetKind::kAll: {
      std::vector<int> all(static_cast<size_t>(units));
      for (int u = 0; u < units; ++u) all[static_cast<size_t>(u)] = u;
      return all;
    }
    case UnitSetKind::kRandom: {
      int n = c.random_count;
      if (n <= 0) n = static_cast<int>(session_polyvalent(s, stage, c.polyvalent).size());
      return analysis::choose_sentences(units, n, c.random_seed);
    }
    case UnitSetKind::kPolyvalent: return analysis::unit_indices(session_polyvalent(s, stage, c.polyvalent));
    case UnitSetKind::kTopForOutput:
      if (w.size() == 0) return {};
      return analysis::top_units(w, c.output, c.top, readout_offset(s));
    case UnitSetKind::kByHand: {
      for (int u : c.units)
        if (u < 0 || u >= units)
          throw std::invalid_argument("unit = " + std::to_string(u) + " is out of range [0, " +
                                      std::to_string(units - 1) + "]");
      return c.units;
    }
  }
  return {};
}

std::vector<int> influence_sentences(const MapSession& s, int stage, const InfluenceOptions& o) {
  check_stage(s, stage);
  const bool has_model = (s.model == ModelKind::esn && s.reservoir) || (s.model == ModelKind::lstm && lstm_at(s, stage));
  if (has_model && o.pool == InfluencePool::kTestSet)
    return analysis::choose_sentences(s.corpus->test.size(), o.sentences, o.seed);
  const MapPoints* p = points_at(s, stage);
  std::vector<int> chosen;
  if (!p) return chosen;
  for (int k : analysis::choose_sentences(static_cast<int>(p->dataset_index.size()), o.sentences, o.seed))
    chosen.push_back(p->dataset_index[static_cast<size_t>(k)]);
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

analysis::WordInfluence session_word_influence(const MapSession& s, int stage, const std::vector<int>& units,
                                               const InfluenceOptions& o, const StopFlag* stop) {
  if (o.sentences < 1) throw std::invalid_argument("influence sentences = " + std::to_string(o.sentences) + " must be >= 1");
  const auto& g = s.corpus->grammar;
  const std::vector<int> chosen = influence_sentences(s, stage, o);
  // Fast path (the window's): ESN sentences all on the map. The states are the map's
  // either way (record_sentences reads them there too); reading only the set's columns
  // skips copying 1001-wide rows, which a view redrawn after every slider move feels.
  const MapPoints* p = points_at(s, stage);
  if (s.model == ModelKind::esn && p) {
    std::vector<int> row_of(static_cast<size_t>(s.corpus->test.size()), -1);
    for (size_t k = 0; k < p->dataset_index.size(); ++k) row_of[static_cast<size_t>(p->dataset_index[k])] = static_cast<int>(k);
    bool on_map = true;
    for (int i : chosen) on_map = on_map && row_of[static_cast<size_t>(i)] >= 0;
    if (on_map) {
      for (int u : units)
        if (u < 0 || u >= p->units())
          throw std::invalid_argument("unit = " + std::to_string(u) + " is out of range [0, " +
                                      std::to_string(p->units() - 1) + "]");
      std::vector<int> local(units.size());
      for (size_t k = 0; k < local.size(); ++k) local[k] = static_cast<int>(k);
      analysis::WordInfluenceAccumulator acc(g.vocabulary_size(), local, g.word_index("BEGIN"));
      for (int i : chosen) {
        const auto& rows = p->point_of[static_cast<size_t>(row_of[static_cast<size_t>(i)])];
        Eigen::MatrixXd st(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(units.size()));
        for (size_t r = 0; r < rows.size(); ++r)
          for (size_t k = 0; k < units.size(); ++k)
            st(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k)) = p->X(rows[r], p->unit_offset + units[k]);
        acc.add(st, row_words(s.corpus->test.sentences[static_cast<size_t>(i)], p->zero_state_first));
        if (stop_requested(stop)) throw Cancelled();
      }
      return acc.result();
    }
  }
  analysis::WordInfluenceAccumulator acc(g.vocabulary_size(), units, g.word_index("BEGIN"));
  for (const auto& r : record_sentences(s, stage, chosen, stop)) acc.add(r.states, r.words);
  return acc.result();
}

bool is_structure_word(const std::string& w) {
  for (const char* s : {"this", "that", "is", "a", "the", "on", "there", "and", "BEGIN", "END"})
    if (w == s) return true;
  return false;
}

StructureContrast structure_contrast(const corpus::Grammar& g, const analysis::WordInfluence& w) {
  StructureContrast c;
  double ss = 0, cs = 0;
  for (int k = 0; k < w.vocabulary(); ++k) {
    const auto n = w.count[static_cast<size_t>(k)];
    if (n == 0) continue;
    if (is_structure_word(g.vocabulary()[static_cast<size_t>(k)])) {
      c.structure_count += n;
      ss += w.sum[static_cast<size_t>(k)];
    } else {
      c.content_count += n;
      cs += w.sum[static_cast<size_t>(k)];
    }
  }
  if (c.structure_count > 0) c.structure_mean = ss / static_cast<double>(c.structure_count);
  if (c.content_count > 0) c.content_mean = cs / static_cast<double>(c.content_count);
  return c;
}

}  // namespace rssviz::experiment
