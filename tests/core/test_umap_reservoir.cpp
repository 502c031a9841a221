// The paper's map: UMAP of reservoir states against umap-learn's quality on the same input.
#include <gtest/gtest.h>

#include "core/corpus/dataset.hpp"
#include "core/esn/reservoir.hpp"
#include "core/experiment/workbench.hpp"
#include "core/umap/stability.hpp"
#include "core/umap/umap.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_umap_reservoir {

namespace {

// umap-learn 0.5.3 (Debian), UMAP(n_neighbors=15, min_dist=0.1, random_state=42), on
// exactly this input (saved by `rssviz-cli bench umap --esn 200 --save X.npy`), scored
// by sklearn.manifold.trustworthiness(X, Y, n_neighbors=15); see docs/BENCHMARKS.md.
constexpr double kUmapLearnTrustworthiness = 0.9580;

}  // namespace

TEST(UmapReservoir, MapOf200TestSentencesIsAsTrustworthyAsUmapLearn) {
  rssviz::corpus::CorpusOptions co;
  co.objects = 4;
  co.seed = 1;
  const auto corpus = rssviz::corpus::make_corpus(co);
  const rssviz::esn::Reservoir res(rssviz::esn::ReservoirOptions{}, corpus.grammar.vocabulary_size());
  // 200 test sentences spread over the set (its one-object sentences come first), the
  // untrained map's points: [1; x] after every token, duplicate states dropped.
  const Eigen::MatrixXf X = rssviz::experiment::esn_map_points(corpus, res, 200, Eigen::MatrixXd()).X;
  ASSERT_EQ(X.cols(), 1001);
  ASSERT_EQ(X.rows(), 1773);  // the input umap-learn was measured on
  const Eigen::MatrixXf Y = rssviz::umap::fit(X, rssviz::umap::UmapOptions{});
  EXPECT_GE(rssviz::umap::trustworthiness(X, Y, 15), kUmapLearnTrustworthiness - 0.01);
}

}  // namespace rssviz_test_umap_reservoir
