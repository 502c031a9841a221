#include "core/lstm/lstm_file.hpp"

#include <stdexcept>
#include <string>

#include "core/corpus/corpus_file.hpp"

namespace rssviz::lstm {

nlohmann::ordered_json to_json(const LstmOptions& o) {
  return {{"hidden", o.hidden}, {"forget_bias", o.forget_bias}, {"seed", o.seed}};
}

nlohmann::ordered_json to_json(const TrainerOptions& o) {
  return {{"epochs", o.epochs},         {"batch_size", o.batch_size}, {"learning_rate", o.learning_rate},
          {"beta1", o.beta1},           {"beta2", o.beta2},           {"epsilon", o.epsilon},
          {"clip_norm", o.clip_norm},   {"shuffle", o.shuffle},       {"threads", o.threads},
          {"seed", o.seed},             {"keep_snapshots", o.keep_snapshots}};
}

nlohmann::json to_json(const EpochReport& r) {
  return {{"epoch", r.epoch},
          {"train_loss", r.train_loss},
          {"validation_mse", r.validation_mse},
          {"validation_valid_error", r.validation_valid_error},
          {"validation_exact_error", r.validation_exact_error},
          {"seconds", r.seconds}};
}

namespace {

template <class V>
void read(const nlohmann::json& j, const char* section, const char* key, V& v) {
  if (!j.contains(key)) return;
  try {
    v = j.at(key).get<V>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string(section) + "." + key + ": " + e.what());
  }
}

}  // namespace

LstmOptions lstm_options_from_json(const nlohmann::json& j) {
  LstmOptions o;
  read(j, "lstm", "hidden", o.hidden);
  read(j, "lstm", "forget_bias", o.forget_bias);
  read(j, "lstm", "seed", o.seed);
  return o;
}

TrainerOptions trainer_options_from_json(const nlohmann::json& j) {
  TrainerOptions o;
  read(j, "trainer", "epochs", o.epochs);
  read(j, "trainer", "batch_size", o.batch_size);
  read(j, "trainer", "learning_rate", o.learning_rate);
  read(j, "trainer", "beta1", o.beta1);
  read(j, "trainer", "beta2", o.beta2);
  read(j, "trainer", "epsilon", o.epsilon);
  read(j, "trainer", "clip_norm", o.clip_norm);
  read(j, "trainer", "shuffle", o.shuffle);
  read(j, "trainer", "threads", o.threads);
  read(j, "trainer", "seed", o.seed);
  read(j, "trainer", "keep_snapshots", o.keep_snapshots);
  return o;
}

io::ModelFile to_model_file(const Lstm& model, const corpus::CorpusOptions& corpus, const TrainerOptions& trainer,
                            const std::vector<EpochReport>& history) {
  io::ModelFile f;
  f.model = "lstm";
  nlohmann::json h = nlohmann::json::array();
  for (const auto& r : history) h.push_back(to_json(r));
  f.meta = {{"lstm", to_json(model.options())},
            {"trainer", to_json(trainer)},
            {"corpus", {{"objects", corpus.objects}, {"seed", corpus.seed}, {"sha256", corpus::corpus_sha256(corpus)}}},
            {"inputs", model.inputs()},
            {"outputs", model.outputs()},
            {"history", h}};
  const auto& p = model.params();
  f.arrays["Wx"] = p.Wx();
  f.arrays["U"] = p.U();
  f.arrays["b"] = p.b();
  f.arrays["Wy"] = p.Wy();
  f.arrays["by"] = p.by();
  return f;
}

LoadedLstm from_model_file(const io::ModelFile& file) {
  if (file.model != "lstm") throw std::runtime_error("model file holds a \"" + file.model + "\" model, not \"lstm\"");
  LoadedLstm r;
  r.meta = file.meta;
  try {
    const LstmOptions lo = lstm_options_from_json(file.meta.value("lstm", nlohmann::json::object()));
    r.trainer = trainer_options_from_json(file.meta.value("trainer", nlohmann::json::object()));
    const auto& c = file.meta.at("corpus");
    r.corpus.objects = c.at("objects").get<int>();
    r.corpus.seed = c.at("seed").get<std::uint64_t>();
    const auto& Wx = file.array("Wx");
    const auto& U = file.array("U");
    const auto& b = file.array("b");
    const auto& Wy = file.array("Wy");
    const auto& by = file.array("by");
    const long H = U.cols();
    const long V = Wx.cols();
    const long O = Wy.rows();
    auto shape = [](const Eigen::MatrixXd& m) { return std::to_string(m.rows()) + " x " + std::to_string(m.cols()); };
    if (H < 1 || U.rows() != 4 * H || Wx.rows() != 4 * H || b.rows() != 4 * H || b.cols() != 1 || Wy.cols() != H ||
        by.rows() != O || by.cols() != 1 || V < 1 || O < 1)
      throw std::runtime_error("inconsistent LSTM array shapes: Wx " + shape(Wx) + ", U " + shape(U) + ", b " +
                               shape(b) + ", Wy " + shape(Wy) + ", by " + shape(by) +
                               " (expected 4H x V, 4H x H, 4H x 1, O x H, O x 1)");
    LstmParams p(static_cast<int>(V), static_cast<int>(H), static_cast<int>(O));
    p.Wx() = Wx;
    p.U() = U;
    p.b() = b;
    p.Wy() = Wy;
    p.by() = by;
    if (!p.flat().allFinite()) throw std::runtime_error("LSTM weights contain NaN or infinity");
    r.model = Lstm(std::move(p), lo);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("LSTM model file meta: ") + e.what());
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("LSTM model file meta: ") + e.what());
  }
  return r;
}

void save_lstm(const std::filesystem::path& path, const Lstm& model, const corpus::CorpusOptions& corpus,
               const TrainerOptions& trainer, const std::vector<EpochReport>& history) {
  io::save_model_file(path, to_model_file(model, corpus, trainer, history));
}

LoadedLstm load_lstm(const std::filesystem::path& path) {
  const auto f = io::load_model_file(path);
  try {
    return from_model_file(f);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

}  // namespace rssviz::lstm
