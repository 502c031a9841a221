#include "core/experiment/explore.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <unordered_map>
#include <numeric>

#include "core/common/timing.hpp"
#include "core/corpus/corpus_file.hpp"
#include "core/experiment/workbench.hpp"

namespace rssviz::experiment {

namespace {
corpus::Corpus corpus_for(const ExploreOptions& o) {
  corpus::CorpusOptions co;
  co.objects = o.objects;
  co.seed = o.reservoir.seed;
  co.file = o.corpus_file;
  return corpus::make_corpus(co);
}
}  // namespace

Explorer::Explorer(const ExploreOptions& options)
    : options_(options),
      corpus_(std::make_shared<const corpus::Corpus>(corpus_for(options))),
      base_(options.reservoir, corpus_->grammar.vocabulary_size()),
      chosen_(spread_sentences(corpus_->test, options.map_sentences)) {
  umap::validate(options_.umap);
  if (!std::isfinite(options_.preview_seconds) || options_.preview_seconds < 0.0 || options_.preview_seconds > 60.0)
    throw std::invalid_argument("explore: preview_seconds is " + format_number(options_.preview_seconds) +
                                "; it must be a number of seconds in [0, 60] (0: every frame full)");
}

namespace {
// Distinct prefixes (the map's states) of these test sentences: what a frame's harvest,
// neighbours and epochs grow with (a subset shares fewer prefixes per sentence than the
// whole list).
long long distinct_prefixes(const corpus::Dataset& data, const std::vector<int>& sentences) {
  std::unordered_map<std::uint64_t, int> node;  // (parent node + 1, token) -> node
  long long count = 0;
  for (const int i : sentences) {
    int parent = -1;
    for (const int token : data.sentences[static_cast<size_t>(i)].tokens) {
      const auto key = (static_cast<std::uint64_t>(parent + 1) << 32) | static_cast<std::uint32_t>(token);
      const auto [it, fresh] = node.try_emplace(key, static_cast<int>(node.size()));
      count += fresh ? 1 : 0;
      parent = it->second;
    }
  }
  return count;
}

// `keep` of the list's sentences, evenly spread over it (which keeps its mix of one- and
// two-object sentences), and those of `also` that are on the list, in the list's order.
std::vector<int> spread_over(const std::vector<int>& list, int keep, const std::vector<int>& also) {
  const auto count = static_cast<long long>(list.size());
  std::vector<char> taken(list.size(), 0);
  for (long long i = 0; i < keep; ++i) taken[static_cast<size_t>(i * count / keep)] = 1;
  for (const int a : also)
    if (const auto at = std::find(list.begin(), list.end(), a); at != list.end()) taken[static_cast<size_t>(at - list.begin())] = 1;
  std::vector<int> subset;
  for (size_t i = 0; i < list.size(); ++i)
    if (taken[i]) subset.push_back(list[i]);
  return subset;
}
}  // namespace

std::vector<int> Explorer::preview_sentences(const std::vector<int>& keep) const {
  if (!subset_.empty()) return subset_;
  const double budget = options_.preview_seconds;
  const auto count = static_cast<int>(chosen_.size());
  if (budget <= 0.0 || !full_ || full_seconds_ <= budget || count < 2) return {};
  // The most sentences whose states the budget buys at a drag frame's cost per state (at
  // least a couple of dozen sentences): the largest such subset by bisection.
  const double per_state = preview_cost_per_state();
  const auto fits = [&](int n) {
    return static_cast<double>(distinct_prefixes(corpus_->test, spread_over(chosen_, n, keep))) * per_state <= budget;
  };
  int lo = std::min(count, 24), hi = count - 1;  // the answer is in [lo, hi]
  while (lo < hi) {
    const int mid = lo + (hi - lo + 1) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  const std::vector<int> subset = spread_over(chosen_, lo, keep);
  return subset.size() < chosen_.size() ? subset : std::vector<int>{};
}

double Explorer::preview_cost_per_state() const {
  if (preview_per_state_ > 0.0) return preview_per_state_;
  if (!full_) return 0.0;
  return kFirstDragCostRatio * full_seconds_ / static_cast<double>(std::max(1, full_->points->size()));
}

bool Explorer::compatible(const ExploreOptions& o) const {
  const auto& a = options_.reservoir;
  const auto& b = o.reservoir;
  return o.objects == options_.objects && o.corpus_file == options_.corpus_file && o.map_sentences == options_.map_sentences &&
         o.preview_seconds == options_.preview_seconds && a.seed == b.seed &&
         a.units == b.units && a.density == b.density && a.input_connectivity == b.input_connectivity &&
         a.bias == b.bias && a.bias_scaling == b.bias_scaling && a.weight_init == b.weight_init;
}

std::shared_ptr<MapSession> Explorer::update(const esn::Scalings& scalings, const MapSession* previous,
                                             const StopFlag* stop, Frame frame, const std::vector<int>& keep) {
  const auto [spectral_radius, leak_rate, input_scaling] = scalings;
  auto t = std::chrono::steady_clock::now();
  const auto rp = std::make_shared<const esn::Reservoir>(base_.with_scaling(scalings));
  const esn::Reservoir& r = *rp;
  timings_.rescale = seconds_since(t);
  t = std::chrono::steady_clock::now();
  // A drag frame keeps the drag's subset (chosen at its first frame, the one whose
  // previous frame is not a drag frame); a full frame ends the drag. A drag cut short (a
  // cancelled release, another session shown) leaves no stale subset for the next.
  if (frame == Frame::kPreview && (!previous || !previous->preview)) subset_.clear();
  std::vector<int> subset = frame == Frame::kPreview ? preview_sentences(keep) : std::vector<int>{};
  const bool preview = !subset.empty();
  auto points = std::make_shared<MapPoints>(esn_map_points(*corpus_, r, preview ? subset : chosen_, {}, stop));
  timings_.harvest = seconds_since(t);
  t = std::chrono::steady_clock::now();
  // The projection this frame's neighbour lists descend from: the drag's last frame for a
  // drag frame, the last full frame for a full one.
  const std::optional<LastProjection>& base = preview ? preview_ : full_;
  Eigen::MatrixXf init;
  if (previous && previous->points && previous->model == ModelKind::esn) {
    if (!preview && full_ && previous->preview)
      init = carry_layout(*points, *previous->points, previous->layout, *full_->points, full_->umap->embedding());
    else
      init = carry_layout(*points, *previous->points, previous->layout);
  }
  auto s = std::make_shared<MapSession>();
  // With a previous layout: a short warm-started refinement from it; else a full run.
  std::unique_ptr<umap::Umap> u;
  const auto maps_these_points = [&](const MapPoints& p) {
    return p.sentence == points->sentence && p.step == points->step && p.dataset_index == points->dataset_index &&
           p.X.cols() == points->X.cols();
  };
  const bool same_points = base && maps_these_points(*base->points);
  const bool warm = init.size() > 0;
  // The first frame after training: the trained map's lists, when it maps these points.
  const bool trained_lists = !base && previous && previous->knn && previous->points && maps_these_points(*previous->points);
  // UMAP keeps the points' matrix itself (no copy; the kept projection and the session
  // share it).
  const std::shared_ptr<const Eigen::MatrixXf> X(points, &points->X);
  if (warm && same_points) {
    u = std::make_unique<umap::Umap>(*base->umap, X, &init, stop);
  } else if (warm && trained_lists) {
    u = std::make_unique<umap::Umap>(X, umap::warm_start(options_.umap), &init, *previous->knn, stop);
  } else {
    u = std::make_unique<umap::Umap>(X, warm ? umap::warm_start(options_.umap) : options_.umap, warm ? &init : nullptr,
                                     stop);
  }
  // Drag frames and the release after them run every warm epoch instead of scaling them
  // down with the neighbours' change: a drag's first frame starts its subset inside the
  // whole map's layout, and the release starts most points where the last full frame,
  // several values back, left them (at 3000 units x 1000 sentences the release's
  // trustworthiness came within 0.0098 of a fresh map's with 10 epochs, 0.0017-0.0032
  // with 50; the last drag frame's 0.0104 -> -0.0019). A few ms at these sizes.
  if (warm && (preview || (previous && previous->preview))) u->run_at_least(options_.umap.warm_start_epochs);
  if (!u->run()) throw Cancelled();
  s->layout = u->embedding();
  timings_.knn = u->diagnostics().knn_seconds;
  timings_.graph = u->diagnostics().graph_seconds + u->diagnostics().init_seconds;
  timings_.layout = u->diagnostics().layout_seconds;
  timings_.epochs = u->epoch();
  timings_.knn_change = u->diagnostics().knn_change;
  timings_.sentences = static_cast<int>(points->dataset_index.size());
  timings_.map_sentences = static_cast<int>(chosen_.size());
  timings_.umap = seconds_since(t);
  if (preview) {
    if (warm) preview_per_state_ = timings_.total() / static_cast<double>(std::max(1, points->size()));
    subset_ = std::move(subset);
    preview_ = LastProjection{std::move(u), points};
  } else {
    // A fresh projection (no layout to start from) also pays for the spectral
    // initialisation and all its epochs, which no drag frame does: the yardstick then
    // counts its states and neighbours only.
    full_seconds_ = warm ? timings_.total() : timings_.rescale + timings_.harvest + timings_.knn;
    full_ = LastProjection{std::move(u), points};
    subset_.clear();
  }
  last_is_preview_ = preview;
  s->model = ModelKind::esn;
  s->trained = false;
  s->preview = preview;
  s->corpus = corpus_;
  s->reservoir = rp;
  s->unit_order.resize(static_cast<size_t>(points->units()));
  std::iota(s->unit_order.begin(), s->unit_order.end(), 0);
  s->points = std::move(points);
  s->description = "untrained ESN " + std::to_string(options_.reservoir.units) + " units, spectral radius " +
                   format_number(spectral_radius) + ", leak rate " + format_number(leak_rate) + ", input scaling " +
                   format_number(input_scaling) + " · " + corpus::corpus_label(options_.objects, options_.corpus_file) + ", seed " +
                   std::to_string(options_.reservoir.seed);
  if (preview)  // a figure or label of this frame says first that it is not the whole map
    s->description = "drag frame, " + std::to_string(timings_.sentences) + " of " +
                     std::to_string(timings_.map_sentences) + " map sentences · " + s->description;
  s->seconds = timings_.total();
  return s;
}

}  // namespace rssviz::experiment
