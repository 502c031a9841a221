// rssviz-cli units: the paper's section-5 analyses of a freshly trained model, as text:
// the readout's winglet summary, the polyvalent units, and the word influence of a unit
// set (with a random control set of the same size). Numbers for docs/ANALYSIS.md; the
// window's docks and `rssviz render --view ...` draw the same functions.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <numeric>

#include "app/cli/command.hpp"
#include "core/experiment/unit_analysis.hpp"
#include "core/experiment/workbench.hpp"

namespace rssviz::cli {
namespace cmd_units {  // this command's own names: a unity build compiles several commands in one unit
namespace {

namespace ex = rssviz::experiment;

struct UnitsArgs {
  app::ModelArgs model;
  std::string units = "polyvalent";
  int output = 0, top = 10, per_sign = 5, min_outputs = 5;
  int sentences = 100;
  std::uint64_t influence_seed = 1;
};

std::shared_ptr<ex::MapSession> build(const UnitsArgs& a) {
  // The analyses need the model, not the map: the smallest map there is.
  if (a.model.model == "esn") {
    auto o = app::esn_session_options(a.model);
    o.map_sentences = 20;
    o.stages = {1000};
    return ex::build_esn_session(o);
  }
  auto o = app::lstm_session_options(a.model);
  o.map_sentences = 20;
  o.map_every_epoch = false;
  return app::checked(ex::build_lstm_session(o));
}

void print_influence(const char* name, const ex::MapSession& s, const std::vector<int>& units,
                     const analysis::WordInfluence& w) {
  const auto& g = s.corpus->grammar;
  std::printf("\ninfluence %s (%zu units, %d sentences): word\tcount\tmean\tstd\n", name, units.size(), w.sentences);
  std::vector<int> order(static_cast<size_t>(w.vocabulary()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return w.mean[static_cast<size_t>(x)] > w.mean[static_cast<size_t>(y)]; });
  for (int k : order) {
    if (w.count[static_cast<size_t>(k)] == 0) continue;
    std::printf("  %s\t%lld\t%.5g\t%.5g\n", g.vocabulary()[static_cast<size_t>(k)].c_str(), w.count[static_cast<size_t>(k)],
                w.mean[static_cast<size_t>(k)], w.stddev[static_cast<size_t>(k)]);
  }
  const auto c = ex::structure_contrast(g, w);
  std::printf("structure %s: structure-word mean %.5g (%lld), content-word mean %.5g (%lld), ratio %.3f\n", name,
              c.structure_mean, c.structure_count, c.content_mean, c.content_count, c.ratio());
}

void run(const UnitsArgs& a) {
  const auto s = build(a);
  const auto& g = s->corpus->grammar;
  std::printf("%s\ntest: valid error %.2f %%, exact error %.2f %%\n", s->description.c_str(), 100 * s->scores.valid_error,
              100 * s->scores.exact_error);
  const Eigen::MatrixXd& w = s->readout;
  const int offset = ex::readout_offset(*s);
  // Winglet: the share of each output's summed |w| (over the units) in its 10 largest.
  double share = 0, bias_share = 0;
  for (int o = 0; o < w.rows(); ++o) {
    const auto wl = analysis::winglet(w, o);
    double total = 0, top = 0;
    int taken = 0;
    for (size_t j = wl.value.size(); j-- > 0;) {
      if (wl.column[j] < offset) continue;
      total += wl.value[j];
      if (taken++ < 10) top += wl.value[j];
    }
    share += top / total;
    if (offset > 0) bias_share += std::abs(w(o, 0)) / (total + std::abs(w(o, 0)));
  }
  std::printf("winglet: the 10 largest |w| of an output hold %.1f %% of its summed |w| over %d units (mean of %d outputs)",
              100 * share / static_cast<double>(w.rows()), static_cast<int>(w.cols()) - offset, static_cast<int>(w.rows()));
  if (offset > 0) std::printf("; the bias holds %.2f %%", 100 * bias_share / static_cast<double>(w.rows()));
  std::printf("\n");
  analysis::PolyvalentOptions po;
  po.per_sign = a.per_sign;
  po.min_outputs = a.min_outputs;
  const auto poly = ex::session_polyvalent(*s, -1, po);
  std::printf("\npolyvalent units (listed in the %d most positive or negative weights of >= %d outputs): %zu\n", a.per_sign,
              a.min_outputs, poly.size());
  for (const auto& p : poly) {
    std::printf("  unit %d\t%d outputs:", p.unit, p.count);
    for (int o : p.outputs) std::printf(" %s", g.output_name(o).c_str());
    std::printf("\n");
  }
  ex::UnitSetChoice choice;
  choice.kind = ex::unit_set_from_string(a.units);
  choice.polyvalent = po;
  choice.output = a.output;
  choice.top = a.top;
  const auto units = ex::choose_units(*s, -1, choice);
  if (units.empty()) throw UsageError("--unit-set " + a.units + ": the set is empty for this model");
  ex::InfluenceOptions io;
  io.sentences = a.sentences;
  io.seed = a.influence_seed;
  print_influence(a.units.c_str(), *s, units, ex::session_word_influence(*s, -1, units, io));
  if (choice.kind != ex::UnitSetKind::kAll && static_cast<int>(units.size()) < s->points->units()) {
    ex::UnitSetChoice control;
    control.kind = ex::UnitSetKind::kRandom;
    control.random_count = static_cast<int>(units.size());
    control.random_seed = a.influence_seed;
    const auto r = ex::choose_units(*s, -1, control);
    print_influence("random", *s, r, ex::session_word_influence(*s, -1, r, io));
  }
}

void add(CLI::App& app) {
  auto a = std::make_shared<UnitsArgs>();
  auto* cmd = app.add_subcommand(
      "units", "Train a model and print the paper's unit analyses: readout winglet, polyvalent units, word influence");
  const auto options = std::make_shared<app::ModelOptionSet>(app::add_model_options(cmd, a->model));
  cmd->add_option("--unit-set", a->units, "Unit set of the influence table: polyvalent, top (of --output), all")
      ->check(CLI::IsMember({"polyvalent", "top", "all"}))
      ->capture_default_str();
  cmd->add_option("--output", a->output, "Output whose top units --unit-set top takes")->check(CLI::Range(0, 10000))->capture_default_str();
  cmd->add_option("--top", a->top, "How many top units")->check(CLI::Range(1, 10000))->capture_default_str();
  cmd->add_option("--per-sign", a->per_sign, "Polyvalent: most positive and most negative weights listed per output")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--min-outputs", a->min_outputs, "Polyvalent: outputs a unit must be listed for")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--sentences", a->sentences, "Test sentences the influence is measured over")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--influence-seed", a->influence_seed, "Which test sentences (and the random control units)")
      ->capture_default_str();
  cmd->callback([a, options] {
    options->check();
    try {
      run(*a);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  });
}

const Registrar reg("units", add);

}  // namespace
}  // namespace cmd_units
}  // namespace rssviz::cli
