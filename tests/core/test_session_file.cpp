#include "core/io/session_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "core/io/atomic_file.hpp"
#include "core/io/base64.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_session_file {

using namespace rssviz;
using namespace rssviz::io;

namespace {

std::filesystem::path sf_tmp(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("rssviz-sf-" + std::to_string(::getpid()) + "-" + name);
}

// Every section off its default, so a field the writer or the reader forgets shows.
SessionFile sample() {
  SessionFile s;
  s.corpus.generated.objects = 6;
  s.corpus.generated.seed = 9;
  s.model = experiment::ModelKind::lstm;
  s.trained_epochs = 3;
  s.reservoir.units = 123;
  s.reservoir.spectral_radius = 0.95;
  s.reservoir.leak_rate = 0.1234567890123;
  s.reservoir.input_scaling = 2.5;
  s.reservoir.density = 0.3;
  s.reservoir.input_connectivity = 0.2;
  s.reservoir.bias = false;
  s.reservoir.bias_scaling = 0.5;
  s.reservoir.ridge = 1e-6;
  s.reservoir.weight_init = esn::WeightInit::kExact;
  s.reservoir.seed = 18446744073709551615ULL;  // the largest seed survives JSON
  s.readout = experiment::EsnReadout::kRls;
  s.esn_stages = {3, 30, 300};
  s.lstm.hidden = 7;
  s.lstm.forget_bias = 0.5;
  s.lstm.seed = 5;
  s.trainer.epochs = 4;
  s.trainer.batch_size = 3;
  s.trainer.learning_rate = 0.002;
  s.trainer.clip_norm = 1.5;
  s.trainer.shuffle = true;
  s.trainer.seed = 11;
  s.map_sentences = 77;
  s.include_sentences = {5, 900};
  s.umap.n_neighbors = 9;
  s.umap.min_dist = 0.25f;
  s.umap.n_epochs = 123;
  s.umap.metric = umap::Metric::cosine;
  s.umap.knn = umap::KnnMethod::exact;
  s.umap.seed = 7;
  s.view.stage = 2;
  s.view.selected = 17;
  s.view.colour = "unit";
  s.view.colour_parameter = 4;
  s.view.mark_ends = false;
  s.view.highlighted_unit = 3;
  s.view.marked_word = 2;
  s.view.output_scale = "raw";
  s.view.unit_set = "top";
  s.view.unit_set_top = 5;
  return s;
}

std::string expect_refused(const std::string& text, const std::string& fragment) {
  try {
    session_from_json(text, "test.rssviz");
    ADD_FAILURE() << "accepted; expected an error naming " << fragment;
    return {};
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("test.rssviz"), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
    return what;
  }
}

// The sample's JSON with one edit.
std::string edited(const std::function<void(nlohmann::json&)>& edit) {
  auto j = nlohmann::json::parse(session_to_json(sample()));
  edit(j);
  return j.dump();
}

}  // namespace

TEST(Base64, KnownAnswersAndRoundTrips) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n < all.size(); n += 37) EXPECT_EQ(base64_decode(base64_encode(all.substr(0, n))), all.substr(0, n));
  EXPECT_FALSE(base64_decode("Zm9"));      // length
  EXPECT_FALSE(base64_decode("Zm9v!A=="));  // alphabet
  EXPECT_FALSE(base64_decode("Zg=a"));      // padding in the middle
  EXPECT_FALSE(base64_decode("Zh=="));      // non-zero padding bits
  EXPECT_FALSE(base64_decode("Zm=v"));
}

TEST(SessionFile, RoundTripKeepsEveryField) {
  const SessionFile s = sample();
  const std::string text = session_to_json(s);
  const SessionFile r = session_from_json(text, "x");
  EXPECT_EQ(session_to_json(r), text);  // every field written is read back
  EXPECT_EQ(r.reservoir.seed, s.reservoir.seed);
  EXPECT_EQ(r.reservoir.leak_rate, s.reservoir.leak_rate);  // bit for bit
  EXPECT_EQ(r.umap.min_dist, s.umap.min_dist);
  EXPECT_EQ(r.umap.metric, umap::Metric::cosine);
  EXPECT_EQ(r.include_sentences, s.include_sentences);
  EXPECT_EQ(r.view.colour, "unit");
  EXPECT_EQ(r.trained_epochs, 3);
  EXPECT_EQ(r.readout, experiment::EsnReadout::kRls);
  EXPECT_EQ(r.reservoir.weight_init, esn::WeightInit::kExact);
  // Human-readable: the fields are there by name, indented.
  EXPECT_NE(text.find("\n  \"esn\": {"), std::string::npos);
  EXPECT_NE(text.find("\"spectral_radius\": 0.95"), std::string::npos);
}

TEST(SessionFile, EmbeddedModelFilesRoundTripExactly) {
  SessionFile s = sample();
  s.trained_epochs = 0;
  ModelFile m;
  m.model = "lstm";
  m.meta = {{"note", "x"}};
  m.arrays["Wx"] = Eigen::MatrixXd::Random(8, 5);
  s.weights.push_back({"lstm-frame", m});
  const SessionFile r = session_from_json(session_to_json(s), "x");
  ASSERT_EQ(r.weights.size(), 1u);
  EXPECT_EQ(r.weights[0].role, "lstm-frame");
  EXPECT_EQ(r.weights[0].file.array("Wx"), m.array("Wx"));
  EXPECT_EQ(r.weights[0].file.meta, m.meta);
}

TEST(SessionFile, DamagedFilesAreRefusedNamingTheField) {
  const std::string good = session_to_json(sample());
  expect_refused(good.substr(0, good.size() / 2), "does not parse");               // truncated
  expect_refused("", "does not parse");
  expect_refused("[1, 2]", "expected an object");
  expect_refused(std::string("RSSVIZMF\x01\0\0\0", 12), "is a model file");
  expect_refused(edited([](auto& j) { j["esn"]["spectral_radius"] = "1.1"; }), "esn.spectral_radius");
  expect_refused(edited([](auto& j) { j["esn"]["units"] = 1e12; }), "esn.units");
  expect_refused(edited([](auto& j) { j["esn"]["units"] = 4.5; }), "esn.units");
  expect_refused(edited([](auto& j) { j["esn"]["units"] = 1000000000000LL; }), "esn.units");
  expect_refused(edited([](auto& j) { j["esn"]["leak_rate"] = 0.0; }), "leak_rate");  // out of its range
  expect_refused(edited([](auto& j) { j["esn"]["bias"] = 1; }), "esn.bias");
  expect_refused(edited([](auto& j) { j["esn"]["seed"] = -1; }), "esn.seed");
  expect_refused(edited([](auto& j) { j["esn"].erase("leak_rate"); }), "esn.leak_rate\": missing");
  expect_refused(edited([](auto& j) { j.erase("view"); }), "view\": missing");
  expect_refused(edited([](auto& j) { j["umap"]["min_dist"] = 1e300; }), "umap.min_dist");
  expect_refused(edited([](auto& j) { j["umap"]["init"] = "given"; }), "umap.init");
  expect_refused(edited([](auto& j) { j["trainer"]["epochs"] = -3; }), "trainer.epochs");
  expect_refused(edited([](auto& j) { j["model"]["trained_epochs"] = 9; }), "model.trained_epochs");
  expect_refused(edited([](auto& j) { j["model"]["kind"] = "gru"; }), "model.kind");
  expect_refused(edited([](auto& j) { j["view"]["colour"] = "rainbow"; }), "view.colour");
  expect_refused(edited([](auto& j) { j["view"]["selected"] = -2; }), "view.selected");
  expect_refused(edited([](auto& j) { j["esn"]["stages"] = {5, 5}; }), "esn.stages");
  expect_refused(edited([](auto& j) { j["esn"]["spectral_radus"] = 1.0; }), "esn.spectral_radus\": unknown");
  expect_refused(edited([](auto& j) { j["corpus"]["options"]["objects"] = 51; }), "corpus.options.objects");
  expect_refused(edited([](auto& j) { j["format"] = "rssviz-model"; }), "format");
  // NaN and infinity are not JSON; a number too large for a double is not accepted either.
  std::string nan = good;
  nan.replace(nan.find("0.95"), 4, "NaN");
  expect_refused(nan, "does not parse");
  std::string huge = good;
  huge.replace(huge.find("0.95"), 4, "1e999");
  expect_refused(huge, "number overflow");  // regression: nlohmann throws out_of_range here, not parse_error
}

TEST(SessionFile, ANewerVersionIsRefusedNamingIt) {
  const auto what = expect_refused(edited([](auto& j) { j["version"] = 2; }), "version 2 is newer");
  EXPECT_NE(what.find("\"version\""), std::string::npos) << what;
  expect_refused(edited([](auto& j) { j["version"] = 0; }), "\"version\"");
  expect_refused(edited([](auto& j) { j["version"] = "1"; }), "\"version\"");
}

TEST(SessionFile, EmbeddedWeightsAreValidated) {
  SessionFile s = sample();
  s.trained_epochs = 0;
  ModelFile m;
  m.model = "lstm";
  m.arrays["Wx"] = Eigen::MatrixXd::Ones(2, 2);
  s.weights.push_back({"lstm-frame", m});
  const std::string good = session_to_json(s);
  auto j = nlohmann::json::parse(good);
  auto with = [&](const std::function<void(nlohmann::json&)>& edit) {
    auto k = j;
    edit(k);
    return k.dump();
  };
  expect_refused(with([](auto& k) { k["weights"][0]["data"] = "@@@@"; }), "weights[0].data\": not valid base64");
  expect_refused(with([](auto& k) { k["weights"][0]["bytes"] = 5; }), "truncated");
  expect_refused(with([](auto& k) { k["weights"][0]["role"] = "gru"; }), "weights[0].role");
  expect_refused(with([](auto& k) { k["weights"][0]["encoding"] = "hex"; }), "weights[0].encoding");
  // A flipped byte inside the embedded model file: its checksum says so.
  auto bytes = *base64_decode(j["weights"][0]["data"].get<std::string>());
  bytes[bytes.size() - 3] ^= 0x40;
  expect_refused(with([&](auto& k) { k["weights"][0]["data"] = base64_encode(bytes); }), "checksum mismatch");
  // The count must match the frames: trained_epochs 0 = one frame.
  expect_refused(with([](auto& k) { k["model"]["trained_epochs"] = 1; }), "trained_epochs + 1 = 2");
  // An explored ESN always carries its layout.
  expect_refused(edited([](auto& j2) {
                   j2["model"] = {{"kind", "esn"}, {"trained", false}};
                   j2["corpus"]["options"]["seed"] = j2["esn"]["seed"];
                 }),
                 "map-layout");
}

TEST(SessionFile, AnEsnSessionUsesTheMasterSeedsSplit) {
  expect_refused(edited([](auto& j) {
                   j["model"] = {{"kind", "esn"}, {"trained", true}};
                 }),
                 "corpus.options.seed");
}

TEST(SessionFile, SavesAtomicallyThroughSymlinksAndRefusesDevices) {
  const auto target = sf_tmp("target.rssviz");
  const auto link = sf_tmp("link.rssviz");
  std::filesystem::remove(link);
  write_file_atomic(target, "previous");
  std::filesystem::create_symlink(target, link);
  save_session_file(link, sample());
  EXPECT_TRUE(std::filesystem::is_symlink(link));  // the link stays a link
  EXPECT_EQ(session_to_json(load_session_file(target)), session_to_json(sample()));
  // /dev/full: refused before anything is written, naming the path.
  try {
    save_session_file("/dev/full", sample());
    ADD_FAILURE() << "saved to /dev/full";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/dev/full"), std::string::npos) << e.what();
  }
  // A failed save (a folder that does not exist) leaves nothing behind and the reader names the file.
  EXPECT_THROW(save_session_file(sf_tmp("no-such-dir") / "s.rssviz", sample()), std::runtime_error);
  try {
    load_session_file(sf_tmp("missing.rssviz"));
    ADD_FAILURE();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.rssviz"), std::string::npos) << e.what();
  }
  std::filesystem::remove(link);
  std::filesystem::remove(target);
}

// Regression (a 2 MB session or model file of nested brackets crashed the reader with a
// stack overflow, printing the value in its message or copying the header; /dev/zero
// was read until memory ran out): hostile inputs are refused with a message naming the
// file: a device that never ends, a folder, JSON nested deeper than kMaxJsonDepth.
TEST(SessionFile, RefusesDevicesFoldersAndDeepNestingNamingTheFile) {
  auto refused = [](const std::function<void()>& f, const std::string& what) {
    try {
      f();
      ADD_FAILURE() << "accepted";
      return std::string();
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
      return std::string(e.what());
    }
  };
  EXPECT_EQ(refused([] { load_session_file("/dev/zero"); }, "not a regular file").rfind("/dev/zero: ", 0), 0u);
  refused([] { load_session_file(std::filesystem::temp_directory_path()); }, "not a regular file");
  const std::string deep = "{\"format\": " + std::string(1000000, '[') + std::string(1000000, ']') + "}";
  refused([&] { session_from_json(deep, "deep.rssviz"); }, "deep.rssviz: not a session file (the JSON is nested deeper");
  // An embedded model file whose header nests deeply is refused by the model reader.
  std::string header = "{\"format\":\"rssviz-model\",\"model\":\"esn\",\"meta\":{\"x\":" + std::string(1000000, '[') +
                       std::string(1000000, ']') + "}}";
  std::string bytes = "RSSVIZMF";
  const std::uint32_t version = kModelFileVersion;
  const std::uint64_t n = header.size();
  bytes.append(reinterpret_cast<const char*>(&version), 4).append(reinterpret_cast<const char*>(&n), 8).append(header);
  refused([&] { decode_model_file(bytes, "m.bin"); }, "nested deeper than 64 levels");
  refused([] { load_model_file("/dev/zero"); }, "/dev/zero: not a regular file");
}

}  // namespace rssviz_test_session_file
