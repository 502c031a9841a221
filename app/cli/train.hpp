// `rssviz-cli train --model NAME` and `rssviz-cli evaluate --model-file FILE`: the
// models (esn, lstm, ...) register their own options and actions here, each from its
// own cmd_train_<model>.cpp.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rssviz::cli {

// Options every model shares.
struct TrainArgs {
  std::string model;        // "esn", "lstm"
  int objects = 4;          // corpus size n
  std::uint64_t seed = 1;   // master seed (corpus split, teacher fill, model init)
  int threads = 0;          // 0 = all cores
  bool json = false;        // one JSON object on standard output
  std::string save;         // model file to write (atomically), empty = none
  std::string model_file;   // evaluate: the model file to read
};

struct ModelCommand {
  std::string name;
  // Adds the model's own options to the `train` subcommand and returns them, so that
  // giving one of them with another --model is reported as bad usage.
  std::function<std::vector<CLI::Option*>(CLI::App& train)> add_options;
  std::function<void(const TrainArgs&)> train;
  // Evaluates a saved model of this type on the split of (objects, seed).
  std::function<void(const TrainArgs&)> evaluate;
};

struct ModelRegistrar {
  explicit ModelRegistrar(ModelCommand command);
};
std::vector<ModelCommand>& model_registry();

}  // namespace rssviz::cli
