// rssviz plot: the plot of an experiment results file (ui/experiment_view.hpp), headless.
// `rssviz-cli experiment ... --plot FILE` runs this. Parse, read, write; nothing else.
#include <cstdio>
#include <memory>

#include "app/gui/headless.hpp"
#include "core/experiment/results_summary.hpp"
#include "ui/experiment_view.hpp"

namespace rssviz::gui {

namespace {

struct PlotArgs {
  std::string results;
  std::string png, svg, pdf, out;
  std::string size = "1800x600";
  double scale = 0.0;
  bool no_title = false;
  std::string title;
};

void run(const PlotArgs& a) {
  FigureArgs fa;
  fa.size = a.size;
  fa.scale = a.scale;
  fa.no_title = a.no_title;
  fa.title = a.title;
  const auto fo = figure_options(fa);
  ui::figures::validate(fo);
  const auto outputs = figure_outputs(a.png, a.svg, a.pdf, a.out);
  const auto file = experiment::read_results(a.results);
  auto rows = experiment::result_rows(file);
  if (rows.empty()) throw std::runtime_error(a.results + ": no finished runs to plot");
  ui::figures::Figure fig(ui::figures::View::experiment, fo);
  fig.experimentView()->setResults(file.options, std::move(rows));
  for (const auto& [path, format] : outputs) {
    fig.save(QString::fromStdString(path), format);
    std::printf("wrote %s (%s, %dx%d)\n", path.c_str(), ui::figures::formatName(format).toUtf8().constData(),
                fo.size.width(), fo.size.height());
  }
}

}  // namespace

void add_plot_command(CLI::App& app) {
  auto a = std::make_shared<PlotArgs>();
  auto* cmd = app.add_subcommand("plot", "Plot an experiment results file (rssviz-cli experiment --out): error and "
                                         "training time against the swept value, mean and spread over seeds per "
                                         "model; for a search, exact error against each searched setting");
  cmd->add_option("results", a->results, "The results file (TSV); an unfinished one plots its finished rows")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--png", a->png, "Write a PNG (W x H pixels)");
  cmd->add_option("--svg", a->svg, "Write an SVG (vector)");
  cmd->add_option("--pdf", a->pdf, "Write a PDF (vector, one page of W x H pixels at 96 dpi)");
  cmd->add_option("--out,-o", a->out, "Write a figure whose format follows the extension (.png, .svg, .pdf)");
  cmd->add_option("--size", a->size, "Figure size WxH in pixels")->capture_default_str();
  cmd->add_option("--scale", a->scale, "Layout scale: fonts and markers grow with it (0 = automatic)")
      ->check(CLI::Range(0.0, 16.0))
      ->capture_default_str();
  cmd->add_flag("--no-title", a->no_title, "No title above the plot");
  cmd->add_option("--title", a->title, "Title text (default: the experiment, its range, seeds and runs)");
  cmd->callback([a] { run(*a); });
}

}  // namespace rssviz::gui
