// End-to-end tests of `rssviz plot` and `rssviz-cli experiment ... --plot`: real runs of
// small experiments, the plot drawn by the GUI binary without a display, the files decoded
// (PNG size and the models' colours, SVG text), and the errors (before any run starts).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <QImage>
#include <filesystem>
#include <fstream>
#include <sstream>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_headless_plot {

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
    auto p = fs::temp_directory_path() / ("rssviz-headless-plot-" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p;
  }();
  return d;
}

struct Run {
  int code = -1;
  std::string out, err;
};

Run run(const std::string& program, const std::string& args) {
  static int n = 0;
  const auto out = dir() / ("out-" + std::to_string(n)), err = dir() / ("err-" + std::to_string(n));
  ++n;
  const std::string cmd = "cd " + dir().string() + " && env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM " +
                          program + " " + args + " >" + out.string() + " 2>" + err.string() + " </dev/null";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_all(out), read_all(err)};
}
Run cli(const std::string& args) { return run(RSSVIZ_CLI_PATH, args); }
Run gui(const std::string& args) { return run(RSSVIZ_GUI_PATH, args); }

// Pixels within 40 (per channel) of `c`.
int pixels_near(const QImage& img, QRgb c) {
  int k = 0;
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x) {
      const QRgb p = img.pixel(x, y);
      if (std::abs(qRed(p) - qRed(c)) < 40 && std::abs(qGreen(p) - qGreen(c)) < 40 && std::abs(qBlue(p) - qBlue(c)) < 40)
        ++k;
    }
  return k;
}

constexpr QRgb kEsnBlue = 0xff1f77b4, kBowGreen = 0xff2ca02c, kPaperRed = 0xffd62728;

const char* kObjects = "experiment objects --from 3 --to 5 --models esn,bow --seeds 2 --units 40 -q";

}  // namespace

TEST(HeadlessPlot, ExperimentPlotFlagDrawsEveryModelAfterTheRun) {
  const auto r = cli(std::string(kObjects) + " --out objects.tsv --plot objects.png");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote objects.png"), std::string::npos) << r.out;
  QImage img(QString::fromStdString((dir() / "objects.png").string()));
  ASSERT_FALSE(img.isNull());
  EXPECT_EQ(img.size(), QSize(1800, 600));
  EXPECT_GT(pixels_near(img, kEsnBlue), 200);   // the ESN's lines and markers
  EXPECT_GT(pixels_near(img, kBowGreen), 200);  // the bag of words'
}

TEST(HeadlessPlot, SvgAndPdfOfAResultsFileNameTheModelsAndPanels) {
  ASSERT_EQ(cli(std::string(kObjects) + " --out objects2.tsv").code, 0);
  const auto r = gui("plot objects2.tsv --svg p.svg --pdf p.pdf --size 1200x400");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string svg = read_all(dir() / "p.svg");
  for (const char* text : {"ESN", "bag of words", "exact error (%)", "valid error (%)", "training CPU time (s)",
                           "objects (n)", "12 of 12 runs"})
    EXPECT_NE(svg.find(text), std::string::npos) << text;
  EXPECT_EQ(read_all(dir() / "p.pdf").substr(0, 5), "%PDF-");
}

TEST(HeadlessPlot, SearchPlotMarksThePapersPoint) {
  const auto r = cli("experiment search --trials 6 --units 40 -q --out search.tsv --plot search.png");
  ASSERT_EQ(r.code, 0) << r.err;
  QImage img(QString::fromStdString((dir() / "search.png").string()));
  ASSERT_FALSE(img.isNull());
  EXPECT_GT(pixels_near(img, kPaperRed), 20);  // the red star of trial 0, in 4 panels
  EXPECT_GT(pixels_near(img, kEsnBlue), 20);   // the best trials
  const auto s = gui("plot search.tsv --svg search.svg");
  ASSERT_EQ(s.code, 0) << s.err;
  const std::string svg = read_all(dir() / "search.svg");
  for (const char* text : {"leak rate", "spectral radius", "density", "log10 ridge", "paper's point"})
    EXPECT_NE(svg.find(text), std::string::npos) << text;
}

TEST(HeadlessPlot, BadPlotPathsAreRefusedBeforeAnyRun) {
  auto r = cli(std::string(kObjects) + " --out never1.tsv --plot plot.txt");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--plot plot.txt: unknown figure format"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir() / "never1.tsv"));
  r = cli(std::string(kObjects) + " --out never2.tsv --plot no/such/folder/p.png");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--plot"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no/such/folder"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir() / "never2.tsv"));
}

TEST(HeadlessPlot, UnreadableResultsFilesAreNamedWithTheirLine) {
  auto r = gui("plot missing.tsv --out m.png");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("missing.tsv"), std::string::npos) << r.err;
  std::ofstream(dir() / "garbage.tsv") << "run\tmodel\n0\tesn\n";
  r = gui("plot garbage.tsv --out g.png");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("garbage.tsv:1: not an rssviz experiment results file"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir() / "g.png"));
  r = gui("plot garbage.tsv");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no output"), std::string::npos) << r.err;
}

TEST(HeadlessPlot, AFileWithNoFinishedRunIsRefused) {
  // Only the two header lines of a real experiment.
  ASSERT_EQ(cli(std::string(kObjects) + " --out full.tsv").code, 0);
  std::istringstream in(read_all(dir() / "full.tsv"));
  std::string l1, l2;
  std::getline(in, l1);
  std::getline(in, l2);
  std::ofstream(dir() / "empty.tsv") << l1 << "\n" << l2 << "\n";
  const auto r = gui("plot empty.tsv --out e.png");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("empty.tsv: no finished runs to plot"), std::string::npos) << r.err;
}

}  // namespace rssviz_test_headless_plot
