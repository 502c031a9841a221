// `rssviz-cli bench <name>`: benchmarks register themselves here like subcommands.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

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

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace rssviz::cli
