// The headless subcommands of the rssviz binary (`rssviz render`, `rssviz animate`,
// `rssviz plot`):
// they run on Qt's offscreen platform, with no window system, and share the model
// options of `rssviz-cli train` (app/common/model_args.hpp).
#pragma once
#include <CLI/CLI.hpp>
#include <QSize>
#include <QString>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/common/model_args.hpp"
#include "core/experiment/map_session.hpp"
#include "core/io/session_file.hpp"
#include "ui/figures/figure.hpp"
#include "ui/map_colouring.hpp"

namespace rssviz::gui {

// Adds the subcommand to `app`. The callback runs after parsing.
void add_render_command(CLI::App& app);
void add_animate_command(CLI::App& app);
void add_plot_command(CLI::App& app);

// Options both subcommands share: the model, the figure's size and look, the colours.
struct FigureArgs {
  std::string size = "1600x1200";   // WxH pixels
  double scale = 0.0;               // 0 = automatic
  bool no_title = false;
  std::string title;                // replaces the automatic title
  std::string colour_by;            // clause, error, word, output:K|NAME, unit:K
  int sentence = -1;                // test sentence whose trajectory is drawn (and heatmap shown)
  int map_sentences = experiment::kPaperMapSentences;  // test sentences on the map (paper: 200)
  bool no_end_marks = false;
  std::string session;              // --session FILE: the model, its seeds and the view from a session file
};
void add_figure_options(CLI::App* cmd, FigureArgs& a, const std::string& default_size);
// Parses "WxH"; throws app::UsageError naming the option.
QSize parse_size(const std::string& text);
// Builds the figure options (size, scale, title) from the arguments.
ui::figures::FigureOptions figure_options(const FigureArgs& a);

// Trains the model of `m` and builds its workbench session, printing a one-line
// progress note on standard error. `stages` asks for the ESN's learning stages (the
// training view and --stage need them). With a session file, builds that instead
// (from its embedded weights when it has them), `m` and `stages` unused.
std::shared_ptr<const experiment::MapSession> build_session(const app::ModelArgs& m, const FigureArgs& f, bool stages,
                                                            const io::SessionFile* session = nullptr);

// --session FILE: the file read and validated (app::UsageError naming the file and the
// field); nullopt when not given. Without it, --model is required (when `model_required`); with it, no model
// option may be given (the file holds the model).
std::optional<io::SessionFile> session_argument(const FigureArgs& f, CLI::App* cmd, const app::ModelOptionSet& set,
                                               bool model_required);

// The figure files asked for by --png, --svg, --pdf and --out (format from its
// extension), each checked with check_output before long work; UsageError when none.
std::vector<std::pair<std::string, ui::figures::Format>> figure_outputs(const std::string& png, const std::string& svg,
                                                                        const std::string& pdf, const std::string& out);

// Checks an output path before long work (missing folder, a directory, a device);
// throws std::runtime_error naming the option and the path.
void check_output(const std::string& option, const std::string& path);

}  // namespace rssviz::gui
