// rssviz-cli train / evaluate: the shared model options (app/common/model_args.hpp) and
// dispatch to the registered models.
#include <memory>

#include "app/cli/command.hpp"
#include "app/cli/train.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/model_file.hpp"

namespace rssviz::cli {

std::vector<ModelCommand>& model_registry() {
  static std::vector<ModelCommand> r;
  return r;
}

ModelRegistrar::ModelRegistrar(ModelCommand command) { model_registry().push_back(std::move(command)); }

namespace cmd_train {  // this command's own names: a unity build compiles several commands in one unit
namespace {

const ModelCommand* lookup_model(const std::string& name) {
  for (const auto& m : model_registry())
    if (m.name == name) return &m;
  return nullptr;
}

const ModelCommand& find_model(const std::string& name) {
  if (const auto* m = lookup_model(name)) return *m;
  throw UsageError("unknown model \"" + name + "\"");
}

std::string known_models() {
  std::string names;
  for (const auto& m : model_registry()) names += (names.empty() ? "" : ", ") + m.name;
  return names;
}

void add_json(CLI::App* cmd, TrainArgs& a) {
  cmd->add_flag("--json", a.json, "Print exactly one JSON object on standard output");
}

void add(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  auto* train = app.add_subcommand("train", "Train a model on the split of a seed and evaluate it on its test set");
  const auto options = std::make_shared<app::ModelOptionSet>(app::add_model_options(train, a->model));
  add_json(train, *a);
  train->add_option("--save", a->save, "Write the trained model to this file (atomically)");
  train->callback([a, options] {
    options->check();
    // A --save path that cannot be written fails now, not after the training.
    if (!a->save.empty()) rssviz::io::check_writable(a->save);
    find_model(a->model.model).train(*a);
  });

  auto e = std::make_shared<TrainArgs>();
  auto* eval = app.add_subcommand("evaluate", "Evaluate a saved model on the test set of the split of a seed");
  eval->add_option("--model-file,-f", e->model_file, "Model file written by train --save")
      ->required()
      ->check(CLI::ExistingFile);
  app::add_run_options(eval, e->model);
  add_json(eval, *e);
  eval->callback([e] {
    e->model.model = rssviz::io::peek_model_type(e->model_file);
    const auto* m = lookup_model(e->model.model);
    if (!m)
      throw std::runtime_error(e->model_file + ": not a model this build reads: \"" + e->model.model + "\" (it reads " +
                               known_models() + ")");
    m->evaluate(*e);
  });
}

const Registrar reg("train", add);

}  // namespace
}  // namespace cmd_train
}  // namespace rssviz::cli
