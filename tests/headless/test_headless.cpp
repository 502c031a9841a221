// End-to-end tests of `rssviz render` and `rssviz animate`: the real binary, run with no
// display at all (DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM unset), and the files it
// writes decoded: PNG size and content, SVG text, PDF page size, GIF frames, delays,
// loop extension and palette (giflib's decoder), PNG sequences.
#include <gif_lib.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <QImage>
#include <QRegularExpression>
#include <QXmlStreamReader>
#include <filesystem>
#include <fstream>
#include <sstream>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_headless {

namespace fs = std::filesystem;

namespace {

struct Outcome {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path scratch() {
  static const fs::path dir = [] {
    auto d = fs::temp_directory_path() / ("rssviz-headless-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

Outcome rssviz(const std::string& args) {
  static int counter = 0;
  const auto tag = std::to_string(counter++);
  const auto out = scratch() / ("out-" + tag), err = scratch() / ("err-" + tag);
  const std::string cmd = "cd " + scratch().string() + " && env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM " +
                          RSSVIZ_GUI_PATH + " " + args + " >" + out.string() + " 2>" + err.string() + " </dev/null";
  const int status = std::system(cmd.c_str());
  Outcome r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

struct Gif {
  int width = 0, height = 0, frames = 0, colours = 0;
  bool loop_forever = false, local_maps = false;
  std::vector<int> delays;  // centiseconds
};

Gif decode_gif(const fs::path& p) {
  int error = 0;
  GifFileType* g = DGifOpenFileName(p.c_str(), &error);
  Gif r;
  if (!g) return r;
  if (DGifSlurp(g) != GIF_OK) {
    DGifCloseFile(g, &error);
    return r;
  }
  r.width = g->SWidth;
  r.height = g->SHeight;
  r.frames = g->ImageCount;
  r.colours = g->SColorMap ? g->SColorMap->ColorCount : 0;
  for (int i = 0; i < g->ImageCount; ++i) {
    const SavedImage& im = g->SavedImages[i];
    r.local_maps = r.local_maps || im.ImageDesc.ColorMap != nullptr;
    GraphicsControlBlock gcb;
    if (DGifSavedExtensionToGCB(g, i, &gcb) == GIF_OK) r.delays.push_back(gcb.DelayTime);
    for (int e = 0; e < im.ExtensionBlockCount; ++e) {
      const ExtensionBlock& b = im.ExtensionBlocks[e];
      if (b.Function == APPLICATION_EXT_FUNC_CODE && b.ByteCount == 11 &&
          std::string(reinterpret_cast<const char*>(b.Bytes), 11) == "NETSCAPE2.0" && e + 1 < im.ExtensionBlockCount) {
        const ExtensionBlock& d = im.ExtensionBlocks[e + 1];
        r.loop_forever = d.ByteCount >= 3 && d.Bytes[0] == 1 && d.Bytes[1] == 0 && d.Bytes[2] == 0;
      }
    }
  }
  DGifCloseFile(g, &error);
  return r;
}

double ink(const QImage& img) {
  long long n = 0;
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x) {
      const QRgb p = img.pixel(x, y);
      n += qRed(p) < 240 || qGreen(p) < 240 || qBlue(p) < 240;
    }
  return static_cast<double>(n) / (static_cast<double>(img.width()) * img.height());
}

}  // namespace

// The five commands of the issue, exactly as written, on a machine without a display.

TEST(Headless, RenderEsnMapPngAsWritten) {
  fs::remove(scratch() / "map.png");
  const Outcome r = rssviz("render --model esn --objects 4 --seed 1 --view map --colour-by clause --png map.png --size 1600x1200");
  ASSERT_EQ(r.code, 0) << r.err;
  const QImage img(QString::fromStdString((scratch() / "map.png").string()));
  ASSERT_EQ(img.size(), QSize(1600, 1200));
  EXPECT_GT(ink(img), 0.02);
}

TEST(Headless, RenderLstmHeatmapSvgAsWritten) {
  const Outcome r = rssviz("render --model lstm --objects 4 --seed 1 --view heatmap --sentence 12 --svg heat.svg");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string svg = slurp(scratch() / "heat.svg");
  QXmlStreamReader xml(QByteArray::fromStdString(svg));
  QStringList texts;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement() && xml.name() == QLatin1String("text")) texts << xml.readElementText(QXmlStreamReader::IncludeChildElements).simplified();
  }
  ASSERT_FALSE(xml.hasError()) << xml.errorString().toStdString();
  EXPECT_TRUE(texts.contains("BEGIN")) << texts.join("|").toStdString();  // the sentence's words on the x axis
  EXPECT_TRUE(texts.contains("END"));
  EXPECT_TRUE(texts.contains("activation"));
}

TEST(Headless, AnimateLstmEpochsGifAsWritten) {
  const Outcome r = rssviz("animate --model lstm --objects 4 --seed 1 --stages epochs --gif lstm.gif --size 800x600 --fps 4");
  ASSERT_EQ(r.code, 0) << r.err;
  const Gif g = decode_gif(scratch() / "lstm.gif");
  EXPECT_EQ(g.width, 800);
  EXPECT_EQ(g.height, 600);
  EXPECT_EQ(g.frames, 36);  // initial weights + 35 epochs
  EXPECT_TRUE(g.loop_forever);
  EXPECT_FALSE(g.local_maps);  // one palette for the whole animation
  EXPECT_GT(g.colours, 16);
  EXPECT_LE(g.colours, 256);
  ASSERT_EQ(g.delays.size(), 36u);
  for (int d : g.delays) EXPECT_EQ(d, 25);
  EXPECT_LT(fs::file_size(scratch() / "lstm.gif"), 6u * 1024 * 1024);
}

TEST(Headless, AnimateEsnReadoutOutputGifAsWritten) {
  const Outcome r = rssviz("animate --model esn --objects 4 --seed 1 --stages readout --colour-by output:0 --gif esn.gif");
  ASSERT_EQ(r.code, 0) << r.err;
  const Gif g = decode_gif(scratch() / "esn.gif");
  EXPECT_EQ(g.width, 800);
  EXPECT_EQ(g.height, 600);
  EXPECT_EQ(g.frames, 20);
  EXPECT_TRUE(g.loop_forever);
}

TEST(Headless, AnimateSpectralRadiusSweepGifAsWritten) {
  const Outcome r = rssviz("animate --model esn --sweep spectral-radius=0.1:3:30 --gif sr.gif");
  ASSERT_EQ(r.code, 0) << r.err;
  const Gif g = decode_gif(scratch() / "sr.gif");
  EXPECT_EQ(g.frames, 30);
  EXPECT_TRUE(g.loop_forever);
}

TEST(Headless, PdfHasThePageSizeAndPngFramesAreComplete) {
  Outcome r = rssviz("render --model esn --units 100 --map-sentences 30 --view training --pdf curve.pdf --size 1000x600");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string pdf = slurp(scratch() / "curve.pdf");
  ASSERT_EQ(pdf.rfind("%PDF-", 0), 0u);
  const auto m = QRegularExpression(R"(/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\])").match(QString::fromStdString(pdf));
  ASSERT_TRUE(m.hasMatch());
  EXPECT_NEAR(m.captured(1).toDouble(), 750, 0.5);
  EXPECT_NEAR(m.captured(2).toDouble(), 450, 0.5);
  fs::remove_all(scratch() / "frames");
  r = rssviz("animate --model esn --units 100 --map-sentences 30 --stages readout --frames 5 --png-frames frames --size 320x240");
  ASSERT_EQ(r.code, 0) << r.err;
  for (int i = 1; i <= 5; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "frame-%04d.png", i);
    EXPECT_EQ(QImage(QString::fromStdString((scratch() / "frames" / name).string())).size(), QSize(320, 240)) << name;
  }
  EXPECT_FALSE(fs::exists(scratch() / "frames" / "frame-0006.png"));
}

TEST(Headless, HelpAndVersion) {
  Outcome r = rssviz("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("render"), std::string::npos);
  EXPECT_NE(r.out.find("animate"), std::string::npos);
  r = rssviz("--version");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("rssviz ", 0), 0u);
  // Output lost to a full disk is a failure (regression: --help > /dev/full exited 0).
  EXPECT_EQ(std::system("env -u DISPLAY " RSSVIZ_GUI_PATH " --help > /dev/full 2>/dev/null") >> 8, 1);
  r = rssviz("render --help");
  EXPECT_EQ(r.code, 0);
  for (const char* opt : {"--view", "--png", "--svg", "--pdf", "--size", "--colour-by", "--spectral-radius", "--hidden"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  r = rssviz("animate --help");
  EXPECT_EQ(r.code, 0);
  for (const char* opt : {"--stages", "--sweep", "--gif", "--fps", "--png-frames", "--between"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
}

TEST(Headless, BadUsageExitsTwoWithOneLineNamingTheProblem) {
  struct Case {
    const char* args;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {"render --model esn --png x.png --size 10x10", "--size"},
           {"render --model esn --png x.png --size big", "--size"},
           {"render --model esn --png x.png --leak-rate 0", "--leak-rate"},
           {"render --model esn --png x.png --hidden 5", "--hidden applies to --model lstm"},
           {"render --model esn --png x.png --colour-by colour", "--colour-by"},
           {"render --model esn --view heatmap --png x.png", "--sentence"},
           {"render --model esn", "no output"},
           {"render --model esn --out x.jpg", ".jpg"},
           {"render --model esn --png x.png --objects 0", "--objects"},
           {"animate --model esn --gif x.gif", "--stages"},
           {"animate --model esn --stages epochs --gif x.gif", "--model lstm"},
           {"animate --model lstm --stages readout --gif x.gif", "--model esn"},
           {"animate --model esn --sweep radius=1:2:3 --gif x.gif", "spectral-radius"},
           {"animate --model esn --sweep spectral-radius=0.1:3:1 --gif x.gif", "FRAMES"},
           {"animate --model esn --sweep spectral-radius=0.1:3:5 --colour-by error --gif x.gif", "trained readout"},
           {"animate --model esn --stages readout --fps 0 --gif x.gif", "--fps"},
           {"animate --model esn --stages readout", "no output"},
           {"--bogus", "bogus"},
       }) {
    const Outcome r = rssviz(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_EQ(lines(r.err), 1) << c.args << "\n" << r.err;
    EXPECT_FALSE(fs::exists(scratch() / "x.png") || fs::exists(scratch() / "x.gif")) << c.args;
  }
}

TEST(Headless, UnwritableOutputsFailFastAndLeaveExistingFilesAlone) {
  // A missing folder, a folder, a device: exit 1 before any training, one line naming the path.
  for (const std::string& args : {std::string("render --model esn --png no/such/dir/map.png"),
                                  std::string("render --model esn --svg ") + scratch().string(),
                                  std::string("render --model esn --png /dev/full"),
                                  std::string("animate --model esn --stages readout --gif no/such/dir/a.gif")}) {
    const Outcome r = rssviz(args);
    EXPECT_EQ(r.code, 1) << args << "\n" << r.err;
    EXPECT_EQ(lines(r.err), 1) << args << "\n" << r.err;
    EXPECT_EQ(r.err.find("training"), std::string::npos) << "checked after the long work: " << r.err;
  }
  // An existing file is replaced only by a complete new one: a failing run leaves it.
  const fs::path keep = scratch() / "keep.png";
  { std::ofstream(keep) << "previous"; }
  const Outcome r = rssviz("render --model esn --units 50 --map-sentences 10 --png keep.png --colour-by unit:999");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(slurp(keep), "previous");
}

// --corpus FILE in place of --objects N (docs/FORMATS.md, "Corpus files").
TEST(Headless, RenderAndAnimateACorpusFile) {
  const std::string corpus = std::string(RSSVIZ_RESOURCES) + "/corpora/csl-relative.tsv";
  Outcome r = rssviz("render --model esn --units 100 --map-sentences 30 --corpus " + corpus +
                     " --view map --png corpus-map.png --size 800x600");
  ASSERT_EQ(r.code, 0) << r.err;
  const QImage img(QString::fromStdString((scratch() / "corpus-map.png").string()));
  EXPECT_EQ(img.size(), QSize(800, 600));
  r = rssviz("animate --model lstm --hidden 6 --epochs 2 --map-sentences 30 --corpus " + corpus +
             " --stages epochs --gif corpus.gif");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(decode_gif(scratch() / "corpus.gif").frames, 3);  // initial weights + 2 epochs
  r = rssviz("render --model esn --objects 4 --corpus " + corpus + " --view map --png x.png");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
}

}  // namespace rssviz_test_headless
