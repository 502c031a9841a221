// End-to-end tests of `rssviz render --view winglet|polyvalent|activity|influence|cells|outputs`:
// the real binary without a display; the files decoded (PNG size and ink, SVG text, PDF header).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <QImage>
#include <QXmlStreamReader>
#include <filesystem>
#include <fstream>
#include <sstream>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_headless_analysis {

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path dir() {
  static const fs::path d = [] {
    auto p = fs::temp_directory_path() / ("rssviz-headless-analysis-" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p;
  }();
  return d;
}

struct RenderRun {
  int code = -1;
  std::string err;
};

RenderRun render(const std::string& args) {
  static int n = 0;
  const auto err = dir() / ("err-" + std::to_string(n++));
  const std::string cmd = "cd " + dir().string() + " && env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM " +
                          RSSVIZ_GUI_PATH + " render " + args + " >/dev/null 2>" + err.string() + " </dev/null";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_all(err)};
}

double ink_of(const QImage& img) {
  long long k = 0;
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x) {
      const QRgb p = img.pixel(x, y);
      k += qRed(p) < 240 || qGreen(p) < 240 || qBlue(p) < 240;
    }
  return static_cast<double>(k) / (static_cast<double>(img.width()) * img.height());
}

QStringList texts_of(const fs::path& svg) {
  QXmlStreamReader xml(QByteArray::fromStdString(read_all(svg)));
  QStringList t;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement() && xml.name() == QLatin1String("text"))
      t << xml.readElementText(QXmlStreamReader::IncludeChildElements).simplified();
  }
  return xml.hasError() ? QStringList{"<xml error>"} : t;
}

const std::string kEsn = "--model esn --objects 4 --seed 1 --units 150 --map-sentences 40 ";
const std::string kLstm = "--model lstm --objects 4 --seed 1 --hidden 8 --epochs 2 --map-sentences 30 ";

}  // namespace

TEST(HeadlessAnalysis, EsnWingletPngPolyvalentSvgInfluencePdf) {
  RenderRun r = render(kEsn + "--view winglet --output 3 --png winglet.png --svg winglet.svg --size 800x500");
  ASSERT_EQ(r.code, 0) << r.err;
  const QImage img(QString::fromStdString((dir() / "winglet.png").string()));
  ASSERT_EQ(img.size(), QSize(800, 500));
  EXPECT_GT(ink_of(img), 0.01);
  EXPECT_TRUE(texts_of(dir() / "winglet.svg").join("|").contains("|readout weight|"));
  r = render(kEsn + "--view polyvalent --min-outputs 3 --svg poly.svg");
  ASSERT_EQ(r.code, 0) << r.err;
  const QStringList poly = texts_of(dir() / "poly.svg");
  EXPECT_TRUE(poly.join("|").contains("polyvalent units")) << poly.join("|").toStdString();
  r = render(kEsn + "--view influence --influence-sentences 30 --pdf infl.pdf --png infl.png --size 900x500");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_all(dir() / "infl.pdf").substr(0, 5), "%PDF-");
  EXPECT_GT(ink_of(QImage(QString::fromStdString((dir() / "infl.png").string()))), 0.01);
}

TEST(HeadlessAnalysis, LstmCellsActivityOutputsFollowTheSentence) {
  RenderRun r = render(kLstm + "--view cells --sentence 12 --svg cells.svg");
  ASSERT_EQ(r.code, 0) << r.err;
  const QStringList cells = texts_of(dir() / "cells.svg");
  EXPECT_TRUE(cells.contains("BEGIN")) << cells.join("|").toStdString();
  EXPECT_TRUE(cells.contains("cell c(t)"));
  EXPECT_TRUE(cells.contains("hidden h(t)"));
  r = render(kLstm + "--view outputs --sentence 12 --output-scale sigmoid --png outputs.png --svg outputs.svg");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_GT(ink_of(QImage(QString::fromStdString((dir() / "outputs.png").string()))), 0.01);
  EXPECT_TRUE(texts_of(dir() / "outputs.svg").contains("sigmoid"));
  r = render(kLstm + "--view activity --sentence 12 --unit-set all --png act.png --size 700x500");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(QImage(QString::fromStdString((dir() / "act.png").string())).size(), QSize(700, 500));
}

TEST(HeadlessAnalysis, BadUsageNamesTheOption) {
  RenderRun r = render(kLstm + "--view activity --png a.png");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--sentence"), std::string::npos) << r.err;
  r = render(kLstm + "--view activity --sentence 1 --unit-set hand --png a.png");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--hand-units"), std::string::npos) << r.err;
}

}  // namespace rssviz_test_headless_analysis
