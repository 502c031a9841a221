// Subcommand registration for rssviz-cli. Each cmd_*.cpp registers itself with a
// static Registrar, so adding a subcommand touches no other file.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "app/common/model_args.hpp"

namespace rssviz::cli {

// Adds a subcommand (with its options and callback) to the application.
using CommandFactory = std::function<void(CLI::App& app)>;

struct Registrar {
  Registrar(std::string name, CommandFactory factory);
};

std::vector<std::pair<std::string, CommandFactory>>& registry();

// Thrown by a subcommand for bad usage that CLI11 cannot see (e.g. option combinations):
// exit code 2 with the message. Shared with the GUI binary's subcommands.
using app::UsageError;

}  // namespace rssviz::cli
