#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/rng.hpp"
#include "core/io/npy.hpp"
#include "tests/cli/run_cli.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_cli_umap {

using rssviz::test::run_cli;
namespace fs = std::filesystem;

namespace {

fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / ("rssviz-cli-umap-" + std::to_string(::getpid()) + "-" + name);
}

// Two Gaussian blobs of 100 points in 12 dimensions, saved as float64 (numpy's default).
fs::path write_input() {
  rssviz::Rng rng(1, "cli test");
  Eigen::MatrixXd X(200, 12);
  for (int i = 0; i < 200; ++i)
    for (int j = 0; j < 12; ++j) X(i, j) = (i < 100 && j == 0 ? 15.0 : 0.0) + rng.normal();
  const auto p = temp("in.npy");
  rssviz::io::write_npy(p, X);
  return p;
}

}  // namespace

TEST(CliUmap, WritesTheEmbeddingAndReportsJson) {
  const auto in = write_input();
  const auto out = temp("out.npy");
  auto r = run_cli("umap --in " + in.string() + " --out " + out.string() + " --epochs 100 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["points"], 200);
  EXPECT_EQ(j["dims"], 12);
  EXPECT_GT(j["seconds"].get<double>(), 0.0);
  EXPECT_GT(j["trustworthiness"].get<double>(), 0.8);
  EXPECT_LE(j["trustworthiness"].get<double>(), 1.0);
  const Eigen::MatrixXf Y = rssviz::io::read_npy_f(out);
  EXPECT_EQ(Y.rows(), 200);
  EXPECT_EQ(Y.cols(), 2);
  EXPECT_TRUE(Y.allFinite());
  fs::remove(in);
  fs::remove(out);
}

TEST(CliUmap, SameSeedSameFileForAnyThreadCount) {
  const auto in = write_input();
  const auto a = temp("a.npy"), b = temp("b.npy"), c = temp("c.npy");
  const std::string base = "umap --in " + in.string() + " --epochs 50 --init random --knn approximate --seed 5";
  ASSERT_EQ(run_cli(base + " --threads 1 --out " + a.string()).code, 0);
  ASSERT_EQ(run_cli(base + " --threads 2 --out " + b.string()).code, 0);
  ASSERT_EQ(run_cli("umap --in " + in.string() + " --epochs 50 --init random --knn approximate --seed 6 --out " +
                    c.string()).code,
            0);
  EXPECT_EQ(rssviz::test::slurp(a), rssviz::test::slurp(b));
  EXPECT_NE(rssviz::test::slurp(a), rssviz::test::slurp(c));
  for (const auto& p : {in, a, b, c}) fs::remove(p);
}

TEST(CliUmap, BadUsageExitsTwoNamingTheOption) {
  const auto in = write_input();
  const auto out = temp("bad.npy");
  for (const std::string& opt : {"--neighbors 1", "--min-dist 2", "--init pca", "--threads -1"}) {
    auto r = run_cli("umap --in " + in.string() + " --out " + out.string() + " " + opt);
    EXPECT_EQ(r.code, 2) << opt;
    EXPECT_NE(r.err.find(opt.substr(0, opt.find(' '))), std::string::npos) << r.err;
  }
  EXPECT_EQ(run_cli("umap --out " + out.string()).code, 2);
  EXPECT_FALSE(fs::exists(out));
  fs::remove(in);
}

TEST(CliUmap, UnreadableInputExitsOneNamingTheFile) {
  const auto in = temp("not-npy.npy");
  {
    std::ofstream f(in);
    f << "hello";
  }
  auto r = run_cli("umap --in " + in.string() + " --out " + temp("x.npy").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(in.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("magic"), std::string::npos) << r.err;
  fs::remove(in);
}

TEST(CliUmap, BenchMakesReservoirStatesFromPooledCorpora) {
  // --esn with several corpus seeds and all splits: more sentences than one test set
  // holds, states of 1 001 dimensions ([1; x]) without duplicates; pooling a second seed
  // adds states.
  const auto one = temp("esn1.npy"), two = temp("esn2.npy");
  auto r = run_cli("bench umap --esn 40 --objects 8 --split all --corpus-seeds 1 --runs 1 --warm-points 0 --epochs 5 --save " +
                   one.string());
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_cli("bench umap --esn 80 --objects 8 --split all --corpus-seeds 1 2 --runs 1 --warm-points 0 --epochs 5 --save " +
              two.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const Eigen::MatrixXf a = rssviz::io::read_npy_f(one), b = rssviz::io::read_npy_f(two);
  EXPECT_EQ(a.cols(), 1001);
  EXPECT_EQ(b.cols(), 1001);
  EXPECT_GT(a.rows(), 40);
  EXPECT_GT(b.rows(), a.rows());
  EXPECT_TRUE((a.col(0).array() == 1.0f).all());
  for (Eigen::Index i = 1; i < a.rows(); ++i) EXPECT_GT((a.row(i) - a.row(i - 1)).norm(), 0.0f);
  r = run_cli("bench umap --esn 40 --split some");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--split"), std::string::npos) << r.err;
  fs::remove(one);
  fs::remove(two);
}

}  // namespace rssviz_test_cli_umap
