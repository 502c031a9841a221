// core/lstm/lstm_file.hpp: the LSTM in the model file, round trip and errors.
#include "core/lstm/lstm_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/lstm/inspect.hpp"

namespace rssviz::lstm {
namespace {

std::filesystem::path temp_path(const char* name) {
  return std::filesystem::temp_directory_path() / (std::string("rssviz-test-lstm-") + std::to_string(::getpid()) + name);
}

TEST(LstmFile, RoundTripIsBitExact) {
  corpus::CorpusOptions co;
  co.seed = 4;
  co.train_one_object = 20;
  co.train_two_object = 20;
  const auto c = corpus::make_corpus(co);
  TrainerOptions to;
  to.epochs = 1;
  to.learning_rate = 3e-3;
  LstmOptions lo;
  lo.hidden = 7;
  lo.seed = 4;
  Trainer tr(c, lo, to);
  tr.run_epoch();
  const auto path = temp_path("roundtrip.rssviz");
  save_lstm(path, tr.model(), co, to, tr.history());
  const auto back = load_lstm(path);
  std::filesystem::remove(path);
  EXPECT_EQ(back.model.params().flat(), tr.model().params().flat());
  EXPECT_EQ(back.model.hidden(), 7);
  EXPECT_EQ(back.model.options().seed, 4u);
  EXPECT_EQ(back.corpus.objects, 4);
  EXPECT_EQ(back.corpus.seed, 4u);
  EXPECT_EQ(back.trainer.learning_rate, 3e-3);
  EXPECT_EQ(back.meta.at("history").size(), 1u);
  EXPECT_EQ(predict(back.model, c.test), predict(tr.model(), c.test));
}

TEST(LstmFile, RejectsOtherModelsAndBadShapes) {
  const Lstm m(20, 22, LstmOptions{});
  auto f = to_model_file(m, corpus::CorpusOptions{}, TrainerOptions{}, {});
  EXPECT_NO_THROW(from_model_file(f));
  auto esn = f;
  esn.model = "esn";
  EXPECT_THROW(from_model_file(esn), std::runtime_error);
  auto bad = f;
  bad.arrays["U"] = Eigen::MatrixXd::Zero(80, 19);
  try {
    from_model_file(bad);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("shapes"), std::string::npos) << e.what();
  }
  auto missing = f;
  missing.arrays.erase("Wy");
  EXPECT_THROW(from_model_file(missing), std::runtime_error);
  auto nan = f;
  nan.arrays["b"](3, 0) = std::nan("");
  EXPECT_THROW(from_model_file(nan), std::runtime_error);
  auto wrong_type = f;
  wrong_type.meta["lstm"]["hidden"] = "twenty";
  EXPECT_THROW(from_model_file(wrong_type), std::runtime_error);
}

}  // namespace
}  // namespace rssviz::lstm
