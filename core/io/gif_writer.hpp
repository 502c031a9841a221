// Animated GIF export: RGBA frames in, one .gif out. No Qt; the GUI renders the frames.
//
// Pipeline of write_gif:
//   1. Validate every frame and option before any work (std::invalid_argument naming the
//      field and its allowed range), then the output path (std::runtime_error naming it).
//   2. One global palette. Every frame goes into a single libimagequant histogram
//      (liq_histogram_add_image), which is quantised once (liq_histogram_quantize) to
//          K = max_colours - 1  colours when optimise is on (one index is reserved, see 4),
//          K = max_colours      otherwise.
//      Palettes made per frame would give one colour different entries in consecutive
//      frames, which shows as flicker; libimagequant also keeps a histogram's palette
//      fixed while remapping (no per-image k-means step), so the indices of every frame
//      refer to the same colours, which write_gif checks.
//   3. Each frame is remapped to that palette (liq_write_remapped_image): Floyd-Steinberg
//      error diffusion of strength `dithering`. Pixels whose colour is in the palette
//      carry no error, so flat backgrounds stay flat and equal between frames. At speed
//      <= 7 libimagequant also computes contrast and dither maps per frame to limit the
//      diffusion near edges; on figures (flat fills, thin lines, text) it makes no visible
//      difference and costs 3-8x the remapping time, hence the default speed 8. Frames
//      are remapped on `threads` threads, one liq_result each (see write_gif).
//   4. Frame differencing (optimise). With I_k the index image of frame k and T = K the
//      reserved transparent index, frame k > 0 is written as
//          R_k    = bounding box of { p : I_k(p) != I_(k-1)(p) }   (1x1 at the origin if empty)
//          O_k(p) = I_k(p) if I_k(p) != I_(k-1)(p), else T         for p in R_k
//      with disposal "do not dispose" and T as the transparent colour. The canvas after
//      frame k-1 shows I_(k-1) everywhere (induction from the full frame 0), and painting
//      O_k over it leaves exactly I_k: the composited animation is pixel-for-pixel the
//      one written without optimisation (with the same K). Runs of T also compress well.
//   5. giflib encodes into memory: GIF89a header, logical screen W x H, the global colour
//      table (padded with black to a power of two, as GIF requires), the NETSCAPE2.0 loop
//      extension, then per frame a Graphic Control Extension (delay, disposal,
//      transparency), an image descriptor without a local colour table, and LZW data.
//   6. The bytes go to the target with write_file_atomic (temporary file, fsync, rename):
//      a failure or cancellation never leaves a partial file or touches an existing one.
//
// Delays. GIF counts whole centiseconds (1..65535 here, so a frame's delay_ms is at most
// 655350). A frame's delay is
//     d = max(1, round(delay_ms / 10))   if its delay_ms > 0,
//     d = max(1, round(100 / fps))       otherwise.
// Browsers play delays under 2 cs as 10 cs, so above 50 fps a GIF plays slower there.
//
// Alpha. GIF has one on/off transparency, and here the transparent index means
// "unchanged". Frames are therefore made opaque first: a pixel of alpha a < 255 becomes
//     c' = round((a c + (255 - a) m) / 255)   per channel, m = options.matte.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/common/progress.hpp"
#include "core/io/rgba_frame.hpp"

namespace rssviz::io {

struct GifOptions {
  double fps = 4.0;          // frames per second for frames whose delay_ms is 0; in (0, 100], at least 100/65535
  int loops = 0;             // NETSCAPE2.0 repeat count: 0 = loop forever, else 1..65535 repeats (most viewers play loops+1 times)
  double dithering = 1.0;    // error-diffusion strength 0..1: 0 = nearest colour (bands on gradients), 1 = full
  int max_colours = 256;     // colour-table entries 2..256 (3..256 with optimise: one is the transparent index)
  int quality_min = 0;       // 0..100: fail (std::runtime_error) if K colours cannot reach this quality; 0 never fails
  int quality_max = 100;     // quality_min..100: use fewer colours when this quality is reached; 100 = as many as help
  int speed = 8;             // libimagequant's speed 1..10 (see 3.): 8..10 skip the contrast and dither maps, 1..7 compute them for every frame at 3-8x the remapping time
  int threads = 0;           // threads remapping frames: 0 = all cores, 1 = serial; the file is the same for any count
  bool optimise = true;      // write only each frame's changed rectangle, unchanged pixels transparent (smaller files)
  std::array<std::uint8_t, 3> matte{255, 255, 255};  // RGB that non-opaque pixels are blended onto
};

struct GifReport {
  int frames = 0;                 // frames written
  int palette_size = 0;           // colour-table entries in use: K' quantised colours (+1 transparent with optimise)
  int quality = 0;                // libimagequant's 0..100 quality of the palette (100: no visible loss)
  std::uintmax_t bytes = 0;       // size of the written file
  double quantise_seconds = 0.0;  // histogram, palette and remapping of all frames (libimagequant)
  double write_seconds = 0.0;     // differencing, LZW encoding (giflib) and the atomic file write
  int remap_threads = 1;          // threads that remapped frames (options.threads resolved, at most the frame count)
};

// Writes `frames` (at least one, all the same size) as an animated GIF at `path`,
// atomically. `stop` and `progress(done, total)` (false = stop) are checked between
// frames; either throws rssviz::Cancelled and writes nothing. Throws
// std::invalid_argument for bad frames or options, std::runtime_error naming the path
// when it cannot be written (missing folder, a directory, not a regular file, disk full).
GifReport write_gif(const std::filesystem::path& path, const std::vector<RgbaFrame>& frames,
                    const GifOptions& options = {}, const StopFlag* stop = nullptr, const ProgressFn& progress = {});

}  // namespace rssviz::io
