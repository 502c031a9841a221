#include "app/cli/plot_results.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "app/cli/command.hpp"
#include "core/io/atomic_file.hpp"

extern char** environ;

namespace rssviz::cli {

namespace fs = std::filesystem;

fs::path gui_program() {
  std::vector<fs::path> tried;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) tried.push_back(self.parent_path() / "rssviz");
#ifdef RSSVIZ_GUI_PROGRAM
  tried.emplace_back(RSSVIZ_GUI_PROGRAM);
#endif
  for (const auto& p : tried)
    if (::access(p.c_str(), X_OK) == 0 && fs::is_regular_file(p, ec)) return p;
  std::string where;
  for (const auto& p : tried) where += (where.empty() ? "" : ", ") + p.string();
  throw UsageError("--plot needs the rssviz program (the GUI build draws the plot); not found" +
                   (where.empty() ? std::string() : " at " + where));
}

void check_plot_output(const std::string& plot) {
  std::string ext = fs::path(plot).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext != ".png" && ext != ".svg" && ext != ".pdf")
    throw UsageError("--plot " + plot + ": unknown figure format \"" + ext + "\" (use .png, .svg or .pdf)");
  try {
    io::check_writable(plot);
  } catch (const std::exception& e) {
    throw UsageError(std::string("--plot ") + e.what());
  }
  gui_program();
}

void plot_results(const std::string& results, const std::string& plot) {
  const std::string program = gui_program().string();
  std::vector<std::string> args{program, "plot", results, "--out", plot};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int err = ::posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv.data(), environ);
  if (err != 0) throw std::runtime_error("--plot: cannot run " + program + ": " + std::strerror(err));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error("--plot: waiting for " + program + ": " + std::strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("--plot: " + program + " plot failed (" +
                             (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                                : std::string("killed by a signal")) +
                             "); the results are kept in " + results);
}

}  // namespace rssviz::cli
