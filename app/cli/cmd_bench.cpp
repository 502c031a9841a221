// rssviz-cli bench: timing of the protocols, printed as medians of several runs.
#include <sys/resource.h>

#include <algorithm>
#include <iostream>

#include "app/cli/bench.hpp"
#include "app/cli/command.hpp"
#include "core/corpus/dataset.hpp"

namespace rssviz::cli {

std::vector<std::pair<std::string, std::function<void(CLI::App&)>>>& bench_registry() {
  static std::vector<std::pair<std::string, std::function<void(CLI::App&)>>> r;
  return r;
}

BenchRegistrar::BenchRegistrar(std::string name, std::function<void(CLI::App&)> factory) {
  bench_registry().emplace_back(std::move(name), std::move(factory));
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

namespace cmd_bench {  // this command's own names: a unity build compiles several commands in one unit
namespace {

void add(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench", "Benchmarks: time a protocol, print the median of several runs");
  cmd->require_subcommand(1);
  auto& reg = bench_registry();
  std::sort(reg.begin(), reg.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, factory] : reg) factory(*cmd);
}

const Registrar reg("bench", add);

// bench corpus: generating the whole corpus (grammar, split, teachers).
void add_corpus(CLI::App& bench) {
  struct Args {
    int objects = 50;
    int runs = 9;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand("corpus", "Time the generation of the corpus (grammar, split, teachers)");
  cmd->add_option("--objects,-n", a->objects, "Number of objects")->check(CLI::Range(1, 50))->default_val(50);
  cmd->add_option("--runs", a->runs, "Timed runs")->check(CLI::Range(1, 1000))->default_val(9);
  cmd->callback([a] {
    const double rss0 = peak_rss_mib();
    std::vector<double> t;
    for (int i = 0; i < a->runs; ++i) {
      rssviz::corpus::CorpusOptions o;
      o.objects = a->objects;
      o.seed = static_cast<std::uint64_t>(i + 1);
      const auto t0 = std::chrono::steady_clock::now();
      auto c = rssviz::corpus::make_corpus(o);
      t.push_back(seconds_since(t0));
      if (c.train.size() == 0) std::cerr << "empty corpus\n";
    }
    std::cout << "corpus n=" << a->objects << ": median " << median(t) * 1e3 << " ms over " << a->runs
              << " runs; peak RSS " << peak_rss_mib() << " MiB (process start " << rss0 << " MiB)\n";
  });
}

const BenchRegistrar bench_corpus("corpus", add_corpus);

}  // namespace
}  // namespace cmd_bench
}  // namespace rssviz::cli
