// rssviz-cli train / evaluate: shared options and dispatch to the registered models.
#include <algorithm>
#include <memory>

#include "app/cli/command.hpp"
#include "app/cli/train.hpp"
#include "core/io/model_file.hpp"

namespace rssviz::cli {

std::vector<ModelCommand>& model_registry() {
  static std::vector<ModelCommand> r;
  return r;
}

ModelRegistrar::ModelRegistrar(ModelCommand command) { model_registry().push_back(std::move(command)); }

namespace {

const ModelCommand& find_model(const std::string& name) {
  for (const auto& m : model_registry())
    if (m.name == name) return m;
  throw UsageError("unknown model \"" + name + "\"");
}

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const auto& m : model_registry()) names.push_back(m.name);
  std::sort(names.begin(), names.end());
  return names;
}

void add_common(CLI::App* cmd, TrainArgs& a) {
  cmd->add_option("--objects,-n", a.objects, "Number of objects n of the corpus (4 = the basic corpus)")
      ->check(CLI::Range(1, 50))
      ->default_val(4);
  cmd->add_option("--seed,-s", a.seed, "Master seed: corpus split, teacher fill and model initialisation")->default_val(1);
  cmd->add_option("--threads,-j", a.threads, "Threads (0 = all cores)")->check(CLI::Range(0, 256))->default_val(0);
  cmd->add_flag("--json", a.json, "Print exactly one JSON object on standard output");
}

void add(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  auto* train = app.add_subcommand("train", "Train a model on the split of a seed and evaluate it on its test set");
  train->add_option("--model,-m", a->model, "Model type")->required()->check(CLI::IsMember(model_names()));
  add_common(train, *a);
  train->add_option("--save", a->save, "Write the trained model to this file (atomically)");
  auto own = std::make_shared<std::vector<std::pair<std::string, std::vector<CLI::Option*>>>>();
  for (auto& m : model_registry()) own->emplace_back(m.name, m.add_options(*train));
  train->callback([a, own] {
    for (const auto& [name, options] : *own) {
      if (name == a->model) continue;
      for (auto* o : options)
        if (o->count() > 0) throw UsageError(o->get_name() + " applies to --model " + name + " only");
    }
    find_model(a->model).train(*a);
  });

  auto e = std::make_shared<TrainArgs>();
  auto* eval = app.add_subcommand("evaluate", "Evaluate a saved model on the test set of the split of a seed");
  eval->add_option("--model-file,-f", e->model_file, "Model file written by train --save")
      ->required()
      ->check(CLI::ExistingFile);
  add_common(eval, *e);
  eval->callback([e] {
    e->model = rssviz::io::peek_model_type(e->model_file);
    find_model(e->model).evaluate(*e);
  });
}

const Registrar reg("train", add);

}  // namespace
}  // namespace rssviz::cli
