// Shared parts of `rssviz render` and `rssviz animate`.
#include "app/gui/headless.hpp"

#include <cstdio>
#include <regex>

#include "core/experiment/workbench.hpp"

namespace rssviz::gui {

void add_figure_options(CLI::App* cmd, FigureArgs& a, const std::string& default_size) {
  a.size = default_size;
  cmd->add_option("--size", a.size, "Figure size WxH in pixels, each side 16..16384")->capture_default_str();
  cmd->add_option("--scale", a.scale,
                  "Layout scale: fonts and markers grow with it (0 = automatic: max(1, min(W/640, H/480)))")
      ->check(CLI::Range(0.0, 16.0))
      ->capture_default_str();
  cmd->add_flag("--no-title", a.no_title, "No title line (for papers that caption their figures)");
  cmd->add_option("--title", a.title, "Title text instead of the automatic one (model, corpus, hyperparameters)");
  cmd->add_option("--colour-by,--color-by", a.colour_by,
                  "Map colours: clause, error, word, output:K or output:NAME (e.g. output:0, output:glass), unit:K");
  cmd->add_option("--sentence", a.sentence,
                  "Test sentence (0..999) whose trajectory is drawn on the map and whose units the heatmap shows; "
                  "it is put on the map if the spread does not include it")
      ->check(CLI::Range(0, 999));
  cmd->add_option("--map-sentences", a.map_sentences, "Test sentences on the map (paper: 200)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_flag("--no-end-marks", a.no_end_marks, "Do not outline the END states on the map");
}

QSize parse_size(const std::string& text) {
  static const std::regex re(R"(^\s*(\d{1,6})\s*[xX]\s*(\d{1,6})\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re))
    throw app::UsageError("--size \"" + text + "\" is not WxH in pixels (e.g. 1600x1200)");
  const int w = std::stoi(m[1]), h = std::stoi(m[2]);
  if (w < 16 || w > 16384 || h < 16 || h > 16384)
    throw app::UsageError("--size " + text + ": each side must be in [16, 16384] pixels");
  return {w, h};
}

ui::figures::FigureOptions figure_options(const FigureArgs& a) {
  ui::figures::FigureOptions o;
  o.size = parse_size(a.size);
  o.scale = a.scale;
  if (a.scale != 0.0 && a.scale < 0.25) throw app::UsageError("--scale must be 0 (automatic) or in [0.25, 16]");
  o.title = !a.no_title;
  o.title_text = QString::fromStdString(a.title);
  o.mark_ends = !a.no_end_marks;
  return o;
}

std::shared_ptr<const experiment::MapSession> build_session(const app::ModelArgs& m, const FigureArgs& f, bool stages) {
  std::vector<int> include;
  if (f.sentence >= 0) include.push_back(f.sentence);
  if (m.model == "esn") {
    auto o = app::esn_session_options(m);
    o.map_sentences = f.map_sentences;
    o.include_sentences = include;
    if (!stages) o.stages.clear();
    std::fprintf(stderr, "rssviz: training the ESN (%d units) on %s, seed %llu and mapping %d sentences…\n",
                 o.reservoir.units, corpus::corpus_label(o.objects, o.corpus_file).c_str(),
                 static_cast<unsigned long long>(o.reservoir.seed), o.map_sentences);
    return experiment::build_esn_session(o);
  }
  auto o = app::lstm_session_options(m);
  o.map_sentences = f.map_sentences;
  o.include_sentences = include;
  o.map_every_epoch = stages;
  std::fprintf(stderr, "rssviz: training the LSTM (%d units, %d epochs) on %s, seed %llu and mapping %s…\n",
               o.model.hidden, o.trainer.epochs, corpus::corpus_label(o.corpus).c_str(),
               static_cast<unsigned long long>(o.corpus.seed),
               stages ? "every epoch" : "the final model");
  return experiment::build_lstm_session(o);
}

std::vector<std::pair<std::string, ui::figures::Format>> figure_outputs(const std::string& png, const std::string& svg,
                                                                        const std::string& pdf, const std::string& out) {
  std::vector<std::pair<std::string, ui::figures::Format>> outputs;
  if (!png.empty()) outputs.emplace_back(png, ui::figures::Format::png);
  if (!svg.empty()) outputs.emplace_back(svg, ui::figures::Format::svg);
  if (!pdf.empty()) outputs.emplace_back(pdf, ui::figures::Format::pdf);
  if (!out.empty()) outputs.emplace_back(out, ui::figures::formatFromPath(QString::fromStdString(out)));
  if (outputs.empty()) throw app::UsageError("no output: give --png, --svg, --pdf or --out FILE");
  for (const auto& [path, format] : outputs) check_output("--" + ui::figures::formatName(format).toStdString(), path);
  return outputs;
}

void check_output(const std::string& option, const std::string& path) {
  const QString problem = ui::figures::checkWritable(QString::fromStdString(path));
  if (!problem.isEmpty()) throw std::runtime_error(option + " " + problem.toStdString());
}

}  // namespace rssviz::gui
