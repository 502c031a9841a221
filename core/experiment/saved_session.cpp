#include "core/experiment/saved_session.hpp"

#include <cmath>
#include <stdexcept>

#include "core/experiment/esn_protocol.hpp"
#include "core/lstm/lstm_file.hpp"

namespace rssviz::experiment {

namespace {

// The session's corpus file (null for the generated corpus): the one already read, else
// read now and checked against the checksum the session stored.
std::shared_ptr<const corpus::CorpusFile> corpus_file_of(const io::SessionFile& f) {
  if (f.corpus.kind != io::CorpusSource::Kind::kFile) return nullptr;
  if (f.corpus.loaded) {
    if (f.corpus.loaded->identity.sha256 != f.corpus.sha256)
      throw std::runtime_error("corpus file \"" + f.corpus.path + "\": its checksum is not the session's");
    return f.corpus.loaded;
  }
  return std::make_shared<const corpus::CorpusFile>(corpus::read_corpus_file(f.corpus.path, f.corpus.sha256));
}

lstm::EpochReport report_from_json(const nlohmann::json& j, const std::string& name) {
  lstm::EpochReport r;
  try {
    r.epoch = j.at("epoch").get<int>();
    r.train_loss = j.at("train_loss").get<double>();
    r.validation_mse = j.at("validation_mse").get<double>();
    r.validation_valid_error = j.at("validation_valid_error").get<double>();
    r.validation_exact_error = j.at("validation_exact_error").get<double>();
    r.seconds = j.at("seconds").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(name + ": bad epoch report in the history: " + e.what());
  }
  if (!std::isfinite(r.train_loss) || !std::isfinite(r.validation_valid_error) || !std::isfinite(r.validation_exact_error))
    throw std::runtime_error(name + ": epoch report " + std::to_string(r.epoch) + " holds a non-finite value");
  return r;
}

nlohmann::json report_json(const TrainingCurve& c, size_t i) {
  lstm::EpochReport r;
  r.epoch = static_cast<int>(c.x[i]);
  r.train_loss = c.loss[i];
  r.validation_valid_error = c.valid_error[i];
  r.validation_exact_error = c.exact_error[i];
  return lstm::to_json(r);
}

std::shared_ptr<MapSession> esn_from_weights(const io::SessionFile& f, const std::string& name, int threads,
                                             const StopFlag* stop, const ProgressFn& progress) {
  const std::string where = name + ": weights[0] (the embedded ESN)";
  const EsnModel m = esn_model_from_file(f.weights.front().file, where);
  const auto& a = m.reservoir.options();
  const auto& b = f.reservoir;
  auto stored = b;
  stored.threads = a.threads;  // not stored in a session file (no result depends on it)
  const bool same = a == stored && m.objects == f.corpus.generated.objects && m.readout == f.readout;
  if (!same) throw std::runtime_error(where + ": its options or corpus differ from the session's \"esn\" and \"corpus\"");
  const std::string sha = f.corpus.kind == io::CorpusSource::Kind::kFile ? f.corpus.sha256 : std::string();
  if (!m.corpus_sha256.empty() && m.corpus_sha256 != sha)  // (files saved before the checksum was embedded have none)
    throw std::runtime_error(where + ": trained on the corpus file with SHA-256 " + m.corpus_sha256 +
                             ", not on the session's corpus");
  try {
    return build_esn_session(esn_session_options(f, threads), m, stop, progress);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(where + ": " + e.what());
  }
}

LstmReplay lstm_replay(const io::SessionFile& f, const std::string& name) {
  LstmReplay r;
  for (size_t i = 0; i < f.weights.size(); ++i) {
    const std::string where = name + ": weights[" + std::to_string(i) + "] (LSTM frame)";
    lstm::LoadedLstm l;
    try {
      l = lstm::from_model_file(f.weights[i].file);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(where + ": " + e.what());
    }
    if (l.corpus.objects != f.corpus.generated.objects || l.corpus.seed != f.corpus.generated.seed)
      throw std::runtime_error(where + ": trained on another corpus (objects " + std::to_string(l.corpus.objects) +
                               ", seed " + std::to_string(l.corpus.seed) + ")");
    if (l.model.hidden() != f.lstm.hidden)
      throw std::runtime_error(where + ": " + std::to_string(l.model.hidden()) + " units, the session's lstm.hidden is " +
                               std::to_string(f.lstm.hidden));
    r.frames.push_back(std::move(l.model));
    if (i + 1 == f.weights.size()) {
      const auto& h = l.meta.value("history", nlohmann::json::array());
      const size_t want = f.every_epoch ? f.weights.size() - 1 : static_cast<size_t>(f.trained_epochs);
      if (!h.is_array() || h.size() != want)
        throw std::runtime_error(where + ": its history has " + std::to_string(h.is_array() ? h.size() : 0) +
                                 " epochs, expected " + std::to_string(want));
      for (const auto& e : h) r.history.push_back(report_from_json(e, where));
    }
  }
  return r;
}

}  // namespace

EsnSessionOptions esn_session_options(const io::SessionFile& f, int threads) {
  EsnSessionOptions o;
  o.objects = f.corpus.generated.objects;
  o.corpus_file = corpus_file_of(f);
  o.reservoir = f.reservoir;
  o.reservoir.threads = threads;
  o.readout = f.readout;
  o.map_sentences = f.map_sentences;
  o.include_sentences = f.include_sentences;
  o.umap = f.umap;
  o.umap.threads = threads;
  o.stages = f.esn_stages;
  return o;
}

LstmSessionOptions lstm_session_options(const io::SessionFile& f, int threads) {
  LstmSessionOptions o;
  o.corpus = f.corpus.generated;
  o.corpus.file = corpus_file_of(f);
  o.model = f.lstm;
  o.trainer = f.trainer;
  o.trainer.threads = threads;
  o.map_sentences = f.map_sentences;
  o.include_sentences = f.include_sentences;
  o.umap = f.umap;
  o.umap.threads = threads;
  o.map_every_epoch = f.every_epoch;
  return o;
}

ExploreOptions explore_options(const io::SessionFile& f, int threads) {
  ExploreOptions o;
  o.objects = f.corpus.generated.objects;
  o.corpus_file = corpus_file_of(f);
  o.reservoir = f.reservoir;
  o.reservoir.threads = threads;
  o.map_sentences = f.map_sentences;
  o.umap = f.umap;
  o.umap.threads = threads;
  return o;
}

std::shared_ptr<MapSession> build_saved_session(const io::SessionFile& f, const std::string& name, int threads,
                                                const StopFlag* stop, const ProgressFn& progress,
                                                const FrameFn& on_frame) {
  if (f.model == ModelKind::esn && !f.trained) {
    // An explored reservoir: the same points, and the layout the drag left.
    Explorer ex(explore_options(f, threads));
    auto s = ex.update(esn::Scalings::of(f.reservoir), nullptr, stop);
    for (const auto& w : f.weights)
      if (w.role == "map-layout") {
        const Eigen::MatrixXd& y = w.file.array("layout");
        if (y.rows() != s->points->size() || y.cols() != f.umap.n_components)
          throw std::runtime_error(name + ": the embedded map layout is " + std::to_string(y.rows()) + " x " +
                                   std::to_string(y.cols()) + ", the map has " + std::to_string(s->points->size()) +
                                   " points in " + std::to_string(f.umap.n_components) + " dimensions");
        s->layout = y.cast<float>();
      }
    return s;
  }
  if (f.model == ModelKind::esn) {
    if (f.has_weights()) return esn_from_weights(f, name, threads, stop, progress);
    return build_esn_session(esn_session_options(f, threads), stop, progress);
  }
  const auto o = lstm_session_options(f, threads);
  std::unique_ptr<LstmSessionBuilder> b;
  try {
    b = f.has_weights() ? std::make_unique<LstmSessionBuilder>(o, lstm_replay(f, name))
                        : std::make_unique<LstmSessionBuilder>(o);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(name + ": " + e.what());
  }
  // Frame 0 is the initial network; then one frame per epoch, up to the epochs trained
  // (a "final" session: every epoch, one frame at the end). A run that diverges finishes
  // early, with the last finite network and the trainer's diagnostic.
  while (!b->finished() && (b->frames().empty() || b->epoch() < f.trained_epochs || !f.every_epoch)) {
    if (stop_requested(stop)) throw Cancelled();
    b->step(stop);
    if (progress && !progress(b->epoch(), std::max(1, f.trained_epochs))) throw Cancelled();
    if (on_frame && b->epoch() < f.trained_epochs && !b->frames().empty()) on_frame(b->session());
  }
  return b->session();
}

std::vector<io::EmbeddedFile> session_weights(const io::SessionFile& f, const MapSession& session) {
  std::vector<io::EmbeddedFile> out;
  if (session.model == ModelKind::esn) {
    if (!session.reservoir) throw std::runtime_error("the session holds no reservoir to embed");
    if (session.trained) {
      EsnModel m;
      m.reservoir = *session.reservoir;
      m.wout = session.readout;
      m.readout = f.readout;
      m.objects = f.corpus.generated.objects;
      // A corpus file's checksum goes into the model file, as `rssviz-cli train --corpus`
      // writes it: Save trained model… then gives a file `evaluate --corpus` accepts.
      if (session.corpus) m.corpus_sha256 = corpus::corpus_sha256(session.corpus->options);
      out.push_back({"esn", to_model_file(m)});
    }
    return out;
  }
  const auto& c = session.curve;
  for (size_t i = 0; i < session.stages.size(); ++i) {
    const auto& st = session.stages[i];
    if (!st.lstm) throw std::runtime_error("LSTM frame " + std::to_string(i) + " holds no network to embed");
    std::vector<lstm::EpochReport> none;
    corpus::CorpusOptions co = f.corpus.generated;
    if (session.corpus) co.file = session.corpus->options.file;  // its checksum in the meta, as for the ESN
    io::ModelFile m = lstm::to_model_file(*st.lstm, co, f.trainer, none);
    nlohmann::json h = nlohmann::json::array();
    // The history up to this frame (a "final" session's only frame: all of it).
    const size_t upto = f.every_epoch ? i : c.x.size();
    for (size_t e = 0; e < upto && e < c.x.size(); ++e) h.push_back(report_json(c, e));
    m.meta["history"] = h;
    out.push_back({"lstm-frame", std::move(m)});
  }
  return out;
}

io::SessionFile describe_session(io::SessionFile f, const MapSession& session, bool embed_weights) {
  // A drag frame's layout covers only some of the map's sentences: the file would be refused on open.
  if (session.preview)
    throw std::invalid_argument("the map shows a drag frame (" + std::to_string(session.points->dataset_index.size()) +
                                " of the map's sentences, while a slider is held): release the slider (or choose "
                                "Model > Explore untrained reservoir) for the full map, then save");
  f.model = session.model;
  f.trained = session.model == ModelKind::lstm || session.trained;
  if (session.model == ModelKind::lstm)
    f.trained_epochs = f.every_epoch ? std::max(0, static_cast<int>(session.stages.size()) - 1)
                                     : static_cast<int>(session.curve.x.size());
  f.weights.clear();
  if (embed_weights || (session.model == ModelKind::esn && !session.trained)) f.weights = session_weights(f, session);
  if (session.model == ModelKind::esn && !session.trained) {
    io::ModelFile m;
    m.model = "map-layout";
    m.arrays["layout"] = session.layout.cast<double>();
    m.single_precision["layout"] = true;  // float in memory: exact
    f.weights.push_back({"map-layout", std::move(m)});
  }
  return f;
}

}  // namespace rssviz::experiment
