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
// The GUI runs update() in its job thread for every slider value (newest wins); `rssviz-cli
// bench explore` times it.
#pragma once
#include <memory>

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
  umap::UmapOptions umap = paper_map_umap();  // projection (the paper's map); a warm-started update runs
                                    // umap.warm_start_epochs epochs (50): fewer = faster, rougher
};

struct ExploreTimings {
  double rescale = 0.0;  // seconds for the reservoir rescale
  double harvest = 0.0;  // seconds for the states and gathering the points (duplicates dropped)
  double umap = 0.0;     // seconds for the projection, of which:
  double knn = 0.0;      //   the nearest-neighbour search
  double layout = 0.0;   //   the SGD epochs
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
  const std::shared_ptr<const corpus::Corpus>& corpus() const { return corpus_; }

 private:
  ExploreOptions options_;
  std::shared_ptr<const corpus::Corpus> corpus_;
  esn::Reservoir base_;
  ExploreTimings timings_;
};

}  // namespace rssviz::experiment
