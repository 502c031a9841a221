// One way for both binaries to run a parsed command line and turn what it throws into
// the documented exit codes: 0 success, 1 runtime failure, 2 bad usage (one line naming
// the option), 130 cancelled; standard output's write errors are failures too.
#pragma once
#include <CLI/CLI.hpp>

namespace rssviz::app {

// Parses argv with `app` (its callbacks do the work) and reports failures on standard
// error as "<name>: error: ...". Returns the exit code.
int run_command_line(CLI::App& app, int argc, char** argv, const char* name);

}  // namespace rssviz::app
