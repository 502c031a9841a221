// `rssviz-cli train --model NAME` and `rssviz-cli evaluate --model-file FILE`: the
// models (esn, lstm) register their actions here, each from its own
// cmd_train_<model>.cpp; their options are app/common/model_args.hpp's.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "app/common/model_args.hpp"

namespace rssviz::cli {

struct TrainArgs {
  app::ModelArgs model;     // model, corpus, seed, threads and the model's own options
  bool json = false;        // one JSON object on standard output
  std::string save;         // model file to write (atomically), empty = none
  std::string model_file;   // evaluate: the model file to read
};

struct ModelCommand {
  std::string name;
  std::function<void(const TrainArgs&)> train;
  // Evaluates a saved model of this type on the split of (objects, seed).
  std::function<void(const TrainArgs&)> evaluate;
};

struct ModelRegistrar {
  explicit ModelRegistrar(ModelCommand command);
};
std::vector<ModelCommand>& model_registry();

}  // namespace rssviz::cli
