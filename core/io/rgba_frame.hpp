// The frame type that the animation writers (gif_writer, webp_writer) take: 8-bit RGBA
// images the GUI renders, with an optional per-frame duration.
#pragma once
#include <cstdint>
#include <vector>

namespace rssviz::io {

// One image of an animation: 8-bit RGBA, row-major, straight (not premultiplied) alpha.
struct RgbaFrame {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;  // width * height * 4 bytes, R G B A per pixel, top row first
  int delay_ms = 0;                // how long this frame shows; 0 = the writer's 1/fps
};

// Checks what every animation writer needs: at least one frame; every frame 1..max_side
// pixels wide and high, the size of frames[0], with width*height*4 bytes; delay_ms in
// 0..max_delay_ms; the total byte count representable. Throws std::invalid_argument
// that starts with `who` and names the frame, the field and the allowed range.
void validate_frames(const std::vector<RgbaFrame>& frames, int max_side, int max_delay_ms, const char* who);

}  // namespace rssviz::io
