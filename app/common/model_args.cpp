#include "app/common/model_args.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>

namespace rssviz::app {

namespace {

// A decimal whole number in [0, 2^64 - 1], rewritten without leading zeros (CLI11 reads
// integers with strtoull base 0: "010" would be octal 8, "-1" would wrap to 2^64 - 1).
std::string check_seed(std::string& s) {
  const std::string range = "must be a whole number from 0 to " +
                            std::to_string(std::numeric_limits<std::uint64_t>::max()) + ", not \"" + s + "\"";
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return range;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return range;
  s = std::to_string(v);
  return {};
}

}  // namespace

[[noreturn]] void rethrow_as_flag(const std::invalid_argument& e) {
  // Core fields whose flag is not the field name with dashes.
  static const std::map<std::string, std::string> kFlags{{"clip_norm", "clip"}};
  std::string msg = e.what();
  const auto eq = msg.find(" = ");
  if (eq != std::string::npos && msg.find(' ') == eq) {
    std::string field = msg.substr(0, eq);
    if (const auto dot = field.rfind('.'); dot != std::string::npos) field = field.substr(dot + 1);  // "TrainerOptions.epochs"
    if (const auto it = kFlags.find(field); it != kFlags.end()) field = it->second;
    std::replace(field.begin(), field.end(), '_', '-');
    msg = "--" + field + msg.substr(eq);
  }
  throw UsageError(msg);
}

void add_run_options(CLI::App* cmd, ModelArgs& a) {
  auto* objects = cmd->add_option("--objects,-n", a.objects, "Number of objects n of the corpus (4 = the basic corpus)")
                      ->check(CLI::Range(1, 50))
                      ->default_val(4);
  cmd->add_option("--corpus", a.corpus_path,
                  "Corpus file (TSV: split, sentence, meaning; docs/FORMATS.md) in place of --objects")
      ->excludes(objects)
      ->each([&a](const std::string& path) {
        a.corpus = std::make_shared<const corpus::CorpusFile>(corpus::read_corpus_file(path));
      });
  cmd->add_option("--seed,-s", a.seed, "Master seed: corpus split, teacher fill and model initialisation")
      ->transform(CLI::Validator(check_seed, ""))
      ->default_val(1);
  cmd->add_option("--threads,-j", a.threads, "Threads (0 = all cores)")->check(CLI::Range(0, 256))->default_val(0);
}

// The ESN's bound variables start at the core's defaults; capture_default_str only shows
// them (default_val would round-trip them through 6-digit text: ridge 10^-3.5 -> 0.000316228).
ModelOptionSet add_model_options(CLI::App* cmd, ModelArgs& a, bool model_required) {
  auto* model = cmd->add_option("--model,-m", a.model, "Model type")->check(CLI::IsMember({"esn", "lstm"}));
  if (model_required) model->required();
  else model->capture_default_str();
  add_run_options(cmd, a);
  return add_model_settings(cmd, a);
}

ModelOptionSet add_model_settings(CLI::App* cmd, ModelArgs& a) {
  ModelOptionSet set;
  set.args_ = &a;
  auto& r = a.reservoir;
  set.esn_ = {
      cmd->add_option("--units", r.units, "ESN: reservoir size N, >= 1")->capture_default_str(),
      cmd->add_option("--spectral-radius", r.spectral_radius, "ESN: spectral radius of W, >= 0")->capture_default_str(),
      cmd->add_option("--leak-rate", r.leak_rate, "ESN: leak rate, in (0, 1]")->capture_default_str(),
      cmd->add_option("--input-scaling", r.input_scaling, "ESN: input weight scaling, >= 0")->capture_default_str(),
      cmd->add_option("--density", r.density, "ESN: fraction of nonzero recurrent weights, in (0, 1]")
          ->capture_default_str(),
      cmd->add_option("--input-connectivity", r.input_connectivity,
                      "ESN: fraction of nonzero input and bias weights, in (0, 1]")
          ->capture_default_str(),
      cmd->add_option("--bias-scaling", r.bias_scaling, "ESN: bias weight scaling, >= 0")->capture_default_str(),
      cmd->add_flag("--no-bias", a.no_bias, "ESN: no constant bias input"),
      cmd->add_option("--ridge", r.ridge, "ESN: ridge regularisation lambda, >= 0 (> 0 for rls; paper 10^-3.5)")
          ->capture_default_str(),
      cmd->add_option("--readout", a.readout, "ESN: readout training, ridge (closed form) or rls (online)")
          ->check(CLI::IsMember({"ridge", "rls"}))
          ->capture_default_str(),
      cmd->add_option("--weight-init", a.weight_init,
                      "ESN: scale W by its expected (paper, fast) or exact (eigensolver) spectral radius")
          ->check(CLI::IsMember({"expected", "exact"}))
          ->capture_default_str(),
  };
  set.lstm_ = {
      cmd->add_option("--hidden", a.hidden, "LSTM: hidden units (paper: 20)")->check(CLI::Range(1, 4096))->default_val(20),
      cmd->add_option("--epochs", a.epochs, "LSTM: training epochs (paper: 35)")
          ->check(CLI::Range(1, 100000))
          ->default_val(35),
      cmd->add_option("--batch-size", a.batch_size, "LSTM: sentences per Adam update (paper: 2)")
          ->check(CLI::Range(1, 1000))
          ->default_val(2),
      cmd->add_option("--learning-rate", a.learning_rate, "LSTM: Adam learning rate (paper: 1e-3)")
          ->check(CLI::Range(1e-12, 10.0))
          ->default_val(1e-3),
      cmd->add_option("--clip", a.clip, "LSTM: clip the batch gradient to this L2 norm, 0 = off (paper: off)")
          ->check(CLI::Range(0.0, 1e12))
          ->default_val(0.0),
      cmd->add_flag("--shuffle", a.shuffle, "LSTM: reshuffle the training set every epoch (paper: off)"),
  };
  return set;
}

void ModelOptionSet::check() const {
  if (!args_) throw std::logic_error("ModelOptionSet::check: not made by add_model_options");
  const ModelArgs& a = *args_;
  if (a.model != "esn" && a.model != "lstm") throw UsageError("--model = \"" + a.model + "\" is not one of: esn, lstm");
  const bool esn = a.model == "esn";
  for (const auto* o : esn ? lstm_ : esn_)
    if (o->count() > 0) throw UsageError(o->get_name() + " applies to --model " + (esn ? "lstm" : "esn") + " only");
  validate(esn, !esn);
}

void ModelOptionSet::check_models(bool esn, bool lstm) const {
  if (!args_) throw std::logic_error("ModelOptionSet::check_models: not made by add_model_settings");
  for (const auto* o : esn_)
    if (!esn && o->count() > 0) throw UsageError(o->get_name() + " applies to the ESN, which --models does not include");
  for (const auto* o : lstm_)
    if (!lstm && o->count() > 0)
      throw UsageError(o->get_name() + " applies to the LSTM, which --models does not include");
  validate(esn, lstm);
}

void ModelOptionSet::validate(bool esn, bool lstm) const {
  const ModelArgs& a = *args_;
  try {
    if (esn) {
      const auto o = esn_experiment_options(a);
      o.reservoir.validate();
      experiment::validate_readout(o.reservoir.ridge, o.readout);
    }
    if (lstm) {
      const auto o = lstm_protocol_options(a);
      o.corpus.validate();
      o.model.validate();
      o.trainer.validate();
    }
  } catch (const std::invalid_argument& e) {
    rethrow_as_flag(e);
  }
}

corpus::CorpusOptions corpus_options(const ModelArgs& a) {
  corpus::CorpusOptions c;
  c.objects = a.corpus ? a.corpus->grammar.objects() : a.objects;
  c.seed = a.seed;
  c.file = a.corpus;
  return c;
}

void check_model_corpus(const std::string& model_file, const std::string& model_sha256, const ModelArgs& a) {
  const std::string given = a.corpus ? a.corpus->identity.sha256 : "";
  if (given == model_sha256) return;
  if (model_sha256.empty())
    throw UsageError(model_file + " was trained on the paper's corpus, not on the --corpus file " + a.corpus_path +
                     ": give --objects instead");
  if (!a.corpus)
    throw UsageError(model_file + " was trained on a corpus file (SHA-256 " + model_sha256 +
                     "): give that file as --corpus");
  throw UsageError("--corpus " + a.corpus_path + " (SHA-256 " + given + ") is not the corpus file " + model_file +
                   " was trained on (SHA-256 " + model_sha256 + ")");
}

void add_corpus_json(nlohmann::json& j, const ModelArgs& a) {
  j["objects"] = corpus_options(a).objects;
  if (!a.corpus) return;
  j["corpus"] = a.corpus->identity.path;
  j["corpus_sha256"] = a.corpus->identity.sha256;
}

std::string corpus_text(const ModelArgs& a) {
  if (!a.corpus) return std::to_string(a.objects) + " objects";
  return "corpus " + a.corpus->identity.path + " (" + std::to_string(a.corpus->grammar.objects()) +
         " objects, SHA-256 " + a.corpus->identity.sha256.substr(0, 12) + "...)";
}

experiment::EsnExperimentOptions esn_experiment_options(const ModelArgs& a) {
  experiment::EsnExperimentOptions o;
  o.objects = corpus_options(a).objects;
  o.corpus_file = a.corpus;
  o.reservoir = a.reservoir;
  o.reservoir.seed = a.seed;
  o.reservoir.threads = a.threads;
  o.reservoir.bias = !a.no_bias;
  o.reservoir.weight_init = esn::weight_init_from_string(a.weight_init);
  o.readout = experiment::esn_readout_from_string(a.readout);
  return o;
}

experiment::LstmProtocolOptions lstm_protocol_options(const ModelArgs& a) {
  auto o = experiment::lstm_paper_options(corpus_options(a).objects, a.seed);
  o.corpus = corpus_options(a);
  o.model.hidden = a.hidden;
  o.trainer.epochs = a.epochs;
  o.trainer.batch_size = a.batch_size;
  o.trainer.learning_rate = a.learning_rate;
  o.trainer.clip_norm = a.clip;
  o.trainer.shuffle = a.shuffle;
  if (a.threads > 0) o.trainer.threads = a.threads;  // else the trainer's default (one thread: docs/BENCHMARKS.md)
  return o;
}

experiment::EsnSessionOptions esn_session_options(const ModelArgs& a) {
  const auto e = esn_experiment_options(a);
  experiment::EsnSessionOptions o;
  o.objects = e.objects;
  o.corpus_file = e.corpus_file;
  o.reservoir = e.reservoir;
  o.readout = e.readout;
  o.umap.threads = a.threads;
  return o;
}

experiment::LstmSessionOptions lstm_session_options(const ModelArgs& a) {
  const auto p = lstm_protocol_options(a);
  auto o = experiment::lstm_session_options(p.corpus.objects, a.seed);
  o.corpus = p.corpus;
  o.model = p.model;
  o.trainer = p.trainer;
  o.umap.threads = a.threads;
  return o;
}

}  // namespace rssviz::app
