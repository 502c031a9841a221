// core/lstm/inspect.hpp: predictions, evaluation and the per-token trajectories.
#include "core/lstm/inspect.hpp"

#include <gtest/gtest.h>

namespace rssviz::lstm {
namespace {

struct Fixture {
  corpus::Corpus c = corpus::make_corpus(corpus::CorpusOptions{});
  Lstm m;
  Fixture() {
    LstmOptions lo;
    lo.seed = 3;
    m = Lstm(c.grammar.vocabulary_size(), c.grammar.output_size(), lo);
  }
};

TEST(LstmInspect, LayoutZeroStateAndConsistencyWithTheForwardPass) {
  Fixture f;
  std::vector<std::vector<int>> s = {f.c.test.sentences[0].tokens, f.c.test.sentences[5].tokens,
                                     f.c.test.sentences[900].tokens};
  const auto ins = inspect(f.m, s);
  ASSERT_EQ(ins.sentences(), 3);
  const int H = f.m.hidden();
  EXPECT_EQ(ins.offsets[0], 0);
  for (int k = 0; k < 3; ++k) {
    const int L = static_cast<int>(s[static_cast<size_t>(k)].size());
    EXPECT_EQ(ins.offsets[static_cast<size_t>(k) + 1] - ins.offsets[static_cast<size_t>(k)], L + 1);
    // Zero state first; its output is b_y.
    EXPECT_EQ(ins.cell.row(ins.row(k, 0)).cwiseAbs().maxCoeff(), 0.0);
    EXPECT_EQ(ins.hidden.row(ins.row(k, 0)).cwiseAbs().maxCoeff(), 0.0);
    EXPECT_EQ(ins.output.row(ins.row(k, 0)).transpose(), f.m.params().by());
    SentenceWork w;
    forward_sentence(f.m.params(), s[static_cast<size_t>(k)].data(), L, w);
    for (int t = 0; t <= L; ++t) {
#if defined(RSSVIZ_TEST_PORTABLE_LEVELS)
      // The portable build: inspect() runs in the core library of this CPU's level, while
      // this file's own copy of the forward_sentence template is baseline code, so the
      // two round differently in the last bits (FMA contraction); elsewhere they are one.
      EXPECT_LT((ins.cell.row(ins.row(k, t)).transpose() - w.cells.col(t)).cwiseAbs().maxCoeff(), 1e-13);
      EXPECT_LT((ins.hidden.row(ins.row(k, t)).transpose() - w.hiddens.col(t)).cwiseAbs().maxCoeff(), 1e-13);
#else
      EXPECT_EQ(ins.cell.row(ins.row(k, t)).transpose(), w.cells.col(t));
      EXPECT_EQ(ins.hidden.row(ins.row(k, t)).transpose(), w.hiddens.col(t));
#endif
    }
    EXPECT_LT((ins.output.row(ins.row(k, L)).transpose() - w.y).cwiseAbs().maxCoeff(), 1e-13);
    EXPECT_GT(ins.cell.row(ins.row(k, L)).cwiseAbs().maxCoeff(), 0.0);
  }
  EXPECT_EQ(ins.rows(), ins.cell.rows());
  EXPECT_EQ(ins.cell.cols(), H);
  EXPECT_EQ(ins.output.cols(), f.c.grammar.output_size());
}

TEST(LstmInspect, IdenticalPrefixesGiveIdenticalStates) {
  Fixture f;
  const auto& g = f.c.grammar;
  const auto a = corpus::make_sentence(g, 0, 5);
  const auto b = corpus::make_sentence(g, 0, 9);
  const auto ins = inspect(f.m, std::vector<std::vector<int>>{a.tokens, b.tokens});
  // BEGIN, clause 0 and "and" are shared.
  for (int t = 0; t <= a.and_position + 1; ++t) EXPECT_EQ(ins.cell.row(ins.row(0, t)), ins.cell.row(ins.row(1, t)));
  EXPECT_NE(ins.cell.row(ins.row(0, a.length())), ins.cell.row(ins.row(1, b.length())));
}

TEST(LstmInspect, PredictMatchesInspectionAndThreadsDoNotMatter) {
  Fixture f;
  const Eigen::MatrixXd p1 = predict(f.m, f.c.validation, 1);
  const Eigen::MatrixXd p2 = predict(f.m, f.c.validation, 2);
  EXPECT_EQ(p1, p2);
  ASSERT_EQ(p1.rows(), 280);
  const auto i1 = inspect(f.m, f.c.validation, 1);
  const auto i2 = inspect(f.m, f.c.validation, 2);
  EXPECT_EQ(i1.cell, i2.cell);
  EXPECT_EQ(i1.output, i2.output);
  for (int s = 0; s < 280; ++s)
    EXPECT_LT((i1.output.row(i1.row(s, f.c.validation.sentences[static_cast<size_t>(s)].length())) - p1.row(s))
                  .cwiseAbs()
                  .maxCoeff(),
              1e-13);
  // evaluate() scores exactly these outputs.
  const auto s = evaluate(f.m, f.c.grammar, f.c.validation);
  const auto ref = metrics::evaluate(f.c.grammar, f.c.validation, p1);
  EXPECT_EQ(s.exact_error, ref.exact_error);
  EXPECT_EQ(s.rmse, ref.rmse);
  EXPECT_NEAR(mean_squared_error(p1, f.c.validation), s.rmse * s.rmse, 1e-12);
}

TEST(LstmInspect, BadInputThrowsNamingThePlace) {
  Fixture f;
  try {
    predict(f.m, std::vector<std::vector<int>>{{1, 2}, {3, 20}});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("sentence 1, token 1 = 20"), std::string::npos) << e.what();
  }
  EXPECT_THROW(inspect(f.m, std::vector<std::vector<int>>{{}}), std::invalid_argument);
  const auto c10 = corpus::make_corpus(corpus::CorpusOptions{10});
  EXPECT_THROW(evaluate(f.m, c10.grammar, c10.test), std::invalid_argument);
  EXPECT_THROW(mean_squared_error(Eigen::MatrixXd(3, 2), f.c.test), std::invalid_argument);
}

}  // namespace
}  // namespace rssviz::lstm
