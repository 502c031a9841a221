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
//
// Coarser frames while a slider is dragged (Frame::kPreview): when the last full frame
// took longer than ExploreOptions::preview_seconds (the whole test set on a large
// reservoir), a drag frame maps an evenly spread subset of the map's sentences, as many
// as that budget allows at a drag frame's cost per state (distinct prefix: the last drag
// frame's, measured; before the first, the last full frame's times kFirstDragCostRatio),
// at least 24, plus the sentences asked to be kept, and keeps that subset for the rest of
// the drag (so its neighbour lists are refined from frame to frame; the last drag's
// projection is kept too, for a next drag of the same subset). The
// states of a sentence do not depend on the batch it is harvested with (bitwise), so a
// preview point is exactly that point of the full map. The release (Frame::kFull) maps
// every sentence again, warm-started from the drag's last layout (and from the last full
// layout for the sentences the drag left out), its neighbour lists descended from the last
// full frame's.
#pragma once
#include <memory>
#include <optional>

#include "core/common/progress.hpp"
#include "core/esn/reservoir.hpp"
#include "core/experiment/map_session.hpp"
#include "core/umap/umap.hpp"

namespace rssviz::experiment {

// What an update may trade for speed (see the header comment).
enum class Frame {
  kFull,     // every map sentence, the full-quality layout: a released slider, a typed value
  kPreview,  // a frame of a slider drag: a subset of the sentences when a full frame is slow
};

struct ExploreOptions {
  int objects = 4;                  // corpus size n; reservoir.seed is the master seed (split and weights)
  std::shared_ptr<const corpus::CorpusFile> corpus_file;  // a corpus file in place of the paper's n objects (null: `objects`)
  esn::ReservoirOptions reservoir;  // the base reservoir: its units, density and seed fix the weights
  int map_sentences = kPaperMapSentences;  // test sentences on the map (paper: 200)
  umap::UmapOptions umap = live_umap();  // projection: the paper's map (paper_map_umap) with the live path's warm
                                    // updates: neighbour descent from the last update's lists (umap.warm_knn) and
                                    // umap.warm_start_min_epochs (10) to warm_start_epochs (50) epochs, by how much
                                    // the neighbours changed: fewer = faster, rougher
  double preview_seconds = 0.3;     // drag frames (Frame::kPreview) map a subset of the sentences when a full frame
                                    // takes longer than this; 0 = never (every frame full). Finite, in [0, 60]
  static umap::UmapOptions live_umap() {
    umap::UmapOptions o = paper_map_umap();
    o.warm_knn = umap::WarmKnn::descent;
    o.warm_start_min_epochs = 10;
    return o;
  }
};

// A drag frame costs more per state than a full frame (its harvest's deep trie levels are
// sparser, the reservoir is packed for fewer states): its harvest 1.2-1.7x per state,
// measured at 3000 units x 1000 sentences (docs/BENCHMARKS.md, "Fourth machine again").
// The first drag is sized with this ratio; later ones with what the last drag frame cost.
inline constexpr double kFirstDragCostRatio = 1.3;

struct ExploreTimings {
  double rescale = 0.0;  // seconds for the reservoir rescale
  double harvest = 0.0;  // seconds for the states and gathering the points (duplicates dropped)
  double umap = 0.0;     // seconds for the projection, of which:
  double knn = 0.0;      //   the nearest-neighbour search (or descent)
  double graph = 0.0;    //   the fuzzy graph, its epoch schedule and the initial layout
  double layout = 0.0;   //   the SGD epochs
  int epochs = 0;        // SGD epochs run
  double knn_change = 0.0;  // fraction of neighbour entries that changed since the last update
  int sentences = 0;        // sentences on this frame's map
  int map_sentences = 0;    // sentences on the full map (more than `sentences` in a preview)
  bool preview() const { return sentences < map_sentences; }
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
  // `frame` = kPreview for a frame of a slider drag (maybe a subset of the sentences);
  // `keep` lists test sentences a drag's subset must hold when they are on the full map
  // (the window's selected sentence, whose trajectory and heatmap the user is watching).
  std::shared_ptr<MapSession> update(const esn::Scalings& scalings, const MapSession* previous,
                                     const StopFlag* stop = nullptr, Frame frame = Frame::kFull,
                                     const std::vector<int>& keep = {});
  const ExploreTimings& last_timings() const { return timings_; }
  // The last update's projection (its neighbour lists, diagnostics); null before the first.
  const umap::Umap* last_projection() const {
    const auto& last = last_is_preview_ ? preview_ : full_;
    return last ? last->umap.get() : nullptr;
  }
  // The sentences (dataset indices) a new drag's frames would map, with those of `keep`
  // that are on the full map (during a drag: the drag's subset, whatever `keep`): empty
  // when drag frames are full ones (no full frame yet, the last one within
  // preview_seconds, or a subset that would hold every sentence).
  std::vector<int> preview_sentences(const std::vector<int>& keep = {}) const;
  // Seconds per state (distinct prefix) a new drag's subset is sized by: the last drag
  // frame's cost, else the last full frame's times kFirstDragCostRatio; 0 before any frame.
  double preview_cost_per_state() const;
  const std::shared_ptr<const corpus::Corpus>& corpus() const { return corpus_; }

 private:
  ExploreOptions options_;
  std::shared_ptr<const corpus::Corpus> corpus_;
  esn::Reservoir base_;
  ExploreTimings timings_;
  std::vector<int> chosen_;  // the full map's sentences (dataset indices)
  // An update's projection and points: the next update of the same points refines its
  // neighbour lists (umap.warm_knn) instead of searching again.
  struct LastProjection {
    std::unique_ptr<umap::Umap> umap;         // never null
    std::shared_ptr<const MapPoints> points;  // never null
  };
  std::optional<LastProjection> full_;     // the last full frame (the release's neighbour lists and fallback layout)
  std::optional<LastProjection> preview_;  // the last drag frame (the next drag frame's neighbour lists)
  double full_seconds_ = 0.0;              // what the last full frame cost (decides whether drag frames are subsets)
  double preview_per_state_ = 0.0;         // what the last drag frame cost per state (0: no drag frame yet)
  bool last_is_preview_ = false;           // which of the two the last update was
  std::vector<int> subset_;                // the current drag's sentences (empty: no drag frame since the last full one)
};

}  // namespace rssviz::experiment
