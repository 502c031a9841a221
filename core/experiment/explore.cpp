#include "core/experiment/explore.hpp"

#include <chrono>
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
      base_(options.reservoir, corpus_->grammar.vocabulary_size()) {
  umap::validate(options_.umap);
}

bool Explorer::compatible(const ExploreOptions& o) const {
  const auto& a = options_.reservoir;
  const auto& b = o.reservoir;
  return o.objects == options_.objects && o.corpus_file == options_.corpus_file && o.map_sentences == options_.map_sentences && a.seed == b.seed &&
         a.units == b.units && a.density == b.density && a.input_connectivity == b.input_connectivity &&
         a.bias == b.bias && a.bias_scaling == b.bias_scaling && a.weight_init == b.weight_init;
}

std::shared_ptr<MapSession> Explorer::update(const esn::Scalings& scalings, const MapSession* previous,
                                             const StopFlag* stop) {
  const auto [spectral_radius, leak_rate, input_scaling] = scalings;
  auto t = std::chrono::steady_clock::now();
  const auto rp = std::make_shared<const esn::Reservoir>(base_.with_scaling(scalings));
  const esn::Reservoir& r = *rp;
  timings_.rescale = seconds_since(t);
  t = std::chrono::steady_clock::now();
  auto points = std::make_shared<MapPoints>(esn_map_points(*corpus_, r, options_.map_sentences, {}, stop));
  timings_.harvest = seconds_since(t);
  t = std::chrono::steady_clock::now();
  Eigen::MatrixXf init;
  if (previous && previous->points && previous->model == ModelKind::esn)
    init = carry_layout(*points, *previous->points, previous->layout);
  auto s = std::make_shared<MapSession>();
  // With a previous layout: a short warm-started refinement from it; else a full run.
  std::unique_ptr<umap::Umap> u;
  const bool same_points = last_ && last_->points->sentence == points->sentence && last_->points->step == points->step &&
                           last_->points->X.cols() == points->X.cols();
  if (init.size() > 0 && same_points) {
    u = std::make_unique<umap::Umap>(*last_->umap, points->X, &init, stop);
  } else {
    const bool warm = init.size() > 0;
    u = std::make_unique<umap::Umap>(points->X, warm ? umap::warm_start(options_.umap) : options_.umap,
                                     warm ? &init : nullptr, stop);
  }
  if (!u->run()) throw Cancelled();
  s->layout = u->embedding();
  timings_.knn = u->diagnostics().knn_seconds;
  timings_.layout = u->diagnostics().layout_seconds;
  timings_.epochs = u->epoch();
  timings_.knn_change = u->diagnostics().knn_change;
  last_ = LastProjection{std::move(u), points};
  timings_.umap = seconds_since(t);
  s->model = ModelKind::esn;
  s->trained = false;
  s->corpus = corpus_;
  s->reservoir = rp;
  s->unit_order.resize(static_cast<size_t>(points->units()));
  std::iota(s->unit_order.begin(), s->unit_order.end(), 0);
  s->points = std::move(points);
  s->description = "untrained ESN " + std::to_string(options_.reservoir.units) + " units, spectral radius " +
                   format_number(spectral_radius) + ", leak rate " + format_number(leak_rate) + ", input scaling " +
                   format_number(input_scaling) + " · " + corpus::corpus_label(options_.objects, options_.corpus_file) + ", seed " +
                   std::to_string(options_.reservoir.seed);
  s->seconds = timings_.total();
  return s;
}

}  // namespace rssviz::experiment
