#include "core/io/gif_writer.hpp"

#include <gif_lib.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <csignal>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "core/common/parallel.hpp"
#include "core/io/atomic_file.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_gif_writer {

namespace fs = std::filesystem;
using rssviz::Cancelled;
using rssviz::StopFlag;
using rssviz::io::GifOptions;
using rssviz::io::RgbaFrame;
using rssviz::io::write_gif;

namespace {

using Rgb = std::array<int, 3>;

// A fresh folder per test, removed afterwards.
struct TempDir {
  fs::path dir;
  explicit TempDir(const std::string& name)
      : dir(fs::temp_directory_path() / ("rssviz-gif-" + std::to_string(::getpid()) + "-" + name)) {
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

RgbaFrame solid(int w, int h, Rgb c) {
  RgbaFrame f;
  f.width = w, f.height = h;
  f.rgba.resize(static_cast<std::size_t>(w) * h * 4);
  for (std::size_t i = 0; i < f.rgba.size(); i += 4) {
    f.rgba[i] = static_cast<std::uint8_t>(c[0]), f.rgba[i + 1] = static_cast<std::uint8_t>(c[1]);
    f.rgba[i + 2] = static_cast<std::uint8_t>(c[2]), f.rgba[i + 3] = 255;
  }
  return f;
}
void put(RgbaFrame& f, int x, int y, Rgb c, int a = 255) {
  const std::size_t i = (static_cast<std::size_t>(y) * f.width + x) * 4;
  for (int k = 0; k < 3; ++k) f.rgba[i + k] = static_cast<std::uint8_t>(c[k]);
  f.rgba[i + 3] = static_cast<std::uint8_t>(a);
}
void rect(RgbaFrame& f, int x0, int y0, int w, int h, Rgb c) {
  for (int y = y0; y < y0 + h; ++y)
    for (int x = x0; x < x0 + w; ++x) put(f, x, y, c);
}
Rgb at(const RgbaFrame& f, int x, int y) {
  const std::size_t i = (static_cast<std::size_t>(y) * f.width + x) * 4;
  return {f.rgba[i], f.rgba[i + 1], f.rgba[i + 2]};
}
// Horizontal gradient with more distinct colours (one per column) than a palette holds.
RgbaFrame gradient(int w, int h) {
  RgbaFrame f = solid(w, h, {0, 0, 0});
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double t = static_cast<double>(x) / (w - 1);
      put(f, x, y, {static_cast<int>(std::lround(255 * t)), static_cast<int>(std::lround(255 - 200 * t)),
                    static_cast<int>(std::lround(40 + 150 * t))});
    }
  return f;
}

// What a viewer sees, rebuilt with giflib's decoder.
struct Decoded {
  int width = 0, height = 0;
  std::vector<Rgb> palette;  // the global colour table
  bool local_maps = false;
  int loop_count = -1;  // NETSCAPE2.0 repeat count; -1 when the extension is missing
  struct Frame {
    int left, top, width, height, delay_cs, disposal, transparent;
  };
  std::vector<Frame> frames;
  std::vector<std::vector<int>> index;  // per frame: the composited palette index per pixel, -1 = none yet
  int bad_indices = 0;                  // pixel values beyond the colour table
  int uncovered = 0;                    // composited pixels no frame had painted

  Rgb rgb(std::size_t k, int x, int y) const {
    const int i = index[k][static_cast<std::size_t>(y) * width + x];
    return i < 0 ? Rgb{-1000, -1000, -1000} : palette[static_cast<std::size_t>(i)];
  }
};

Decoded decode(const fs::path& p) {
  int err = 0;
  GifFileType* g = DGifOpenFileName(p.c_str(), &err);
  if (!g) throw std::runtime_error("DGifOpenFileName: " + std::string(GifErrorString(err)));
  if (DGifSlurp(g) != GIF_OK) {
    const std::string m = GifErrorString(g->Error);
    DGifCloseFile(g, &err);
    throw std::runtime_error("DGifSlurp: " + m);
  }
  Decoded d;
  d.width = g->SWidth, d.height = g->SHeight;
  if (g->SColorMap)
    for (int i = 0; i < g->SColorMap->ColorCount; ++i)
      d.palette.push_back({g->SColorMap->Colors[i].Red, g->SColorMap->Colors[i].Green, g->SColorMap->Colors[i].Blue});
  auto find_loop = [&](const ExtensionBlock* b, int count) {
    for (int i = 0; i + 1 < count; ++i)
      if (b[i].Function == APPLICATION_EXT_FUNC_CODE && b[i].ByteCount == 11 &&
          std::memcmp(b[i].Bytes, "NETSCAPE2.0", 11) == 0 && b[i + 1].Function == CONTINUE_EXT_FUNC_CODE &&
          b[i + 1].ByteCount == 3 && b[i + 1].Bytes[0] == 1)
        d.loop_count = b[i + 1].Bytes[1] | (b[i + 1].Bytes[2] << 8);
  };
  find_loop(g->ExtensionBlocks, g->ExtensionBlockCount);
  std::vector<int> canvas(static_cast<std::size_t>(d.width) * d.height, -1);
  for (int k = 0; k < g->ImageCount; ++k) {
    const SavedImage& im = g->SavedImages[k];
    find_loop(im.ExtensionBlocks, im.ExtensionBlockCount);
    if (im.ImageDesc.ColorMap) d.local_maps = true;
    GraphicsControlBlock gcb{DISPOSAL_UNSPECIFIED, false, -1, NO_TRANSPARENT_COLOR};
    DGifSavedExtensionToGCB(g, k, &gcb);
    const GifImageDesc& r = im.ImageDesc;
    d.frames.push_back({r.Left, r.Top, r.Width, r.Height, gcb.DelayTime, gcb.DisposalMode, gcb.TransparentColor});
    const auto before = canvas;
    for (int y = 0; y < r.Height; ++y)
      for (int x = 0; x < r.Width; ++x) {
        const int v = im.RasterBits[static_cast<std::size_t>(y) * r.Width + x];
        if (v == gcb.TransparentColor) continue;
        if (v >= static_cast<int>(d.palette.size())) ++d.bad_indices;
        const int cx = r.Left + x, cy = r.Top + y;
        if (cx < d.width && cy < d.height) canvas[static_cast<std::size_t>(cy) * d.width + cx] = v;
      }
    d.index.push_back(canvas);
    for (int v : canvas) d.uncovered += v < 0;
    if (gcb.DisposalMode == DISPOSE_BACKGROUND) {
      for (int y = r.Top; y < std::min(d.height, r.Top + r.Height); ++y)
        for (int x = r.Left; x < std::min(d.width, r.Left + r.Width); ++x) canvas[static_cast<std::size_t>(y) * d.width + x] = -1;
    } else if (gcb.DisposalMode == DISPOSE_PREVIOUS) {
      canvas = before;
    }
  }
  DGifCloseFile(g, &err);
  return d;
}

// Per-channel |decoded - original| over every pixel of frame k.
struct Errors {
  double mean = 0;
  int max = 0;
};
std::array<int, 4> box(const Decoded::Frame& f) { return {f.left, f.top, f.width, f.height}; }
using Box = std::array<int, 4>;

Errors errors(const Decoded& d, std::size_t k, const RgbaFrame& f) {
  Errors e;
  for (int y = 0; y < f.height; ++y)
    for (int x = 0; x < f.width; ++x) {
      const Rgb a = d.rgb(k, x, y), b = at(f, x, y);
      for (int c = 0; c < 3; ++c) {
        const int diff = std::abs(a[c] - b[c]);
        e.mean += diff;
        e.max = std::max(e.max, diff);
      }
    }
  e.mean /= 3.0 * f.width * f.height;
  return e;
}
// Banding: the worst error of the 8-column mean (over all rows) of the decoded gradient,
// skipping `margin` columns at each end. Dithering keeps local means right even when
// single pixels are off; flat bands do not. (Near the ends of a gradient, few palette
// colours lie beyond the input, and no dithering can reach outside the palette's hull.)
double worst_band_error(const Decoded& d, const RgbaFrame& f, int margin = 0) {
  double worst = 0;
  for (int x0 = margin; x0 + 8 <= f.width - margin; x0 += 8)
    for (int c = 0; c < 3; ++c) {
      double sum = 0;
      for (int y = 0; y < f.height; ++y)
        for (int x = x0; x < x0 + 8; ++x) sum += d.rgb(0, x, y)[c] - at(f, x, y)[c];
      worst = std::max(worst, std::abs(sum / (8.0 * f.height)));
    }
  return worst;
}

// An animation with more colours than the palette: gradient background, a moving disc,
// a bar that grows.
std::vector<RgbaFrame> busy_animation(int frames) {
  std::vector<RgbaFrame> out;
  for (int k = 0; k < frames; ++k) {
    RgbaFrame f = gradient(120, 80);
    for (int y = 0; y < 80; ++y)
      for (int x = 0; x < 120; ++x)
        if ((x - 20 - 9 * k) * (x - 20 - 9 * k) + (y - 40) * (y - 40) < 100) put(f, x, y, {250, 30, 200});
    rect(f, 5, 70, 10 + 12 * k, 5, {20, 20, 240});
    out.push_back(std::move(f));
  }
  return out;
}

std::string read(const fs::path& p) { return rssviz::io::read_file(p); }

}  // namespace

TEST(GifWriter, WritesScreenPaletteLoopAndDelays) {
  TempDir t("structure");
  std::vector<RgbaFrame> frames = {solid(40, 30, {255, 255, 255}), solid(40, 30, {255, 0, 0}),
                                   solid(40, 30, {0, 0, 255}), solid(40, 30, {0, 0, 255})};
  frames[1].delay_ms = 120;
  frames[2].delay_ms = 4;  // rounds to 0 cs, which viewers would skip: at least 1
  GifOptions o;
  o.fps = 3;  // 100/3 = 33.3 cs
  o.loops = 3;
  for (bool optimise : {true, false}) {
    o.optimise = optimise;
    const auto report = write_gif(t / "a.gif", frames, o);
    const Decoded d = decode(t / "a.gif");
    EXPECT_EQ(read(t / "a.gif").substr(0, 6), "GIF89a");  // GCE and loop extension need 89a
    EXPECT_EQ(d.width, 40);
    EXPECT_EQ(d.height, 30);
    ASSERT_EQ(d.frames.size(), 4u);
    EXPECT_EQ(d.frames[0].delay_cs, 33);
    EXPECT_EQ(d.frames[1].delay_cs, 12);
    EXPECT_EQ(d.frames[2].delay_cs, 1);
    EXPECT_EQ(d.frames[3].delay_cs, 33);
    EXPECT_EQ(d.loop_count, 3);
    EXPECT_FALSE(d.palette.empty());
    EXPECT_LE(d.palette.size(), 256u);
    EXPECT_FALSE(d.local_maps);
    EXPECT_EQ(d.bad_indices, 0);
    EXPECT_EQ(d.uncovered, 0);
    EXPECT_EQ(report.frames, 4);
    EXPECT_EQ(report.bytes, fs::file_size(t / "a.gif"));
    EXPECT_EQ(report.palette_size, optimise ? 4 : 3);  // white, red, blue (+ transparent)
    EXPECT_GE(report.quantise_seconds, 0.0);
    EXPECT_GE(report.write_seconds, 0.0);
  }
  o.loops = 0;
  o.fps = 100;
  frames[1].delay_ms = 655350;
  write_gif(t / "b.gif", frames, o);
  const Decoded d = decode(t / "b.gif");
  EXPECT_EQ(d.loop_count, 0);  // forever
  EXPECT_EQ(d.frames[0].delay_cs, 1);
  EXPECT_EQ(d.frames[1].delay_cs, 65535);
}

TEST(GifWriter, FlatColoursComeBackExactly) {
  TempDir t("flat");
  const std::vector<Rgb> colours = {{255, 255, 255}, {0, 0, 0}, {200, 30, 30}, {30, 160, 60}, {40, 80, 220}, {128, 128, 128}};
  RgbaFrame f = solid(60, 40, colours[0]);
  for (std::size_t i = 1; i < colours.size(); ++i) rect(f, static_cast<int>(i) * 10 - 5, 5, 8, 30, colours[i]);
  for (bool optimise : {true, false}) {
    GifOptions o;
    o.optimise = optimise;
    write_gif(t / "flat.gif", {f, f}, o);
    const Decoded d = decode(t / "flat.gif");
    for (std::size_t k = 0; k < 2; ++k) {
      const Errors e = errors(d, k, f);
      EXPECT_LE(e.max, 1) << "frame " << k << " optimise " << optimise;
    }
  }
}

TEST(GifWriter, GradientHasSmallErrorAndNoBanding) {
  TempDir t("gradient");
  const RgbaFrame f = gradient(768, 16);
  std::set<Rgb> distinct;
  for (int x = 0; x < f.width; ++x) distinct.insert(at(f, x, 0));
  ASSERT_GT(distinct.size(), 256u);  // or the palette could hold them all and this tests nothing

  GifOptions o;
  write_gif(t / "g.gif", {f}, o);
  const Decoded d = decode(t / "g.gif");
  EXPECT_LE(d.palette.size(), 256u);
  const Errors e = errors(d, 0, f);
  EXPECT_LT(e.mean, 3.0);
  EXPECT_LE(e.max, 16);
  EXPECT_LT(worst_band_error(d, f), 2.0);

  // With few colours, dithering is what keeps local averages right: without it the
  // gradient falls into visible bands.
  o.max_colours = 9;
  write_gif(t / "dithered.gif", {f}, o);
  o.dithering = 0;
  write_gif(t / "banded.gif", {f}, o);
  const double dithered = worst_band_error(decode(t / "dithered.gif"), f, 48);
  const double banded = worst_band_error(decode(t / "banded.gif"), f, 48);
  EXPECT_LT(dithered, 0.6 * banded) << "dithered " << dithered << ", banded " << banded;
  EXPECT_LE(decode(t / "banded.gif").palette.size(), 16u);
}

TEST(GifWriter, OptimisedAndPlainCompositeToTheSamePixels) {
  TempDir t("same");
  const auto frames = busy_animation(6);
  for (double dithering : {1.0, 0.0}) {
    GifOptions opt;
    opt.dithering = dithering;
    GifOptions plain = opt;
    plain.optimise = false;
    plain.max_colours = opt.max_colours - 1;  // the same K colours as the optimised file
    const auto ro = write_gif(t / "opt.gif", frames, opt);
    const auto rp = write_gif(t / "plain.gif", frames, plain);
    const Decoded a = decode(t / "opt.gif"), b = decode(t / "plain.gif");
    ASSERT_EQ(a.frames.size(), frames.size());
    ASSERT_EQ(b.frames.size(), frames.size());
    EXPECT_EQ(a.uncovered, 0);
    for (std::size_t k = 0; k < frames.size(); ++k) {
      int differing = 0;
      for (int y = 0; y < a.height; ++y)
        for (int x = 0; x < a.width; ++x) differing += a.rgb(k, x, y) != b.rgb(k, x, y);
      EXPECT_EQ(differing, 0) << "frame " << k << " dithering " << dithering;
      EXPECT_LT(errors(a, k, frames[k]).mean, 4.0) << "frame " << k;
    }
    // The differencing did something: later frames are partial and use transparency.
    for (std::size_t k = 1; k < frames.size(); ++k) {
      EXPECT_LT(a.frames[k].width * a.frames[k].height, a.width * a.height) << "frame " << k;
      EXPECT_EQ(a.frames[k].transparent, ro.palette_size - 1);
      EXPECT_EQ(a.frames[k].disposal, DISPOSE_DO_NOT);
      EXPECT_EQ(b.frames[k].transparent, NO_TRANSPARENT_COLOR);
    }
    EXPECT_LT(ro.bytes, rp.bytes);
  }
}

TEST(GifWriter, ChangedRectangleIsTheBoundingBoxOfTheChange) {
  TempDir t("rect");
  RgbaFrame a = solid(100, 60, {255, 255, 255});
  RgbaFrame b = a;
  rect(a, 10, 10, 8, 6, {0, 0, 0});
  rect(b, 30, 20, 8, 6, {0, 0, 0});
  GifOptions o;
  o.dithering = 0;
  write_gif(t / "r.gif", {a, b, b, a}, o);
  const Decoded d = decode(t / "r.gif");
  ASSERT_EQ(d.frames.size(), 4u);
  EXPECT_EQ(box(d.frames[0]), (Box{0, 0, 100, 60}));
  EXPECT_EQ(d.frames[0].transparent, NO_TRANSPARENT_COLOR);
  // the union of the old square (10,10)-(17,15) and the new one (30,20)-(37,25)
  EXPECT_EQ(box(d.frames[1]), (Box{10, 10, 28, 16}));
  EXPECT_EQ(box(d.frames[2]), (Box{0, 0, 1, 1}));  // nothing changed: one transparent pixel carries the delay
  EXPECT_EQ(box(d.frames[3]), (Box{10, 10, 28, 16}));
  for (std::size_t k = 1; k < 4; ++k) EXPECT_NE(d.frames[k].transparent, NO_TRANSPARENT_COLOR);
  const std::vector<const RgbaFrame*> want = {&a, &b, &b, &a};
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(errors(d, k, *want[k]).max, 0) << "frame " << k;
}

TEST(GifWriter, OneColourHasOneIndexInEveryFrame) {
  // Each frame has a colour scheme of its own plus colours shared with the others; a
  // palette per frame would give shared colours different indices.
  TempDir t("stable");
  std::vector<RgbaFrame> frames;
  for (int k = 0; k < 5; ++k) {
    RgbaFrame f = solid(64, 32, {255, 255, 255});
    for (int i = 0; i < 8; ++i) rect(f, 8 * i, 0, 8, 16, {30 * i, 40 + 20 * k, 250 - 25 * i});  // per frame
    rect(f, 8 * k, 20, 8, 8, {200, 30, 30});                                                    // shared, moves
    rect(f, 50, 20, 10, 10, {20, 20, 20});                                                      // shared, still
    frames.push_back(std::move(f));
  }
  write_gif(t / "s.gif", frames, {});
  const Decoded d = decode(t / "s.gif");
  std::map<Rgb, std::set<int>> indices;
  for (std::size_t k = 0; k < frames.size(); ++k)
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 64; ++x) indices[at(frames[k], x, y)].insert(d.index[k][static_cast<std::size_t>(y) * 64 + x]);
  EXPECT_EQ(indices.size(), 5u * 8 + 3);
  for (const auto& [colour, ix] : indices) {
    EXPECT_EQ(ix.size(), 1u) << colour[0] << "," << colour[1] << "," << colour[2];
    for (int i : ix) {
      ASSERT_GE(i, 0);
      for (int c = 0; c < 3; ++c) EXPECT_NEAR(d.palette[static_cast<std::size_t>(i)][c], colour[c], 1);
    }
  }
}

TEST(GifWriter, NonOpaquePixelsAreBlendedOntoTheMatte) {
  TempDir t("matte");
  RgbaFrame f = solid(4, 4, {0, 0, 0});
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) put(f, x, y, {255, 0, 0}, x < 2 ? 0 : 128);
  GifOptions o;
  o.matte = {0, 0, 255};
  write_gif(t / "m.gif", {f}, o);
  const Decoded d = decode(t / "m.gif");
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(d.rgb(0, 0, 0)[c], (Rgb{0, 0, 255})[c], 1);
    EXPECT_NEAR(d.rgb(0, 3, 3)[c], (Rgb{128, 0, 127})[c], 1);
  }
}

TEST(GifWriter, CancellationWritesNothing) {
  TempDir t("cancel");
  const auto frames = busy_animation(4);
  StopFlag stop;
  stop.request();
  EXPECT_THROW(write_gif(t / "new.gif", frames, {}, &stop), Cancelled);
  EXPECT_FALSE(fs::exists(t / "new.gif"));

  rssviz::io::write_file_atomic(t / "old.gif", "previous content");
  for (long long at_step : {0LL, 3LL, 5LL, 9LL}) {  // before, during histogram, during frames, before the write
    long long calls = 0;
    auto progress = [&](long long done, long long total) {
      EXPECT_EQ(total, 9);
      EXPECT_EQ(done, calls);  // one step per call, none skipped
      return calls++ < at_step;
    };
    EXPECT_THROW(write_gif(t / "old.gif", frames, {}, nullptr, progress), Cancelled) << at_step;
    EXPECT_EQ(read(t / "old.gif"), "previous content");
  }
  EXPECT_EQ(t.entries(), 1u);  // no temporary left behind

  std::vector<long long> seen;
  write_gif(t / "old.gif", frames, {}, nullptr, [&](long long done, long long total) {
    EXPECT_EQ(total, 9);
    seen.push_back(done);
    return true;
  });
  ASSERT_FALSE(seen.empty());
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i], seen[i - 1]);
  EXPECT_EQ(seen.back(), 9);
  EXPECT_EQ(decode(t / "old.gif").frames.size(), 4u);
}

TEST(GifWriter, RejectsBadFramesAndOptionsNamingTheField) {
  TempDir t("invalid");
  const std::vector<RgbaFrame> good = {solid(8, 6, {1, 2, 3}), solid(8, 6, {4, 5, 6})};
  auto expect_invalid = [&](const std::function<void(std::vector<RgbaFrame>&, GifOptions&)>& spoil,
                            const std::string& field) {
    auto frames = good;
    GifOptions o;
    spoil(frames, o);
    try {
      write_gif(t / "x.gif", frames, o);
      ADD_FAILURE() << "no error for " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("allowed"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(t / "x.gif")) << field;
  };
  using F = std::vector<RgbaFrame>;
  using O = GifOptions;
  expect_invalid([](F& f, O&) { f.clear(); }, "frames is empty");
  expect_invalid([](F& f, O&) { f[1].width = 0; }, "frames[1].width");
  expect_invalid([](F& f, O&) { f[0].height = -3; }, "frames[0].height");
  expect_invalid([](F& f, O&) { f[0].width = 70000; }, "frames[0].width");
  expect_invalid([](F& f, O&) { f[1] = solid(6, 8, {0, 0, 0}); }, "frames[1].size");
  expect_invalid([](F& f, O&) { f[1].rgba.pop_back(); }, "frames[1].rgba");
  expect_invalid([](F& f, O&) { f[0].delay_ms = -1; }, "frames[0].delay_ms");
  expect_invalid([](F& f, O&) { f[0].delay_ms = 655351; }, "frames[0].delay_ms");
  expect_invalid([](F& f, O&) { f = {RgbaFrame{65535, 65535, {}, 0}}; }, "frames[0].rgba");  // before any allocation
  expect_invalid([](F&, O& o) { o.fps = 0; }, "fps");
  expect_invalid([](F&, O& o) { o.fps = -2; }, "fps");
  expect_invalid([](F&, O& o) { o.fps = 100.5; }, "fps");
  expect_invalid([](F&, O& o) { o.fps = std::nan(""); }, "fps");
  expect_invalid([](F&, O& o) { o.fps = 1e-4; }, "fps");  // longer than 655.35 s per frame
  expect_invalid([](F&, O& o) { o.dithering = -0.1; }, "dithering");
  expect_invalid([](F&, O& o) { o.dithering = 1.5; }, "dithering");
  expect_invalid([](F&, O& o) { o.dithering = std::nan(""); }, "dithering");
  expect_invalid([](F&, O& o) { o.max_colours = 257; }, "max_colours");
  expect_invalid([](F&, O& o) { o.max_colours = 2; }, "max_colours");  // with optimise
  expect_invalid([](F&, O& o) { o.max_colours = 1, o.optimise = false; }, "max_colours");
  expect_invalid([](F&, O& o) { o.loops = -1; }, "loops");
  expect_invalid([](F&, O& o) { o.loops = 65536; }, "loops");
  expect_invalid([](F&, O& o) { o.quality_min = -1; }, "quality_min");
  expect_invalid([](F&, O& o) { o.quality_min = 101, o.quality_max = 101; }, "quality_min");
  expect_invalid([](F&, O& o) { o.quality_min = 50, o.quality_max = 40; }, "quality_max");
  expect_invalid([](F&, O& o) { o.quality_max = 101; }, "quality_max");

  // The limits themselves are accepted.
  GifOptions edge;
  edge.max_colours = 2;
  edge.optimise = false;
  edge.loops = 65535;
  edge.fps = 100;
  edge.dithering = 0;
  EXPECT_NO_THROW(write_gif(t / "edge.gif", good, edge));
  edge.optimise = true;
  edge.max_colours = 3;
  EXPECT_NO_THROW(write_gif(t / "edge.gif", good, edge));
}

TEST(GifWriter, UnreachableQualityIsARuntimeErrorNamingThePath) {
  TempDir t("quality");
  GifOptions o;
  o.max_colours = 3;
  o.quality_min = 99;
  try {
    write_gif(t / "q.gif", {gradient(256, 4)}, o);
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((t / "q.gif").string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("quality_min"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(t / "q.gif"));
}

TEST(GifWriter, BadOutputPathsAreNamedAndExistingFilesKept) {
  TempDir t("paths");
  const std::vector<RgbaFrame> frames = {solid(8, 8, {9, 9, 9})};
  auto expect_error = [&](const fs::path& p, const std::string& fragment) {
    try {
      write_gif(p, frames);
      ADD_FAILURE() << "no error for " << p;
    } catch (const std::invalid_argument& e) {
      ADD_FAILURE() << "invalid_argument for a path: " << e.what();
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expect_error(t / "missing" / "folder" / "a.gif", "does not exist");
  expect_error(t.dir, "directory");
  EXPECT_TRUE(fs::is_directory(t.dir));
  if (fs::is_character_file("/dev/full")) {
    expect_error("/dev/full", "not a regular file");
    EXPECT_TRUE(fs::is_character_file("/dev/full"));  // not renamed over, even as root
  }
  EXPECT_EQ(t.entries(), 0u);
}

TEST(GifWriter, DiskFullLeavesTheOldFileAndNoTemporary) {
  // RLIMIT_FSIZE makes write() fail with EFBIG past the limit, as a full disk would
  // with ENOSPC, without needing a full filesystem.
  TempDir t("full");
  const fs::path p = t / "anim.gif";
  rssviz::io::write_file_atomic(p, "previous content");
  const auto frames = busy_animation(4);
  // The OpenMP runtime sets itself up on its first call (clang's libomp, in the asan
  // presets, then sizes a small shared-memory file, which the limit below would refuse
  // and libomp would crash on): make that happen before the limit.
  (void)rssviz::resolve_threads(0);
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto* previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 1000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string message;
  try {
    write_gif(p, frames);
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, previous_handler);
  EXPECT_NE(message.find(p.string()), std::string::npos) << message;
  EXPECT_NE(message.find("write failed"), std::string::npos) << message;
  EXPECT_EQ(read(p), "previous content");
  EXPECT_EQ(t.entries(), 1u);
  // and the same call succeeds once there is room
  EXPECT_GT(write_gif(p, frames).bytes, 1000u);
}

TEST(GifWriter, AnyThreadCountWritesTheSameFile) {
  TempDir t("threads");
  const auto frames = busy_animation(7);  // odd: the last batch is short
  GifOptions o;
  o.threads = 1;
  const auto serial = write_gif(t / "1.gif", frames, o);
  EXPECT_EQ(serial.remap_threads, 1);
  const std::string expected = read(t / "1.gif");
  for (int threads : {2, 3, 16}) {
    o.threads = threads;
    const auto r = write_gif(t / "n.gif", frames, o);
    EXPECT_EQ(r.remap_threads, std::min(threads, 7)) << threads;  // the palettes agreed: frames remapped in parallel
    EXPECT_EQ(read(t / "n.gif"), expected) << threads << " threads";
  }
  o.optimise = false;  // the plain path too, at the default thread count
  o.threads = 1;
  write_gif(t / "p1.gif", frames, o);
  o.threads = 0;
  write_gif(t / "p0.gif", frames, o);
  EXPECT_EQ(read(t / "p0.gif"), read(t / "p1.gif"));
  for (int bad : {-1, 257}) {
    o.threads = bad;
    try {
      write_gif(t / "bad.gif", frames, o);
      ADD_FAILURE() << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("threads is " + std::to_string(bad)), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(t / "bad.gif"));
}

}  // namespace rssviz_test_gif_writer
