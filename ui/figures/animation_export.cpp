#include "ui/figures/animation_export.hpp"

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "core/io/gif_writer.hpp"
#ifdef RSSVIZ_HAVE_WEBP
#include "core/io/webp_writer.hpp"
#endif
#include "ui/map_view.hpp"

namespace rssviz::ui::figures {

namespace {

io::RgbaFrame toRgba(const QImage& image) {
  const QImage img = image.convertToFormat(QImage::Format_RGBA8888);
  io::RgbaFrame f;
  f.width = img.width();
  f.height = img.height();
  f.rgba.resize(static_cast<size_t>(f.width) * static_cast<size_t>(f.height) * 4);
  for (int y = 0; y < f.height; ++y)
    std::memcpy(f.rgba.data() + static_cast<size_t>(y) * static_cast<size_t>(f.width) * 4, img.constScanLine(y),
                static_cast<size_t>(f.width) * 4);
  return f;
}

// A copy of the points without the state matrix (its rows still count the points):
// everything the map needs except unit activations.
std::shared_ptr<const experiment::MapPoints> lighten(const experiment::MapPoints& p) {
  auto q = std::make_shared<experiment::MapPoints>();
  q->outputs = p.outputs;
  q->sentence = p.sentence;
  q->step = p.step;
  q->word = p.word;
  q->part = p.part;
  q->error_code = p.error_code;
  q->point_of = p.point_of;
  q->dataset_index = p.dataset_index;
  q->unit_offset = p.unit_offset;
  q->zero_state_first = p.zero_state_first;
  q->rows_total = p.rows_total;
  q->X = Eigen::MatrixXf::Ones(p.X.rows(), p.unit_offset);
  return q;
}

}  // namespace

bool webpAvailable() {
#ifdef RSSVIZ_HAVE_WEBP
  return true;
#else
  return false;
#endif
}

void validate(const AnimationOutput& o) {
  if (o.gif.isEmpty() && o.webp.isEmpty() && o.png_dir.isEmpty())
    throw std::invalid_argument("no output: give a GIF, a WebP or a PNG frame folder");
  if (!(o.fps > 0.0 && o.fps <= 100.0))
    throw std::invalid_argument(QString("fps = %1 is out of range (0, 100]").arg(o.fps).toStdString());
  if (o.loops < 0 || o.loops > 65535)
    throw std::invalid_argument(QString("loops = %1 is out of range [0, 65535] (0 = forever)").arg(o.loops).toStdString());
  if (o.gif_speed < 1 || o.gif_speed > 10)
    throw std::invalid_argument(QString("GIF speed = %1 is out of range [1, 10]").arg(o.gif_speed).toStdString());
  if (!(o.dithering >= 0.0 && o.dithering <= 1.0))
    throw std::invalid_argument(QString("dithering = %1 is out of range [0, 1]").arg(o.dithering).toStdString());
  if (!o.webp.isEmpty() && !webpAvailable())
    throw std::invalid_argument("WebP output needs a build with libwebp (libwebp-dev)");
  for (const QString& f : {o.gif, o.webp}) {
    if (f.isEmpty()) continue;
    const QString problem = checkWritable(f);
    if (!problem.isEmpty()) throw std::runtime_error(problem.toStdString());
  }
  if (!o.png_dir.isEmpty()) {
    const QFileInfo d(o.png_dir);
    if (d.exists() && !d.isDir()) throw std::runtime_error(QString("%1: is not a folder").arg(o.png_dir).toStdString());
    if (!d.exists() && !QFileInfo(d.absolutePath()).isDir())
      throw std::runtime_error(
          QString("%1: the parent folder %2 does not exist").arg(o.png_dir, d.absolutePath()).toStdString());
  }
}

std::vector<experiment::AnimationFrame> computeFrames(experiment::Animation& animation, const ColourChoice& colour,
                                                      const StopFlag* stop, const ProgressFn& progress) {
  std::vector<experiment::AnimationFrame> frames;
  const bool keep_states = colour.mode == ColourMode::unit;
  while (!animation.finished()) {
    if (stop_requested(stop)) throw Cancelled();
    for (auto& f : animation.next(stop)) {
      if (!keep_states && f.session && f.session->points && !f.session->trained) {
        auto light = std::make_shared<experiment::MapSession>(*f.session);
        light->points = lighten(*f.session->points);
        f.session = std::move(light);
      }
      frames.push_back(std::move(f));
    }
    if (progress && !progress(animation.frames_done(), animation.total_frames())) throw Cancelled();
  }
  return frames;
}

AnimationPainter::AnimationPainter(const AnimationLook& look, const QString& title,
                                   const std::vector<experiment::AnimationFrame>& frames)
    : look_(look), title_(title), figure_(View::map, look.figure) {
  figure_.mapView()->setFullLegend(true);
  // One set of axes for the whole animation: the union of the frames' layouts plus the
  // map's 8 % margin, so the picture does not zoom from frame to frame.
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& f : frames) {
    if (!f.session) continue;
    const Eigen::MatrixXf* lay = &f.session->layout;
    if (f.stage >= 0 && f.session->stages[static_cast<size_t>(f.stage)].layout.size() > 0)
      lay = &f.session->stages[static_cast<size_t>(f.stage)].layout;
    if (lay->rows() == 0) continue;
    x0 = std::min(x0, static_cast<double>(lay->col(0).minCoeff()));
    x1 = std::max(x1, static_cast<double>(lay->col(0).maxCoeff()));
    y0 = std::min(y0, static_cast<double>(lay->col(1).minCoeff()));
    y1 = std::max(y1, static_cast<double>(lay->col(1).maxCoeff()));
  }
  if (std::isfinite(x0)) {
    const double mx = std::max(1e-6, (x1 - x0) * 0.04), my = std::max(1e-6, (y1 - y0) * 0.04);
    look_.figure.map_range = QRectF(QPointF(x0 - mx, y0 - my), QPointF(x1 + mx, y1 + my));
  }
}

QImage AnimationPainter::render(const experiment::AnimationFrame& frame) {
  if (!frame.session) throw std::invalid_argument("animation frame without a session");
  ColourChoice c = look_.colour;
  const QString problem = resolveColour(c, *frame.session);
  if (!problem.isEmpty()) throw std::invalid_argument(problem.toStdString());
  auto* ws = figure_.workspace();
  ws->setColour(c.mode, c.parameter);
  ws->setSession(frame.session);
  ws->setStage(frame.stage);
  ws->select(look_.selected);
  FigureOptions o = look_.figure;
  o.title_text = title_;
  o.caption = QString::fromStdString(frame.caption);
  figure_.setOptions(o);
  return figure_.image();
}

AnimationReport writeAnimation(const std::vector<QImage>& frames, const AnimationOutput& out, const StopFlag* stop,
                               const ProgressFn& progress) {
  validate(out);
  if (frames.empty()) throw std::invalid_argument("the animation has no frames");
  AnimationReport r;
  r.frames = static_cast<int>(frames.size());
  const long long steps = static_cast<long long>(frames.size()) * 3;
  long long done = 0;
  auto tick = [&](long long add) {
    done += add;
    if (progress && !progress(done, steps)) throw Cancelled();
    if (stop_requested(stop)) throw Cancelled();
  };
  if (!out.png_dir.isEmpty()) {
    QDir().mkpath(out.png_dir);
    for (size_t i = 0; i < frames.size(); ++i) {
      QByteArray bytes;
      QBuffer buf(&bytes);
      buf.open(QIODevice::WriteOnly);
      if (!frames[i].save(&buf, "PNG")) throw std::runtime_error("PNG encoding failed");
      writeFileAtomic(QDir(out.png_dir).filePath(QString("frame-%1.png").arg(i + 1, 4, 10, QChar('0'))), bytes);
      ++r.png_files;
      tick(1);
    }
  } else {
    tick(static_cast<long long>(frames.size()));
  }
  if (!out.gif.isEmpty() || !out.webp.isEmpty()) {
    std::vector<io::RgbaFrame> rgba;
    rgba.reserve(frames.size());
    for (const auto& f : frames) rgba.push_back(toRgba(f));
    if (!out.gif.isEmpty()) {
      io::GifOptions g;
      g.fps = out.fps;
      g.loops = out.loops;
      g.dithering = out.dithering;
      g.speed = out.gif_speed;
      const auto base = done;
      const auto rep = io::write_gif(out.gif.toStdString(), rgba, g, stop, [&](long long d, long long t) {
        if (progress && !progress(base + (t > 0 ? d * static_cast<long long>(frames.size()) / t : 0), steps)) return false;
        return !stop_requested(stop);
      });
      r.gif_bytes = static_cast<qint64>(rep.bytes);
      r.palette_size = rep.palette_size;
      r.quantise_seconds = rep.quantise_seconds;
      r.encode_seconds = rep.write_seconds;
    }
    tick(static_cast<long long>(frames.size()));
#ifdef RSSVIZ_HAVE_WEBP
    if (!out.webp.isEmpty()) {
      io::WebpOptions w;
      w.fps = out.fps;
      w.loops = out.loops;
      r.webp_bytes = static_cast<qint64>(io::write_webp(out.webp.toStdString(), rgba, w, stop).bytes);
    }
#endif
  }
  if (progress) progress(steps, steps);
  return r;
}

}  // namespace rssviz::ui::figures
