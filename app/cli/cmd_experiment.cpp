// rssviz-cli experiment objects|training-size|units|search|merge: the paper's experiments
// (core/experiment/experiment_runner.hpp). Parsing, signal wiring and the progress line
// only; the run lists, the runs, the results file, resume and merge live in the core.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/cli/command.hpp"
#include "app/cli/plot_results.hpp"
#include "core/common/parallel.hpp"
#include "core/experiment/experiment_runner.hpp"

namespace rssviz::cli {
namespace cmd_experiment {  // this command's own names: a unity build compiles several commands in one unit
namespace {

namespace ex = rssviz::experiment;

// SIGINT / SIGTERM (Slurm's scancel and time limit) set this; the runner stops, keeping
// every finished row. A second signal kills as usual.
StopFlag g_stop;
extern "C" void on_signal(int sig) {
  g_stop.request();
  std::signal(sig, SIG_DFL);
}

struct ExperimentArgs {
  app::ModelArgs model;
  std::string models = "esn";
  int seeds = 1, lstm_seeds = 0, from = 0, to = 0, step = 0, trials = 100, jobs = 0;
  std::string sampler = "random", out = "results.tsv", shard = "0/1", plot;
  bool quiet = false;
};

std::string clock_text(double s) {
  if (!std::isfinite(s)) return "?";
  const long t = std::lround(s);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

std::vector<ex::RunModel> parse_models(const std::string& text) {
  std::vector<ex::RunModel> v;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      v.push_back(ex::run_model_from_string(item));
    } catch (const std::invalid_argument&) {
      throw UsageError("--models: \"" + item + "\" is not one of: esn, lstm, bow");
    }
  }
  if (v.empty() || text.back() == ',') throw UsageError("--models = \"" + text + "\" is not a list like esn,lstm,bow");
  return v;
}

void run(ex::ExperimentKind kind, const ExperimentArgs& a, const app::ModelOptionSet& set, CLI::App* cmd) {
  ex::ExperimentOptions o = ex::default_experiment(kind);
  o.models = parse_models(a.models);
  const bool esn = std::count(o.models.begin(), o.models.end(), ex::RunModel::kEsn) > 0;
  const bool lstm = std::count(o.models.begin(), o.models.end(), ex::RunModel::kLstm) > 0;
  set.check_models(esn, lstm);
  const bool swept = kind != ex::ExperimentKind::kSearch;
  for (const char* name : {"--from", "--to", "--step"})
    if (!swept && cmd->count(name) > 0) throw UsageError(std::string(name) + " does not apply to search (use --trials)");
  for (const char* name : {"--trials", "--sampler"})
    if (kind != ex::ExperimentKind::kSearch && cmd->count(name) > 0)
      throw UsageError(std::string(name) + " applies to the search experiment only");
  if (kind == ex::ExperimentKind::kObjects && cmd->count("--objects") > 0)
    throw UsageError("--objects does not apply to the objects experiment: it sweeps n with --from/--to/--step");
  if (kind == ex::ExperimentKind::kObjects && cmd->count("--corpus") > 0)
    throw UsageError("--corpus does not apply to the objects experiment: it builds the paper's corpus for each n "
                     "(a corpus file works with units and search)");
  if (kind == ex::ExperimentKind::kTrainingSize && cmd->count("--corpus") > 0)
    throw UsageError("--corpus does not apply to the training-size experiment: it draws training sets of each size "
                     "from the paper's grammar, and a corpus file fixes its training set (use units or search)");
  if (kind == ex::ExperimentKind::kUnits && cmd->count("--units") > 0)
    throw UsageError("--units does not apply to the units experiment: it sweeps the size with --from/--to/--step");
  if (kind == ex::ExperimentKind::kSearch)
    for (const char* name : {"--leak-rate", "--spectral-radius", "--density", "--ridge"})
      if (cmd->count(name) > 0) throw UsageError(std::string(name) + " does not apply to search: the search samples it");
  if (!lstm && cmd->count("--lstm-seeds") > 0) throw UsageError("--lstm-seeds applies when --models includes lstm");
  if (cmd->count("--from")) o.from = a.from;
  if (cmd->count("--to")) o.to = a.to;
  if (cmd->count("--step")) o.step = a.step;
  o.objects = app::corpus_options(a.model).objects;
  o.corpus_file = a.model.corpus;
  o.seeds = a.seeds;
  o.lstm_seeds = a.lstm_seeds;
  o.first_seed = a.model.seed;
  o.trials = a.trials;
  o.sampler = ex::search_sampler_from_string(a.sampler);
  const auto e = app::esn_experiment_options(a.model);
  o.reservoir = e.reservoir;
  o.readout = e.readout;
  const auto l = app::lstm_protocol_options(a.model);
  o.lstm = l.model;
  o.trainer = l.trainer;
  try {
    o.validate();
  } catch (const std::invalid_argument& err) {
    app::rethrow_as_flag(err);
  }

  if (!a.plot.empty()) check_plot_output(a.plot);

  ex::RunnerOptions ro;
  try {
    ro.shard = ex::parse_shard(a.shard);
  } catch (const std::invalid_argument& err) {
    throw UsageError(std::string("--") + err.what());
  }
  // One configuration per core unless told otherwise: independent runs scale better than
  // the threads inside one small model.
  const int cores = default_threads();
  const bool jobs_given = cmd->count("--jobs") > 0, threads_given = cmd->count("--threads") > 0;
  ro.jobs = jobs_given ? (a.jobs == 0 ? cores : a.jobs) : 0;
  if (threads_given)
    ro.threads = a.model.threads;
  else
    ro.threads = (jobs_given && ro.jobs == 1) ? 0 : 1;
  if (!jobs_given) ro.jobs = ro.threads == 0 ? 1 : std::max(1, cores / ro.threads);
  ro.stop = &g_stop;
  const bool tty = ::isatty(2) != 0;
  const std::string label = "experiment " + ex::to_string(kind) + (ro.shard.count > 1 ? " shard " + a.shard : "");
  bool printed = false;
  const bool quiet = a.quiet;
  ro.on_row = [&](const ex::RunnerProgress& p) {
    if (quiet) return true;
    std::ostringstream line;
    line << label << ": " << p.done << "/" << p.total << " runs";
    if (p.resumed > 0) line << " (" << p.resumed << " resumed)";
    line << ", " << clock_text(p.elapsed) << " elapsed, ~" << clock_text(p.seconds_left()) << " left";
    std::cerr << (tty ? "\r" : "") << line.str() << (tty ? "\033[K" : "\n") << std::flush;
    printed = true;
    return true;
  };

  g_stop.reset();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  ex::RunnerReport rep;
  try {
    rep = ex::run_experiment(o, a.out, ro);
  } catch (...) {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (printed && tty) std::cerr << "\n";
    throw;
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (printed && tty) std::cerr << "\n";
  if (!rep.complete()) {
    std::cerr << "rssviz-cli: stopped: " << rep.resumed + rep.ran << " of " << rep.total << " rows kept in " << a.out
              << "; run the same command again to resume" << (a.plot.empty() ? "" : " (and plot)") << "\n";
    throw Cancelled();
  }
  std::cout << a.out << ": " << rep.total << " runs (" << rep.ran << " run now, " << rep.resumed << " resumed), "
            << ro.jobs << " at a time with " << ro.threads << " thread(s) each\n"
            << std::flush;
  if (!a.plot.empty()) plot_results(a.out, a.plot);
}

void add_kind(CLI::App* parent, ex::ExperimentKind kind, const std::string& help) {
  auto a = std::make_shared<ExperimentArgs>();
  const auto d = ex::default_experiment(kind);
  a->from = d.from, a->to = d.to, a->step = d.step;
  auto* cmd = parent->add_subcommand(ex::to_string(kind), help);
  app::add_run_options(cmd, a->model);
  // add_run_options describes one run; here --seed is the first of --seeds seeds and
  // --threads the threads inside each run.
  cmd->get_option("--seed")->description("First seed: runs use seeds S .. S + K - 1 (and S seeds the random search)");
  cmd->get_option("--threads")
      ->description("Threads inside each run (0 = all cores; default 1, or all cores with --jobs 1)");
  const auto set = std::make_shared<app::ModelOptionSet>(app::add_model_settings(cmd, a->model));
  const bool swept = kind != ex::ExperimentKind::kSearch;
  cmd->add_option("--models", a->models,
                  swept ? "Comma-separated models: esn, lstm, bow (bag-of-words baseline)" : "Models (search: esn)")
      ->capture_default_str();
  cmd->add_option("--seeds", a->seeds, "Seeds per configuration, >= 1")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--lstm-seeds", a->lstm_seeds, "Seeds of the LSTM runs (0 = --seeds)")->check(CLI::Range(0, 100000));
  // Every kind takes every option, so that one that does not apply gets a message saying so.
  const std::string what = kind == ex::ExperimentKind::kObjects         ? "number of objects n"
                           : kind == ex::ExperimentKind::kTrainingSize ? "number of training sentences"
                           : kind == ex::ExperimentKind::kUnits        ? "reservoir size"
                                                                       : "swept value (not for search)";
  auto* from = cmd->add_option("--from", a->from, "First " + what);
  auto* to = cmd->add_option("--to", a->to, "Last " + what + " (inclusive)");
  auto* step = cmd->add_option("--step", a->step, "Step of the " + what);
  auto* trials = cmd->add_option("--trials", a->trials, "search: sampled configurations (the paper's own is added as trial 0)")
                     ->check(CLI::Range(0, 10000000));
  auto* sampler = cmd->add_option("--sampler", a->sampler, "search: random (seeded by --seed) or sobol (quasi-random)")
                      ->check(CLI::IsMember({"random", "sobol"}));
  for (auto* opt : swept ? std::vector<CLI::Option*>{from, to, step} : std::vector<CLI::Option*>{trials, sampler})
    opt->capture_default_str();
  cmd->add_option("--out,-o", a->out, "Results file (TSV); an existing one of the same experiment is resumed")
      ->capture_default_str();
  cmd->add_option("--shard", a->shard, "Run only part I of K of the run list (I = 0 .. K-1, e.g. $SLURM_ARRAY_TASK_ID/K)")
      ->capture_default_str();
  cmd->add_option("--jobs", a->jobs, "Configurations trained at once (0 = all cores; default: cores / --threads)")
      ->check(CLI::Range(0, 1024));
  cmd->add_flag("--quiet,-q", a->quiet, "No progress line on standard error");
  cmd->add_option("--plot", a->plot,
                  "When finished, plot the results (mean and spread over seeds; .png, .svg or .pdf) with `rssviz plot`");
  cmd->callback([kind, a, set, cmd] { run(kind, *a, *set, cmd); });
}

void add(CLI::App& app) {
  auto* e = app.add_subcommand("experiment", "The paper's experiments: error against objects, training size, "
                                             "reservoir size; hyperparameter search; merging shards");
  e->require_subcommand(1);
  add_kind(e, ex::ExperimentKind::kObjects, "Error against the number of objects n (ESN, LSTM, bag of words)");
  add_kind(e, ex::ExperimentKind::kTrainingSize, "Error against the number of training sentences");
  add_kind(e, ex::ExperimentKind::kUnits, "ESN error against the reservoir size");
  add_kind(e, ex::ExperimentKind::kSearch, "Random or Sobol search over leak rate, spectral radius, density, log ridge");

  auto files = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto plot = std::make_shared<std::string>();
  auto* m = e->add_subcommand("merge", "Combine the results files of the shards of one experiment");
  m->add_option("files", *files, "Results files of the shards 0 .. K-1, in any order")
      ->required()
      ->check(CLI::ExistingFile);
  m->add_option("--out,-o", *out, "Merged results file (written atomically)")->required();
  m->add_option("--plot", *plot, "Plot the merged results (.png, .svg or .pdf) with `rssviz plot`");
  m->callback([files, out, plot] {
    if (!plot->empty()) check_plot_output(*plot);
    std::vector<std::filesystem::path> in(files->begin(), files->end());
    const auto r = ex::merge_results(in, *out);
    std::cout << *out << ": " << r.rows << " runs from " << r.shards << " shard(s)\n" << std::flush;
    if (!plot->empty()) plot_results(*out, *plot);
  });
}

const Registrar reg("experiment", add);

}  // namespace
}  // namespace cmd_experiment
}  // namespace rssviz::cli
