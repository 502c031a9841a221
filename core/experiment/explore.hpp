// Live exploration of an untrained reservoir (paper-notes §6, "hyperparameters before
// training"): the user moves the spectral radius, leak rate or input scaling and the map
// follows. One update:
//   1. rescale the reservoir: same seed, same W1, Win1, b (esn::Reservoir::with_scaling:
//      no random draw, no eigensolver);
//   2. recollect the states [1; x] after every token of the map's test sentences (a
//      batched, prefix-sharing harvest);
//   3. project with UMAP warm-started from the current layout (points matched by
//      (sentence, step)), so the picture deforms instead of jumping; the first map, or
//      one without a usable previous layout, uses the paper's spectral initialisation.
//      The neighbours come from the explorer's last projection of the same points
//      (Umap(previous, X): neighbour descent by default) when it has one.
// The GUI runs update() in its job thread for every slider value (newest wins); `rssviz-cli
// bench explore` times it.
#pragma once
#include <memory>
#include <optional>

#include "core/common/progress.hpp"
#include "core/esn/reservoir.hpp"
#include "core/experiment/map_session.hpp"
#include "core/umap/umap.hpp"

namespace rssviz::experiment {

struct ExploreOptions {
  int objects = 4;                  // corpus size n; reservoir.seed is the master seed (split and weights)
  std::shared_ptr<const corpus::CorpusFile> corpus_file;  // a corpus file in place of the paper's n objects (null: `objects`)
  esn::ReservoirOptions reservoir;  // the base reservoir: its units, density and seed fix the weights
  int map_sentences = kPaperMapSentences;  // test sentences on the map (paper: 200)
  umap::UmapOptions umap = live_umap();  // projection: the paper's map (paper_map_umap) with the live path's warm
                                    // updates: neighbour descent from the last update's lists (umap.warm_knn) and
                                    // umap.warm_start_min_epochs (10) to warm_start_epochs (50) epochs, by how much
                                    // the neighbours changed: fewer = faster, rougher
  static umap::UmapOptions live_umap() {
    umap::UmapOptions o = paper_map_umap();
    o.warm_knn = umap::WarmKnn::descent;
    o.warm_start_min_epochs = 10;
    return o;
  }
};

struct ExploreTimings {
  double rescale = 0.0;  // seconds for the reservoir rescale
  double harvest = 0.0;  // seconds for the states and gathering the points (duplicates dropped)
  double umap = 0.0;     // seconds for the projection, of which:
  double knn = 0.0;      //   the nearest-neighbour search (or descent)
  double layout = 0.0;   //   the SGD epochs
  int epochs = 0;        // SGD epochs run
  double knn_change = 0.0;  // fraction of neighbour entries that changed since the last update
  double total() const { return rescale + harvest + umap; }
};

class Explorer {
 public:
  // Builds the corpus and draws the base reservoir (the only expensive part, done once).
  explicit Explorer(const ExploreOptions& options);
  // Whether this explorer can serve `o` without redrawing weights (same corpus size,
  // seed, units, density, connectivity, weight init).
  bool compatible(const ExploreOptions& o) const;

  // An untrained session for these scalings, warm-started from `previous` when it is a
  // map of the same sentences (may be null). Validates the values (std::invalid_argument
  // naming the field and range); throws Cancelled when stopped.
  std::shared_ptr<MapSession> update(const esn::Scalings& scalings, const MapSession* previous,
                                     const StopFlag* stop = nullptr);
  const ExploreTimings& last_timings() const { return timings_; }
  // The last update's projection (its neighbour lists, diagnostics); null before the first.
  const umap::Umap* last_projection() const { return last_ ? last_->umap.get() : nullptr; }
  const std::shared_ptr<const corpus::Corpus>& corpus() const { return corpus_; }

 private:
  ExploreOptions options_;
  std::shared_ptr<const corpus::Corpus> corpus_;
  esn::Reservoir base_;
  ExploreTimings timings_;
  // The last update's projection and points: the next update of the same points refines
  // its neighbour lists (umap.warm_knn) instead of searching again.
  struct LastProjection {
    std::unique_ptr<umap::Umap> umap;         // never null
    std::shared_ptr<const MapPoints> points;  // never null
  };
  std::optional<LastProjection> last_;  // empty before the first update
};

}  // namespace rssviz::experiment
