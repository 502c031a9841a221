// The paper's map: UMAP of reservoir states against umap-learn's quality on the same input.
#include <gtest/gtest.h>

#include "core/corpus/dataset.hpp"
#include "core/esn/reservoir.hpp"
#include "core/umap/stability.hpp"
#include "core/umap/umap.hpp"

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
  // Every 5th test sentence: the test set lists its one-object sentences first.
  std::vector<std::vector<int>> chosen;
  for (int i = 0; i < 200; ++i) chosen.push_back(corpus.test.sentences[static_cast<std::size_t>(i * 5)].tokens);
  const auto st = rssviz::esn::harvest(res, chosen, rssviz::esn::Keep::kEveryStep);
  // Drop duplicate states (identical prefixes), keep [1; x].
  std::vector<char> seen(static_cast<std::size_t>(st.x.cols()) + 1, 0);
  std::vector<Eigen::Index> keep;
  for (Eigen::Index c = 0; c < st.x.cols(); ++c) {
    const auto id = static_cast<std::size_t>(st.prefix_id[static_cast<std::size_t>(c)]);
    if (id >= seen.size()) seen.resize(id + 1, 0);
    if (!seen[id]) {
      seen[id] = 1;
      keep.push_back(c);
    }
  }
  Eigen::MatrixXf X(static_cast<Eigen::Index>(keep.size()), st.x.rows() + 1);
  for (std::size_t r = 0; r < keep.size(); ++r) {
    X(static_cast<Eigen::Index>(r), 0) = 1.0f;
    X.row(static_cast<Eigen::Index>(r)).tail(st.x.rows()) = st.x.col(keep[r]).transpose();
  }
  ASSERT_EQ(X.cols(), 1001);
  ASSERT_EQ(X.rows(), 1773);  // the input umap-learn was measured on
  const Eigen::MatrixXf Y = rssviz::umap::fit(X, rssviz::umap::UmapOptions{});
  EXPECT_GE(rssviz::umap::trustworthiness(X, Y, 15), kUmapLearnTrustworthiness - 0.01);
}
