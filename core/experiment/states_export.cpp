#include "core/experiment/states_export.hpp"

#include <sstream>
#include <stdexcept>

#include "core/io/atomic_file.hpp"
#include "core/io/npy.hpp"
#include "core/metrics/metrics.hpp"

namespace rssviz::experiment {

namespace {

const MapPoints& points_of(const MapSession& s) {
  if (!s.points || s.points->size() == 0 || !s.corpus)
    throw std::invalid_argument("states export: the session has no map points");
  return *s.points;
}

// The readout at every point decoded once (duplicates share it); empty without readout.
std::vector<corpus::Meaning> decode_points(const corpus::Grammar& g, const MapPoints& p) {
  std::vector<corpus::Meaning> d;
  if (!p.has_outputs()) return d;
  d.reserve(static_cast<size_t>(p.size()));
  for (int i = 0; i < p.size(); ++i) {
    const Eigen::VectorXd y = p.outputs.row(i).transpose().cast<double>();
    d.push_back(metrics::decode(g, y));
  }
  return d;
}

}  // namespace

StatesTable make_states_table(const MapSession& s, bool unique) {
  const MapPoints& p = points_of(s);
  const auto& g = s.corpus->grammar;
  const auto& test = s.corpus->test;
  const auto decoded = decode_points(g, p);
  StatesTable t;
  t.unique = unique;
  if (unique) {
    t.states = p.X;
    for (int i = 0; i < p.size(); ++i) {
      const auto k = static_cast<size_t>(i);
      t.point.push_back(i);
      t.sentence.push_back(p.dataset_index[static_cast<size_t>(p.sentence[k])]);
      t.step.push_back(p.step[k]);
      t.word.push_back(p.word[k]);
      t.part.push_back(p.part[k]);
      t.error_code.push_back(p.error_code[k]);
    }
    t.decoded = decoded;
    return t;
  }
  long long rows = 0;
  for (const auto& m : p.point_of) rows += static_cast<long long>(m.size());
  t.states.resize(static_cast<Eigen::Index>(rows), p.X.cols());
  Eigen::Index r = 0;
  for (size_t ms = 0; ms < p.point_of.size(); ++ms) {
    const int di = p.dataset_index[ms];
    const auto& sent = test.sentences.at(static_cast<size_t>(di));
    const auto parts = sent.parts();
    for (size_t step = 0; step < p.point_of[ms].size(); ++step, ++r) {
      const int pt = p.point_of[ms][step];
      const int si = static_cast<int>(step);
      t.states.row(r) = p.X.row(pt);
      t.point.push_back(pt);
      t.sentence.push_back(di);
      t.step.push_back(si);
      t.word.push_back(p.word_at(test, static_cast<int>(ms), si));
      const int tok = p.zero_state_first ? si - 1 : si;
      t.part.push_back(tok < 0 ? corpus::ClausePart::kFirstClause : parts[static_cast<size_t>(tok)]);
      if (decoded.empty()) {
        t.error_code.push_back(kNoCode);
      } else {
        t.decoded.push_back(decoded[static_cast<size_t>(pt)]);
        t.error_code.push_back(metrics::error_code(t.decoded.back(), sent.meaning));
      }
    }
  }
  return t;
}

Eigen::MatrixXf states_embedding(const MapSession& s, const StatesTable& t) {
  const MapPoints& p = points_of(s);
  if (s.layout.rows() != p.size() || s.layout.cols() != 2)
    throw std::invalid_argument("states export: the layout is " + std::to_string(s.layout.rows()) + "x" +
                                std::to_string(s.layout.cols()) + ", expected " + std::to_string(p.size()) + "x2");
  Eigen::MatrixXf e(t.rows(), 2);
  for (int r = 0; r < t.rows(); ++r) e.row(r) = s.layout.row(t.point[static_cast<size_t>(r)]);
  return e;
}

std::string states_labels_tsv(const MapSession& s, const StatesTable& t) {
  const auto& g = s.corpus->grammar;
  const auto& vocabulary = g.vocabulary();
  std::ostringstream os;
  os << "row\tsentence\tstep\tword\tclause_position\terror_code\tdecoded\tvalid\texact\n";
  for (int r = 0; r < t.rows(); ++r) {
    const auto k = static_cast<size_t>(r);
    const int w = t.word[k];
    os << r << '\t' << t.sentence[k] << '\t' << t.step[k] << '\t'
       << (w == kNoWord ? std::string("(zero)") : vocabulary.at(static_cast<size_t>(w))) << '\t'
       << clause_part_name(t.part[k]) << '\t' << t.error_code[k] << '\t'
       << (t.decoded.empty() ? std::string("(none)") : g.meaning_text(t.decoded[k])) << '\t';
    if (s.results.empty()) {
      os << "-\t-\n";
    } else {
      const auto& res = s.results.at(static_cast<size_t>(t.sentence[k]));
      os << int(res.valid) << '\t' << int(res.exact) << '\n';
    }
  }
  return os.str();
}

void check_states_files(const StatesFiles& f) {
  namespace fs = std::filesystem;
  std::vector<fs::path> paths = {f.states, f.labels};
  if (!f.embedding.empty()) paths.push_back(f.embedding);
  std::vector<fs::path> seen;
  for (const auto& path : paths) {
    io::check_writable(path);
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec) canonical = fs::absolute(path).lexically_normal();
    for (const auto& other : seen)
      if (other == canonical) throw std::invalid_argument(path.string() + " is given for two outputs");
    seen.push_back(canonical);
  }
}

void write_states(const MapSession& s, const StatesTable& t, const StatesFiles& f) {
  std::vector<std::pair<std::filesystem::path, std::string>> files;
  files.emplace_back(f.states, io::npy_bytes(t.states));
  files.emplace_back(f.labels, states_labels_tsv(s, t));
  if (!f.embedding.empty()) files.emplace_back(f.embedding, io::npy_bytes(states_embedding(s, t)));
  io::write_files_atomic(files);
}

}  // namespace rssviz::experiment
