#include "core/io/model_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "core/io/atomic_file.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_model_file {

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

// Issue #14: lies in a model file's header and non-finite values are refused, naming the
// file and the problem, before anything is allocated.
namespace {
struct Container {
  std::string prefix;  // magic + version
  nlohmann::json header;
  std::string data;
};
Container split(const std::string& bytes) {
  Container c;
  c.prefix = bytes.substr(0, 12);
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data() + 12, 8);
  c.header = nlohmann::json::parse(bytes.substr(20, n));
  c.data = bytes.substr(20 + n);
  return c;
}
std::uint64_t fnv(const std::string& d) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char x : d) h = (h ^ x) * 0x100000001B3ULL;
  return h;
}
std::string join(Container c, bool fix_checksum = true) {
  if (fix_checksum) c.header["checksum"] = fnv(c.data);
  const std::string h = c.header.dump();
  const std::uint64_t n = h.size();
  std::string out = c.prefix;
  out.append(reinterpret_cast<const char*>(&n), 8);
  return out + h + c.data;
}
nlohmann::json& entry(Container& c, const std::string& name) {
  for (auto& a : c.header["arrays"])
    if (a["name"] == name) return a;
  throw std::logic_error("no array " + name);
}
void expect_refused(const std::filesystem::path& p, const std::string& content, const std::string& fragment) {
  write_file_atomic(p, content);
  try {
    load_model_file(p);
    ADD_FAILURE() << "accepted a file with: " << fragment;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(ModelFile, NonFiniteValuesAreRefusedOnReadAndOnSave) {
  const auto p = tmp("nonfinite");
  save_model_file(p, sample());
  const Container good = split(read_file(p));
  for (const double bad : {std::nan(""), double{INFINITY}, -double{INFINITY}}) {
    Container c = good;
    const auto off = entry(c, "Wout")["offset"].get<std::size_t>() + 8 * 5;  // row 0, column 5 of f64 Wout
    std::memcpy(c.data.data() + off, &bad, 8);
    expect_refused(p, join(c), std::isnan(bad) ? "array \"Wout\" holds NaN at row 0, column 5" : "array \"Wout\" holds infinity");
  }
  Container c = good;
  const float nanf = std::nanf("");
  std::memcpy(c.data.data() + entry(c, "bias")["offset"].get<std::size_t>() + 4 * 2, &nanf, 4);  // f32 bias row 2
  expect_refused(p, join(c), "array \"bias\" holds NaN at row 2, column 0");

  auto m = sample();
  m.arrays["Wout"](1, 2) = std::nan("");
  const auto q = tmp("nonfinite-save");
  try {
    save_model_file(q, m);
    ADD_FAILURE() << "saved NaN";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("\"Wout\" holds NaN at row 1, column 2"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(q));
  std::filesystem::remove(p);
}

TEST(ModelFile, OverlappingMisalignedDuplicatedAndOversizedArraysAreRefused) {
  const auto p = tmp("lies");
  save_model_file(p, sample());
  const Container good = split(read_file(p));
  {
    Container c = good;
    entry(c, "Wout")["offset"] = entry(c, "W")["offset"];  // two arrays on the same bytes
    expect_refused(p, join(c), "overlaps another array");
  }
  {
    Container c = good;
    entry(c, "Wout")["offset"] = entry(c, "Wout")["offset"].get<std::uint64_t>() + 4;
    expect_refused(p, join(c), "is not 8-byte aligned");
  }
  {
    Container c = good;
    c.header["arrays"].push_back(entry(c, "W"));
    expect_refused(p, join(c), "array \"W\" appears twice");
  }
  {
    // rows x cols x 8 wraps around 2^64 to the stated byte count 0: never allocated.
    Container c = good;
    entry(c, "Wout")["shape"] = {std::uint64_t{1} << 31, std::uint64_t{1} << 31};
    entry(c, "Wout")["bytes"] = 0;
    expect_refused(p, join(c), "rows is 2147483648");
    entry(c, "Wout")["shape"] = {2147483647, 2147483647};
    expect_refused(p, join(c), "does not match its byte count 0");
  }
}

TEST(ModelFile, WrongFieldTypesAndUnknownFormatsAreRefused) {
  const auto p = tmp("types");
  save_model_file(p, sample());
  const Container good = split(read_file(p));
  const std::vector<std::pair<std::function<void(Container&)>, std::string>> lies = {
      {[](Container& c) { entry(c, "W")["shape"] = {7.5, 7}; }, "array \"W\" rows is 7.5"},
      {[](Container& c) { entry(c, "W")["shape"] = {"7", 7}; }, "array \"W\" rows is \"7\""},
      {[](Container& c) { entry(c, "W")["shape"] = {-1, 7}; }, "array \"W\" rows is -1"},
      {[](Container& c) { entry(c, "W")["shape"] = {7}; }, "array \"W\" shape is not [rows, cols]"},
      {[](Container& c) { entry(c, "W")["offset"] = "0"; }, "array \"W\" offset is \"0\""},
      {[](Container& c) { entry(c, "W")["offset"] = true; }, "array \"W\" offset is true"},
      {[](Container& c) { entry(c, "W")["bytes"] = 392.0; }, "array \"W\" bytes is 392.0"},
      {[](Container& c) { entry(c, "W")["dtype"] = 64; }, "array \"W\" dtype is not a string"},
      {[](Container& c) { entry(c, "W")["name"] = 3; }, "name is not a non-empty string"},
      {[](Container& c) { entry(c, "W").erase("bytes"); }, "has no \"bytes\""},
      {[](Container& c) { c.header["arrays"].push_back(5); }, "entry is not an object"},
      {[](Container& c) { c.header["format"] = "rssviz-session"; }, "\"format\" is \"rssviz-session\""},
      {[](Container& c) { c.header.erase("format"); }, "\"format\" is missing"},
      {[](Container& c) { c.header["meta"] = 3; }, "\"meta\" is not an object"},
  };
  for (const auto& [lie, fragment] : lies) {
    Container c = good;
    lie(c);
    expect_refused(p, join(c), fragment);
  }
  write_file_atomic(p, join(good));
  EXPECT_NO_THROW(load_model_file(p));  // the helpers write a valid file when told nothing
  std::filesystem::remove(p);
}

}  // namespace rssviz_test_model_file
