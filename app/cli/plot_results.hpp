// --plot of `rssviz-cli experiment`: the plot is drawn by the one renderer there is, the
// GUI binary's headless `rssviz plot` (ui/experiment_view.hpp through ui/figures), which
// this program runs as a child process. rssviz-cli itself stays free of Qt.
#pragma once
#include <filesystem>
#include <string>

namespace rssviz::cli {

// The rssviz program: beside this one (installed: both in bin/), else the build tree's
// (RSSVIZ_GUI_PROGRAM, set at build time when the GUI is built). Throws UsageError when
// there is none (a core-only build), naming where it looked.
std::filesystem::path gui_program();
// Checks before long work that `plot` has a known figure extension (.png, .svg, .pdf)
// and a writable folder, and that rssviz exists; throws UsageError naming --plot.
void check_plot_output(const std::string& plot);
// Runs `rssviz plot RESULTS --out PLOT` and waits; throws std::runtime_error when it fails.
void plot_results(const std::string& results, const std::string& plot);

}  // namespace rssviz::cli
