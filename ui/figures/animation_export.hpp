// Animations to files: the frames of a core animation (core/experiment/animation.hpp)
// drawn by the map figure (figure.hpp) with fixed axes for the whole animation, each
// frame captioned, then written as an animated GIF (one palette for the whole
// animation: core/io/gif_writer), an animated WebP where built with libwebp, and/or a
// numbered PNG sequence. The window's File > Export animation and `rssviz animate`
// share this code. Drawing uses widgets, so it runs on the GUI thread; computing the
// frames and encoding the files do not, and the window runs them as jobs.
#pragma once
#include <QImage>
#include <QString>
#include <functional>
#include <vector>

#include "core/common/progress.hpp"
#include "core/experiment/animation.hpp"
#include "ui/figures/figure.hpp"
#include "ui/map_colouring.hpp"

namespace rssviz::ui::figures {

struct AnimationLook {
  FigureOptions figure;     // size (default 800 x 600 for animations), scale, title on/off; caption set per frame
  ColourChoice colour;      // colour mode of every frame
  int selected = -1;        // test sentence whose trajectory is drawn (-1: none)
};

struct AnimationOutput {
  QString gif;              // animated GIF path ("" = none)
  QString webp;             // animated WebP path ("" = none; needs a build with libwebp)
  QString png_dir;          // folder for frame-0001.png, ... ("" = none; created if its parent exists)
  double fps = 4.0;         // frames per second, (0, 100]
  int loops = 0;            // 0 = forever
  double dithering = 1.0;   // GIF palette dithering, 0..1
  int gif_speed = 8;        // GIF palette search speed 1..10 (libimagequant's; 1..7 add per-frame contrast maps, much slower)
};
// Throws std::invalid_argument for a bad value, std::runtime_error for an unwritable path.
void validate(const AnimationOutput& o);
bool webpAvailable();

// Computes every frame of `animation` (heavy; any thread). Frames of untrained
// reservoir sweeps drop their state matrices unless the colour mode needs them, so a
// long sweep holds only layouts and labels.
std::vector<experiment::AnimationFrame> computeFrames(experiment::Animation& animation, const ColourChoice& colour,
                                                      const StopFlag* stop = nullptr, const ProgressFn& progress = {});

// Draws frames with fixed axes (the union of every frame's layout); GUI thread.
class AnimationPainter {
 public:
  AnimationPainter(const AnimationLook& look, const QString& title, const std::vector<experiment::AnimationFrame>& frames);
  // Frame i as an image (the look's size). Throws std::invalid_argument when the colour
  // choice does not fit the session (e.g. an output index out of range).
  QImage render(const experiment::AnimationFrame& frame);

 private:
  AnimationLook look_;
  QString title_;
  Figure figure_;
};

struct AnimationReport {
  int frames = 0;
  qint64 gif_bytes = 0, webp_bytes = 0;
  int palette_size = 0;
  int png_files = 0;
  double quantise_seconds = 0.0, encode_seconds = 0.0;  // GIF: palette + remapping, LZW + file
};
// Writes the outputs (any thread: no widgets). Atomic per file; a cancelled or failed
// write leaves earlier files in place.
AnimationReport writeAnimation(const std::vector<QImage>& frames, const AnimationOutput& out,
                               const StopFlag* stop = nullptr, const ProgressFn& progress = {});

}  // namespace rssviz::ui::figures
