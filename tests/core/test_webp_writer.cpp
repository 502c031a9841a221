#include "core/io/webp_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <functional>
#include <string>

#include "core/io/atomic_file.hpp"

#if defined(RSSVIZ_HAVE_WEBP) && defined(RSSVIZ_TEST_WEBP_DECODE)
#include <webp/demux.h>
#endif

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_webp_writer {

namespace fs = std::filesystem;
using rssviz::Cancelled;
using rssviz::StopFlag;
using rssviz::io::RgbaFrame;
using rssviz::io::WebpOptions;
using rssviz::io::write_webp;

namespace {

struct TempDir {
  fs::path dir;
  explicit TempDir(const std::string& name)
      : dir(fs::temp_directory_path() / ("rssviz-webp-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path operator/(const std::string& f) const { return dir / f; }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {})); }
};

// A white plot-like frame: gradient strip, a disc that moves with k, a half-transparent
// corner when `alpha` is set.
RgbaFrame frame(int k, bool alpha = false) {
  const int w = 96, h = 64;
  RgbaFrame f{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h * 4, 255), 0};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = &f.rgba[(static_cast<std::size_t>(y) * w + x) * 4];
      if (y >= 54) p[0] = static_cast<std::uint8_t>(x * 255 / (w - 1)), p[1] = static_cast<std::uint8_t>(255 - x), p[2] = 90;
      const int dx = x - 15 - 7 * k, dy = y - 25;
      if (dx * dx + dy * dy < 64) p[0] = 200, p[1] = 30, p[2] = static_cast<std::uint8_t>(20 * k);
      if (alpha && x < 8 && y < 8) p[3] = static_cast<std::uint8_t>(x * 32);
    }
  return f;
}

}  // namespace

#if defined(RSSVIZ_HAVE_WEBP) && defined(RSSVIZ_TEST_WEBP_DECODE)

namespace {
struct DecodedWebp {
  int width = 0, height = 0, loop_count = -1;
  std::vector<int> timestamps;             // end time of each decoded frame, ms
  std::vector<std::vector<std::uint8_t>> rgba;  // the composited canvas per frame
};
DecodedWebp decode(const fs::path& p) {
  const std::string bytes = rssviz::io::read_file(p);
  WebPData data{reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()};
  WebPAnimDecoderOptions opt;
  WebPAnimDecoderOptionsInit(&opt);
  opt.color_mode = MODE_RGBA;  // straight alpha, like the input
  WebPAnimDecoder* dec = WebPAnimDecoderNew(&data, &opt);
  if (!dec) throw std::runtime_error("WebPAnimDecoderNew failed on " + p.string());
  WebPAnimInfo info;
  WebPAnimDecoderGetInfo(dec, &info);
  DecodedWebp d;
  d.width = static_cast<int>(info.canvas_width), d.height = static_cast<int>(info.canvas_height);
  d.loop_count = static_cast<int>(info.loop_count);
  while (WebPAnimDecoderHasMoreFrames(dec)) {
    std::uint8_t* buf = nullptr;
    int ts = 0;
    if (!WebPAnimDecoderGetNext(dec, &buf, &ts)) break;
    d.timestamps.push_back(ts);
    d.rgba.emplace_back(buf, buf + static_cast<std::size_t>(d.width) * d.height * 4);
  }
  WebPAnimDecoderDelete(dec);
  return d;
}
// The decoded picture on screen at time t (ms).
const std::vector<std::uint8_t>& shown_at(const DecodedWebp& d, int t) {
  for (std::size_t i = 0; i < d.timestamps.size(); ++i)
    if (t < d.timestamps[i]) return d.rgba[i];
  return d.rgba.back();
}
}  // namespace

TEST(WebpWriter, LosslessRoundTripsEveryVisiblePixelAndTheTiming) {
  TempDir t("lossless");
  std::vector<RgbaFrame> frames;
  for (int k = 0; k < 5; ++k) frames.push_back(frame(k, true));
  frames.insert(frames.begin() + 3, frames[2]);  // an equal neighbour: merged, duration kept
  frames[1].delay_ms = 700;
  WebpOptions o;
  o.fps = 4;  // 250 ms
  o.loops = 3;
  const auto report = write_webp(t / "a.webp", frames, o);
  EXPECT_TRUE(rssviz::io::webp_available());
  EXPECT_EQ(report.frames, 6);
  EXPECT_EQ(report.bytes, fs::file_size(t / "a.webp"));
  const DecodedWebp d = decode(t / "a.webp");
  EXPECT_EQ(d.width, 96);
  EXPECT_EQ(d.height, 64);
  EXPECT_EQ(d.loop_count, 3);
  ASSERT_FALSE(d.timestamps.empty());
  EXPECT_EQ(d.timestamps.back(), 250 + 700 + 250 * 4);  // the whole animation's length
  int start = 0;
  for (std::size_t k = 0; k < frames.size(); ++k) {
    const int dur = frames[k].delay_ms > 0 ? frames[k].delay_ms : 250;
    for (int t_ms : {start, start + dur - 1}) {  // the first and last millisecond of frame k
      const auto& got = shown_at(d, t_ms);
      int wrong = 0;
      for (std::size_t i = 0; i < got.size(); i += 4) {
        const bool visible = frames[k].rgba[i + 3] > 0;
        for (std::size_t c = visible ? 0 : 3; c < 4; ++c) wrong += got[i + c] != frames[k].rgba[i + c];
      }
      EXPECT_EQ(wrong, 0) << "frame " << k << " at " << t_ms << " ms";
    }
    start += dur;
  }
}

TEST(WebpWriter, LossyDecodesClose) {
  TempDir t("lossy");
  std::vector<RgbaFrame> frames;
  for (int k = 0; k < 4; ++k) frames.push_back(frame(k));
  WebpOptions o;
  const auto lossless = write_webp(t / "l.webp", frames, o);
  o.lossless = false;
  o.quality = 90;
  const auto lossy = write_webp(t / "y.webp", frames, o);
  const DecodedWebp d = decode(t / "y.webp");
  ASSERT_EQ(d.rgba.size(), frames.size());
  double err = 0;
  for (std::size_t k = 0; k < frames.size(); ++k)
    for (std::size_t i = 0; i < frames[k].rgba.size(); ++i) err += std::abs(d.rgba[k][i] - frames[k].rgba[i]);
  err /= static_cast<double>(frames.size() * frames[0].rgba.size());
  EXPECT_LT(err, 4.0);
  EXPECT_GT(err, 0.0);  // it really was lossy
  EXPECT_GT(lossless.bytes, 0u);
  EXPECT_GT(lossy.bytes, 0u);
}

TEST(WebpWriter, CancellationAndBadPathsWriteNothing) {
  TempDir t("cancel");
  const std::vector<RgbaFrame> frames = {frame(0), frame(1), frame(2)};
  rssviz::io::write_file_atomic(t / "old.webp", "previous");
  StopFlag stop;
  stop.request();
  EXPECT_THROW(write_webp(t / "old.webp", frames, {}, &stop), Cancelled);
  for (long long at : {0LL, 2LL, 4LL}) {
    long long calls = 0;
    EXPECT_THROW(write_webp(t / "old.webp", frames, {}, nullptr, [&](long long, long long total) {
      EXPECT_EQ(total, 4);
      return calls++ < at;
    }),
                 Cancelled);
  }
  EXPECT_EQ(rssviz::io::read_file(t / "old.webp"), "previous");
  EXPECT_EQ(t.entries(), 1u);
  for (const fs::path& p : {t / "no" / "dir.webp", t.dir, fs::path("/dev/full")}) {
    try {
      write_webp(p, frames);
      ADD_FAILURE() << "no error for " << p;
    } catch (const std::invalid_argument& e) {
      ADD_FAILURE() << e.what();
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
    }
  }
}

#else

TEST(WebpWriter, WithoutLibwebpWriteThrowsNamingThePath) {
#ifndef RSSVIZ_HAVE_WEBP
  EXPECT_FALSE(rssviz::io::webp_available());
  TempDir t("none");
  try {
    write_webp(t / "a.webp", {frame(0)});
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("a.webp"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(t / "a.webp"));
#else
  GTEST_SKIP() << "libwebpdemux missing: the WebP writer is built but its output cannot be decoded here";
#endif
}

#endif

TEST(WebpWriter, RejectsBadFramesAndOptionsNamingTheField) {
  TempDir t("invalid");
  const std::vector<RgbaFrame> good = {frame(0), frame(1)};
  auto expect_invalid = [&](const std::function<void(std::vector<RgbaFrame>&, WebpOptions&)>& spoil,
                            const std::string& field) {
    auto frames = good;
    WebpOptions o;
    spoil(frames, o);
    try {
      write_webp(t / "x.webp", frames, o);
      ADD_FAILURE() << "no error for " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("allowed"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(t / "x.webp")) << field;
  };
  using F = std::vector<RgbaFrame>;
  using O = WebpOptions;
  expect_invalid([](F& f, O&) { f.clear(); }, "frames is empty");
  expect_invalid([](F& f, O&) { f[1].width = 0; }, "frames[1].width");
  expect_invalid([](F& f, O&) { f[0].height = 16384; }, "frames[0].height");
  expect_invalid([](F& f, O&) { f[1] = RgbaFrame{2, 2, std::vector<std::uint8_t>(16), 0}; }, "frames[1].size");
  expect_invalid([](F& f, O&) { f[0].rgba.resize(7); }, "frames[0].rgba");
  expect_invalid([](F& f, O&) { f[1].delay_ms = -5; }, "frames[1].delay_ms");
  expect_invalid([](F& f, O&) { f[1].delay_ms = 0x1000000; }, "frames[1].delay_ms");
  expect_invalid([](F& f, O&) {  // 129 frames of 4.66 hours: past INT_MAX milliseconds
    f[0].delay_ms = 0xFFFFFF;
    f.assign(129, f[0]);
  },
                 "total duration");
  expect_invalid([](F&, O& o) { o.fps = 0; }, "fps");
  expect_invalid([](F&, O& o) { o.fps = 1001; }, "fps");
  expect_invalid([](F&, O& o) { o.fps = std::nan(""); }, "fps");
  expect_invalid([](F&, O& o) { o.fps = 1e-5; }, "fps");
  expect_invalid([](F&, O& o) { o.loops = -1; }, "loops");
  expect_invalid([](F&, O& o) { o.loops = 70000; }, "loops");
  expect_invalid([](F&, O& o) { o.quality = 100.5; }, "quality");
  expect_invalid([](F&, O& o) { o.quality = std::nan(""); }, "quality");
  expect_invalid([](F&, O& o) { o.method = 7; }, "method");
  expect_invalid([](F&, O& o) { o.method = -1; }, "method");
}

}  // namespace rssviz_test_webp_writer
