// rssviz render: one figure of a view, from a freshly trained model, without a window.
// Parse, build, write; nothing else.
#include <chrono>
#include <cstdio>
#include <memory>

#include "app/gui/headless.hpp"
#include "core/experiment/unit_analysis.hpp"
#include "core/common/timing.hpp"
#include "ui/heatmap_view.hpp"
#include "ui/map_view.hpp"

namespace rssviz::gui {

namespace {

struct RenderArgs {
  app::ModelArgs model;
  FigureArgs figure;
  std::string view = "map";
  std::string png, svg, pdf, out;
  std::string stage = "final";
  int heatmap_units = 60;
  std::string heatmap_order = "importance";
  bool heatmap_variation = false;
  // The unit analyses (ui/analysis_views.hpp, core/experiment/unit_analysis.hpp).
  std::string units = "polyvalent";
  std::vector<int> hand_units;
  int output = 0, top = 10, per_sign = 5, min_outputs = 5;
  std::string scale = "probability";
  int influence_sentences = 100;
  std::uint64_t influence_seed = 1;
  std::string influence_pool = "map";
  int highlight_unit = -1;
  std::string mark_word;
};

// The workspace's analysis settings from the arguments; names checked against the session.
ui::AnalysisSettings analysis_settings(const RenderArgs& a, const experiment::MapSession& s) {
  ui::AnalysisSettings st;
  st.units.kind = experiment::unit_set_from_string(a.units);
  st.units.units = a.hand_units;
  st.units.polyvalent.per_sign = a.per_sign;
  st.units.polyvalent.min_outputs = a.min_outputs;
  const int outputs = s.corpus->grammar.output_size();
  if (a.output >= outputs)
    throw app::UsageError("--output " + std::to_string(a.output) + " is out of range [0, " + std::to_string(outputs - 1) + "]");
  st.units.output = a.output;
  st.units.top = a.top;
  st.output = a.output;
  st.scale = analysis::output_scale_from_string(a.scale);
  st.influence.sentences = a.influence_sentences;
  st.influence.seed = a.influence_seed;
  st.influence.pool = a.influence_pool == "test" ? experiment::InfluencePool::kTestSet : experiment::InfluencePool::kMap;
  if (st.units.kind == experiment::UnitSetKind::kByHand) {
    if (a.hand_units.empty()) throw app::UsageError("--unit-set hand needs --hand-units U1,U2,...");
    try {
      experiment::choose_units(s, -1, st.units);
    } catch (const std::invalid_argument& e) {
      throw app::UsageError(std::string("--hand-units: ") + e.what());
    }
  }
  return st;
}

int parse_stage(const std::string& text, const experiment::MapSession& s) {
  if (text == "final") return -1;
  const int n = static_cast<int>(s.stages.size());
  std::size_t used = 0;
  int k = -1;
  try {
    k = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || k < 0 || k >= n)
    throw app::UsageError("--stage \"" + text + "\" is not \"final\" or a stage in [0, " + std::to_string(n - 1) + "]");
  return k;
}

void run(RenderArgs& a, const app::ModelOptionSet& model_options) {
  model_options.check();
  const auto view = ui::figures::viewFromName(QString::fromStdString(a.view));
  auto fo = figure_options(a.figure);
  fo.heatmap_units = a.heatmap_units;
  fo.heatmap_by_importance = a.heatmap_order == "importance";
  fo.heatmap_polyvalent = a.heatmap_order == "polyvalent";
  fo.heatmap_variation = a.heatmap_variation;
  ui::figures::validate(fo);
  const auto outputs = figure_outputs(a.png, a.svg, a.pdf, a.out);
  ui::ColourChoice colour;
  if (!a.figure.colour_by.empty()) colour = ui::parseColourChoice(QString::fromStdString(a.figure.colour_by));
  using V = ui::figures::View;
  if ((view == V::heatmap || view == V::activity || view == V::cells || view == V::outputs) && a.figure.sentence < 0)
    throw app::UsageError("--view " + a.view + " needs --sentence N (the sentence whose units it shows)");
  if (a.units == "hand" && a.hand_units.empty()) throw app::UsageError("--unit-set hand needs --hand-units U1,U2,...");

  const bool stages = a.stage != "final" || view == ui::figures::View::training;
  const auto t0 = std::chrono::steady_clock::now();
  const auto session = build_session(a.model, a.figure, stages);
  const double build_s = seconds_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  const QString problem = ui::resolveColour(colour, *session);
  if (!problem.isEmpty()) throw app::UsageError(problem.toStdString());

  ui::figures::Figure fig(view, fo);
  auto* ws = fig.workspace();
  ws->setColour(colour.mode, colour.parameter);
  ws->setSession(session);
  ws->setStage(parse_stage(a.stage, *session));
  ws->select(a.figure.sentence);
  ws->setAnalysis(analysis_settings(a, *session));
  if (a.highlight_unit >= 0) {
    if (a.highlight_unit >= session->points->units())
      throw app::UsageError("--highlight-unit " + std::to_string(a.highlight_unit) + " is out of range [0, " +
                            std::to_string(session->points->units() - 1) + "]");
    ws->setHighlightedUnit(a.highlight_unit);
  }
  if (!a.mark_word.empty()) {
    const int w = session->corpus->grammar.word_index(a.mark_word);
    if (w < 0) throw app::UsageError("--mark-word \"" + a.mark_word + "\" is not a word of the corpus");
    ws->setMarkedWord(w);
  }
  for (const auto& [path, format] : outputs) {
    fig.save(QString::fromStdString(path), format);
    std::printf("wrote %s (%s, %dx%d)\n", path.c_str(), ui::figures::formatName(format).toUtf8().constData(),
                fo.size.width(), fo.size.height());
  }
  std::fprintf(stderr, "rssviz: model and map %.2f s, figure %.2f s\n", build_s, seconds_since(t1));
}

}  // namespace

void add_render_command(CLI::App& app) {
  auto a = std::make_shared<RenderArgs>();
  auto* cmd = app.add_subcommand("render", "Render one figure of a view (map, heatmap, training, or the unit analyses "
                                           "winglet, polyvalent, activity, influence, cells, outputs) to PNG, SVG or "
                                           "PDF, headless: trains the model, maps it and draws it as the window does");
  auto set = std::make_shared<app::ModelOptionSet>(app::add_model_options(cmd, a->model, true));
  cmd->add_option("--view", a->view,
                  "View to draw: map, heatmap, training; the unit analyses: winglet (sorted readout weights), "
                  "polyvalent (units serving many outputs), activity (unit set along --sentence), influence (per "
                  "word), cells (LSTM cell and hidden states along --sentence), outputs (readout along --sentence)")
      ->check(CLI::IsMember({"map", "heatmap", "training", "winglet", "polyvalent", "activity", "influence", "cells",
                             "outputs"}))
      ->capture_default_str();
  cmd->add_option("--png", a->png, "Write a PNG (W x H pixels)");
  cmd->add_option("--svg", a->svg, "Write an SVG (vector)");
  cmd->add_option("--pdf", a->pdf, "Write a PDF (vector, one page of W x H pixels at 96 dpi)");
  cmd->add_option("--out,-o", a->out, "Write a figure whose format follows the extension (.png, .svg, .pdf)");
  cmd->add_option("--stage", a->stage,
                  "Learning stage shown: final, or K (ESN: readout after 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 "
                  "sentences = 0..9; LSTM: epoch K, 0 = initial weights)")
      ->capture_default_str();
  cmd->add_option("--heatmap-units", a->heatmap_units, "Heatmap: units shown")->check(CLI::Range(5, 3000))->capture_default_str();
  cmd->add_option("--heatmap-order", a->heatmap_order,
                  "Heatmap: order of the units, importance (readout), index, or polyvalent (the polyvalent units only)")
      ->check(CLI::IsMember({"importance", "index", "polyvalent"}))
      ->capture_default_str();
  cmd->add_flag("--heatmap-variation", a->heatmap_variation, "Heatmap: show |x(t) - x(t-1)| instead of x(t)");
  cmd->add_option("--unit-set", a->units,
                  "activity / influence: the unit set, polyvalent (paper), top (the --top largest |w| of --output), "
                  "hand (--hand-units), all")
      ->check(CLI::IsMember({"polyvalent", "top", "hand", "all"}))
      ->capture_default_str();
  cmd->add_option("--hand-units", a->hand_units, "--unit-set hand: the units (comma-separated)")->delimiter(',');
  cmd->add_option("--output", a->output, "winglet: the output drawn in colour; --unit-set top: whose top units")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  cmd->add_option("--top", a->top, "--unit-set top: how many units")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--per-sign", a->per_sign, "Polyvalent: most positive and most negative weights listed per output")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--min-outputs", a->min_outputs, "Polyvalent: outputs a unit must be listed for (k)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--output-scale", a->scale,
                  "outputs: probability (softmax per group, threshold 1.3/k, the decoder's view), raw, or sigmoid "
                  "(threshold 0.5)")
      ->check(CLI::IsMember({"probability", "raw", "sigmoid"}))
      ->capture_default_str();
  cmd->add_option("--influence-sentences", a->influence_sentences, "influence: test sentences measured over")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--influence-seed", a->influence_seed, "influence: which sentences")->capture_default_str();
  cmd->add_option("--influence-pool", a->influence_pool,
                  "influence: draw the sentences from the map's (map, as the window) or the whole test set (test)")
      ->check(CLI::IsMember({"map", "test"}))
      ->capture_default_str();
  cmd->add_option("--highlight-unit", a->highlight_unit, "Highlight a unit (heatmap row, polyvalent bar, activity line)");
  cmd->add_option("--mark-word", a->mark_word, "map: ring every state reached by reading this word; influence: its bar");
  add_figure_options(cmd, a->figure, "1600x1200");
  cmd->callback([a, set] { run(*a, *set); });
}

}  // namespace rssviz::gui
