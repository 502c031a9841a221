// rssviz-cli bench esn: the whole ESN protocol (build the reservoir, harvest the 2000
// train + test sentences, fit, evaluate) with the paper's settings, timed over several
// runs; plus the GUI's live path (rescale + every-step harvest of 200 test sentences).
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/bench.hpp"
#include "app/cli/command.hpp"
#include "core/experiment/esn_protocol.hpp"

namespace rssviz::cli {
namespace cmd_bench_esn {  // this command's own names: a unity build compiles several commands in one unit
namespace {

namespace ex = rssviz::experiment;

struct Args {
  int objects = 4;
  int runs = 7;
  int threads = 0;
  int units = 1000;
  std::uint64_t seed = 1;
  std::string weight_init = "expected";
  std::string readout = "ridge";
  double density = 0.85;
  bool json = false;
};

// Harvest of the protocol's 2000 sentences with one kernel forced: median seconds.
double kernel_seconds(const esn::Reservoir& r, const corpus::Corpus& c, esn::HarvestKernel k, int runs) {
  std::vector<const std::vector<int>*> seqs;
  for (const auto& s : c.train.sentences) seqs.push_back(&s.tokens);
  for (const auto& s : c.test.sentences) seqs.push_back(&s.tokens);
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto st = esn::harvest(r, seqs, esn::Keep::kEnd, k);
    t.push_back(seconds_since(t0));
    if (st.x.cols() == 0) std::cerr << "empty harvest\n";
  }
  return median(t);
}

void run(const Args& a) {
  const double rss0 = peak_rss_mib();
  ex::EsnExperimentOptions o;
  o.objects = a.objects;
  o.reservoir.units = a.units;
  o.reservoir.seed = a.seed;
  o.reservoir.threads = a.threads;
  o.reservoir.weight_init = esn::weight_init_from_string(a.weight_init);
  o.reservoir.density = a.density;
  o.readout = ex::esn_readout_from_string(a.readout);
  corpus::CorpusOptions co;
  co.objects = a.objects;
  co.seed = a.seed;
  const corpus::Corpus c = corpus::make_corpus(co);

  std::vector<double> total, build, harvest, fit, evaluate, gflops, cpu, cpu_harvest;
  ex::EsnRun last;
  for (int i = 0; i < a.runs; ++i) {
    last = ex::run_esn_protocol(c, o.reservoir, o.readout);
    total.push_back(last.timings.total());
    build.push_back(last.timings.build);
    harvest.push_back(last.timings.harvest);
    fit.push_back(last.timings.fit);
    evaluate.push_back(last.timings.evaluate);
    gflops.push_back(last.harvest_flops / last.timings.harvest * 1e-9);
    cpu.push_back(last.timings.cpu_total);
    cpu_harvest.push_back(last.timings.cpu_harvest);
  }
  const double rss_protocol = peak_rss_mib();

  // The GUI's live exploration: an untrained reservoir rescaled (no redraw, no
  // eigensolver) and every step of 200 test sentences harvested.
  std::vector<double> live;
  {
    const esn::Reservoir base(o.reservoir, c.grammar.vocabulary_size());
    const std::vector<corpus::Sentence> maps(c.test.sentences.begin(), c.test.sentences.begin() + 200);
    for (int i = 0; i < a.runs; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto r = base.with_scaling({0.9 + 0.05 * i, 0.05 + 0.01 * i, 1.0});
      const auto st = esn::harvest(r, maps, esn::Keep::kEveryStep);
      live.push_back(seconds_since(t0));
      if (st.x.cols() == 0) std::cerr << "empty harvest\n";
    }
  }

  // The two harvest kernels on this reservoir (the protocol picks one by W's density).
  double dense_s = std::nan(""), sparse_s = std::nan("");
  if (esn::sparse_harvest_available()) {
    const esn::Reservoir r(o.reservoir, c.grammar.vocabulary_size());
    dense_s = kernel_seconds(r, c, esn::HarvestKernel::kDense, a.runs);
    sparse_s = kernel_seconds(r, c, esn::HarvestKernel::kSparse, a.runs);
  }

  const double tokens = static_cast<double>(last.harvested_steps);
  const double unique = static_cast<double>(last.unique_steps);
  if (a.json) {
    nlohmann::json j = {{"objects", a.objects},
                        {"units", a.units},
                        {"runs", a.runs},
                        {"median_seconds", median(total)},
                        {"median_build_seconds", median(build)},
                        {"median_harvest_seconds", median(harvest)},
                        {"median_fit_seconds", median(fit)},
                        {"median_evaluate_seconds", median(evaluate)},
                        {"harvest_gflops", median(gflops)},
                        {"median_cpu_seconds", median(cpu)},
                        {"median_harvest_cpu_seconds", median(cpu_harvest)},
                        {"harvest_gflops_per_cpu_second", last.harvest_flops / median(cpu_harvest) * 1e-9},
                        {"tokens", last.harvested_steps},
                        {"unique_prefixes", last.unique_steps},
                        {"live_median_seconds", median(live)},
                        {"density", a.density},
                        {"harvest_dense_kernel_seconds", dense_s},
                        {"harvest_sparse_kernel_seconds", sparse_s},
                        {"peak_rss_mib", rss_protocol},
                        {"valid_error", last.test.valid_error},
                        {"exact_error", last.test.exact_error}};
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << std::fixed << std::setprecision(1);
  std::cout << "esn protocol, n=" << a.objects << ", " << a.units << " units, " << a.readout << " readout, "
            << a.weight_init << " radius, " << a.runs << " runs\n"
            << "  median total " << median(total) * 1e3 << " ms: build " << median(build) * 1e3 << ", harvest "
            << median(harvest) * 1e3 << ", fit " << median(fit) * 1e3 << ", evaluate " << median(evaluate) * 1e3
            << " ms (min total " << *std::min_element(total.begin(), total.end()) * 1e3 << " ms)\n"
            << "  processor time (all threads): median " << median(cpu) * 1e3 << " ms, harvest "
            << median(cpu_harvest) * 1e3 << " ms = " << last.harvest_flops / median(cpu_harvest) * 1e-9
            << " GFLOP per processor-second\n"
            << "  harvest: " << static_cast<long long>(tokens) << " tokens, " << static_cast<long long>(unique)
            << " distinct prefixes computed (" << 100.0 * unique / tokens << " %); " << median(gflops)
            << " GFLOP/s achieved (" << median(gflops) * tokens / unique
            << " GFLOP/s equivalent for a harvest without prefix sharing)\n"
            << "  live path (rescale + every-step harvest of 200 sentences): median " << median(live) * 1e3
            << " ms\n"
            << "  harvest kernels at density " << a.density << ": dense " << dense_s * 1e3 << " ms, sparse "
            << sparse_s * 1e3 << " ms (median; the protocol uses the sparse one up to density 0.25)\n"
            << "  test: valid error " << 100.0 * last.test.valid_error << " %, exact error "
            << 100.0 * last.test.exact_error << " %\n"
            << "  peak RSS " << rss_protocol << " MiB (process start " << rss0 << " MiB)\n";
}

void add(CLI::App& bench) {
  auto a = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand("esn", "Time the ESN protocol (build, harvest 2000 sentences, fit, evaluate)");
  cmd->add_option("--objects,-n", a->objects, "Number of objects")->check(CLI::Range(1, 50))->default_val(4);
  cmd->add_option("--runs", a->runs, "Timed runs")->check(CLI::Range(1, 1000))->default_val(7);
  cmd->add_option("--threads,-j", a->threads, "Threads (0 = all cores)")->check(CLI::Range(0, 256))->default_val(0);
  cmd->add_option("--units", a->units, "Reservoir size")->check(CLI::Range(1, 20000))->default_val(1000);
  cmd->add_option("--seed,-s", a->seed, "Master seed")->default_val(1);
  cmd->add_option("--weight-init", a->weight_init, "expected or exact spectral radius")
      ->check(CLI::IsMember({"expected", "exact"}))
      ->default_val("expected");
  cmd->add_option("--density", a->density, "Reservoir density (fraction of nonzero weights)")
      ->check(CLI::Range(0.001, 1.0))
      ->default_val(0.85);
  cmd->add_option("--readout", a->readout, "ridge or rls")->check(CLI::IsMember({"ridge", "rls"}))->default_val("ridge");
  cmd->add_flag("--json", a->json, "Print one JSON object");
  cmd->callback([a] { run(*a); });
}

const BenchRegistrar reg("esn", add);

}  // namespace
}  // namespace cmd_bench_esn
}  // namespace rssviz::cli
