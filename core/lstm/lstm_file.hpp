// The LSTM in the rssviz model file (core/io/model_file.hpp; layout in docs/FORMATS.md):
// model "lstm", meta {"lstm": LstmOptions, "trainer": TrainerOptions, "corpus":
// {"objects", "seed"}, "inputs", "outputs", "history": [EpochReport...]}, arrays
// "Wx" (4H x V), "U" (4H x H), "b" (4H x 1), "Wy" (O x H), "by" (O x 1) in f64, gate
// blocks in the order i, f, g, o (equations in core/lstm/lstm.hpp).
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/corpus/dataset.hpp"
#include "core/io/model_file.hpp"
#include "core/lstm/lstm.hpp"
#include "core/lstm/trainer.hpp"

namespace rssviz::lstm {

// The one list of the LSTM's option fields for every file that stores them (model files,
// session files, experiment descriptions), in declaration order, every field included.
nlohmann::ordered_json to_json(const LstmOptions& o);
nlohmann::ordered_json to_json(const TrainerOptions& o);
nlohmann::json to_json(const EpochReport& r);
// Missing fields keep their defaults; wrong types throw std::invalid_argument naming the field.
LstmOptions lstm_options_from_json(const nlohmann::json& j);
TrainerOptions trainer_options_from_json(const nlohmann::json& j);

io::ModelFile to_model_file(const Lstm& model, const corpus::CorpusOptions& corpus, const TrainerOptions& trainer,
                            const std::vector<EpochReport>& history);

struct LoadedLstm {
  Lstm model;
  corpus::CorpusOptions corpus;   // objects and seed it was trained on
  TrainerOptions trainer;
  nlohmann::json meta;            // the whole meta object (history included)
};
// Throws std::runtime_error naming the problem (wrong model type, missing or mis-shaped array).
LoadedLstm from_model_file(const io::ModelFile& file);

void save_lstm(const std::filesystem::path& path, const Lstm& model, const corpus::CorpusOptions& corpus,
               const TrainerOptions& trainer, const std::vector<EpochReport>& history);
LoadedLstm load_lstm(const std::filesystem::path& path);

}  // namespace rssviz::lstm
