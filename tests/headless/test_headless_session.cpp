// `rssviz render --session FILE` and `rssviz animate --session FILE` (issue #13): the
// model, its seeds and the view come from a session file; the same figure whether the
// file embeds the trained weights or the model is trained again.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QImage>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/experiment/saved_session.hpp"
#include "core/io/session_file.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_headless_session {

namespace fs = std::filesystem;
using namespace rssviz;

namespace {

struct Outcome {
  int code = -1;
  std::string err;
};

fs::path dir() {
  static const fs::path d = [] {
    auto p = fs::temp_directory_path() / ("rssviz-headless-session-" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p;
  }();
  return d;
}

Outcome run_gui(const std::string& args) {
  const auto err = dir() / "err";
  const std::string cmd = "cd " + dir().string() + " && env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM " +
                          RSSVIZ_GUI_PATH + " " + args + " >/dev/null 2>" + err.string() + " </dev/null";
  const int status = std::system(cmd.c_str());
  std::ifstream in(err);
  std::ostringstream ss;
  ss << in.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}

io::SessionFile small() {
  io::SessionFile f;
  f.reservoir.units = 40;
  f.map_sentences = 20;
  f.umap.n_epochs = 50;
  f.view.colour = "word";
  f.view.selected = 3;
  f.view.stage = 4;
  return f;
}

}  // namespace

TEST(HeadlessSession, RenderDrawsTheSameFigureFromSeedsOrEmbeddedWeights) {
  const auto plain = dir() / "plain.rssviz";
  io::save_session_file(plain, small());
  const auto built = experiment::build_saved_session(small(), "x", 1);
  const auto embedded = dir() / "embedded.rssviz";
  auto with = experiment::describe_session(small(), *built, true);
  with.view = small().view;
  io::save_session_file(embedded, with);
  ASSERT_TRUE(io::load_session_file(embedded).has_weights());

  auto a = run_gui("render --session plain.rssviz --png a.png --size 320x240");
  ASSERT_EQ(a.code, 0) << a.err;
  auto b = run_gui("render --session embedded.rssviz --png b.png --size 320x240");
  ASSERT_EQ(b.code, 0) << b.err;
  const QImage ia((dir() / "a.png").c_str()), ib((dir() / "b.png").c_str());
  ASSERT_EQ(ia.size(), QSize(320, 240));
  EXPECT_TRUE(ia == ib);  // pixel for pixel
  // The view is the file's (colour by word, stage 4) unless the command line says otherwise.
  auto c = run_gui("render --session plain.rssviz --png c.png --size 320x240 --colour-by clause --stage final");
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_FALSE(ia == QImage((dir() / "c.png").c_str()));
}

TEST(HeadlessSession, ModelOptionsBesideASessionAndDamagedFilesAreRefused) {
  const auto f = dir() / "s.rssviz";
  io::save_session_file(f, small());
  auto r = run_gui("render --session s.rssviz --units 10 --png x.png");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--session replaces --units"), std::string::npos) << r.err;
  r = run_gui("render --session s.rssviz --model lstm --png x.png");
  EXPECT_EQ(r.code, 2);
  std::ofstream(dir() / "bad.rssviz") << "{\"format\": \"rssviz-session\", \"version\": 3}";
  r = run_gui("render --session bad.rssviz --png x.png");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("version 3 is newer"), std::string::npos) << r.err;
  r = run_gui("render --png x.png");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--model is required"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir() / "x.png"));
}

TEST(HeadlessSession, AnimateTakesTheModelFromASession) {
  const auto f = dir() / "anim.rssviz";
  io::save_session_file(f, small());
  auto r = run_gui("animate --session anim.rssviz --stages readout --frames 3 --gif a.gif --size 160x120");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_GT(fs::file_size(dir() / "a.gif"), 100u);
  r = run_gui("animate --session anim.rssviz --stages epochs --gif b.gif");
  EXPECT_EQ(r.code, 2);  // the file's model is an ESN
  EXPECT_NE(r.err.find("--stages epochs needs"), std::string::npos) << r.err;
}

}  // namespace rssviz_test_headless_session
