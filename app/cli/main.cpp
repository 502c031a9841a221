// rssviz-cli: the headless front end. Argument parsing and wiring only; the protocols
// live in core/experiment and are shared with the GUI.
#include <algorithm>
#include <iostream>
#include <stdexcept>

#include "app/cli/command.hpp"
#include "app/common/run.hpp"
#include "core/common/isa.hpp"
#include "core/common/memory.hpp"
#include "core/common/progress.hpp"

namespace rssviz::cli {

std::vector<std::pair<std::string, CommandFactory>>& registry() {
  static std::vector<std::pair<std::string, CommandFactory>> r;
  return r;
}

Registrar::Registrar(std::string name, CommandFactory factory) { registry().emplace_back(std::move(name), std::move(factory)); }

}  // namespace rssviz::cli

int main(int argc, char** argv) {
  rssviz::keep_freed_memory();  // before any thread: large buffers are reused, not mapped afresh
  using namespace rssviz::cli;
  CLI::App app{"rssviz-cli: Echo State Networks and LSTMs on the Cross-Situational Learning task, "
               "their metrics and UMAP maps of their state space, without a window",
               "rssviz-cli"};
  app.set_version_flag("--version", std::string("rssviz-cli ") + RSSVIZ_VERSION + ", kernels " +
                                         rssviz::kernel_description());
  app.require_subcommand(1);
  auto& reg = registry();
  std::sort(reg.begin(), reg.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, factory] : reg) factory(app);

  return rssviz::app::run_command_line(app, argc, argv, "rssviz-cli");
}
