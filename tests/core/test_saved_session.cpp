// Reopening a session gives the same models, maps and figures bit for bit: ESN and LSTM,
// trained and untrained, with and without embedded weights (issue #13).
#include "core/experiment/saved_session.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/esn/reservoir.hpp"
#include "core/lstm/lstm.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_saved_session {

using namespace rssviz;
using namespace rssviz::experiment;

namespace {

std::filesystem::path tmp(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("rssviz-ss-" + std::to_string(::getpid()) + "-" + name);
}

// Small and quick: 60 units, 30 map sentences, a short UMAP.
io::SessionFile small_esn() {
  io::SessionFile f;
  f.model = ModelKind::esn;
  f.corpus.generated.seed = 3;
  f.reservoir.seed = 3;
  f.reservoir.units = 60;
  f.reservoir.spectral_radius = 0.9;
  f.map_sentences = 30;
  f.umap.n_epochs = 60;
  f.view.selected = 4;
  return f;
}

io::SessionFile small_lstm() {
  io::SessionFile f;
  f.model = ModelKind::lstm;
  f.corpus.generated.seed = 2;
  f.lstm.hidden = 6;
  f.lstm.seed = 2;
  f.trainer.epochs = 2;
  f.trainer.seed = 2;
  f.trained_epochs = 2;
  f.map_sentences = 20;
  f.umap.n_epochs = 60;
  return f;
}

// Saved to disk and read back, as the window does.
io::SessionFile through_disk(const io::SessionFile& f, const std::string& name) {
  const auto p = tmp(name);
  io::save_session_file(p, f);
  auto r = io::load_session_file(p);
  std::filesystem::remove(p);
  return r;
}

void expect_same_points(const MapPoints& a, const MapPoints& b) {
  EXPECT_EQ(a.X, b.X);  // the states, bit for bit
  EXPECT_EQ(a.dataset_index, b.dataset_index);
  EXPECT_EQ(a.error_code, b.error_code);
  EXPECT_EQ(a.outputs, b.outputs);
}

void expect_same(const MapSession& a, const MapSession& b) {
  ASSERT_TRUE(a.points && b.points);
  expect_same_points(*a.points, *b.points);
  EXPECT_EQ(a.layout, b.layout);    // the map's coordinates, bit for bit
  EXPECT_EQ(a.readout, b.readout);  // Wout
  EXPECT_EQ(a.unit_order, b.unit_order);
  EXPECT_EQ(a.scores.valid_error, b.scores.valid_error);
  EXPECT_EQ(a.scores.exact_error, b.scores.exact_error);
  EXPECT_EQ(a.trained, b.trained);
  EXPECT_EQ(a.description, b.description);
  ASSERT_EQ(a.stages.size(), b.stages.size());
  for (size_t i = 0; i < a.stages.size(); ++i) {
    SCOPED_TRACE("stage " + std::to_string(i));
    const auto& x = a.stages[i];
    const auto& y = b.stages[i];
    EXPECT_EQ(x.label, y.label);
    EXPECT_EQ(x.layout, y.layout);
    EXPECT_EQ(x.outputs, y.outputs);
    EXPECT_EQ(x.codes, y.codes);
    EXPECT_EQ(x.readout, y.readout);
    EXPECT_EQ(x.scores.valid_error, y.scores.valid_error);
    ASSERT_EQ(x.points == nullptr, y.points == nullptr);
    if (x.points) expect_same_points(*x.points, *y.points);
    ASSERT_EQ(x.lstm == nullptr, y.lstm == nullptr);
    if (x.lstm) {
      EXPECT_EQ(x.lstm->params().flat(), y.lstm->params().flat());
    }
  }
  EXPECT_EQ(a.curve.x, b.curve.x);
  EXPECT_EQ(a.curve.loss, b.curve.loss);
  EXPECT_EQ(a.curve.valid_error, b.curve.valid_error);
  EXPECT_EQ(a.curve.exact_error, b.curve.exact_error);
  if (a.reservoir) {
    ASSERT_TRUE(b.reservoir);
    EXPECT_EQ(a.reservoir->unit_w(), b.reservoir->unit_w());
    EXPECT_EQ(a.reservoir->drive(), b.reservoir->drive());
  }
  if (a.lstm) {
    ASSERT_TRUE(b.lstm);
    EXPECT_EQ(a.lstm->params().flat(), b.lstm->params().flat());
  }
}

}  // namespace

TEST(SavedSession, TrainedEsnReopensBitForBitWithAndWithoutWeights) {
  const auto f = small_esn();
  const auto a = build_saved_session(f, "a", 2);
  ASSERT_TRUE(a->trained);
  for (bool embed : {false, true}) {
    SCOPED_TRACE(embed ? "embedded weights" : "retrained");
    const auto saved = through_disk(describe_session(f, *a, embed), "esn.rssviz");
    EXPECT_EQ(saved.has_weights(), embed);
    EXPECT_EQ(saved.view.selected, 4);
    const auto b = build_saved_session(saved, "b", 1);  // another thread count: the same bits
    expect_same(*a, *b);
  }
}

TEST(SavedSession, ExploredEsnKeepsTheLayoutItsDragLeft) {
  auto f = small_esn();
  f.trained = false;
  Explorer ex(explore_options(f, 2));
  // A drag: each value warm-starts from the previous map, so the layout depends on the path.
  auto s = ex.update({1.3, 0.05, 1.0}, nullptr);
  s = ex.update({0.7, 0.2, 1.5}, s.get());
  f.reservoir.spectral_radius = 0.7;
  f.reservoir.leak_rate = 0.2;
  f.reservoir.input_scaling = 1.5;
  const auto saved = through_disk(describe_session(f, *s, false), "explored.rssviz");
  ASSERT_EQ(saved.weights.size(), 1u);
  EXPECT_EQ(saved.weights[0].role, "map-layout");
  const auto b = build_saved_session(saved, "b", 1);
  EXPECT_FALSE(b->trained);
  expect_same(*s, *b);
  // A cold map of the same values is another picture: the layout is what the file adds.
  const auto cold = ex.update({0.7, 0.2, 1.5}, nullptr);
  EXPECT_EQ(cold->points->X, b->points->X);
  EXPECT_NE(cold->layout, b->layout);
}

// A drag frame maps a subset of the sentences: saving it would write a layout the
// reopened (full) map cannot take, so it is refused with a message; the release saves.
TEST(SavedSession, ADragFrameIsRefusedAndItsReleaseSaves) {
  auto f = small_esn();
  f.trained = false;
  auto o = explore_options(f, 2);
  o.preview_seconds = 1e-9;
  Explorer ex(o);
  const auto full = ex.update({1.1, 0.05, 1.0}, nullptr);
  EXPECT_FALSE(full->preview);
  const auto drag = ex.update({1.0, 0.05, 1.0}, full.get(), nullptr, Frame::kPreview);
  ASSERT_TRUE(drag->preview);
  f.reservoir.spectral_radius = 1.0;
  try {
    (void)describe_session(f, *drag, false);
    ADD_FAILURE() << "a drag frame was described for saving";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("release the slider"), std::string::npos) << e.what();
  }
  const auto released = ex.update({1.0, 0.05, 1.0}, drag.get());
  EXPECT_FALSE(released->preview);
  const auto b = build_saved_session(through_disk(describe_session(f, *released, false), "released.rssviz"), "b", 1);
  expect_same(*released, *b);
}

TEST(SavedSession, TrainedLstmReopensBitForBitWithAndWithoutWeights) {
  const auto f = small_lstm();
  int frames = 0;
  const auto a = build_saved_session(f, "a", 1, nullptr, {}, [&](std::shared_ptr<MapSession>) { ++frames; });
  EXPECT_EQ(frames, 2);  // the live view saw frames 0 and 1 before the final one
  ASSERT_EQ(a->stages.size(), 3u);
  for (bool embed : {false, true}) {
    SCOPED_TRACE(embed ? "embedded weights" : "retrained");
    const auto saved = through_disk(describe_session(f, *a, embed), "lstm.rssviz");
    EXPECT_EQ(saved.weights.size(), embed ? 3u : 0u);
    EXPECT_EQ(saved.trained_epochs, 2);
    const auto b = build_saved_session(saved, "b", 2);
    expect_same(*a, *b);
  }
}

TEST(SavedSession, UntrainedLstmIsItsInitialNetwork) {
  // Stopped before the first epoch: frame 0 only, reopened as such.
  auto f = small_lstm();
  f.trained_epochs = 0;
  const auto a = build_saved_session(f, "a", 1);
  ASSERT_EQ(a->stages.size(), 1u);
  EXPECT_EQ(a->stages[0].label, "initial weights");
  for (bool embed : {false, true}) {
    const auto saved = through_disk(describe_session(f, *a, embed), "lstm0.rssviz");
    EXPECT_EQ(saved.trained_epochs, 0);
    expect_same(*a, *build_saved_session(saved, "b", 1));
  }
}

TEST(SavedSession, ADivergingLstmStopsAtItsLastFiniteNetwork) {
  // Learning rate 10 diverges in the first epoch: the build ends (it used to loop for
  // ever waiting for the epochs it would never train) with the initial network and why.
  for (bool every : {true, false}) {
    SCOPED_TRACE(every ? "every epoch" : "final only");
    auto f = small_lstm();
    f.trainer.learning_rate = 10.0;
    f.trainer.epochs = 3;
    f.trained_epochs = 3;
    f.every_epoch = every;
    const auto a = build_saved_session(f, "a", 1);
    EXPECT_NE(a->diagnostic.find("training diverged in epoch 1"), std::string::npos) << a->diagnostic;
    ASSERT_EQ(a->stages.size(), 1u);
    EXPECT_EQ(a->stages[0].label, "initial weights");
    EXPECT_TRUE(a->layout.allFinite());
    EXPECT_TRUE(a->curve.x.empty());
  }
}

TEST(SavedSession, EmbeddedWeightsThatDisagreeWithTheFileAreRefused) {
  const auto f = small_esn();
  const auto a = build_saved_session(f, "a", 1);
  auto saved = describe_session(f, *a, true);
  saved.reservoir.leak_rate = 0.5;  // the options say one thing, the weights another
  try {
    build_saved_session(saved, "s.rssviz", 1);
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("s.rssviz: weights[0]"), std::string::npos) << e.what();
  }
  // LSTM frames of another corpus.
  const auto l = small_lstm();
  const auto b = build_saved_session(l, "b", 1);
  auto other = describe_session(l, *b, true);
  other.corpus.generated.seed = 99;
  EXPECT_THROW(build_saved_session(other, "o", 1), std::runtime_error);
}

TEST(SavedSession, AModelFromTheCliOpensAsASession) {
  // What `rssviz-cli train --save` writes (save_esn_model) builds the same session as training.
  const auto f = small_esn();
  const auto a = build_saved_session(f, "a", 1);
  EsnModel m;
  m.reservoir = *a->reservoir;
  m.wout = a->readout;
  m.objects = f.corpus.generated.objects;
  const auto p = tmp("model.rssviz-model");
  save_esn_model(p, m);
  const auto b = build_esn_session(esn_session_options(f, 1), load_esn_model(p));
  std::filesystem::remove(p);
  expect_same(*a, *b);
  // A model of another corpus size does not fit.
  auto big = esn_session_options(f, 1);
  big.objects = 5;
  EXPECT_THROW(build_esn_session(big, m), std::invalid_argument);
}

}  // namespace rssviz_test_saved_session
