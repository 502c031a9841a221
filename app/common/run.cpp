#include "app/common/run.hpp"

#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "app/common/model_args.hpp"
#include "core/common/progress.hpp"

namespace rssviz::app {

namespace {
// Output lost to a full disk or a closed pipe is a failure, not a success.
bool stdout_failed() {
  std::cout.flush();
  return std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout;
}
}  // namespace

int run_command_line(CLI::App& app, int argc, char** argv, const char* name) {
  int help = -1;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    help = app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    help = app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    help = app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << name << ": error: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << name << ": error: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << name << ": error: " << e.what() << "\n";
    return 2;
  } catch (const rssviz::Cancelled&) {
    std::cerr << name << ": cancelled\n";
    return 130;
  } catch (const std::exception& e) {
    std::cerr << name << ": error: " << e.what() << "\n";
    return 1;
  }
  if (stdout_failed()) {
    std::cerr << name << ": error: writing to standard output failed\n";
    return 1;
  }
  return help >= 0 ? help : 0;
}

}  // namespace rssviz::app
