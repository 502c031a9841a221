// rssviz-cli bench lstm: the paper's full LSTM training (35 epochs, batch 2, the 1000
// training sentences of n = 4), timed end to end, median of several runs.
#include <cstdio>
#include <memory>

#include "app/cli/bench.hpp"
#include "core/experiment/lstm_protocol.hpp"
#include "core/lstm/inspect.hpp"
#include "core/lstm/trainer.hpp"

namespace rssviz::cli {
namespace cmd_bench_lstm {  // this command's own names: a unity build compiles several commands in one unit
namespace {

struct Args {
  int objects = 4;
  int runs = 5;
  int epochs = 35;
  int threads = 1;
  std::uint64_t seed = 1;
  bool single = false;
};

template <class T>
void run(const Args& a) {
  auto o = experiment::lstm_paper_options(a.objects, a.seed);
  o.trainer.epochs = a.epochs;
  o.trainer.threads = a.threads;
  const auto corpus = corpus::make_corpus(o.corpus);
  std::vector<double> total, train_only, cpu;
  double exact = 0, valid = 0;
  for (int r = 0; r < a.runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    lstm::BasicTrainer<T> tr(corpus, o.model, o.trainer);
    double epochs_seconds = 0;
    while (!tr.finished()) epochs_seconds += tr.run_epoch().seconds;
    total.push_back(seconds_since(t0));
    cpu.push_back(cpu_seconds() - c0);
    train_only.push_back(epochs_seconds);
    const auto s = lstm::evaluate(tr.model(), corpus.grammar, corpus.test, a.threads);
    exact = s.exact_error;
    valid = s.valid_error;
  }
  const long long steps = corpus.train.total_tokens() * a.epochs;
  const double med = median(train_only);
  std::printf(
      "lstm n=%d seed %llu, %s, %d thread(s), %d epochs of %d sentences (batch 2):\n"
      "  median %.3f s total (training + validation after each epoch), %.3f s training only, over %d runs\n"
      "  processor time of the total (all threads; not inflated by other processes): median %.3f s\n"
      "  %.2f us per token (forward + backward + Adam share); test valid error %.2f %%, exact error %.2f %%\n",
      a.objects, static_cast<unsigned long long>(a.seed), a.single ? "float" : "double", a.threads, a.epochs,
      corpus.train.size(), median(total), med, a.runs, median(cpu), 1e6 * med / static_cast<double>(steps), 100 * valid,
      100 * exact);
}

void add(CLI::App& bench) {
  auto a = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand("lstm", "Time the paper's LSTM training (35 epochs, batch 2, 1000 sentences)");
  cmd->add_option("--objects,-n", a->objects, "Number of objects")->check(CLI::Range(1, 50))->default_val(4);
  cmd->add_option("--runs", a->runs, "Timed runs")->check(CLI::Range(1, 1000))->default_val(5);
  cmd->add_option("--epochs", a->epochs, "Epochs per run")->check(CLI::Range(1, 10000))->default_val(35);
  cmd->add_option("--threads,-j", a->threads, "Threads over the batch (0 = all cores)")
      ->check(CLI::Range(0, 256))
      ->default_val(1);
  cmd->add_option("--seed,-s", a->seed, "Seed")->default_val(1);
  cmd->add_flag("--float", a->single, "Train in single precision instead of double");
  cmd->callback([a] { a->single ? run<float>(*a) : run<double>(*a); });
}

const BenchRegistrar reg("lstm", add);

}  // namespace
}  // namespace cmd_bench_lstm
}  // namespace rssviz::cli
