// Offscreen tests of the figure renderer (ui/figures): every view to PNG, SVG and PDF,
// decoded and checked; the colour choices; animations with fixed axes, and their files.
#include <gtest/gtest.h>

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImageReader>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include "core/experiment/workbench.hpp"
#include "ui/colors.hpp"
#include "ui/figures/animation_export.hpp"
#include "ui/figures/figure.hpp"
#include "ui/heatmap_view.hpp"
#include "ui/map_view.hpp"
#include "ui/training_view.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_figures {

using namespace rssviz;
using namespace rssviz::ui;
using namespace rssviz::ui::figures;

namespace {

std::shared_ptr<const experiment::MapSession> esnSession() {
  static std::shared_ptr<const experiment::MapSession> s = [] {
    experiment::EsnSessionOptions o;
    o.reservoir.units = 120;
    o.map_sentences = 40;
    o.include_sentences = {12};
    return std::shared_ptr<const experiment::MapSession>(experiment::build_esn_session(o));
  }();
  return s;
}

std::shared_ptr<const experiment::MapSession> lstmSession() {
  static std::shared_ptr<const experiment::MapSession> s = [] {
    auto o = experiment::lstm_session_options(4, 1);
    o.model.hidden = 8;
    o.trainer.epochs = 2;
    o.map_sentences = 30;
    o.include_sentences = {12};
    experiment::LstmSessionBuilder b(o);
    while (!b.finished()) b.step();
    return std::shared_ptr<const experiment::MapSession>(b.session());
  }();
  return s;
}

FigureOptions sized(int w, int h) {
  FigureOptions o;
  o.size = QSize(w, h);
  return o;
}

// Pixels that are not (near) white.
double inkFraction(const QImage& img, QRect r = {}) {
  if (r.isNull()) r = img.rect();
  long long ink = 0;
  for (int y = r.top(); y <= r.bottom(); ++y)
    for (int x = r.left(); x <= r.right(); ++x) {
      const QRgb p = img.pixel(x, y);
      if (qRed(p) < 240 || qGreen(p) < 240 || qBlue(p) < 240) ++ink;
    }
  return static_cast<double>(ink) / (static_cast<double>(r.width()) * r.height());
}

bool hasColour(const QImage& img, QColor c, QRect r, int tol = 6) {
  for (int y = r.top(); y <= r.bottom(); ++y)
    for (int x = r.left(); x <= r.right(); ++x) {
      const QColor p = img.pixelColor(x, y);
      if (std::abs(p.red() - c.red()) <= tol && std::abs(p.green() - c.green()) <= tol &&
          std::abs(p.blue() - c.blue()) <= tol)
        return true;
    }
  return false;
}

QStringList svgTexts(const QByteArray& svg, bool* ok) {
  QXmlStreamReader xml(svg);
  QStringList texts;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement() && xml.name() == QLatin1String("text")) texts << xml.readElementText(QXmlStreamReader::IncludeChildElements).simplified();
  }
  *ok = !xml.hasError();
  return texts;
}

}  // namespace

TEST(Figures, MapPngHasTheAskedSizeRealContentAndItsLegend) {
  Figure f(View::map, sized(1600, 1200));
  f.workspace()->setSession(esnSession());
  f.workspace()->select(12);
  const QImage img = f.image();
  // RSSVIZ_TEST_FIGURES=DIR keeps the picture, to look at it.
  if (qEnvironmentVariableIsSet("RSSVIZ_TEST_FIGURES"))
    img.save(QDir(qEnvironmentVariable("RSSVIZ_TEST_FIGURES")).filePath("map.png"));
  ASSERT_EQ(img.size(), QSize(1600, 1200));
  EXPECT_GT(inkFraction(img), 0.01);  // points, axes, legend
  EXPECT_EQ(f.mapView()->legendTitle(), "Clause position");
  EXPECT_EQ(f.mapView()->legendEntries().size(), 4);
  // The legend column (right of the plot) shows every clause colour; points never go there.
  const int legend_left = static_cast<int>(f.mapView()->axisRect()->outerRect().right() * effectiveScale(f.options()));
  ASSERT_LT(legend_left, 1600);
  const QRect legend(legend_left + 2, 0, 1600 - legend_left - 3, 1200);
  for (int k = 0; k < 4; ++k) EXPECT_TRUE(hasColour(img, clausePartColor(k), legend)) << "clause colour " << k;
  // The title names the model (drawn in the top band: ink there).
  EXPECT_GT(inkFraction(img, QRect(0, 0, 1600, 40)), 0.002);
  // The PNG file decodes to the same picture.
  const QImage back = QImage::fromData(f.png(), "PNG");
  ASSERT_EQ(back.size(), QSize(1600, 1200));
  EXPECT_EQ(back.convertToFormat(QImage::Format_RGB32), img.convertToFormat(QImage::Format_RGB32));
}

TEST(Figures, TitleCanBeSwitchedOffAndScaleGrowsTheText) {
  FigureOptions o = sized(800, 600);
  o.title = false;
  Figure a(View::map, o);
  a.workspace()->setSession(esnSession());
  const QImage no_title = a.image();
  Figure b(View::map, sized(800, 600));
  b.workspace()->setSession(esnSession());
  const QImage with_title = b.image();
  const QRect band(100, 0, 450, 22);  // above the plot, left of the legend
  EXPECT_GT(inkFraction(with_title, band), 0.02);
  EXPECT_LT(inkFraction(no_title, band), 0.005);
  // Scale 2 lays the figure out at half the size: the plot area takes a smaller share.
  o.scale = 1.0;
  Figure s1(View::map, o);
  s1.workspace()->setSession(esnSession());
  s1.image();
  const double share1 = s1.mapView()->axisRect()->width() / 800.0;
  o.scale = 2.0;
  Figure s2(View::map, o);
  s2.workspace()->setSession(esnSession());
  s2.image();
  const double share2 = s2.mapView()->axisRect()->width() / 400.0;
  EXPECT_LT(share2, share1);
  EXPECT_DOUBLE_EQ(effectiveScale(sized(1600, 1200)), 2.5);
  EXPECT_DOUBLE_EQ(effectiveScale(sized(320, 240)), 1.0);
}

TEST(Figures, SvgParsesAndHoldsTheTextAsText) {
  Figure f(View::map, sized(900, 700));
  f.workspace()->setSession(esnSession());
  f.workspace()->select(12);
  bool ok = false;
  const QStringList texts = svgTexts(f.svg(), &ok);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(texts.contains("UMAP 1")) << texts.join("|").toStdString();
  EXPECT_TRUE(texts.contains("first clause")) << texts.join("|").toStdString();
  EXPECT_TRUE(texts.contains("END"));
  // The selected sentence's words label its trajectory.
  EXPECT_TRUE(texts.contains("BEGIN"));
}

TEST(Figures, PdfHasOnePageOfTheAskedSize) {
  Figure f(View::training, sized(1000, 600));
  f.workspace()->setSession(esnSession());
  const QByteArray pdf = f.pdf();
  ASSERT_TRUE(pdf.startsWith("%PDF-"));
  const QRegularExpression box(R"(/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\])");
  const auto m = box.match(QString::fromLatin1(pdf));
  ASSERT_TRUE(m.hasMatch());
  EXPECT_NEAR(m.captured(1).toDouble(), 750.0, 0.5);
  EXPECT_NEAR(m.captured(2).toDouble(), 450.0, 0.5);
  EXPECT_EQ(pdf.count("/Type /Page\n") + pdf.count("/Type /Page "), 1) << "one page";
}

TEST(Figures, HeatmapFollowsTheSentenceAndTrainingShowsTheStages) {
  Figure h(View::heatmap, sized(800, 600));
  h.workspace()->setSession(lstmSession());
  h.workspace()->select(12);
  const QImage img = h.image();
  EXPECT_GT(inkFraction(img), 0.05);
  const auto& s = lstmSession()->corpus->test.sentences[12];
  EXPECT_EQ(h.heatmapView()->columns(), s.length() + 1);  // the LSTM's zero state first
  EXPECT_EQ(h.heatmapView()->rows(), 8);                  // all 8 units (fewer than 60)
  h.workspace()->select(lstmSession()->points->dataset_index[3]);
  h.image();
  EXPECT_EQ(h.heatmapView()->columns(),
            lstmSession()->corpus->test.sentences[static_cast<size_t>(lstmSession()->points->dataset_index[3])].length() + 1);
  Figure t(View::training, sized(800, 500));
  t.workspace()->setSession(esnSession());
  t.image();
  EXPECT_EQ(t.trainingView()->pointCount(), static_cast<int>(esnSession()->stages.size()));
}

TEST(Figures, EveryColourModeDrawsAndThemDiffer) {
  QSet<QByteArray> seen;
  for (auto mode : {ColourMode::clausePart, ColourMode::errorCode, ColourMode::word, ColourMode::outputUnit, ColourMode::unit}) {
    Figure f(View::map, sized(640, 480));
    f.workspace()->setSession(esnSession());
    f.workspace()->setColour(mode, 2);
    const QImage img = f.image();
    EXPECT_GT(inkFraction(img), 0.01);
    EXPECT_EQ(f.mapView()->colourBarVisible(), mode == ColourMode::outputUnit || mode == ColourMode::unit);
    QByteArray bytes(reinterpret_cast<const char*>(img.constBits()), static_cast<int>(img.sizeInBytes()));
    seen.insert(bytes);
  }
  EXPECT_EQ(seen.size(), 5);
}

TEST(Figures, ColourChoicesParseAndResolveAgainstTheSession) {
  EXPECT_EQ(parseColourChoice("clause").mode, ColourMode::clausePart);
  EXPECT_EQ(parseColourChoice("error").mode, ColourMode::errorCode);
  auto c = parseColourChoice("output:slot1.object.glass");
  EXPECT_EQ(c.mode, ColourMode::outputUnit);
  EXPECT_TRUE(resolveColour(c, *esnSession()).isEmpty());
  EXPECT_EQ(c.parameter, 0);
  c = parseColourChoice("output:slot2.colour.blue");
  EXPECT_TRUE(resolveColour(c, *esnSession()).isEmpty());
  EXPECT_EQ(c.parameter, 21);
  c = parseColourChoice("output:glass");  // in both slots: ambiguous
  EXPECT_NE(resolveColour(c, *esnSession()).indexOf("ambiguous"), -1);
  c = parseColourChoice("output:slot2.object.cup");  // a unique suffix is enough
  EXPECT_TRUE(resolveColour(c, *esnSession()).isEmpty());
  EXPECT_EQ(c.parameter, 11 + 1);
  c = parseColourChoice("output:22");
  EXPECT_NE(resolveColour(c, *esnSession()).indexOf("[0, 21]"), -1);
  c = parseColourChoice("output:nothing");
  EXPECT_NE(resolveColour(c, *esnSession()).indexOf("no such output"), -1);
  c = parseColourChoice("unit:120");
  EXPECT_NE(resolveColour(c, *esnSession()).indexOf("[0, 119]"), -1);
  for (const char* bad : {"", "colour", "clause:1", "output:", "unit:x", "unit:-1"})
    EXPECT_THROW(parseColourChoice(bad), std::invalid_argument) << bad;
}

TEST(Figures, SaveIsAtomicAndRefusesWhatItCannotWrite) {
  QTemporaryDir dir;
  Figure f(View::map, sized(320, 240));
  f.workspace()->setSession(esnSession());
  const QString good = dir.filePath("map.png");
  f.save(good);
  EXPECT_EQ(QImage(good).size(), QSize(320, 240));
  EXPECT_THROW(f.save(dir.filePath("missing/map.png")), std::runtime_error);
  EXPECT_THROW(f.save(dir.path() + "/"), std::invalid_argument);  // no extension
  QDir(dir.path()).mkdir("sub.png");
  EXPECT_THROW(f.save(dir.filePath("sub.png")), std::runtime_error);
  EXPECT_THROW(f.save("/dev/full", Format::png), std::runtime_error);  // a device is never replaced
  EXPECT_THROW(formatFromPath("map.jpg"), std::invalid_argument);
  // Through a symlink: the target is replaced, the link stays a link.
  const QString target = dir.filePath("target.svg"), link = dir.filePath("link.svg");
  QFile(target).open(QIODevice::WriteOnly);
  ASSERT_TRUE(QFile::link(target, link));
  f.save(link);
  EXPECT_TRUE(QFileInfo(link).isSymLink());
  EXPECT_GT(QFileInfo(target).size(), 100);
}

TEST(Figures, AnimationFramesShareOneSetOfAxesAndWriteGifAndPngFrames) {
  experiment::AnimationOptions o;
  o.kind = experiment::AnimationKind::lstm_epochs;
  o.lstm = experiment::lstm_session_options(4, 2);
  o.lstm.model.hidden = 6;
  o.lstm.trainer.epochs = 2;
  o.lstm.map_sentences = 20;
  o.between = 1;
  experiment::Animation a(o);
  AnimationLook look;
  look.figure = sized(400, 300);
  look.colour = parseColourChoice("error");
  const auto frames = computeFrames(a, look.colour);
  ASSERT_EQ(frames.size(), 5u);
  AnimationPainter painter(look, QString::fromStdString(a.title()), frames);
  std::vector<QImage> images;
  for (const auto& fr : frames) images.push_back(painter.render(fr));
  for (const auto& img : images) EXPECT_EQ(img.size(), QSize(400, 300));
  EXPECT_NE(images.front(), images.back());
  QTemporaryDir dir;
  AnimationOutput out;
  out.gif = dir.filePath("a.gif");
  out.png_dir = dir.filePath("frames");
  out.fps = 5;
  const auto rep = writeAnimation(images, out);
  EXPECT_EQ(rep.frames, 5);
  EXPECT_EQ(rep.png_files, 5);
  for (int i = 1; i <= 5; ++i)
    EXPECT_EQ(QImage(dir.filePath(QString("frames/frame-%1.png").arg(i, 4, 10, QChar('0')))).size(), QSize(400, 300));
  EXPECT_FALSE(QFileInfo::exists(dir.filePath("frames/frame-0006.png")));
  QImageReader gif(out.gif);
  ASSERT_TRUE(gif.canRead()) << gif.errorString().toStdString();
  EXPECT_EQ(gif.imageCount(), 5);
  EXPECT_EQ(gif.loopCount(), -1);  // Qt: -1 = forever
  EXPECT_EQ(gif.size(), QSize(400, 300));
  gif.read();
  EXPECT_EQ(gif.nextImageDelay(), 200);
  // Bad outputs are refused before any work.
  AnimationOutput bad = out;
  bad.gif = dir.filePath("no/such/folder.gif");
  EXPECT_THROW(validate(bad), std::runtime_error);
  bad = out;
  bad.fps = 0;
  EXPECT_THROW(validate(bad), std::invalid_argument);
  EXPECT_THROW(validate(AnimationOutput{}), std::invalid_argument);
}

}  // namespace rssviz_test_figures
