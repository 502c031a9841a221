#include "core/io/atomic_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace fs = std::filesystem;
using namespace rssviz::io;

namespace {

// A fresh folder of its own per test, removed at the end.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("rssviz-atomic-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  int entries() const { return static_cast<int>(std::distance(fs::directory_iterator(path), fs::directory_iterator())); }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(AtomicFile, WriteFilesAtomicReplacesAllOrNothing) {
  TempDir d("all");
  const auto a = d.path / "a.txt", b = d.path / "b.txt";
  write_file_atomic(a, "old a");
  write_file_atomic(b, "old b");
  write_files_atomic({{a, "new a"}, {b, "new b"}});
  EXPECT_EQ(read_file(a), "new a");
  EXPECT_EQ(read_file(b), "new b");
  // The last file cannot be written: the first keeps its old content, no temporary is left.
  const auto bad = d.path / "missing" / "c.txt";
  const auto msg = error_of([&] { write_files_atomic({{a, "newer a"}, {b, "newer b"}, {bad, "c"}}); });
  EXPECT_NE(msg.find(bad.string()), std::string::npos) << msg;
  EXPECT_EQ(read_file(a), "new a");
  EXPECT_EQ(read_file(b), "new b");
  EXPECT_EQ(d.entries(), 2);
}

TEST(AtomicFile, CheckWritableNamesThePathAndTouchesNothing) {
  TempDir d("check");
  const auto ok = d.path / "x.npy";
  EXPECT_NO_THROW(check_writable(ok));
  EXPECT_FALSE(fs::exists(ok));
  EXPECT_EQ(d.entries(), 0);  // the probe is gone
  write_file_atomic(ok, "keep");
  EXPECT_NO_THROW(check_writable(ok));  // an existing regular file may be replaced
  EXPECT_EQ(read_file(ok), "keep");
  const auto missing = d.path / "no-such-folder" / "x.npy";
  auto msg = error_of([&] { check_writable(missing); });
  EXPECT_NE(msg.find(missing.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;
  msg = error_of([&] { check_writable(d.path); });
  EXPECT_NE(msg.find("folder"), std::string::npos) << msg;
  msg = error_of([&] { check_writable(ok / "y.npy"); });  // the "folder" is a file
  EXPECT_NE(msg.find("not a folder"), std::string::npos) << msg;
  msg = error_of([&] { check_writable("/dev/null"); });  // renaming over a device would replace it
  EXPECT_NE(msg.find("not a regular file"), std::string::npos) << msg;
  fs::create_symlink(ok, d.path / "link.npy");  // symlinks are followed
  EXPECT_NO_THROW(check_writable(d.path / "link.npy"));
  EXPECT_EQ(error_of([] { check_writable(""); }), "cannot write an empty path");
}

// House rule: writers follow symlinks to their target and replace only regular files
// (write_file_atomic used to rename over the link itself, and over a device).
TEST(AtomicFile, WritesFollowSymlinksAndReplaceOnlyRegularFiles) {
  TempDir d("links");
  const auto target = d.path / "target.txt", link = d.path / "link.txt";
  write_file_atomic(target, "old");
  fs::create_symlink(target, link);
  write_file_atomic(link, "through the link");
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
  EXPECT_EQ(read_file(target), "through the link");
  write_files_atomic({{link, "again"}});
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
  EXPECT_EQ(read_file(target), "again");
  EXPECT_EQ(d.entries(), 2);
  auto msg = error_of([] { write_file_atomic("/dev/null", "x"); });
  EXPECT_NE(msg.find("/dev/null: not a regular file"), std::string::npos) << msg;
  msg = error_of([&] { write_files_atomic({{target, "new"}, {d.path, "x"}}); });
  EXPECT_NE(msg.find("it is a folder"), std::string::npos) << msg;
  EXPECT_EQ(read_file(target), "again");
}
