// rssviz-cli umap: UMAP of a .npy matrix (rows = points) into a .npy embedding, and
// `rssviz-cli bench umap`: fit and warm-start timings on such a matrix.
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "app/cli/bench.hpp"
#include "app/cli/command.hpp"
#include "core/common/parallel.hpp"
#include "core/common/rng.hpp"
#include "core/corpus/dataset.hpp"
#include "core/esn/reservoir.hpp"
#include "core/experiment/workbench.hpp"
#include "core/io/npy.hpp"
#include "core/umap/stability.hpp"
#include "core/umap/umap.hpp"

namespace rssviz::cli {
namespace cmd_umap {  // this command's own names: a unity build compiles several commands in one unit
namespace {

namespace um = rssviz::umap;

// Trustworthiness in the --json report is exact up to this many points, omitted above.
constexpr Eigen::Index kMaxTrustPoints = 20000;

const std::map<std::string, um::Init> kInits{{"spectral", um::Init::spectral}, {"random", um::Init::random}};
const std::map<std::string, um::KnnMethod> kKnn{
    {"auto", um::KnnMethod::automatic}, {"exact", um::KnnMethod::exact}, {"approximate", um::KnnMethod::approximate}};
const std::map<std::string, um::Metric> kMetrics{{"euclidean", um::Metric::euclidean}, {"cosine", um::Metric::cosine}};

struct UmapArgs {
  std::string in, out;
  um::UmapOptions opt;
  bool json = false;
};

void add_common(CLI::App* cmd, um::UmapOptions& o) {
  cmd->add_option("--neighbors,-k", o.n_neighbors, "n_neighbors: neighbourhood size, itself included")
      ->check(CLI::Range(2, 1000))
      ->default_val(15);
  cmd->add_option("--min-dist", o.min_dist, "min_dist: how tightly points pack (0..1 with spread 1)")
      ->check(app::finite_range(0.0, 1.0))
      ->default_val(0.1);
  cmd->add_option("--epochs", o.n_epochs, "n_epochs; 0 = 500 up to 10 000 points, 200 above")
      ->check(CLI::Range(0, 100000))
      ->default_val(0);
  cmd->add_option("--init", o.init, "Initial layout")
      ->transform(CLI::CheckedTransformer(kInits, CLI::ignore_case))
      ->default_str("spectral");
  cmd->add_option("--knn", o.knn, "Nearest neighbours: auto (by size), exact or approximate (HNSW)")
      ->transform(CLI::CheckedTransformer(kKnn, CLI::ignore_case))
      ->default_str("auto");
  cmd->add_option("--metric", o.metric, "Input distance")
      ->transform(CLI::CheckedTransformer(kMetrics, CLI::ignore_case))
      ->default_str("euclidean");
  cmd->add_option("--seed,-s", o.seed, "Seed of the initial layout, the approximate neighbours and the sampling")
      ->default_val(42);
  cmd->add_option("--threads,-t", o.threads, "Threads (0 = all cores); the result does not depend on it")
      ->check(CLI::Range(0, 1024))
      ->default_val(0);
}

void add(CLI::App& app) {
  auto a = std::make_shared<UmapArgs>();
  auto* cmd = app.add_subcommand("umap", "UMAP of the rows of a .npy matrix (float32/float64, C order) into 2-D");
  cmd->add_option("--in,-i", a->in, "Input .npy, one point per row")->required();
  cmd->add_option("--out,-o", a->out, "Output .npy (float32, n x 2), written atomically")->required();
  add_common(cmd, a->opt);
  cmd->add_flag("--json", a->json,
                "Print {\"points\", \"dims\", \"seconds\", \"trustworthiness\"}: seconds of the UMAP itself, "
                "exact trustworthiness with 15 neighbours (null above 20 000 points)");
  cmd->callback([a] {
    const Eigen::MatrixXf X = rssviz::io::read_npy_f(a->in);
    const auto t0 = std::chrono::steady_clock::now();
    const Eigen::MatrixXf Y = um::fit(X, a->opt);
    const double seconds = seconds_since(t0);
    rssviz::io::write_npy(a->out, Y);
    if (a->json) {
      nlohmann::json j;
      j["points"] = X.rows();
      j["dims"] = X.cols();
      j["seconds"] = seconds;
      const int k = 15;
      if (X.rows() <= kMaxTrustPoints && 2 * X.rows() - 3 * k - 1 > 0) {
        rssviz::ThreadScope threads(a->opt.threads);
        j["trustworthiness"] = um::trustworthiness(X, Y, k);
      } else {
        j["trustworthiness"] = nullptr;
      }
      std::cout << j.dump() << "\n";
    }
  });
}

const Registrar reg("umap", add);

// Reservoir states for the benchmarks: the map's points (experiment::esn_map_points:
// [1; x] after every token, duplicate states dropped) of `sentences` sentences spread
// over a pool, through the paper's reservoir (seed 1). The pool is the test set of the
// corpus (n objects, seed 1): the paper's map for n = 4 and 200 sentences; with
// `all_splits`, the train, test and validation sentences of each corpus seed in
// `seeds`, for inputs of ~20 000 points (n = 8, 3 000 sentences, seeds 1 and 2).
Eigen::MatrixXf esn_map_states(int sentences, int objects, bool all_splits, const std::vector<int>& seeds) {
  rssviz::corpus::Corpus pooled;
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    rssviz::corpus::CorpusOptions co;
    co.objects = objects;
    co.seed = static_cast<std::uint64_t>(seeds[i]);
    auto c = rssviz::corpus::make_corpus(co);
    if (i == 0) {
      pooled = c;
      pooled.test.sentences.clear();
    }
    auto& out = pooled.test.sentences;
    if (all_splits) out.insert(out.end(), c.train.sentences.begin(), c.train.sentences.end());
    out.insert(out.end(), c.test.sentences.begin(), c.test.sentences.end());
    if (all_splits) out.insert(out.end(), c.validation.sentences.begin(), c.validation.sentences.end());
  }
  const rssviz::esn::Reservoir res(rssviz::esn::ReservoirOptions{}, pooled.grammar.vocabulary_size());
  return rssviz::experiment::esn_map_points(pooled, res, sentences, Eigen::MatrixXd()).X;
}

// bench umap: median fit time and trustworthiness; then the warm start after a small
// change (every coordinate of a random 5 % of the points moved by 1 % of the data's
// per-column standard deviation), timed from the changed matrix to the refined layout.
void add_bench(CLI::App& bench) {
  struct Args {
    std::string in, save;
    int esn = 0;
    int objects = 4;
    std::string split = "test";
    std::vector<int> corpus_seeds{1};
    int runs = 5;
    int warm_points = 2000;
    um::UmapOptions opt;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand("umap", "Time UMAP on a .npy matrix: full fit, then warm-start refinement");
  auto* in = cmd->add_option("--in,-i", a->in, "Input .npy, one point per row");
  auto* esn = cmd->add_option("--esn", a->esn,
                              "Instead of --in: reservoir states of this many sentences (paper's ESN; test sentences "
                              "of the basic corpus unless --objects/--split/--corpus-seeds say otherwise)")
                  ->check(CLI::Range(1, 1000000));
  in->excludes(esn);
  cmd->add_option("--objects", a->objects, "With --esn: corpus size n (objects)")->check(CLI::Range(1, 50))->default_val(4);
  cmd->add_option("--split", a->split, "With --esn: sentences from the test set, or from all splits")
      ->check(CLI::IsMember({"test", "all"}))
      ->default_val("test");
  cmd->add_option("--corpus-seeds", a->corpus_seeds, "With --esn: corpus seed(s); several pool their sentences")
      ->check(CLI::Range(0, 1000000))
      ->default_val(std::vector<int>{1});
  cmd->add_option("--save", a->save, "Also save the input matrix as .npy (to compare with other tools)");
  cmd->add_option("--runs", a->runs, "Timed runs")->check(CLI::Range(1, 1000))->default_val(5);
  cmd->add_option("--warm-points", a->warm_points, "Points (first rows) of the warm-start benchmark; 0 = skip")
      ->check(CLI::Range(0, 10000000))
      ->default_val(2000);
  add_common(cmd, a->opt);
  cmd->callback([a] {
    if (a->in.empty() && a->esn == 0) throw UsageError("bench umap: give --in FILE or --esn SENTENCES");
    const Eigen::MatrixXf X = a->esn > 0 ? esn_map_states(a->esn, a->objects, a->split == "all", a->corpus_seeds)
                                         : rssviz::io::read_npy_f(a->in);
    if (!a->save.empty()) rssviz::io::write_npy(a->save, X);
    std::vector<double> t, tw, cpu, cpuw;
    Eigen::MatrixXf Y;
    um::UmapDiagnostics d;
    for (int r = 0; r < a->runs; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      const double c0 = cpu_seconds();
      um::Umap u(X, a->opt);
      u.run();
      Y = u.embedding();
      t.push_back(seconds_since(t0));
      cpu.push_back(cpu_seconds() - c0);
      d = u.diagnostics();
    }
    double trust = -1.0, trust_seconds = 0.0;
    if (X.rows() <= kMaxTrustPoints) {
      rssviz::ThreadScope threads(a->opt.threads);
      const auto t0 = std::chrono::steady_clock::now();
      trust = um::trustworthiness(X, Y, 15);
      trust_seconds = seconds_since(t0);
    }
    std::cout << std::fixed << std::setprecision(4) << "fit: " << X.rows() << " x " << X.cols()
              << ", median " << median(t) << " s wall, " << median(cpu) << " s CPU (all threads) of " << a->runs << " runs, trustworthiness(15) " << trust << " (exact, " << trust_seconds << " s)\n  last run: knn " << d.knn_seconds << " s ("
              << (d.knn_method == um::KnnMethod::exact ? "exact" : "approximate") << "), graph " << d.graph_seconds
              << " s, init " << d.init_seconds << " s, layout " << d.layout_seconds << " s; " << d.edges
              << " edges, " << d.components << " components\n";
    const Eigen::Index m = std::min<Eigen::Index>(a->warm_points, X.rows());
    if (m < 30) return;
    const Eigen::MatrixXf Xw = X.topRows(m);
    um::Umap base(Xw, a->opt);
    base.run();
    const Eigen::MatrixXf Yw = base.embedding();
    Eigen::MatrixXf Xc = Xw;
    rssviz::Rng rng(a->opt.seed, "bench warm change");
    const Eigen::RowVectorXf mean = Xw.colwise().mean();
    const Eigen::RowVectorXf sd = ((Xw.rowwise() - mean).array().square().colwise().mean()).sqrt();
    for (Eigen::Index i = 0; i < m; ++i)
      if (rng.bernoulli(0.05))
        for (Eigen::Index c = 0; c < Xc.cols(); ++c) Xc(i, c) += 0.01f * sd(c) * static_cast<float>(rng.normal());
    Eigen::MatrixXf Yr;
    double knn = 0.0, layout = 0.0, graph = 0.0;
    for (int r = 0; r < a->runs; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      const double c0 = cpu_seconds();
      um::Umap u(base, Xc);  // reuses the neighbours of the rows the change leaves alone
      u.run();
      Yr = u.embedding();
      tw.push_back(seconds_since(t0));
      cpuw.push_back(cpu_seconds() - c0);
      knn = u.diagnostics().knn_seconds;
      layout = u.diagnostics().layout_seconds;
      graph = u.diagnostics().graph_seconds;
    }
    const auto st = um::frame_stability(Yw, Yr, 15);
    std::cout << "warm start: " << m << " points, median " << median(tw) << " s wall, " << median(cpuw) << " s CPU (last run: knn " << knn
              << " s, graph " << graph << " s, layout " << layout << " s), neighbour preservation " << st.neighbour_preservation
              << ", relative displacement " << st.relative_displacement << "\n";
  });
}

const BenchRegistrar bench_reg("umap", add_bench);

}  // namespace
}  // namespace cmd_umap
}  // namespace rssviz::cli
