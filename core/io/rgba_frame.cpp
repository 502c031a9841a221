#include "core/io/rgba_frame.hpp"

#include <stdexcept>
#include <string>

namespace rssviz::io {

void validate_frames(const std::vector<RgbaFrame>& frames, int max_side, int max_delay_ms, const char* who) {
  auto bad = [&](const std::string& what) { throw std::invalid_argument(std::string(who) + ": " + what); };
  const std::string side = "; allowed 1.." + std::to_string(max_side);
  if (frames.empty()) bad("frames is empty; allowed at least 1 frame");
  const int w = frames[0].width, h = frames[0].height;
  for (std::size_t k = 0; k < frames.size(); ++k) {
    const RgbaFrame& f = frames[k];
    const std::string name = "frames[" + std::to_string(k) + "].";
    if (f.width < 1 || f.width > max_side) bad(name + "width is " + std::to_string(f.width) + side);
    if (f.height < 1 || f.height > max_side) bad(name + "height is " + std::to_string(f.height) + side);
    if (f.width != w || f.height != h)
      bad(name + "size is " + std::to_string(f.width) + "x" + std::to_string(f.height) + "; allowed only frames[0]'s " +
          std::to_string(w) + "x" + std::to_string(h));
    // Both sides are at most max_side (an int), so this product cannot overflow 64 bits.
    const std::uint64_t bytes = static_cast<std::uint64_t>(f.width) * static_cast<std::uint64_t>(f.height) * 4;
    if (f.rgba.size() != bytes)
      bad(name + "rgba has " + std::to_string(f.rgba.size()) + " bytes; allowed exactly width*height*4 = " +
          std::to_string(bytes));
    if (f.delay_ms < 0 || f.delay_ms > max_delay_ms)
      bad(name + "delay_ms is " + std::to_string(f.delay_ms) + "; allowed 0 (use fps) .. " + std::to_string(max_delay_ms));
  }
  std::uintmax_t total = 0;
  if (__builtin_mul_overflow(static_cast<std::uintmax_t>(w) * static_cast<std::uintmax_t>(h) * 4,
                             static_cast<std::uintmax_t>(frames.size()), &total))
    bad("width*height*4*frames overflows; allowed a byte count that fits in std::uintmax_t");
}

}  // namespace rssviz::io
