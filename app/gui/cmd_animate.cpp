// rssviz animate: an animation of the map (learning stages or a hyperparameter sweep of
// an untrained reservoir) to GIF / WebP / PNG frames, headless. Parse, build, write.
#include <chrono>
#include <cstdio>
#include <memory>

#include "app/gui/headless.hpp"
#include "core/common/timing.hpp"
#include "ui/figures/animation_export.hpp"

namespace rssviz::gui {

namespace {

struct AnimateArgs {
  app::ModelArgs model;
  FigureArgs figure;
  std::string stages;  // readout | epochs
  std::string sweep;   // NAME=FROM:TO:FRAMES[:log]
  int frames = 20;
  int between = 0;
  int warm_epochs = 50;
  std::string gif, webp, png_frames;
  double fps = 4.0;
  double dither = 1.0;
  int gif_speed = 8;
  int loops = 0;
};

experiment::AnimationOptions animation_options(const AnimateArgs& a) {
  experiment::AnimationOptions o;
  if (a.stages.empty() == a.sweep.empty())
    throw app::UsageError("give exactly one of --stages readout|epochs and --sweep NAME=FROM:TO:FRAMES");
  std::vector<int> include;
  if (a.figure.sentence >= 0) include.push_back(a.figure.sentence);
  if (!a.sweep.empty()) {
    if (a.model.model != "esn") throw app::UsageError("--sweep needs --model esn (it maps an untrained reservoir)");
    o.kind = experiment::AnimationKind::sweep;
    try {
      o.sweep = experiment::parse_sweep(a.sweep);
    } catch (const std::invalid_argument& e) {
      throw app::UsageError(std::string("--sweep: ") + e.what());
    }
    const auto es = app::esn_session_options(a.model);
    o.explore.objects = es.objects;
    o.explore.corpus_file = es.corpus_file;
    o.explore.reservoir = es.reservoir;
    o.explore.map_sentences = a.figure.map_sentences;
    o.explore.umap.warm_start_epochs = a.warm_epochs;
    if (!include.empty()) throw app::UsageError("--sentence is not available with --sweep (the map's sentences are fixed)");
    return o;
  }
  if (a.stages == "readout") {
    if (a.model.model != "esn") throw app::UsageError("--stages readout needs --model esn (use --stages epochs for the LSTM)");
    o.kind = experiment::AnimationKind::esn_readout;
    o.esn = app::esn_session_options(a.model);
    o.esn.map_sentences = a.figure.map_sentences;
    o.esn.include_sentences = include;
    o.readout_frames = a.frames;
  } else {
    if (a.model.model != "lstm") throw app::UsageError("--stages epochs needs --model lstm (use --stages readout for the ESN)");
    o.kind = experiment::AnimationKind::lstm_epochs;
    o.lstm = app::lstm_session_options(a.model);
    o.lstm.map_sentences = a.figure.map_sentences;
    o.lstm.include_sentences = include;
    o.between = a.between;
  }
  return o;
}

void run(AnimateArgs& a, const app::ModelOptionSet& model_options) {
  const auto t0 = std::chrono::steady_clock::now();
  model_options.check();
  const auto ao = animation_options(a);
  ui::figures::AnimationLook look;
  look.figure = figure_options(a.figure);
  look.selected = a.figure.sentence;
  look.colour = ui::parseColourChoice(QString::fromStdString(
      !a.figure.colour_by.empty() ? a.figure.colour_by : ao.kind == experiment::AnimationKind::sweep ? "clause" : "error"));
  if (ao.kind == experiment::AnimationKind::sweep &&
      (look.colour.mode == ui::ColourMode::errorCode || look.colour.mode == ui::ColourMode::outputUnit))
    throw app::UsageError("--colour-by " + a.figure.colour_by + " needs a trained readout; a sweep maps an untrained reservoir");
  ui::figures::AnimationOutput out;
  out.gif = QString::fromStdString(a.gif);
  out.webp = QString::fromStdString(a.webp);
  out.png_dir = QString::fromStdString(a.png_frames);
  out.fps = a.fps;
  out.loops = a.loops;
  out.dithering = a.dither;
  out.gif_speed = a.gif_speed;
  try {
    ui::figures::validate(out);
  } catch (const std::invalid_argument& e) {
    throw app::UsageError(e.what());
  }

  experiment::Animation animation(ao);
  std::fprintf(stderr, "rssviz: computing %d frames (%s)…\n", animation.total_frames(),
               experiment::to_string(ao.kind).c_str());
  const auto frames = ui::figures::computeFrames(animation, look.colour);
  const double compute_s = seconds_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  ui::figures::AnimationPainter painter(look, QString::fromStdString(a.figure.title.empty() ? animation.title() : a.figure.title),
                                        frames);
  std::vector<QImage> images;
  images.reserve(frames.size());
  for (const auto& f : frames) images.push_back(painter.render(f));
  const double draw_s = seconds_since(t1);
  const auto t2 = std::chrono::steady_clock::now();
  const auto rep = ui::figures::writeAnimation(images, out);
  const double write_s = seconds_since(t2);
  if (!a.gif.empty())
    std::printf("wrote %s (%d frames, %dx%d, %.3g fps, %d colours, %lld bytes)\n", a.gif.c_str(), rep.frames,
                look.figure.size.width(), look.figure.size.height(), a.fps, rep.palette_size,
                static_cast<long long>(rep.gif_bytes));
  if (!a.webp.empty())
    std::printf("wrote %s (%d frames, %lld bytes)\n", a.webp.c_str(), rep.frames, static_cast<long long>(rep.webp_bytes));
  if (!a.png_frames.empty()) std::printf("wrote %d PNG frames to %s\n", rep.png_files, a.png_frames.c_str());
  std::fprintf(stderr, "rssviz: frames %.2f s, drawing %.2f s, writing %.2f s (GIF palette %.2f s, encoding %.2f s), total %.2f s\n",
               compute_s, draw_s, write_s, rep.quantise_seconds, rep.encode_seconds, seconds_since(t0));
}

}  // namespace

void add_animate_command(CLI::App& app) {
  auto a = std::make_shared<AnimateArgs>();
  auto* cmd = app.add_subcommand(
      "animate",
      "Animate the map, headless: the learning stages (ESN readout after k sentences, LSTM epochs) or a "
      "hyperparameter sweep of an untrained reservoir, to an animated GIF, WebP or numbered PNG frames");
  auto set = std::make_shared<app::ModelOptionSet>(app::add_model_options(cmd, a->model, false));
  cmd->add_option("--stages", a->stages,
                  "Learning stages: readout (ESN: the fixed map recoloured by the readout after k training "
                  "sentences, k log-spaced 1..1000) or epochs (LSTM: one aligned map per epoch)")
      ->check(CLI::IsMember({"readout", "epochs"}));
  cmd->add_option("--sweep", a->sweep,
                  "Sweep of an untrained ESN: NAME=FROM:TO:FRAMES[:log], NAME = spectral-radius, leak-rate or "
                  "input-scaling (e.g. spectral-radius=0.1:3:30)");
  cmd->add_option("--frames", a->frames, "Readout stages: number of frames (k log-spaced from 1 to 1000)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--between", a->between, "Epochs: interpolated frames between consecutive epochs (points glide)")
      ->check(CLI::Range(0, 30))
      ->capture_default_str();
  cmd->add_option("--warm-epochs", a->warm_epochs, "Sweep: UMAP epochs per warm-started frame")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--gif", a->gif, "Write an animated GIF (one palette for the whole animation)");
  cmd->add_option("--webp", a->webp, "Write an animated WebP (lossless)");
  cmd->add_option("--png-frames", a->png_frames, "Write frame-0001.png, ... into this folder (created if missing)");
  cmd->add_option("--fps", a->fps, "Frames per second, (0, 100]")->check(CLI::Range(0.01, 100.0))->capture_default_str();
  cmd->add_option("--loops", a->loops, "GIF/WebP loop count, 0 = forever")->check(CLI::Range(0, 65535))->capture_default_str();
  cmd->add_option("--dither", a->dither, "GIF palette dithering, 0 (none) to 1 (full)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--gif-speed", a->gif_speed, "GIF palette speed, 1 to 10: 8-10 are the fastest; 1-7 also soften the dithering near edges (per-frame contrast maps) at 3-8x the time")
      ->check(CLI::Range(1, 10))
      ->capture_default_str();
  add_figure_options(cmd, a->figure, "800x600");
  cmd->callback([a, set] { run(*a, *set); });
}

}  // namespace rssviz::gui
