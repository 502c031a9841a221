#include "core/io/webp_writer.hpp"

#include <chrono>
#include <climits>
#include <cmath>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/io/atomic_file.hpp"

#ifdef RSSVIZ_HAVE_WEBP
#include <webp/encode.h>
#include <webp/mux.h>
#endif

namespace rssviz::io {

namespace {

constexpr int kWebpMaxSide = 16383;           // WEBP_MAX_DIMENSION
constexpr int kWebpMaxDelayMs = 0xFFFFFF;     // ANMF stores a frame's duration in 24 bits

[[noreturn]] void bad_webp(const std::string& what) { throw std::invalid_argument("write_webp: " + what); }

template <class T>
std::string webp_str(T v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

void validate_options(const WebpOptions& o) {
  // NaN fails every comparison, so each range is written as "not inside".
  if (!(o.fps > 0.0 && o.fps <= 1000.0)) bad_webp("fps is " + webp_str(o.fps) + "; allowed (0, 1000] frames per second");
  if (1000.0 / o.fps >= kWebpMaxDelayMs + 0.5)
    bad_webp("fps is " + webp_str(o.fps) + "; allowed at least 1000/16777215 (WebP's longest frame is 16777.215 s)");
  if (o.loops < 0 || o.loops > 65535) bad_webp("loops is " + webp_str(o.loops) + "; allowed 0 (forever) .. 65535");
  if (!(o.quality >= 0.0 && o.quality <= 100.0)) bad_webp("quality is " + webp_str(o.quality) + "; allowed 0..100");
  if (o.method < 0 || o.method > 6) bad_webp("method is " + webp_str(o.method) + "; allowed 0..6");
}

int duration_ms(const RgbaFrame& f, double fps) {
  return f.delay_ms > 0 ? f.delay_ms : static_cast<int>(std::max(1L, std::lround(1000.0 / fps)));
}

}  // namespace

#ifdef RSSVIZ_HAVE_WEBP

namespace {

struct EncoderDeleter {
  void operator()(WebPAnimEncoder* e) const { WebPAnimEncoderDelete(e); }
};

struct Picture {
  WebPPicture pic;
  Picture() { WebPPictureInit(&pic); }
  ~Picture() { WebPPictureFree(&pic); }
  Picture(const Picture&) = delete;
  Picture& operator=(const Picture&) = delete;
};

struct Data {
  WebPData data;
  Data() { WebPDataInit(&data); }
  ~Data() { WebPDataClear(&data); }
  Data(const Data&) = delete;
  Data& operator=(const Data&) = delete;
};

}  // namespace

bool webp_available() noexcept { return true; }

WebpReport write_webp(const std::filesystem::path& path, const std::vector<RgbaFrame>& frames, const WebpOptions& o,
                      const StopFlag* stop, const ProgressFn& progress) {
  using clock = std::chrono::steady_clock;
  auto since = [](clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); };
  validate_options(o);
  validate_frames(frames, kWebpMaxSide, kWebpMaxDelayMs, "write_webp");
  long long end_ms = 0;  // timestamps are int milliseconds
  for (const RgbaFrame& f : frames) end_ms += duration_ms(f, o.fps);
  if (end_ms > INT_MAX) bad_webp("the total duration is " + webp_str(end_ms) + " ms; allowed at most " + webp_str(INT_MAX) + " ms");
  atomic_write_target(path);  // fail on a bad path before the expensive part

  auto fail = [&](const std::string& why) -> void { throw std::runtime_error("cannot write " + path.string() + ": " + why); };
  const int n = static_cast<int>(frames.size());
  const int w = frames[0].width, h = frames[0].height;
  const long long total = n + 1LL;  // n frames, then assembling
  long long done = 0;
  auto step = [&] {
    if (stop_requested(stop)) throw Cancelled();
    if (progress && !progress(done, total)) throw Cancelled();
  };

  const auto t0 = clock::now();
  WebPAnimEncoderOptions eo;
  if (!WebPAnimEncoderOptionsInit(&eo)) fail("libwebpmux version mismatch");
  eo.anim_params.loop_count = o.loops;
  eo.anim_params.bgcolor = 0xFFFFFFFF;  // a hint only; viewers show the page behind
  eo.minimize_size = o.minimize_size ? 1 : 0;
  eo.allow_mixed = 0;
  std::unique_ptr<WebPAnimEncoder, EncoderDeleter> enc(WebPAnimEncoderNew(w, h, &eo));
  if (!enc) fail("WebPAnimEncoderNew failed (out of memory?)");

  WebPConfig config;
  if (!WebPConfigInit(&config)) fail("libwebp version mismatch");
  config.lossless = o.lossless ? 1 : 0;
  config.quality = static_cast<float>(o.quality);
  config.method = o.method;
  if (!WebPValidateConfig(&config)) fail("libwebp rejected the encoder settings");

  int timestamp = 0;
  for (const RgbaFrame& f : frames) {
    step();
    Picture p;
    p.pic.use_argb = 1;  // the animation encoder works in ARGB; YUV input would lose detail
    p.pic.width = w, p.pic.height = h;
    if (!WebPPictureImportRGBA(&p.pic, f.rgba.data(), w * 4)) fail("WebPPictureImportRGBA failed (out of memory?)");
    if (!WebPAnimEncoderAdd(enc.get(), &p.pic, timestamp, &config))
      fail(std::string("WebPAnimEncoderAdd failed: ") + WebPAnimEncoderGetError(enc.get()));
    timestamp += duration_ms(f, o.fps);
    ++done;
  }
  step();
  if (!WebPAnimEncoderAdd(enc.get(), nullptr, timestamp, nullptr))
    fail(std::string("WebPAnimEncoderAdd failed: ") + WebPAnimEncoderGetError(enc.get()));
  Data out;
  if (!WebPAnimEncoderAssemble(enc.get(), &out.data))
    fail(std::string("WebPAnimEncoderAssemble failed: ") + WebPAnimEncoderGetError(enc.get()));
  ++done;
  WebpReport report;
  report.frames = n;
  report.encode_seconds = since(t0);
  step();  // done == total: the last chance to cancel before the file changes

  const auto t1 = clock::now();
  write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(out.data.bytes), out.data.size));
  report.bytes = out.data.size;
  report.write_seconds = since(t1);
  return report;
}

#else  // no libwebp in this build

bool webp_available() noexcept { return false; }

WebpReport write_webp(const std::filesystem::path& path, const std::vector<RgbaFrame>& frames, const WebpOptions& o,
                      const StopFlag*, const ProgressFn&) {
  validate_options(o);
  validate_frames(frames, kWebpMaxSide, kWebpMaxDelayMs, "write_webp");
  (void)duration_ms;
  throw std::runtime_error("cannot write " + path.string() + ": this build has no WebP support (libwebp-dev)");
}

#endif

}  // namespace rssviz::io
