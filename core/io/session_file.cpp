#include "core/io/session_file.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "core/io/atomic_file.hpp"
#include "core/io/base64.hpp"
#include "core/io/json_limits.hpp"
#include "core/lstm/lstm_file.hpp"

namespace rssviz::io {

namespace {
// The largest session file read (an ESN of 3000 units with its weights is about 100 MB).
constexpr std::uint64_t kMaxSessionFileBytes = 1ull << 30;
}  // namespace

namespace {

using Json = nlohmann::json;
using Ordered = nlohmann::ordered_json;

const std::vector<std::string> kColours = {"clause_part", "error_code", "word", "output_unit", "unit"};
const std::vector<std::string> kUnitSets = {"polyvalent", "top", "all", "random"};
const std::vector<std::string> kScales = {"probability", "raw", "sigmoid"};
const std::vector<std::string> kRoles = {"esn", "lstm-frame", "map-layout"};

[[noreturn]] void refuse(const std::string& file, const std::string& field, const std::string& what) {
  throw std::runtime_error(file + ": field \"" + field + "\": " + what);
}

std::string shown(const Json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// One JSON object of the file, read field by field: every field must be present with
// the right type and range, and done() refuses the keys nobody read.
class Fields {
 public:
  Fields(const Json& j, std::string where, const std::string& file) : j_(j), where_(std::move(where)), file_(file) {
    if (!j_.is_object()) refuse(file_, where_, "expected an object, got " + shown(j_));
  }
  std::string field(const std::string& key) const { return where_.empty() ? key : where_ + "." + key; }
  const Json& at(const std::string& key) {
    auto it = j_.find(key);
    if (it == j_.end()) refuse(file_, field(key), "missing");
    seen_.insert(key);
    return *it;
  }
  bool has(const std::string& key) const { return j_.contains(key); }
  long long integer(const std::string& key, long long lo, long long hi) {
    const Json& v = at(key);
    long long x = 0;
    bool ok = false;
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      ok = u <= static_cast<std::uint64_t>(std::numeric_limits<long long>::max());
      x = static_cast<long long>(u);
    } else if (v.is_number_integer()) {
      ok = true;
      x = v.get<long long>();
    }
    if (!ok || x < lo || x > hi)
      refuse(file_, field(key),
             "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + shown(v));
    return x;
  }
  int int32(const std::string& key, int lo, int hi) { return static_cast<int>(integer(key, lo, hi)); }
  std::uint64_t seed(const std::string& key) {
    const Json& v = at(key);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<long long>() >= 0))
      refuse(file_, field(key), "expected an integer in [0, 2^64), got " + shown(v));
    return v.get<std::uint64_t>();
  }
  double number(const std::string& key) {
    const Json& v = at(key);
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      refuse(file_, field(key), "expected a finite number, got " + shown(v));
    return v.get<double>();
  }
  float number32(const std::string& key) {
    const double d = number(key);
    if (std::fabs(d) > std::numeric_limits<float>::max())
      refuse(file_, field(key), "expected a number within float range, got " + shown(j_.at(key)));
    return static_cast<float>(d);
  }
  bool boolean(const std::string& key) {
    const Json& v = at(key);
    if (!v.is_boolean()) refuse(file_, field(key), "expected true or false, got " + shown(v));
    return v.get<bool>();
  }
  std::string text(const std::string& key) {
    const Json& v = at(key);
    if (!v.is_string()) refuse(file_, field(key), "expected a string, got " + shown(v));
    return v.get<std::string>();
  }
  std::string choice(const std::string& key, const std::vector<std::string>& allowed) {
    const std::string s = text(key);
    for (const auto& a : allowed)
      if (s == a) return s;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    refuse(file_, field(key), "\"" + s + "\" is not one of " + list);
  }
  std::vector<int> integers(const std::string& key, int lo, int hi, size_t max_count) {
    const Json& v = at(key);
    if (!v.is_array() || v.size() > max_count)
      refuse(file_, field(key), "expected a list of at most " + std::to_string(max_count) + " integers");
    std::vector<int> out;
    for (const auto& e : v) {
      if (!e.is_number_integer() || e.get<long long>() < lo || e.get<long long>() > hi)
        refuse(file_, field(key), "expected integers in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                       "], got " + shown(e));
      out.push_back(static_cast<int>(e.get<long long>()));
    }
    return out;
  }
  Fields object(const std::string& key) { return Fields(at(key), field(key), file_); }
  void done() const {
    for (const auto& item : j_.items())
      if (!seen_.count(item.key())) refuse(file_, field(item.key()), "unknown field (misspelt, or from a newer rssviz?)");
  }
  const std::string& file() const { return file_; }

 private:
  const Json& j_;
  std::string where_;
  const std::string& file_;
  std::set<std::string> seen_;
};

// Runs an options struct's validate(), naming the section on failure.
template <class F>
void validated(const std::string& file, const std::string& section, F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    refuse(file, section, e.what());
  }
}

const char* kind_name(experiment::ModelKind k) { return k == experiment::ModelKind::esn ? "esn" : "lstm"; }

std::string umap_metric(umap::Metric m) { return m == umap::Metric::euclidean ? "euclidean" : "cosine"; }
std::string umap_init(umap::Init i) {
  return i == umap::Init::spectral ? "spectral" : i == umap::Init::random ? "random" : "given";
}
std::string umap_knn(umap::KnnMethod k) {
  return k == umap::KnnMethod::automatic ? "automatic" : k == umap::KnnMethod::exact ? "exact" : "approximate";
}

Ordered corpus_json(const CorpusSource& c) {
  if (c.kind == CorpusSource::Kind::kFile)
    return {{"source", "file"}, {"path", c.path}, {"sha256", c.sha256}, {"bytes", c.bytes}};
  const auto& o = c.generated;
  return {{"source", "generated"},
          {"options",
           {{"objects", o.objects},
            {"seed", o.seed},
            {"train_one_object", o.train_one_object},
            {"train_two_object", o.train_two_object},
            {"test_one_object", o.test_one_object},
            {"test_two_object", o.test_two_object},
            {"validation_one_object", o.validation_one_object},
            {"validation_two_object", o.validation_two_object},
            {"second_slot_fill", o.second_slot_fill}}}};
}

CorpusSource read_corpus(Fields f) {
  CorpusSource c;
  const std::string source = f.choice("source", {"generated", "file"});
  if (source == "file") {
    c.kind = CorpusSource::Kind::kFile;
    c.path = f.text("path");
    c.sha256 = f.text("sha256");
    c.bytes = static_cast<std::uint64_t>(f.integer("bytes", 0, std::numeric_limits<long long>::max()));
    if (c.path.empty()) refuse(f.file(), f.field("path"), "empty");
    const bool hex = c.sha256.size() == 64 &&
                     c.sha256.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex) refuse(f.file(), f.field("sha256"), "expected 64 lower-case hexadecimal digits");
  } else {
    Fields o = f.object("options");
    auto& g = c.generated;
    g.objects = o.int32("objects", 1, corpus::kMaxObjects);
    g.seed = o.seed("seed");
    g.train_one_object = o.int32("train_one_object", 0, 100000);
    g.train_two_object = o.int32("train_two_object", 0, 1000000);
    g.test_one_object = o.int32("test_one_object", 0, 100000);
    g.test_two_object = o.int32("test_two_object", 0, 1000000);
    g.validation_one_object = o.int32("validation_one_object", 0, 100000);
    g.validation_two_object = o.int32("validation_two_object", 0, 1000000);
    g.second_slot_fill = o.number("second_slot_fill");
    o.done();
    validated(f.file(), "corpus.options", [&] { g.validate(); });
  }
  f.done();
  return c;
}

Ordered esn_json(const SessionFile& s) {
  Ordered j = experiment::reservoir_options_json(s.reservoir, {.threads = false});
  j["readout"] = experiment::to_string(s.readout);
  j["stages"] = s.esn_stages;
  return j;
}

void read_esn(Fields f, SessionFile& s) {
  auto& r = s.reservoir;
  r.units = f.int32("units", 1, 100000);
  r.spectral_radius = f.number("spectral_radius");
  r.leak_rate = f.number("leak_rate");
  r.input_scaling = f.number("input_scaling");
  r.density = f.number("density");
  r.input_connectivity = f.number("input_connectivity");
  r.bias = f.boolean("bias");
  r.bias_scaling = f.number("bias_scaling");
  r.ridge = f.number("ridge");
  r.weight_init = esn::weight_init_from_string(f.choice("weight_init", {"expected", "exact"}));
  r.seed = f.seed("seed");
  r.threads = 0;
  s.readout = experiment::esn_readout_from_string(f.choice("readout", {"ridge", "rls"}));
  s.esn_stages = f.integers("stages", 1, 10000000, 1000);
  for (size_t i = 1; i < s.esn_stages.size(); ++i)
    if (s.esn_stages[i] <= s.esn_stages[i - 1]) refuse(f.file(), f.field("stages"), "not strictly increasing");
  f.done();
  validated(f.file(), "esn", [&] {
    r.validate();
    experiment::validate_readout(r.ridge, s.readout);
  });
}

Ordered lstm_json(const SessionFile& s) { return lstm::to_json(s.lstm); }

Ordered trainer_json(const lstm::TrainerOptions& t) {
  Ordered j = lstm::to_json(t);
  j.erase("threads");
  return j;
}

void read_lstm(Fields f, Fields t, SessionFile& s) {
  s.lstm.hidden = f.int32("hidden", 1, 100000);
  s.lstm.forget_bias = f.number("forget_bias");
  s.lstm.seed = f.seed("seed");
  f.done();
  validated(f.file(), "lstm", [&] { s.lstm.validate(); });
  auto& o = s.trainer;
  o.epochs = t.int32("epochs", 0, 1000000);
  o.batch_size = t.int32("batch_size", 1, 1000000);
  o.learning_rate = t.number("learning_rate");
  o.beta1 = t.number("beta1");
  o.beta2 = t.number("beta2");
  o.epsilon = t.number("epsilon");
  o.clip_norm = t.number("clip_norm");
  o.shuffle = t.boolean("shuffle");
  o.seed = t.seed("seed");
  o.keep_snapshots = t.boolean("keep_snapshots");
  o.threads = 1;
  t.done();
  validated(f.file(), "trainer", [&] { o.validate(); });
}

Ordered umap_json(const umap::UmapOptions& u) {
  return {{"n_neighbors", u.n_neighbors},
          {"n_components", u.n_components},
          {"min_dist", u.min_dist},
          {"spread", u.spread},
          {"n_epochs", u.n_epochs},
          {"learning_rate", u.learning_rate},
          {"negative_sample_rate", u.negative_sample_rate},
          {"repulsion_strength", u.repulsion_strength},
          {"local_connectivity", u.local_connectivity},
          {"set_op_mix_ratio", u.set_op_mix_ratio},
          {"move_both_ends", u.move_both_ends},
          {"a", u.a},
          {"b", u.b},
          {"metric", umap_metric(u.metric)},
          {"init", umap_init(u.init)},
          {"knn", umap_knn(u.knn)},
          {"warm_start", u.warm_start},
          {"warm_start_epochs", u.warm_start_epochs},
          {"warm_start_learning_rate", u.warm_start_learning_rate},
          {"transform_epochs", u.transform_epochs},
          {"seed", u.seed}};
}

umap::UmapOptions read_umap(Fields f) {
  umap::UmapOptions u;
  u.n_neighbors = f.int32("n_neighbors", 2, 100000);
  u.n_components = f.int32("n_components", 1, 8);
  u.min_dist = f.number32("min_dist");
  u.spread = f.number32("spread");
  u.n_epochs = f.int32("n_epochs", 0, 100000);
  u.learning_rate = f.number32("learning_rate");
  u.negative_sample_rate = f.int32("negative_sample_rate", 0, 1000);
  u.repulsion_strength = f.number32("repulsion_strength");
  u.local_connectivity = f.number32("local_connectivity");
  u.set_op_mix_ratio = f.number32("set_op_mix_ratio");
  u.move_both_ends = f.boolean("move_both_ends");
  u.a = f.number32("a");
  u.b = f.number32("b");
  u.metric = f.choice("metric", {"euclidean", "cosine"}) == "euclidean" ? umap::Metric::euclidean : umap::Metric::cosine;
  const std::string init = f.choice("init", {"spectral", "random"});  // "given" needs coordinates a file does not hold
  u.init = init == "spectral" ? umap::Init::spectral : umap::Init::random;
  const std::string knn = f.choice("knn", {"automatic", "exact", "approximate"});
  u.knn = knn == "automatic" ? umap::KnnMethod::automatic
          : knn == "exact"   ? umap::KnnMethod::exact
                             : umap::KnnMethod::approximate;
  u.warm_start = f.boolean("warm_start");
  u.warm_start_epochs = f.int32("warm_start_epochs", 1, 100000);
  u.warm_start_learning_rate = f.number32("warm_start_learning_rate");
  u.transform_epochs = f.int32("transform_epochs", 0, 100000);
  u.seed = f.seed("seed");
  u.threads = 0;
  f.done();
  validated(f.file(), "umap", [&] { umap::validate(u); });
  return u;
}

Ordered view_json(const SessionView& v) {
  return {{"stage", v.stage},
          {"selected", v.selected},
          {"colour", v.colour},
          {"colour_parameter", v.colour_parameter},
          {"mark_ends", v.mark_ends},
          {"highlighted_unit", v.highlighted_unit},
          {"marked_word", v.marked_word},
          {"analysis_output", v.analysis_output},
          {"output_scale", v.output_scale},
          {"unit_set", v.unit_set},
          {"unit_set_output", v.unit_set_output},
          {"unit_set_top", v.unit_set_top}};
}

SessionView read_view(Fields f) {
  constexpr int kMax = 10000000;
  SessionView v;
  v.stage = f.int32("stage", -1, kMax);
  v.selected = f.int32("selected", -1, kMax);
  v.colour = f.choice("colour", kColours);
  v.colour_parameter = f.int32("colour_parameter", 0, kMax);
  v.mark_ends = f.boolean("mark_ends");
  v.highlighted_unit = f.int32("highlighted_unit", -1, kMax);
  v.marked_word = f.int32("marked_word", -1, kMax);
  v.analysis_output = f.int32("analysis_output", 0, kMax);
  v.output_scale = f.choice("output_scale", kScales);
  v.unit_set = f.choice("unit_set", kUnitSets);
  v.unit_set_output = f.int32("unit_set_output", 0, kMax);
  v.unit_set_top = f.int32("unit_set_top", 1, kMax);
  f.done();
  return v;
}

std::vector<EmbeddedFile> read_weights(const Json& list, const std::string& file) {
  if (!list.is_array()) refuse(file, "weights", "expected a list, got " + shown(list));
  std::vector<EmbeddedFile> out;
  for (size_t i = 0; i < list.size(); ++i) {
    Fields f(list[i], "weights[" + std::to_string(i) + "]", file);
    EmbeddedFile e;
    e.role = f.choice("role", kRoles);
    f.choice("encoding", {"base64"});
    const auto bytes = static_cast<size_t>(f.integer("bytes", 0, std::numeric_limits<std::int32_t>::max()));
    const auto decoded = base64_decode(f.text("data"));
    if (!decoded) refuse(file, f.field("data"), "not valid base64");
    if (decoded->size() != bytes)
      refuse(file, f.field("data"), "decodes to " + std::to_string(decoded->size()) + " bytes, \"bytes\" says " +
                                        std::to_string(bytes) + " (truncated?)");
    f.done();
    try {
      e.file = decode_model_file(*decoded, file + " " + f.field("data"));
    } catch (const std::runtime_error& err) {
      refuse(file, f.field("data"), err.what());
    }
    out.push_back(std::move(e));
  }
  return out;
}

// What the fields mean together.
void check_consistency(const SessionFile& s, const std::string& file) {
  if (s.model == experiment::ModelKind::lstm && s.trained_epochs > s.trainer.epochs)
    refuse(file, "model.trained_epochs",
           std::to_string(s.trained_epochs) + " exceeds trainer.epochs = " + std::to_string(s.trainer.epochs));
  if (s.model == experiment::ModelKind::lstm && !s.every_epoch && s.trained_epochs != s.trainer.epochs)
    refuse(file, "model.trained_epochs", "a session of the final network alone is trained for trainer.epochs = " +
                                             std::to_string(s.trainer.epochs));
  if (s.model == experiment::ModelKind::esn && s.corpus.kind == CorpusSource::Kind::kGenerated) {
    // The ESN's corpus is the paper's split of the master seed (build_esn_session).
    const auto& g = s.corpus.generated;
    corpus::CorpusOptions paper;
    paper.objects = g.objects;
    paper.seed = s.reservoir.seed;
    if (g.seed != s.reservoir.seed)
      refuse(file, "corpus.options.seed",
             std::to_string(g.seed) + " differs from esn.seed = " + std::to_string(s.reservoir.seed) +
                 " (an ESN session's corpus is split by the master seed)");
    if (g.train_one_object != paper.train_one_object || g.train_two_object != paper.train_two_object ||
        g.test_one_object != paper.test_one_object || g.test_two_object != paper.test_two_object ||
        g.validation_one_object != paper.validation_one_object ||
        g.validation_two_object != paper.validation_two_object || g.second_slot_fill != paper.second_slot_fill)
      refuse(file, "corpus.options", "an ESN session uses the paper's split sizes and teacher fill");
  }
  int esn = 0, frames = 0, layouts = 0;
  for (const auto& w : s.weights) {
    esn += w.role == "esn";
    frames += w.role == "lstm-frame";
    layouts += w.role == "map-layout";
  }
  if (s.model == experiment::ModelKind::esn && !s.trained && (esn != 0 || frames != 0 || layouts != 1))
    refuse(file, "weights", "an explored (untrained) ESN session embeds its map's layout: one \"map-layout\" file");
  if (s.weights.empty()) return;
  if (s.model == experiment::ModelKind::esn && s.trained && (esn != 1 || frames != 0 || layouts != 0))
    refuse(file, "weights", "a trained ESN session embeds one \"esn\" model file");
  const int want = s.every_epoch ? s.trained_epochs + 1 : 1;
  if (s.model == experiment::ModelKind::lstm && (esn != 0 || layouts != 0 || frames != want))
    refuse(file, "weights", "an LSTM session embeds " + std::string(s.every_epoch ? "trained_epochs + 1 = " : "") +
                                std::to_string(want) + " \"lstm-frame\" model file(s), found " + std::to_string(frames));
}

}  // namespace

const std::vector<std::string>& session_colour_modes() { return kColours; }

std::string session_to_json(const SessionFile& s) {
  Ordered j = {{"format", "rssviz-session"}, {"version", kSessionFileVersion}, {"corpus", corpus_json(s.corpus)}};
  Ordered model = {{"kind", kind_name(s.model)}, {"trained", s.trained}};
  if (s.model == experiment::ModelKind::lstm) {
    model["trained_epochs"] = s.trained_epochs;
    model["frames"] = s.every_epoch ? "every_epoch" : "final";
  }
  j["model"] = model;
  j["esn"] = esn_json(s);
  j["lstm"] = lstm_json(s);
  j["trainer"] = trainer_json(s.trainer);
  j["map"] = {{"sentences", s.map_sentences}, {"include", s.include_sentences}};
  j["umap"] = umap_json(s.umap);
  j["view"] = view_json(s.view);
  if (!s.weights.empty()) {
    Ordered w = Ordered::array();
    for (const auto& e : s.weights) {
      const std::string bytes = encode_model_file(e.file, "embedded " + e.role);
      w.push_back({{"role", e.role}, {"encoding", "base64"}, {"bytes", bytes.size()}, {"data", base64_encode(bytes)}});
    }
    j["weights"] = w;
  }
  return j.dump(2) + "\n";
}

SessionFile session_from_json(std::string_view text, const std::string& name) {
  if (text.substr(0, 8) == "RSSVIZMF")
    throw std::runtime_error(name + ": is a model file (rssviz-cli train --save), not a session: "
                                    "load it with Model > Load model…");
  Json j;
  try {
    // Bounded nesting (kMaxJsonDepth): messages and saves print values recursively.
    j = Json::parse(text, [&](int depth, Json::parse_event_t, Json&) {
      if (depth > kMaxJsonDepth)
        throw std::runtime_error(name + ": not a session file (the JSON is nested deeper than " +
                                 std::to_string(kMaxJsonDepth) + " levels)");
      return true;
    });
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for a number like 1e999
    throw std::runtime_error(name + ": not a session file (the JSON does not parse: " + e.what() + ")");
  }
  Fields top(j, "", name);
  if (top.text("format") != "rssviz-session") refuse(name, "format", "expected \"rssviz-session\"");
  const long long version = top.integer("version", 1, std::numeric_limits<std::int32_t>::max());
  if (version > kSessionFileVersion)
    refuse(name, "version",
           "version " + std::to_string(version) + " is newer than this rssviz reads (version " +
               std::to_string(kSessionFileVersion) + "); open it with a newer rssviz");
  SessionFile s;
  s.corpus = read_corpus(top.object("corpus"));
  {
    Fields m = top.object("model");
    s.model = m.choice("kind", {"esn", "lstm"}) == "esn" ? experiment::ModelKind::esn : experiment::ModelKind::lstm;
    s.trained = m.boolean("trained");
    if (s.model == experiment::ModelKind::lstm) {
      s.trained_epochs = m.int32("trained_epochs", 0, 1000000);
      s.every_epoch = m.choice("frames", {"every_epoch", "final"}) == "every_epoch";
      if (!s.trained) refuse(name, "model.trained", "an LSTM session is always trained (trained_epochs may be 0)");
    }
    m.done();
  }
  read_esn(top.object("esn"), s);
  read_lstm(top.object("lstm"), top.object("trainer"), s);
  {
    Fields m = top.object("map");
    s.map_sentences = m.int32("sentences", 1, 1000000);
    s.include_sentences = m.integers("include", 0, 10000000, 100000);
    m.done();
  }
  s.umap = read_umap(top.object("umap"));
  s.view = read_view(top.object("view"));
  if (top.has("weights")) s.weights = read_weights(top.at("weights"), name);
  top.done();
  check_consistency(s, name);
  return s;
}

void save_session_file(const std::filesystem::path& path, const SessionFile& s) {
  write_file_atomic(path, session_to_json(s));
}

SessionFile load_session_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw std::runtime_error(name + ": cannot read the file: it does not exist");
  if (!std::filesystem::is_regular_file(status))
    throw std::runtime_error(name + ": cannot read the file: not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(name + ": cannot open the file for reading: " + std::strerror(errno));
  // At most one block past the limit, so that a huge (or growing) file never allocates more.
  std::string bytes;
  std::array<char, 1 << 16> buf{};
  while (in && bytes.size() <= kMaxSessionFileBytes) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    bytes.append(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw std::runtime_error(name + ": read error");
  if (bytes.size() > kMaxSessionFileBytes)
    throw std::runtime_error(name + ": the file is over the limit of " + std::to_string(kMaxSessionFileBytes) +
                             " bytes (kMaxSessionFileBytes, 1 GiB): not a session file");
  return session_from_json(bytes, name);
}

}  // namespace rssviz::io
