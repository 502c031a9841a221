// `rssviz-cli bench <name>`: benchmarks register themselves here like subcommands.
#pragma once
#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/common/timing.hpp"

namespace rssviz::cli {

struct BenchRegistrar {
  // `factory` adds options to the bench's own subcommand and sets its callback.
  BenchRegistrar(std::string name, std::function<void(CLI::App& bench_cmd)> factory);
};
std::vector<std::pair<std::string, std::function<void(CLI::App&)>>>& bench_registry();

// Median of a sample (copied, so the caller's order is kept).
double median(std::vector<double> v);
// Peak resident set size of this process so far, in MiB.
double peak_rss_mib();

using rssviz::cpu_seconds;
using rssviz::seconds_since;

}  // namespace rssviz::cli
