#include "core/io/model_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "core/io/atomic_file.hpp"

using namespace rssviz::io;

namespace {
std::filesystem::path tmp(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("rssviz-mf-" + std::to_string(::getpid()) + "-" + name);
}
ModelFile sample() {
  ModelFile m;
  m.model = "esn";
  m.meta = {{"units", 7}, {"leak_rate", 0.05}};
  m.arrays["W"] = Eigen::MatrixXd::Random(7, 7);
  m.arrays["Wout"] = Eigen::MatrixXd::Random(3, 8);
  m.arrays["bias"] = Eigen::MatrixXd::Random(7, 1);
  m.single_precision["bias"] = true;
  return m;
}
}  // namespace

TEST(ModelFile, RoundTripIsExactForF64AndRoundedForF32) {
  const auto p = tmp("rt");
  const auto m = sample();
  save_model_file(p, m);
  EXPECT_EQ(peek_model_type(p), "esn");
  const auto r = load_model_file(p);
  EXPECT_EQ(r.model, "esn");
  EXPECT_EQ(r.meta, m.meta);
  EXPECT_EQ(r.array("W"), m.array("W"));
  EXPECT_EQ(r.array("Wout"), m.array("Wout"));
  EXPECT_EQ(r.array("bias"), m.array("bias").cast<float>().cast<double>());
  EXPECT_THROW(r.array("nope"), std::runtime_error);
  std::filesystem::remove(p);
}

TEST(ModelFile, CorruptionIsDetectedAndNamed) {
  const auto p = tmp("bad");
  save_model_file(p, sample());
  std::string bytes = read_file(p);
  auto expect_error = [&](const std::string& content, const std::string& fragment) {
    write_file_atomic(p, content);
    try {
      load_model_file(p);
      ADD_FAILURE() << "no error for " << fragment;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
    }
  };
  expect_error("hello", "magic");
  std::string v = bytes;
  v[8] = 9;
  expect_error(v, "version 9");
  expect_error(bytes.substr(0, 30), "truncated");
  std::string flipped = bytes;
  flipped.back() ^= 0x55;
  expect_error(flipped, "checksum");
  expect_error(bytes.substr(0, bytes.size() - 8), "checksum");
  std::filesystem::remove(p);
  EXPECT_THROW(load_model_file(p), std::runtime_error);
}

TEST(ModelFile, FailedSaveKeepsThePreviousFile) {
  const auto p = tmp("keep");
  save_model_file(p, sample());
  const auto before = read_file(p);
  EXPECT_THROW(write_file_atomic(p, [](std::ostream&) { throw std::runtime_error("boom"); }), std::runtime_error);
  EXPECT_EQ(read_file(p), before);
  EXPECT_THROW(save_model_file("/nonexistent-dir/m.rssviz", sample()), std::runtime_error);
  std::filesystem::remove(p);
}
