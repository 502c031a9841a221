#include <algorithm>
#include "core/experiment/rssviz_map.hpp"

#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "core/metrics/metrics.hpp"

namespace rssviz::experiment {

umap::UmapOptions paper_map_umap() {
  umap::UmapOptions o;
  o.n_neighbors = 15;
  o.min_dist = 0.1f;
  o.metric = umap::Metric::euclidean;
  o.init = umap::Init::spectral;
  o.seed = 42;
  return o;
}

namespace {

// FNV-1a over the row's bytes; equality is then checked exactly, so a collision only
// costs a comparison.
std::uint64_t hash_row(const float* v, Eigen::Index n) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  const auto* b = reinterpret_cast<const unsigned char*>(v);
  for (size_t i = 0; i < static_cast<size_t>(n) * sizeof(float); ++i) {
    h ^= b[i];
    h *= 0x100000001B3ULL;
  }
  return h;
}

corpus::ClausePart part_at(const std::vector<corpus::ClausePart>& parts, int r, bool zero_first) {
  if (zero_first) return r == 0 ? corpus::ClausePart::kFirstClause : parts[static_cast<size_t>(r - 1)];
  return parts[static_cast<size_t>(r)];
}

int code_of(const corpus::Grammar& g, const corpus::Sentence& s, const float* y, std::vector<double>& buf) {
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = y[i];
  return metrics::error_code(metrics::decode(g, buf.data()), s.meaning);
}

}  // namespace

Eigen::VectorXf MapPoints::unit_activation(int u) const {
  if (u < 0 || u >= units())
    throw std::invalid_argument("unit = " + std::to_string(u) + " is out of range [0, " +
                                std::to_string(units() - 1) + "]");
  return X.col(unit_offset + u);
}

Eigen::MatrixXf MapPoints::sentence_units(int s) const {
  const auto& rows = point_of.at(static_cast<size_t>(s));
  Eigen::MatrixXf m(static_cast<Eigen::Index>(rows.size()), units());
  for (size_t r = 0; r < rows.size(); ++r) m.row(static_cast<Eigen::Index>(r)) = X.row(rows[r]).tail(units());
  return m;
}

int MapPoints::word_at(const corpus::Dataset& data, int s, int r) const {
  const auto& sent = data.sentences.at(static_cast<size_t>(dataset_index.at(static_cast<size_t>(s))));
  if (zero_state_first) return r == 0 ? kNoWord : sent.tokens.at(static_cast<size_t>(r - 1));
  return sent.tokens.at(static_cast<size_t>(r));
}

MapPoints collect_map_points(const corpus::Grammar& g, const corpus::Dataset& data, const std::vector<int>& chosen,
                             const std::vector<Trajectory>& trajectories, const MapPointOptions& options) {
  if (chosen.size() != trajectories.size())
    throw std::invalid_argument("collect_map_points: " + std::to_string(chosen.size()) + " sentences but " +
                                std::to_string(trajectories.size()) + " trajectories");
  if (chosen.empty()) throw std::invalid_argument("collect_map_points: no sentences chosen");
  const Eigen::Index dim = trajectories.front().states.cols();
  const bool with_out = trajectories.front().outputs.size() > 0;
  if (options.unit_offset < 0 || options.unit_offset >= dim)
    throw std::invalid_argument("unit_offset = " + std::to_string(options.unit_offset) + " is out of range [0, " +
                                std::to_string(dim - 1) + "]");
  long long rows_total = 0;
  for (size_t i = 0; i < chosen.size(); ++i) {
    const int idx = chosen[i];
    if (idx < 0 || idx >= data.size())
      throw std::invalid_argument("chosen sentence " + std::to_string(idx) + " is out of range [0, " +
                                  std::to_string(data.size() - 1) + "]");
    const auto& t = trajectories[i];
    const int want = data.sentences[static_cast<size_t>(idx)].length() + (options.zero_state_first ? 1 : 0);
    const std::string where = "sentence " + std::to_string(idx) + ": ";
    if (t.states.rows() != want)
      throw std::invalid_argument(where + std::to_string(t.states.rows()) + " state rows, expected " +
                                  std::to_string(want));
    if (t.states.cols() != dim)
      throw std::invalid_argument(where + "state width " + std::to_string(t.states.cols()) + ", expected " +
                                  std::to_string(dim));
    if ((t.outputs.size() > 0) != with_out)
      throw std::invalid_argument(where + "either every trajectory or none must carry outputs");
    if (with_out && (t.outputs.rows() != want || t.outputs.cols() != g.output_size()))
      throw std::invalid_argument(where + "outputs are " + std::to_string(t.outputs.rows()) + "x" +
                                  std::to_string(t.outputs.cols()) + ", expected " + std::to_string(want) + "x" +
                                  std::to_string(g.output_size()));
    rows_total += want;
  }

  MapPoints p;
  p.unit_offset = options.unit_offset;
  p.zero_state_first = options.zero_state_first;
  p.rows_total = rows_total;
  p.dataset_index = chosen;
  p.point_of.resize(chosen.size());
  // Rows go into an over-allocated buffer, trimmed at the end.
  Eigen::MatrixXf X(rows_total, dim);
  Eigen::MatrixXf Y(with_out ? rows_total : 0, g.output_size());
  std::unordered_multimap<std::uint64_t, int> seen;
  seen.reserve(static_cast<size_t>(rows_total));
  std::vector<double> buf(static_cast<size_t>(g.output_size()));
  Eigen::RowVectorXf row(dim);
  int n = 0;
  for (size_t i = 0; i < chosen.size(); ++i) {
    const auto& sent = data.sentences[static_cast<size_t>(chosen[i])];
    const auto parts = sent.parts();
    const auto& t = trajectories[i];
    auto& map = p.point_of[i];
    map.resize(static_cast<size_t>(t.states.rows()));
    for (Eigen::Index r = 0; r < t.states.rows(); ++r) {
      row = t.states.row(r).cast<float>();
      int found = -1;
      std::uint64_t h = 0;
      if (options.drop_duplicates) {
        h = hash_row(row.data(), dim);
        auto [lo, hi] = seen.equal_range(h);
        for (auto it = lo; it != hi; ++it)
          if (X.row(it->second) == row) {
            found = it->second;
            break;
          }
      }
      if (found >= 0) {
        map[static_cast<size_t>(r)] = found;
        continue;
      }
      X.row(n) = row;
      const int ri = static_cast<int>(r);
      p.sentence.push_back(static_cast<int>(i));
      p.step.push_back(ri);
      p.word.push_back(options.zero_state_first ? (ri == 0 ? kNoWord : sent.tokens[static_cast<size_t>(ri - 1)])
                                                : sent.tokens[static_cast<size_t>(ri)]);
      p.part.push_back(part_at(parts, ri, options.zero_state_first));
      if (with_out) {
        Y.row(n) = t.outputs.row(r).cast<float>();
        const Eigen::RowVectorXf y = Y.row(n);
        p.error_code.push_back(code_of(g, sent, y.data(), buf));
      } else {
        p.error_code.push_back(kNoCode);
      }
      if (options.drop_duplicates) seen.emplace(h, n);
      map[static_cast<size_t>(r)] = n;
      ++n;
    }
  }
  p.X = X.topRows(n);
  if (with_out) p.outputs = Y.topRows(n);
  return p;
}

std::vector<int> point_error_codes(const corpus::Grammar& g, const corpus::Dataset& data, const MapPoints& points,
                                   const Eigen::MatrixXf& outputs) {
  if (outputs.rows() != points.size() || outputs.cols() != g.output_size())
    throw std::invalid_argument("point_error_codes: outputs are " + std::to_string(outputs.rows()) + "x" +
                                std::to_string(outputs.cols()) + ", expected " + std::to_string(points.size()) + "x" +
                                std::to_string(g.output_size()));
  std::vector<int> codes(static_cast<size_t>(points.size()));
  std::vector<double> buf(static_cast<size_t>(g.output_size()));
  for (int i = 0; i < points.size(); ++i) {
    const int ds = points.dataset_index[static_cast<size_t>(points.sentence[static_cast<size_t>(i)])];
    const Eigen::RowVectorXf y = outputs.row(i);
    codes[static_cast<size_t>(i)] = code_of(g, data.sentences[static_cast<size_t>(ds)], y.data(), buf);
  }
  return codes;
}

std::vector<int> sentence_error_codes(const corpus::Grammar& g, const corpus::Dataset& data, const MapPoints& points,
                                      int s, const Eigen::MatrixXf& outputs) {
  if (outputs.rows() != points.size() || outputs.cols() != g.output_size())
    throw std::invalid_argument("sentence_error_codes: outputs do not match the points");
  const auto& rows = points.point_of.at(static_cast<size_t>(s));
  const auto& sent = data.sentences.at(static_cast<size_t>(points.dataset_index[static_cast<size_t>(s)]));
  std::vector<int> codes;
  std::vector<double> buf(static_cast<size_t>(g.output_size()));
  for (int p : rows) {
    const Eigen::RowVectorXf y = outputs.row(p);
    codes.push_back(code_of(g, sent, y.data(), buf));
  }
  return codes;
}

std::vector<int> spread_sentences(const corpus::Dataset& data, int count) {
  if (count < 1) throw std::invalid_argument("sentence count = " + std::to_string(count) + " must be at least 1");
  const int n = std::min(count, data.size());
  std::vector<int> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    v[static_cast<size_t>(i)] = static_cast<int>(static_cast<long long>(i) * data.size() / n);
  return v;
}

std::vector<int> map_sentences(const corpus::Dataset& data, int count, const std::vector<int>& include) {
  std::vector<int> v = spread_sentences(data, count);
  for (int i : include) {
    if (i < 0 || i >= data.size())
      throw std::invalid_argument("sentence " + std::to_string(i) + " is out of range [0, " +
                                  std::to_string(data.size() - 1) + "] (test sentences)");
    const auto at = std::lower_bound(v.begin(), v.end(), i);
    if (at == v.end() || *at != i) v.insert(at, i);
  }
  return v;
}

std::string clause_part_name(corpus::ClausePart p) {
  switch (p) {
    case corpus::ClausePart::kFirstClause: return "first clause";
    case corpus::ClausePart::kAnd: return "and";
    case corpus::ClausePart::kSecondClause: return "second clause";
    case corpus::ClausePart::kEnd: return "END";
  }
  return "?";
}

std::string error_code_name(int code) {
  if (code < 0 || code > 8) return "no readout";
  static constexpr std::string_view score[3] = {"wrong", "valid", "exact"};
  return "slot1 " + std::string(score[code % 3]) + ", slot2 " + std::string(score[code / 3]);
}

}  // namespace rssviz::experiment
