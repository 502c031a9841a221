#include "core/io/gif_writer.hpp"

#include <gif_lib.h>
#include <libimagequant.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/common/parallel.hpp"
#include "core/io/atomic_file.hpp"

namespace rssviz::io {

namespace {

constexpr int kMaxSide = 65535;      // GIF stores sizes and offsets as 16-bit
constexpr int kMaxDelayCs = 65535;   // and delays as 16-bit centiseconds
constexpr int kMaxDelayMs = kMaxDelayCs * 10;
// liq_image_create_rgba refuses width * height * 4 > INT_MAX.
constexpr std::uint64_t kMaxPixels = static_cast<std::uint64_t>(INT_MAX) / 4;

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument("write_gif: " + what); }

template <class T>
std::string str(T v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

void validate_options(const GifOptions& o) {
  // NaN fails every comparison, so each range is written as "not inside".
  if (!(o.fps > 0.0 && o.fps <= 100.0))
    bad("fps is " + str(o.fps) + "; allowed (0, 100] frames per second");
  if (100.0 / o.fps >= kMaxDelayCs + 0.5)
    bad("fps is " + str(o.fps) + "; allowed at least 100/65535 (GIF's longest delay is 655.35 s)");
  if (o.loops < 0 || o.loops > 65535) bad("loops is " + str(o.loops) + "; allowed 0 (forever) .. 65535");
  if (!(o.dithering >= 0.0 && o.dithering <= 1.0)) bad("dithering is " + str(o.dithering) + "; allowed 0..1");
  const int min_colours = o.optimise ? 3 : 2;
  if (o.max_colours < min_colours || o.max_colours > 256)
    bad("max_colours is " + str(o.max_colours) + "; allowed " + str(min_colours) + "..256" +
        (o.optimise ? " with optimise (one entry is the transparent index)" : ""));
  if (o.quality_min < 0 || o.quality_min > 100) bad("quality_min is " + str(o.quality_min) + "; allowed 0..100");
  if (o.speed < 1 || o.speed > 10) bad("speed is " + str(o.speed) + "; allowed 1..10");
  if (o.threads < 0 || o.threads > 256) bad("threads is " + str(o.threads) + "; allowed 0 (all cores) .. 256");
  if (o.quality_max < o.quality_min || o.quality_max > 100)
    bad("quality_max is " + str(o.quality_max) + "; allowed quality_min (" + str(o.quality_min) + ") .. 100");
}

void validate_gif_frames(const std::vector<RgbaFrame>& frames) {
  validate_frames(frames, kMaxSide, kMaxDelayMs, "write_gif");
  const std::uint64_t pixels = static_cast<std::uint64_t>(frames[0].width) * static_cast<std::uint64_t>(frames[0].height);
  if (pixels > kMaxPixels)
    bad("width*height is " + str(pixels) + "; allowed at most " + str(kMaxPixels) + " pixels (libimagequant)");
}

int delay_cs(const RgbaFrame& f, double fps) {
  const long d = f.delay_ms > 0 ? std::lround(f.delay_ms / 10.0) : std::lround(100.0 / fps);
  return static_cast<int>(std::clamp<long>(d, 1, kMaxDelayCs));
}

// --- libimagequant ---------------------------------------------------------------------

struct LiqDeleter {
  void operator()(liq_attr* p) const { liq_attr_destroy(p); }
  void operator()(liq_histogram* p) const { liq_histogram_destroy(p); }
  void operator()(liq_image* p) const { liq_image_destroy(p); }
  void operator()(liq_result* p) const { liq_result_destroy(p); }
};
template <class T>
using LiqPtr = std::unique_ptr<T, LiqDeleter>;

std::string liq_message(liq_error e) {
  switch (e) {
    case LIQ_QUALITY_TOO_LOW: return "quality too low";
    case LIQ_VALUE_OUT_OF_RANGE: return "value out of range";
    case LIQ_OUT_OF_MEMORY: return "out of memory";
    case LIQ_ABORTED: return "aborted";
    case LIQ_BITMAP_NOT_AVAILABLE: return "bitmap not available";
    case LIQ_BUFFER_TOO_SMALL: return "buffer too small";
    case LIQ_INVALID_POINTER: return "invalid pointer";
    case LIQ_UNSUPPORTED: return "unsupported";
    default: return "error " + str(static_cast<int>(e));
  }
}

// The frame's pixels as opaque RGBA: the frame itself when it is opaque (the usual case,
// no copy), else a blend onto the matte written into `scratch`.
const std::uint8_t* opaque_pixels(const RgbaFrame& f, const std::array<std::uint8_t, 3>& matte,
                                  std::vector<std::uint8_t>& scratch) {
  const std::size_t n = f.rgba.size();
  bool opaque = true;
  for (std::size_t i = 3; i < n && opaque; i += 4) opaque = f.rgba[i] == 255;
  if (opaque) return f.rgba.data();
  scratch.resize(n);
  for (std::size_t i = 0; i < n; i += 4) {
    const unsigned a = f.rgba[i + 3];
    for (int c = 0; c < 3; ++c) scratch[i + c] = static_cast<std::uint8_t>((a * f.rgba[i + c] + (255 - a) * matte[c] + 127) / 255);
    scratch[i + 3] = 255;
  }
  return scratch.data();
}

// Stages 2 and 3 of the header: one histogram over all frames, one palette, every
// frame remapped to it.
class Quantiser {
 public:
  Quantiser(const std::filesystem::path& path, const GifOptions& o, int w, int h)
      : path_(path), o_(o), w_(w), h_(h), colours_(o.optimise ? o.max_colours - 1 : o.max_colours) {
    attr_.reset(liq_attr_create());
    if (!attr_) fail("liq_attr_create", LIQ_OUT_OF_MEMORY);
    if (auto e = liq_set_max_colors(attr_.get(), colours_)) fail("liq_set_max_colors", e);
    if (auto e = liq_set_quality(attr_.get(), o.quality_min, o.quality_max)) fail("liq_set_quality", e);
    if (auto e = liq_set_speed(attr_.get(), o.speed)) fail("liq_set_speed", e);
    hist_.reset(liq_histogram_create(attr_.get()));
    if (!hist_) fail("liq_histogram_create", LIQ_OUT_OF_MEMORY);
  }

  void add(const RgbaFrame& f) {
    auto img = image(f);
    if (auto e = liq_histogram_add_image(hist_.get(), attr_.get(), img.get())) fail("liq_histogram_add_image", e);
  }

  // Once, after every add().
  void quantise() {
    liq_result* raw = nullptr;
    if (auto e = liq_histogram_quantize(hist_.get(), attr_.get(), &raw)) {
      if (e == LIQ_QUALITY_TOO_LOW)
        throw std::runtime_error("cannot write " + path_.string() + ": " + str(colours_) +
                                 " colours do not reach quality_min " + str(o_.quality_min));
      fail("liq_histogram_quantize", e);
    }
    result_.reset(raw);
    hist_.reset();
    if (auto e = liq_set_dithering_level(result_.get(), static_cast<float>(o_.dithering)))
      fail("liq_set_dithering_level", e);
    palette_ = *liq_get_palette(result_.get());
  }

  int quality() const { return liq_get_quantization_quality(result_.get()); }
  const liq_palette& palette() const { return palette_; }

  void remap(const RgbaFrame& f, std::vector<std::uint8_t>& indices) {
    auto img = image(f);
    if (auto e = liq_write_remapped_image(result_.get(), img.get(), indices.data(), indices.size()))
      fail("liq_write_remapped_image", e);
    // Guards the "one stable palette" promise against a libimagequant that would tune
    // the palette per image: the colour table was written once, before any frame.
    if (!same_palette(*liq_get_palette(result_.get()), palette_))
      throw std::runtime_error("cannot write " + path_.string() + ": libimagequant changed the palette while remapping");
  }

  static bool same_palette(const liq_palette& a, const liq_palette& b) {
    if (a.count != b.count) return false;
    for (unsigned i = 0; i < a.count; ++i)
      if (std::memcmp(&a.entries[i], &b.entries[i], sizeof(liq_color)) != 0) return false;
    return true;
  }

 private:

  // liq_image borrows the pixels; they (the frame or scratch_) outlive it.
  LiqPtr<liq_image> image(const RgbaFrame& f) {
    LiqPtr<liq_image> img(liq_image_create_rgba(attr_.get(), opaque_pixels(f, o_.matte, scratch_), w_, h_, 0.0));
    if (!img) fail("liq_image_create_rgba", LIQ_VALUE_OUT_OF_RANGE);
    return img;
  }

  [[noreturn]] void fail(const char* what, liq_error e) const {
    throw std::runtime_error("cannot write " + path_.string() + ": libimagequant " + what + " failed: " + liq_message(e));
  }

  std::filesystem::path path_;
  GifOptions o_;
  int w_, h_, colours_;
  LiqPtr<liq_attr> attr_;
  LiqPtr<liq_histogram> hist_;
  LiqPtr<liq_result> result_;
  liq_palette palette_{};
  std::vector<std::uint8_t> scratch_;
};

// --- giflib ------------------------------------------------------------------------------

struct GifCloser {
  void operator()(GifFileType* g) const {
    int err = 0;
    EGifCloseFile(g, &err);
  }
};

// giflib's output callback: appends to the std::string in UserData. No exception may
// cross into C, so a failed allocation is reported as a short write.
int append_bytes(GifFileType* gif, const GifByteType* data, int len) {
  try {
    static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len));
    return len;
  } catch (...) {
    return 0;
  }
}

// Stage 5 of the header, one call per record, into memory.
class GifEncoder {
 public:
  GifEncoder(const std::filesystem::path& path, int w, int h, const liq_palette& pal, int entries, int loops)
      : path_(path) {
    int err = 0;
    gif_.reset(EGifOpen(&bytes_, append_bytes, &err));
    if (!gif_) fail("EGifOpen", err);
    EGifSetGifVersion(gif_.get(), true);  // GIF89a: needed for the GCE and the loop extension
    int map_size = 2;
    while (map_size < entries) map_size *= 2;
    std::vector<GifColorType> colours(static_cast<std::size_t>(map_size), GifColorType{0, 0, 0});
    for (unsigned i = 0; i < pal.count; ++i) colours[i] = {pal.entries[i].r, pal.entries[i].g, pal.entries[i].b};
    ColorMapObject* map = GifMakeMapObject(map_size, colours.data());
    if (!map) fail("GifMakeMapObject", E_GIF_ERR_NOT_ENOUGH_MEM);
    const int ok = EGifPutScreenDesc(gif_.get(), w, h, 8, 0, map);  // copies the map
    GifFreeMapObject(map);
    if (ok == GIF_ERROR) fail("EGifPutScreenDesc");

    // NETSCAPE2.0 application extension: sub-block id 1, then the 16-bit little-endian
    // repeat count (0 = forever).
    const GifByteType app[11] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
    const GifByteType sub[3] = {1, static_cast<GifByteType>(loops & 0xff), static_cast<GifByteType>((loops >> 8) & 0xff)};
    if (EGifPutExtensionLeader(gif_.get(), APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
        EGifPutExtensionBlock(gif_.get(), sizeof app, app) == GIF_ERROR ||
        EGifPutExtensionBlock(gif_.get(), sizeof sub, sub) == GIF_ERROR ||
        EGifPutExtensionTrailer(gif_.get()) == GIF_ERROR)
      fail("NETSCAPE2.0 extension");
  }

  // Writes a frame: its GCE, then the `rw` x `rh` rectangle at (left, top), whose rows
  // start `stride` bytes apart in `pixels`. giflib masks the pixels in place.
  void frame(int delay, int disposal, int transparent, int left, int top, int rw, int rh, GifPixelType* pixels,
             std::size_t stride) {
    GraphicsControlBlock gcb{};
    gcb.DisposalMode = disposal;
    gcb.UserInputFlag = false;
    gcb.DelayTime = delay;
    gcb.TransparentColor = transparent;
    GifByteType ext[4];
    const auto n = EGifGCBToExtension(&gcb, ext);
    if (EGifPutExtension(gif_.get(), GRAPHICS_EXT_FUNC_CODE, static_cast<int>(n), ext) == GIF_ERROR) fail("GCE");
    if (EGifPutImageDesc(gif_.get(), left, top, rw, rh, false, nullptr) == GIF_ERROR) fail("EGifPutImageDesc");
    for (int y = 0; y < rh; ++y)
      if (EGifPutLine(gif_.get(), pixels + static_cast<std::size_t>(y) * stride, rw) == GIF_ERROR) fail("EGifPutLine");
  }

  std::string finish() {
    int err = 0;
    const int ok = EGifCloseFile(gif_.release(), &err);  // writes the trailer; frees the handle either way
    if (ok == GIF_ERROR) fail("EGifCloseFile", err);
    return std::move(bytes_);
  }

 private:
  [[noreturn]] void fail(const char* where, int err = -1) const {
    if (err < 0 && gif_) err = gif_->Error;
    const char* msg = GifErrorString(err);
    throw std::runtime_error("cannot write " + path_.string() + ": giflib " + where + " failed: " + (msg ? msg : str(err)));
  }

  std::filesystem::path path_;
  std::string bytes_;  // declared before gif_: the closer may still append the trailer
  std::unique_ptr<GifFileType, GifCloser> gif_;
};

// Frame differencing (stage 4 of the header): turns `cur` into O_k inside R_k, in
// place, and returns R_k as {left, top, width, height}. `cur` and `prev` are w*h indices.
std::array<int, 4> difference(std::vector<std::uint8_t>& cur, const std::vector<std::uint8_t>& prev, int w, int h,
                              std::uint8_t transparent) {
  int x0 = w, x1 = -1, y0 = h, y1 = -1;
  const auto W = static_cast<std::size_t>(w);
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* c = cur.data() + static_cast<std::size_t>(y) * W;
    const std::uint8_t* p = prev.data() + static_cast<std::size_t>(y) * W;
    if (std::memcmp(c, p, W) == 0) continue;
    int a = 0, b = w - 1;
    while (c[a] == p[a]) ++a;
    while (c[b] == p[b]) --b;
    x0 = std::min(x0, a), x1 = std::max(x1, b), y0 = std::min(y0, y), y1 = std::max(y1, y);
  }
  if (x1 < 0) {  // identical frames: one transparent pixel still carries the delay
    cur[0] = transparent;
    return {0, 0, 1, 1};
  }
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * W + static_cast<std::size_t>(x);
      if (cur[i] == prev[i]) cur[i] = transparent;
    }
  return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

}  // namespace

GifReport write_gif(const std::filesystem::path& path, const std::vector<RgbaFrame>& frames, const GifOptions& o,
                    const StopFlag* stop, const ProgressFn& progress) {
  using clock = std::chrono::steady_clock;
  auto since = [](clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); };
  validate_options(o);
  validate_gif_frames(frames);
  atomic_write_target(path);  // fail on a bad path before the expensive part

  const int n = static_cast<int>(frames.size());
  const int w = frames[0].width, h = frames[0].height;
  const long long total = 2LL * n + 1;  // n histogram adds, the palette, n frames
  long long done = 0;
  auto step = [&] {
    if (stop_requested(stop)) throw Cancelled();
    if (progress && !progress(done, total)) throw Cancelled();
  };

  // Remapping (Floyd-Steinberg) is serial inside libimagequant, and a liq_result serves
  // one thread at a time: with T threads, each builds its own histogram of every frame
  // and quantises it (deterministic, so the T palettes are equal, which is checked), then
  // the threads remap alternate frames. The histograms run side by side, so the wall
  // time of stage 2 does not grow; stage 3 divides by T. The file is the same for any T.
  const int threads = std::min(resolve_threads(o.threads), n);
  const auto t0 = clock::now();
  std::vector<std::unique_ptr<Quantiser>> quantisers(static_cast<std::size_t>(threads));
  parallel_for_std_threads(threads, threads, [&](int b, int t) {
    auto q = std::make_unique<Quantiser>(path, o, w, h);
    for (const RgbaFrame& f : frames) {
      if (t == 0) step();
      else if (stop_requested(stop)) throw Cancelled();
      q->add(f);
      if (t == 0) ++done;
    }
    if (t == 0) step();
    q->quantise();
    quantisers[static_cast<std::size_t>(b)] = std::move(q);
  }, stop);
  ++done;
  int remap_threads = threads;
  for (int t = 1; t < threads; ++t)
    if (!Quantiser::same_palette(quantisers[static_cast<std::size_t>(t)]->palette(), quantisers[0]->palette()))
      remap_threads = 1;  // never seen; one palette for the whole file matters more than speed
  const liq_palette& palette = quantisers[0]->palette();
  double quantise_seconds = since(t0);

  GifReport report;
  report.frames = n;
  report.quality = quantisers[0]->quality();
  report.palette_size = static_cast<int>(palette.count) + (o.optimise ? 1 : 0);
  report.remap_threads = remap_threads;
  const int transparent = o.optimise ? static_cast<int>(palette.count) : NO_TRANSPARENT_COLOR;
  GifEncoder gif(path, w, h, palette, report.palette_size, o.loops);

  const auto W = static_cast<std::size_t>(w);
  const std::size_t pixels = W * static_cast<std::size_t>(h);
  std::vector<std::vector<std::uint8_t>> batch(static_cast<std::size_t>(remap_threads), std::vector<std::uint8_t>(pixels));
  std::vector<std::uint8_t> prev(pixels), written(pixels);
  for (int k0 = 0; k0 < n; k0 += remap_threads) {
    step();
    const int count = std::min(remap_threads, n - k0);
    const auto r0 = clock::now();
    parallel_for_std_threads(count, remap_threads, [&](int b, int t) {
      quantisers[static_cast<std::size_t>(t)]->remap(frames[static_cast<std::size_t>(k0 + b)], batch[static_cast<std::size_t>(b)]);
    }, stop);
    quantise_seconds += since(r0);
    for (int b = 0; b < count; ++b) {
      if (b > 0) step();  // one progress step per frame, as with one thread
      const int k = k0 + b;
      auto& cur = batch[static_cast<std::size_t>(b)];
      const int delay = delay_cs(frames[static_cast<std::size_t>(k)], o.fps);
      written = cur;  // giflib masks the rows it is given in place; `cur` is the next diff's base
      if (!o.optimise || k == 0) {
        gif.frame(delay, DISPOSE_DO_NOT, NO_TRANSPARENT_COLOR, 0, 0, w, h, written.data(), W);
      } else {
        const auto [x, y, rw, rh] = difference(written, prev, w, h, static_cast<std::uint8_t>(transparent));
        gif.frame(delay, DISPOSE_DO_NOT, transparent, x, y, rw, rh,
                  written.data() + static_cast<std::size_t>(y) * W + static_cast<std::size_t>(x), W);
      }
      std::swap(cur, prev);
      ++done;
    }
  }
  step();  // reports done == total; the last chance to cancel before the file changes
  const std::string bytes = gif.finish();
  write_file_atomic(path, bytes);

  report.bytes = bytes.size();
  report.quantise_seconds = quantise_seconds;
  report.write_seconds = since(t0) - quantise_seconds;
  return report;
}

}  // namespace rssviz::io
