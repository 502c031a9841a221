#include "core/experiment/explore.hpp"

#include <gtest/gtest.h>

#include "core/experiment/workbench.hpp"
#include "core/umap/knn_descent.hpp"
#include "core/umap/stability.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_explore {

using namespace rssviz;
using namespace rssviz::experiment;

namespace {
ExploreOptions small() {
  ExploreOptions o;
  o.reservoir.units = 120;
  o.map_sentences = 40;
  o.reservoir.seed = 3;
  return o;
}
// 120 sentences on 300 units: big enough for the quality bounds of the live path.
ExploreOptions medium() {
  ExploreOptions o;
  o.map_sentences = 120;
  o.reservoir.units = 300;
  return o;
}
double rms_radius(const Eigen::MatrixXf& Y) {
  const Eigen::RowVectorXf m = Y.colwise().mean();
  return std::sqrt((Y.rowwise() - m).rowwise().squaredNorm().mean());
}
}  // namespace

void expect_paper_map(const umap::UmapOptions& u, const char* where) {
  const auto paper = paper_map_umap();
  EXPECT_EQ(u.n_neighbors, paper.n_neighbors) << where;
  EXPECT_EQ(u.min_dist, paper.min_dist) << where;
  EXPECT_EQ(u.metric, paper.metric) << where;
  EXPECT_EQ(u.init, paper.init) << where;
  EXPECT_EQ(u.seed, paper.seed) << where;
  EXPECT_EQ(u.warm_start, paper.warm_start) << where;
  EXPECT_EQ(u.warm_start_epochs, paper.warm_start_epochs) << where;
  EXPECT_EQ(u.n_epochs, paper.n_epochs) << where;
}

// One definition of the paper's map (paper-notes §6), used by every map.
TEST(Explore, EveryMapIsThePapersMap) {
  const auto paper = paper_map_umap();
  EXPECT_EQ(paper.n_neighbors, 15);
  EXPECT_EQ(paper.min_dist, 0.1f);
  EXPECT_EQ(paper.metric, umap::Metric::euclidean);
  EXPECT_EQ(paper.init, umap::Init::spectral);
  EXPECT_EQ(paper.seed, 42u);  // its own seed, not the master seed
  EXPECT_EQ(kPaperMapSentences, 200);
  expect_paper_map(ExploreOptions{}.umap, "ExploreOptions");
  expect_paper_map(EsnSessionOptions{}.umap, "EsnSessionOptions");
  expect_paper_map(LstmSessionOptions{}.umap, "LstmSessionOptions");
  EXPECT_EQ(ExploreOptions{}.map_sentences, kPaperMapSentences);
  EXPECT_EQ(EsnSessionOptions{}.map_sentences, kPaperMapSentences);
  EXPECT_EQ(LstmSessionOptions{}.map_sentences, kPaperMapSentences);
}

TEST(Explore, SameSeedSameValuesSameMap) {
  Explorer a(small()), b(small());
  const auto ma = a.update({0.9, 0.2, 1.5}, nullptr);
  const auto mb = b.update({0.9, 0.2, 1.5}, nullptr);
  EXPECT_TRUE(ma->points->X == mb->points->X);
  EXPECT_TRUE(ma->layout == mb->layout);
  EXPECT_FALSE(ma->trained);
  EXPECT_TRUE(ma->stages.empty());
  EXPECT_EQ(ma->layout.rows(), ma->points->size());
}

TEST(Explore, RescaleEqualsAFreshReservoirWithThoseValues) {
  // The pipeline's cheap rescale must give the states a rebuilt reservoir gives.
  auto o = small();
  Explorer ex(o);
  const auto m = ex.update({1.7, 0.3, 0.4}, nullptr);
  o.reservoir.spectral_radius = 1.7;
  o.reservoir.leak_rate = 0.3;
  o.reservoir.input_scaling = 0.4;
  const esn::Reservoir fresh(o.reservoir, ex.corpus()->grammar.vocabulary_size());
  const MapPoints p = esn_map_points(*ex.corpus(), fresh, o.map_sentences, {});
  ASSERT_EQ(p.size(), m->points->size());
  EXPECT_LT((p.X - m->points->X).cwiseAbs().maxCoeff(), 1e-5f);
}

TEST(Explore, WarmStartKeepsThePictureForASmallChange) {
  Explorer ex(small());
  const auto m0 = ex.update({1.1, 0.05, 1.0}, nullptr);
  const auto m1 = ex.update({1.13, 0.05, 1.0}, m0.get());
  ASSERT_EQ(m1->points->size(), m0->points->size());  // same prefixes, same point structure
  // Points matched by (sentence, step) move less than in a fresh projection of the new
  // states, even one rigidly aligned onto the old picture (a fair comparison: spectral
  // layouts may come out rotated or mirrored).
  const Eigen::MatrixXf init = carry_layout(*m1->points, *m0->points, m0->layout);
  const double moved = (m1->layout - init).rowwise().norm().mean();
  const Eigen::MatrixXf cold = umap::align(umap::fit(m1->points->X), init).aligned;
  const double moved_cold = (cold - init).rowwise().norm().mean();
  std::printf("warm start moved %.3f, aligned cold start %.3f, map radius %.3f\n", moved, moved_cold,
              rms_radius(m0->layout));
  EXPECT_LT(moved, 0.6 * moved_cold);
  // The states did change.
  EXPECT_GT((m1->points->X - m0->points->X).cwiseAbs().maxCoeff(), 1e-4f);
}

TEST(Explore, CarryLayoutMatchesPointsBySentenceAndStep) {
  Explorer ex(small());
  const auto m0 = ex.update({1.1, 0.05, 1.0}, nullptr);
  // Same points: the carried layout is the layout itself.
  EXPECT_TRUE(carry_layout(*m0->points, *m0->points, m0->layout) == m0->layout);
  // A map of other sentences shares nothing: no warm start.
  auto o = small();
  o.map_sentences = 7;
  Explorer other(o);
  const auto m2 = other.update({1.1, 0.05, 1.0}, nullptr);
  const Eigen::MatrixXf c = carry_layout(*m2->points, *m0->points, m0->layout);
  // spread_sentences(1000, 7) and (1000, 40) share sentence 0 at least: rows of shared
  // sentences are matched exactly.
  ASSERT_EQ(c.rows(), m2->points->size());
  const int p = m2->points->point_of[0][2];
  EXPECT_TRUE(c.row(p) == m0->layout.row(m0->points->point_of[0][2]));
}

TEST(Explore, CompatibleOnlyWithTheSameWeights) {
  const auto o = small();
  Explorer ex(o);
  auto p = o;
  p.reservoir.spectral_radius = 2.5;  // a slider: same weights
  EXPECT_TRUE(ex.compatible(p));
  p.reservoir.units = 121;
  EXPECT_FALSE(ex.compatible(p));
  p = o;
  p.reservoir.seed = 4;
  EXPECT_FALSE(ex.compatible(p));
}

TEST(Explore, BadValuesAndCancellation) {
  Explorer ex(small());
  EXPECT_THROW(ex.update({-0.5, 0.05, 1.0}, nullptr), std::invalid_argument);
  EXPECT_THROW(ex.update({1.1, 0.0, 1.0}, nullptr), std::invalid_argument);
  EXPECT_THROW(ex.update({1.1, 1.5, 1.0}, nullptr), std::invalid_argument);
  StopFlag stop;
  stop.request();
  EXPECT_THROW(ex.update({1.1, 0.05, 1.0}, nullptr, &stop), Cancelled);
}

// Issue #14: the sliders' extremes (the window's ranges: spectral radius 0.01-3, leak
// rate 0.001-1, input scaling 0.01-5) saturate the reservoir (every tanh at +-1) or
// nearly silence it (states ~1e-5). Either way the map must be finite, with one row per
// point, and the first map's warm-started successor too.
TEST(Explore, ExtremeSliderValuesGiveAFiniteMap) {
  Explorer ex(small());
  struct Corner {
    double sr, lr, is;
  };
  std::shared_ptr<MapSession> previous;
  for (const Corner c : {Corner{3.0, 1.0, 5.0}, Corner{0.01, 0.001, 0.01}, Corner{3.0, 0.001, 5.0},
                         Corner{0.01, 1.0, 0.01}, Corner{3.0, 1.0, 5.0}}) {
    const auto m = ex.update({c.sr, c.lr, c.is}, previous.get());
    ASSERT_TRUE(m->points->X.allFinite()) << c.sr << " " << c.lr << " " << c.is;
    ASSERT_EQ(m->layout.rows(), m->points->size());
    EXPECT_GE(m->points->size(), 20) << c.sr << " " << c.lr << " " << c.is;  // duplicates dropped, states remain
    EXPECT_TRUE(m->layout.allFinite()) << c.sr << " " << c.lr << " " << c.is;
    EXPECT_GT(rms_radius(m->layout), 0.0) << c.sr << " " << c.lr << " " << c.is;  // not collapsed to a point
    EXPECT_LE(m->points->X.cwiseAbs().maxCoeff(), 1.0f);  // the leaky tanh state is bounded: it saturates, never explodes
    previous = m;
  }
}

// ... and a trained session at the saturating corner: a finite readout and scores.
TEST(Explore, TrainingAtTheSaturatingCornerGivesFiniteResults) {
  EsnSessionOptions o;
  o.reservoir.units = 120;
  o.reservoir.spectral_radius = 3.0;
  o.reservoir.leak_rate = 1.0;
  o.reservoir.input_scaling = 5.0;
  o.reservoir.ridge = 1e-8;  // the window's smallest ridge
  o.map_sentences = 40;
  o.stages = {10, 1000};
  const auto s = build_esn_session(o);
  EXPECT_TRUE(s->readout.allFinite());
  EXPECT_TRUE(s->layout.allFinite());
  EXPECT_GE(s->scores.valid_error, 0.0);
  EXPECT_LE(s->scores.valid_error, 1.0);
  EXPECT_TRUE(std::isfinite(s->scores.rmse));
  EXPECT_TRUE(s->diagnostic.empty());
}

// The live path's quality bound (issue #15): after a drag of small steps, with the
// neighbour lists refined by descent and the epochs cut to how much they changed, the
// warm map is as trustworthy as a fresh full UMAP of the same states (within 0.01), and
// the lists are nearly the exact ones.
TEST(Explore, WarmDescentMapIsAsTrustworthyAsAFreshOne) {
  const ExploreOptions o = medium();
  Explorer ex(o);
  auto m = ex.update({1.1, 0.05, 1.0}, nullptr);
  EXPECT_EQ(ex.last_projection()->diagnostics().descent_rounds, 0);  // the first map searches
  for (int i = 1; i <= 6; ++i) {
    m = ex.update({1.1 - 0.03 * i, 0.05, 1.0}, m.get());
    const auto& d = ex.last_projection()->diagnostics();
    EXPECT_GT(d.descent_rounds, 0) << "update " << i;
    EXPECT_GE(ex.last_timings().epochs, o.umap.warm_start_min_epochs);
    EXPECT_LE(ex.last_timings().epochs, o.umap.warm_start_epochs);
  }
  const Eigen::MatrixXf& X = m->points->X;
  const double recall = umap::knn_recall(ex.last_projection()->knn(), umap::exact_knn(X, 15));
  const double warm = umap::trustworthiness(X, m->layout, 15);
  const double fresh = umap::trustworthiness(X, umap::fit(X, paper_map_umap()), 15);
  std::printf("recall %.4f, trustworthiness warm %.4f, fresh %.4f\n", recall, warm, fresh);
  EXPECT_GT(recall, 0.99);
  EXPECT_GT(warm, fresh - 0.01);
}

// Drag frames (issue #15: coarser frames while the slider moves, the full map on
// release). A budget below any frame's cost makes every drag frame a preview.
TEST(Explore, DragFramesMapAnEvenSubsetWithTheFullMapsStatesAndTheReleaseMapsAll) {
  auto o = small();
  o.preview_seconds = 1e-9;
  Explorer ex(o);
  EXPECT_TRUE(ex.preview_sentences().empty());  // no full frame measured yet
  EXPECT_EQ(ex.preview_cost_per_state(), 0.0);
  // The first update is a full frame whatever it is asked for: nothing to size a subset by.
  auto m = ex.update({1.1, 0.05, 1.0}, nullptr, nullptr, Frame::kPreview);
  EXPECT_FALSE(ex.last_timings().preview());
  EXPECT_EQ(ex.last_timings().sentences, 40);
  EXPECT_EQ(m->description.find("drag frame"), std::string::npos) << m->description;
  // Before any drag frame, a drag is sized at the full frame's cost per state (a fresh
  // map: its states and neighbours only) times the drag frames' measured extra cost.
  {
    const ExploreTimings& t = ex.last_timings();
    EXPECT_DOUBLE_EQ(ex.preview_cost_per_state(),
                     kFirstDragCostRatio * (t.rescale + t.harvest + t.knn) / m->points->size());
  }
  const std::vector<int> all = m->points->dataset_index;
  const std::vector<int> subset = ex.preview_sentences();
  ASSERT_EQ(subset.size(), 24u);  // the floor: a few dozen sentences (here 24 of 40)
  for (size_t i = 0; i < subset.size(); ++i) EXPECT_EQ(subset[i], all[i * 40 / 24]) << i;  // evenly spread
  // A sentence to keep (the window's selected one) joins the subset in the map's order; one
  // that is not on the full map does not.
  ASSERT_EQ(std::count(subset.begin(), subset.end(), all[2]), 0);
  int absent = 0;
  while (std::find(all.begin(), all.end(), absent) != all.end()) ++absent;
  const std::vector<int> kept = ex.preview_sentences({all[2], absent});
  ASSERT_EQ(kept.size(), 25u);
  EXPECT_EQ(kept[2], all[2]);
  EXPECT_TRUE(std::is_sorted(kept.begin(), kept.end(), [&](int a, int b) {
    return std::find(all.begin(), all.end(), a) < std::find(all.begin(), all.end(), b);
  }));

  // Drag frames: the subset, the same states as the full map's (bitwise), warm-started.
  const esn::Scalings v1{1.0, 0.05, 1.0}, v2{0.95, 0.05, 1.0};
  Explorer full_ex(small());
  const auto full1 = full_ex.update(v1, nullptr);
  auto d1 = ex.update(v1, m.get(), nullptr, Frame::kPreview);
  EXPECT_TRUE(ex.last_timings().preview());
  EXPECT_EQ(ex.last_timings().sentences, 24);
  EXPECT_EQ(ex.last_timings().map_sentences, 40);
  EXPECT_EQ(d1->points->dataset_index, subset);
  // The frame says what it is (the window's label, a figure's title), and what it cost
  // per state sizes the next drag.
  EXPECT_EQ(d1->description.find("drag frame, 24 of 40 map sentences · untrained ESN"), 0u) << d1->description;
  EXPECT_DOUBLE_EQ(ex.preview_cost_per_state(), ex.last_timings().total() / d1->points->size());
  for (int i = 0; i < d1->points->size(); ++i) {
    const int s = d1->points->sentence[static_cast<size_t>(i)];
    const auto at = std::find(all.begin(), all.end(), d1->points->dataset_index[static_cast<size_t>(s)]) - all.begin();
    const int j = full1->points->point_of[static_cast<size_t>(at)][static_cast<size_t>(d1->points->step[static_cast<size_t>(i)])];
    ASSERT_TRUE(d1->points->X.row(i) == full1->points->X.row(j)) << "point " << i;
  }
  ASSERT_TRUE(d1->layout.allFinite());
  // The next drag frame keeps the subset and refines the last drag frame's neighbour lists.
  auto d2 = ex.update(v2, d1.get(), nullptr, Frame::kPreview);
  EXPECT_EQ(d2->points->dataset_index, subset);
  EXPECT_GT(ex.last_projection()->diagnostics().descent_rounds, 0);
  EXPECT_EQ(ex.preview_sentences(), subset);
  // Drag frames and the release run every warm epoch (their start layouts are partly
  // stale); a full frame after a full one scales them down with the neighbours' change.
  const int warm_epochs = small().umap.warm_start_epochs;
  EXPECT_EQ(ex.last_timings().epochs, warm_epochs);

  // The release: every sentence, exactly the full map's states at that value, its
  // neighbour lists descended from the last full frame's; the sentences the drag left out
  // start from the last full layout.
  const double drag_cost = ex.preview_cost_per_state();
  EXPECT_DOUBLE_EQ(drag_cost, ex.last_timings().total() / d2->points->size());
  auto r = ex.update(v2, d2.get());
  EXPECT_FALSE(ex.last_timings().preview());
  EXPECT_EQ(r->description.find("drag frame"), std::string::npos) << r->description;
  EXPECT_EQ(ex.preview_cost_per_state(), drag_cost);  // a full frame does not change a drag's yardstick
  EXPECT_EQ(r->points->dataset_index, all);
  EXPECT_GT(ex.last_projection()->diagnostics().descent_rounds, 0);
  EXPECT_EQ(ex.last_timings().epochs, warm_epochs);
  const auto full2 = full_ex.update(v2, full1.get());
  EXPECT_LT(full_ex.last_timings().epochs, warm_epochs);
  EXPECT_TRUE(r->points->X == full2->points->X);
  ASSERT_TRUE(r->layout.allFinite());
  const double warm = umap::trustworthiness(r->points->X, r->layout, 15);
  const double fresh = umap::trustworthiness(r->points->X, umap::fit(r->points->X, paper_map_umap()), 15);
  std::printf("release trustworthiness %.4f, fresh %.4f\n", warm, fresh);
  EXPECT_GT(warm, fresh - 0.02);  // 40 sentences (~300 states): a looser bound than the 0.01 at full size
  // The drag ended: the next drag sizes its subset again (the same, at the same cost),
  // now with the sentence asked to be kept.
  EXPECT_EQ(ex.preview_sentences().size(), subset.size());
  const auto next = ex.update(v1, r.get(), nullptr, Frame::kPreview, {all[2]});
  EXPECT_TRUE(next->preview);
  EXPECT_EQ(next->points->dataset_index.size(), subset.size() + 1);
  EXPECT_NE(std::find(next->points->dataset_index.begin(), next->points->dataset_index.end(), all[2]),
            next->points->dataset_index.end());
  // A drag cut short (its release never shown: the next request starts from a full
  // session) does not leave its subset to the next drag.
  const auto again = ex.update(v2, r.get(), nullptr, Frame::kPreview, {all[4]});
  EXPECT_NE(std::find(again->points->dataset_index.begin(), again->points->dataset_index.end(), all[4]),
            again->points->dataset_index.end());
  EXPECT_EQ(std::find(again->points->dataset_index.begin(), again->points->dataset_index.end(), all[2]),
            again->points->dataset_index.end());
}

TEST(Explore, DragFramesAreFullOnesWithinTheBudgetOrWithoutOne) {
  for (const double budget : {0.0, 60.0}) {
    auto o = small();
    o.preview_seconds = budget;
    Explorer ex(o);
    auto m = ex.update({1.1, 0.05, 1.0}, nullptr);
    EXPECT_TRUE(ex.preview_sentences().empty()) << budget;
    m = ex.update({1.0, 0.05, 1.0}, m.get(), nullptr, Frame::kPreview);
    EXPECT_FALSE(ex.last_timings().preview()) << budget;
    EXPECT_EQ(m->points->dataset_index.size(), 40u) << budget;
  }
  for (const double bad : {-1.0, 61.0, std::nan(""), static_cast<double>(INFINITY)}) {
    auto o = small();
    o.preview_seconds = bad;
    try {
      Explorer ex(o);
      ADD_FAILURE() << "accepted preview_seconds " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("preview_seconds"), std::string::npos) << e.what();
    }
  }
}

TEST(Explore, CarryLayoutTakesTheFallbackForPointsThePreviousLacks) {
  Explorer ex(small());
  const auto full = ex.update({1.1, 0.05, 1.0}, nullptr);
  auto o = small();
  o.map_sentences = 7;
  Explorer other(o);
  const auto part = other.update({1.1, 0.05, 1.0}, nullptr);
  // The full map's points, from the 7-sentence map where it has them, else from a
  // shifted copy of the full layout.
  const Eigen::MatrixXf shifted = full->layout.array() + 100.0f;
  const Eigen::MatrixXf c = carry_layout(*full->points, *part->points, part->layout, *full->points, shifted);
  ASSERT_EQ(c.rows(), full->points->size());
  int from_part = 0;
  for (int i = 0; i < full->points->size(); ++i) {
    const int d = full->points->dataset_index[static_cast<size_t>(full->points->sentence[static_cast<size_t>(i)])];
    const auto& pd = part->points->dataset_index;
    const auto at = std::find(pd.begin(), pd.end(), d);
    if (at != pd.end()) {
      const int j = part->points->point_of[static_cast<size_t>(at - pd.begin())][static_cast<size_t>(full->points->step[static_cast<size_t>(i)])];
      EXPECT_TRUE(c.row(i) == part->layout.row(j)) << i;
      ++from_part;
    } else {
      EXPECT_TRUE(c.row(i) == shifted.row(i)) << i;
    }
  }
  EXPECT_GT(from_part, 0);
  EXPECT_LT(from_part, full->points->size());
  // A fallback that does not fit (wrong row count) is ignored: the previous layout's mean.
  const Eigen::MatrixXf bad = shifted.topRows(3);
  const Eigen::MatrixXf m = carry_layout(*full->points, *part->points, part->layout, *full->points, bad);
  EXPECT_TRUE(m == carry_layout(*full->points, *part->points, part->layout));
}

// The window's first live update after training: the trained map's neighbour lists seed
// the descent (no exact search of every point), and the map is as good as a fresh one.
TEST(Explore, FirstUpdateAfterTrainingDescendsFromTheTrainedMapsLists) {
  const ExploreOptions o = medium();
  EsnSessionOptions so;
  so.reservoir = o.reservoir;
  so.map_sentences = o.map_sentences;
  const auto trained = build_esn_session(so);
  ASSERT_TRUE(trained->knn);
  EXPECT_EQ(trained->knn->n, trained->points->size());
  EXPECT_EQ(trained->knn->k, 15);
  const esn::Scalings moved{1.05, 0.05, 1.0};
  Explorer ex(o);
  const auto m = ex.update(moved, trained.get());
  const auto& d = ex.last_projection()->diagnostics();
  EXPECT_GT(d.descent_rounds, 0);
  EXPECT_EQ(d.knn_method, umap::KnnMethod::approximate);
  EXPECT_LT(ex.last_timings().epochs, o.umap.warm_start_epochs);  // few neighbours changed: fewer epochs
  const Eigen::MatrixXf& X = m->points->X;
  const double recall = umap::knn_recall(ex.last_projection()->knn(), umap::exact_knn(X, 15));
  const double warm = umap::trustworthiness(X, m->layout, 15);
  const double fresh = umap::trustworthiness(X, umap::fit(X, paper_map_umap()), 15);
  std::printf("after training: recall %.4f, trustworthiness %.4f, fresh %.4f\n", recall, warm, fresh);
  EXPECT_GT(recall, 0.99);
  EXPECT_GT(warm, fresh - 0.01);
  // Without the lists (a session read from a file keeps none) the first update searches.
  auto bare = std::make_shared<MapSession>(*trained);
  bare->knn = nullptr;
  Explorer cold(o);
  (void)cold.update(moved, bare.get());
  EXPECT_EQ(cold.last_projection()->diagnostics().descent_rounds, 0);
  // Lists of other points (another map size) are not used.
  ExploreOptions other = o;
  other.map_sentences = 60;
  Explorer smaller(other);
  (void)smaller.update(moved, trained.get());
  EXPECT_EQ(smaller.last_projection()->diagnostics().descent_rounds, 0);
}

}  // namespace rssviz_test_explore
