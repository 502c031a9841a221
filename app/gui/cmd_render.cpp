// rssviz render: one figure of a view, from a freshly trained model, without a window.
// Parse, build, write; nothing else.
#include <chrono>
#include <cstdio>
#include <memory>

#include "app/gui/headless.hpp"
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
};

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
  ui::figures::validate(fo);
  std::vector<std::pair<std::string, ui::figures::Format>> outputs;
  if (!a.png.empty()) outputs.emplace_back(a.png, ui::figures::Format::png);
  if (!a.svg.empty()) outputs.emplace_back(a.svg, ui::figures::Format::svg);
  if (!a.pdf.empty()) outputs.emplace_back(a.pdf, ui::figures::Format::pdf);
  if (!a.out.empty()) outputs.emplace_back(a.out, ui::figures::formatFromPath(QString::fromStdString(a.out)));
  if (outputs.empty()) throw app::UsageError("no output: give --png, --svg, --pdf or --out FILE");
  ui::ColourChoice colour;
  if (!a.figure.colour_by.empty()) colour = ui::parseColourChoice(QString::fromStdString(a.figure.colour_by));
  if (view == ui::figures::View::heatmap && a.figure.sentence < 0)
    throw app::UsageError("--view heatmap needs --sentence N (the sentence whose units it shows)");
  for (const auto& [path, format] : outputs) check_output("--" + ui::figures::formatName(format).toStdString(), path);

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
  auto* cmd = app.add_subcommand("render", "Render one figure of a view (map, heatmap, training) to PNG, SVG or PDF, "
                                           "headless: trains the model, maps it and draws it as the window does");
  auto set = std::make_shared<app::ModelOptionSet>(app::add_model_options(cmd, a->model, true));
  cmd->add_option("--view", a->view, "View to draw: map, heatmap, training")
      ->check(CLI::IsMember({"map", "heatmap", "training"}))
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
  cmd->add_option("--heatmap-order", a->heatmap_order, "Heatmap: order of the units, importance (readout) or index")
      ->check(CLI::IsMember({"importance", "index"}))
      ->capture_default_str();
  add_figure_options(cmd, a->figure, "1600x1200");
  cmd->callback([a, set] { run(*a, *set); });
}

}  // namespace rssviz::gui
