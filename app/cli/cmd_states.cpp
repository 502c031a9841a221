// rssviz-cli states: train a model as the workbench session does and write the map's
// states, their labels and (optionally) their UMAP layout for other tools.
#include <chrono>
#include <cstdio>
#include <memory>

#include "app/cli/command.hpp"
#include "core/common/timing.hpp"
#include "core/experiment/states_export.hpp"
#include "core/experiment/workbench.hpp"

namespace rssviz::cli {
namespace cmd_states {  // this command's own names: a unity build compiles several commands in one unit
namespace {

namespace ex = rssviz::experiment;

struct StatesArgs {
  app::ModelArgs model;
  int sentences = 200;
  ex::StatesFiles files;
  bool unique = false;
};

std::shared_ptr<ex::MapSession> build(const StatesArgs& a) {
  if (a.model.model == "esn") {
    auto o = app::esn_session_options(a.model);
    o.map_sentences = a.sentences;
    return ex::build_esn_session(o);
  }
  auto o = app::lstm_session_options(a.model);
  o.map_sentences = a.sentences;
  return app::checked(ex::build_lstm_session(o, nullptr, [](long long done, long long total) {
    std::printf(done == 0 ? "initial weights mapped\n" : "epoch %lld/%lld trained and mapped\n", done, total);
    std::fflush(stdout);
    return true;
  }));
}

void run(const StatesArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  ex::check_states_files(a.files);  // a bad path fails now, not after the training
  const auto session = build(a);
  const auto table = ex::make_states_table(*session, a.unique);
  ex::write_states(*session, table, a.files);
  const auto& s = session->scores;
  std::printf("%s\n  test: valid error %.2f %%, exact error %.2f %% (%d sentences)\n", session->description.c_str(),
              100 * s.valid_error, 100 * s.exact_error, s.sentences);
  std::printf("  %d states x %d of %d test sentences (%s) -> %s\n  labels -> %s\n", table.rows(),
              static_cast<int>(table.states.cols()), static_cast<int>(session->points->dataset_index.size()),
              a.unique ? "unique, as the map projects them" : "every step, duplicates kept",
              a.files.states.string().c_str(), a.files.labels.string().c_str());
  if (!a.files.embedding.empty()) std::printf("  embedding (UMAP of the map) -> %s\n", a.files.embedding.string().c_str());
  std::printf("  time: %.2f s\n", seconds_since(t0));
}

void add(CLI::App& app) {
  auto a = std::make_shared<StatesArgs>();
  auto* cmd = app.add_subcommand(
      "states",
      "Train a model as the workbench does and write the states of its map's test sentences (.npy), their labels "
      "(.tsv) and the map's UMAP layout (.npy), rows aligned");
  const auto options = std::make_shared<app::ModelOptionSet>(app::add_model_options(cmd, a->model));
  cmd->add_option("--sentences,-k", a->sentences,
                  "Test sentences on the map, spread over the test set (paper: 200)")
      ->check(CLI::Range(1, 1000))
      ->default_val(200);
  cmd->add_option("--out,-o", a->files.states,
                  "States .npy (float32): ESN [1; x] (1 + units columns), LSTM the cell state (hidden columns, the "
                  "zero state first in each sentence)")
      ->required();
  cmd->add_option("--labels", a->files.labels,
                  "Labels .tsv, one line per row: row, sentence, step, word, clause_position, error_code, decoded, "
                  "valid, exact (docs/FORMATS.md)")
      ->required();
  cmd->add_option("--embedding", a->files.embedding,
                  "Also write the map's UMAP layout .npy (float32, rows x 2; 15 neighbours, min_dist 0.1, spectral, "
                  "seed 42), rows aligned with --out");
  cmd->add_flag("--unique", a->unique,
                "One row per distinct state (the points the map projects, labelled by their first occurrence) "
                "instead of one per (sentence, step)");
  cmd->callback([a, options] {
    options->check();
    run(*a);
  });
}

const Registrar reg("states", add);

}  // namespace
}  // namespace cmd_states
}  // namespace rssviz::cli
