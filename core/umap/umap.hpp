// UMAP (Uniform Manifold Approximation and Projection; McInnes, Healy & Melville 2018)
// for any matrix of points, built for moving pictures: a step-wise layout the GUI can
// draw and cancel, warm starts that refine a previous frame instead of re-randomising
// it, and `transform` to place new points into a finished map.
//
// Pipeline (each stage's equations live in its header):
//   1. k nearest neighbours, exact or approximate          knn.hpp
//   2. fuzzy simplicial set (smooth kNN, fuzzy union)       fuzzy_graph.hpp
//   3. a, b of the low-dimensional curve from min_dist      fuzzy_graph.hpp
//   4. initial layout: spectral, random or given            spectral.hpp
//   5. SGD with negative sampling, n_epochs epochs          layout.hpp
// Edges weaker than max_weight / n_epochs are dropped before step 5 (as umap-learn).
// Initial layouts (spectral, random, given without warm start) are rescaled per axis to
// [0, 10] as umap-learn does; a spectral layout first gets N(0, 1e-4) noise so that
// duplicate rows do not coincide. A warm start keeps the given coordinates as they are.
//
// Typical use:
//   rssviz::umap::Umap u(X, opt);                 // neighbours, graph, initial layout
//   while (!u.run(10)) draw(u.embedding());       // 10 epochs at a time
// or Y = rssviz::umap::fit(X, opt). Warm start from a previous frame Y0 of the same
// points (slightly changed X):
//   opt.init = Init::given; opt.warm_start = true;
//   rssviz::umap::Umap u(X, opt, &Y0); u.run();   // warm_start_epochs epochs
//
// Determinism: the same X, options (seed included) give a bit-identical embedding for
// any thread count (see layout.hpp for how the parallel SGD achieves it).
// Threads: one Umap is driven by one thread at a time (run() and embedding() must not
// overlap); the GUI's job thread calls run(k) and hands embedding() copies to the view.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <string>

#include "core/common/progress.hpp"
#include "core/umap/fuzzy_graph.hpp"
#include "core/umap/knn.hpp"
#include "core/umap/knn_descent.hpp"
#include "core/umap/layout.hpp"

namespace rssviz::umap {

enum class Init { spectral, random, given };
// How a warm start from a previous Umap (Umap(previous, X)) finds the new neighbours.
enum class WarmKnn {
  exact,    // update_exact_knn: the same lists as a fresh exact search
  descent,  // neighbour descent from the previous lists (knn_descent.hpp): approximate, several times faster
};

struct UmapOptions {
  int n_neighbors = 15;               // neighbourhood size incl. the point; larger = more global structure (2..n; clamped to n)
  int n_components = 2;               // output dimensions (1..8 are fast; default 2)
  float min_dist = 0.1f;              // how tightly points pack in the map; smaller = tighter clumps (0..spread)
  float spread = 1.0f;                // scale of the embedded points; with min_dist sets a and b (> 0)
  int n_epochs = 0;                   // SGD epochs; 0 = automatic: 500 up to 10 000 points, 200 above
  float learning_rate = 1.0f;         // initial SGD step, decays linearly to 0 (> 0)
  int negative_sample_rate = 5;       // repulsive samples per attractive one; more = crisper, slower (>= 0)
  float repulsion_strength = 1.0f;    // gamma, weight of the repulsive term (>= 0)
  float local_connectivity = 1.0f;    // neighbours assumed connected; higher = more connected graph (0..n_neighbors)
  float set_op_mix_ratio = 1.0f;      // 1 = fuzzy union, 0 = fuzzy intersection of the directed graphs
  bool move_both_ends = false;        // true: umap-learn's SGD (each sampled edge pulls both ends, twice the
                                      // attraction); false: the paper's Algorithm 5 (head only), which
                                      // matches umap-learn's trustworthiness better (docs/BENCHMARKS.md)
  float a = 0.0f;                     // curve parameter a; 0 = fit from min_dist and spread
  float b = 0.0f;                     // curve parameter b; 0 = fit from min_dist and spread
  Metric metric = Metric::euclidean;  // input-space distance: euclidean or cosine
  Init init = Init::spectral;         // spectral, random (uniform), or given coordinates
  KnnMethod knn = KnnMethod::automatic;  // exact (blocked products), approximate (HNSW), or by size
  bool warm_start = false;            // with init = given: short refinement of the given layout, no rescale
  int warm_start_epochs = 50;         // epochs of a warm start; more = closer to a full run, less stable (>= 1)
  float warm_start_learning_rate = 0.1f;  // initial step of a warm start; smaller = moves less (> 0)
  WarmKnn warm_knn = WarmKnn::exact;  // neighbours of Umap(previous, X): exact update, or descent (live maps)
  int warm_start_min_epochs = 0;      // Umap(previous, X): 0 = always warm_start_epochs; else the epochs scale with the
                                      // fraction c of neighbour entries that changed, max(this, warm_start_epochs
                                      // min(1, c / 0.1)): points that moved little get few epochs (0..warm_start_epochs)
  int transform_epochs = 0;           // SGD epochs of transform(); 0 = 100 up to 10 000 fitted points, 30 above
  std::uint64_t seed = 42;            // master seed of the init, the approximate kNN and the sampling streams
  int threads = 0;                    // OpenMP threads; 0 = all cores (the result does not depend on it)
};

// Throws std::invalid_argument naming the first bad field and its range.
void validate(const UmapOptions& o);

// The one way to say "warm start": `o` with init = given and warm_start = true, i.e. a
// short refinement (warm_start_epochs at warm_start_learning_rate) of given coordinates,
// kept as they are. refine(), Umap(previous, X) and the live explorer all use it.
UmapOptions warm_start(UmapOptions o);

// What happened, for the status bar and the CLI.
struct UmapDiagnostics {
  KnnMethod knn_method = KnnMethod::exact;  // the method actually used
  int n_neighbors = 0;                      // after clamping to the number of points
  int components = 0;                       // connected components of the fuzzy graph
  int init_fallbacks = 0;                   // components laid out at random instead of spectrally
  Eigen::Index edges = 0;                   // directed edges the SGD samples
  double a = 0.0, b = 0.0;                  // curve parameters used
  double knn_seconds = 0.0, graph_seconds = 0.0, init_seconds = 0.0, layout_seconds = 0.0;
  int input_scale_exponent = 0;             // the input was multiplied by 2^this (see input_scale_exponent)
  int descent_rounds = 0;                   // neighbour descent: rounds run (0: no descent)
  double knn_change = 0.0;                  // Umap(previous, X): fraction of neighbour entries not in previous's lists
};

// UMAP depends on the data only through neighbour ranks and ratios of distances to the
// nearest ones, so multiplying every value by 2^e changes nothing in exact arithmetic.
// Float32 squared distances do not survive extreme scales (1e25 overflows them, 1e-25
// underflows them to zero and gives a meaningless map), so an input whose largest |x|
// lies outside [2^-kSafeExponent, 2^(kSafeExponent+1)) is scaled by the exact power of
// two that brings it into [1, 2); inputs inside that range are used unchanged (same bits
// as ever). Returns that exponent (0 = unchanged); throws std::invalid_argument naming
// the first row with NaN or infinity.
inline constexpr int kSafeExponent = 16;
int input_scale_exponent(const Eigen::MatrixXf& X);
// X times 2^exponent (X itself for 0).
Eigen::MatrixXf scaled(const Eigen::MatrixXf& X, int exponent);

// The points a Umap is built on: a matrix it copies, or a shared one it keeps without a
// copy when it needs no rescaling (input_scale_exponent 0, the usual case: the live map's
// 28 MB per update at 1000 sentences, 84 MB at 3000 units). The matrix must not change
// while the Umap holds it.
struct UmapInput {
  UmapInput(const Eigen::MatrixXf& X) : matrix(&X) {}  // NOLINT: implicit, copied
  UmapInput(std::shared_ptr<const Eigen::MatrixXf> X) : matrix(X.get()), shared(std::move(X)) {}  // NOLINT: kept
  template <class Derived>  // an expression (X.topRows(n), X * s): evaluated once, then kept
  UmapInput(const Eigen::MatrixBase<Derived>& e)  // NOLINT: implicit
      : UmapInput(std::shared_ptr<const Eigen::MatrixXf>(std::make_shared<Eigen::MatrixXf>(e))) {}
  const Eigen::MatrixXf* matrix;
  std::shared_ptr<const Eigen::MatrixXf> shared;
};

class Umap {
 public:
  // Neighbours, fuzzy graph and initial layout (throws Cancelled if `stop` is raised
  // between these stages; invalid_argument for bad options or shapes). `init_coords`
  // (n x n_components) is required when options.init == Init::given and ignored
  // otherwise. `stop` must outlive the object; run() checks it between epochs.
  explicit Umap(UmapInput X, const UmapOptions& options = {}, const Eigen::MatrixXf* init_coords = nullptr,
                const StopFlag* stop = nullptr);

  // Warm start from a finished (or stopped) `previous` run on new values X of the same
  // points: previous's options with init = given and warm_start, and `start` (n x
  // n_components; null: previous's embedding) as the initial layout. Neighbours, by
  // options().warm_knn: exact: when previous used exact neighbours they are updated for
  // the changed rows only (update_exact_knn) instead of searched again, and the result is
  // that of Umap(X, options, start) up to distance ties within float rounding; descent:
  // refined from previous's lists (descend_knn, reusing its projection basis; a flat
  // spectrum falls back to the search of the options).
  Umap(const Umap& previous, UmapInput X, const Eigen::MatrixXf* start = nullptr,
       const StopFlag* stop = nullptr);

  // A warm start from neighbour lists alone: `lists` are those of an earlier map of the
  // same points (a trained session's map of the states the untrained sliders now move),
  // refined by neighbour descent (descend_knn, a fresh projection basis) when
  // options.warm_knn is descent and they fit (lists.n == X.rows(), their k that of the
  // options); otherwise the options' own search. options and init_coords as for the first
  // constructor (use warm_start(options) for a warm start).
  Umap(UmapInput X, const UmapOptions& options, const Eigen::MatrixXf* init_coords, const KnnGraph& lists,
       const StopFlag* stop = nullptr);

  // Runs up to `max_epochs` more epochs (negative: all that remain); returns true when
  // the layout is finished. Returns false early, with a consistent embedding, when the
  // stop flag is raised; a later run() continues from there.
  bool run(int max_epochs = -1);
  // Before the first run(): at least `epochs` epochs in all (a warm start whose start
  // layout is partly stale, as the live map's release after a drag). Throws
  // std::logic_error once epochs have run, std::invalid_argument for epochs < 0.
  void run_at_least(int epochs);
  bool finished() const { return epoch_ >= total_epochs_; }
  int epoch() const { return epoch_; }                // epochs done so far
  int total_epochs() const { return total_epochs_; }  // epochs of the whole run
  Eigen::MatrixXf embedding() const;                   // n x n_components, current state
  // Places new points (rows of the same width as X) into the current embedding from
  // their n_neighbors nearest fitted points (exact search), as umap-learn's transform:
  // membership-weighted mean of the neighbours' coordinates, then transform_epochs of
  // SGD moving only the new points at learning_rate / 4.
  Eigen::MatrixXf transform(const Eigen::MatrixXf& Xnew) const;

  const UmapOptions& options() const { return opt_; }
  const UmapDiagnostics& diagnostics() const { return diag_; }
  const KnnGraph& knn() const { return knn_; }
  const SparseGraph& graph() const { return graph_; }  // symmetric fuzzy graph after pruning

 private:
  void setup(const UmapInput& X, const Eigen::MatrixXf* init_coords, const Umap* previous,
             const KnnGraph* lists = nullptr);

  UmapOptions opt_;
  UmapDiagnostics diag_;
  const StopFlag* stop_ = nullptr;
  std::shared_ptr<const Eigen::MatrixXf> data_;  // the input times 2^scale_exponent_ (never null after setup)
  int scale_exponent_ = 0;
  KnnGraph knn_;
  Eigen::MatrixXf descent_basis_;  // the projection basis of the last neighbour descent (empty: none)
  SparseGraph graph_;
  SgdSchedule schedule_;
  SgdParams params_;
  RowMatrixXf y_, snapshot_;
  float alpha0_ = 1.0f;
  int epoch_ = 0;
  int total_epochs_ = 0;
  std::uint64_t sampling_seed_ = 0;
};

// One call: Umap(X, options, init_coords, stop) then run() to the end; throws Cancelled
// when stopped.
Eigen::MatrixXf fit(const Eigen::MatrixXf& X, const UmapOptions& options = {},
                    const Eigen::MatrixXf* init_coords = nullptr, const StopFlag* stop = nullptr);

// Warm start convenience: refines `previous` (a layout of the same rows) for the
// changed points X with options.warm_start_epochs epochs.
Eigen::MatrixXf refine(const Eigen::MatrixXf& X, const Eigen::MatrixXf& previous, UmapOptions options = {},
                       const StopFlag* stop = nullptr);

// Automatic epoch count of umap-learn for n points.
int default_epochs(Eigen::Index n);

}  // namespace rssviz::umap
