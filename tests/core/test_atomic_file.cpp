#include "core/io/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <stdexcept>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_atomic_file {

namespace fs = std::filesystem;
using rssviz::io::atomic_write_target;
using rssviz::io::read_file;
using rssviz::io::write_file_atomic;
using rssviz::io::check_writable;
using rssviz::io::write_files_atomic;

namespace {
struct TempDir {
  fs::path dir = fs::temp_directory_path() / ("rssviz-af-" + std::to_string(::getpid()));
  TempDir() {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {})); }
};
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}
// A fresh folder of its own per test, removed at the end.
struct NamedDir {
  fs::path path;
  explicit NamedDir(const std::string& name)
      : path(fs::temp_directory_path() / ("rssviz-atomic-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~NamedDir() { fs::remove_all(path); }
  int entries() const { return static_cast<int>(std::distance(fs::directory_iterator(path), fs::directory_iterator())); }
};

}  // namespace

TEST(AtomicFile, ReplacesAFileAndKeepsItsPermissions) {
  TempDir t;
  const fs::path p = t.dir / "a.txt";
  write_file_atomic(p, "one");
  ::chmod(p.c_str(), 0640);
  write_file_atomic(p, std::string_view("two"));
  EXPECT_EQ(read_file(p), "two");
  EXPECT_EQ(fs::status(p).permissions(), fs::perms(0640));
  EXPECT_EQ(t.entries(), 1u);
}

TEST(AtomicFile, FollowsSymlinksToTheirTarget) {
  TempDir t;
  const fs::path real = t.dir / "real.txt", link = t.dir / "link.txt", dangling = t.dir / "dangling.txt";
  write_file_atomic(real, "old");
  fs::create_symlink("real.txt", link);  // relative, resolved against the link's folder
  write_file_atomic(link, "new");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read_file(real), "new");
  fs::create_symlink(t.dir / "created.txt", dangling);
  write_file_atomic(dangling, "made");
  EXPECT_TRUE(fs::is_symlink(dangling));
  EXPECT_EQ(read_file(t.dir / "created.txt"), "made");
}

TEST(AtomicFile, RefusesWhatIsNotARegularFileNamingThePath) {
  TempDir t;
  const fs::path missing = t.dir / "no" / "such" / "f.txt";
  auto msg = error_of([&] { write_file_atomic(missing, "x"); });
  EXPECT_NE(msg.find(missing.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;
  msg = error_of([&] { write_file_atomic(t.dir, "x"); });
  EXPECT_NE(msg.find("directory"), std::string::npos) << msg;
  msg = error_of([&] { write_file_atomic(t.dir / "", "x"); });
  EXPECT_FALSE(msg.empty());
  msg = error_of([&] { write_file_atomic("", "x"); });
  EXPECT_NE(msg.find("empty path"), std::string::npos) << msg;
  write_file_atomic(t.dir / "plain", "x");
  msg = error_of([&] { write_file_atomic(t.dir / "plain" / "inside", "x"); });
  EXPECT_NE(msg.find("not a folder"), std::string::npos) << msg;
  if (fs::is_character_file("/dev/full")) {
    msg = error_of([] { write_file_atomic("/dev/full", "x"); });
    EXPECT_NE(msg.find("/dev/full"), std::string::npos) << msg;
    EXPECT_TRUE(fs::is_character_file("/dev/full"));
  }
  EXPECT_EQ(atomic_write_target(t.dir / "plain"), t.dir / "plain");
  EXPECT_EQ(t.entries(), 1u);
}

TEST(AtomicFile, AThrowingWriterLeavesTheOldFile) {
  TempDir t;
  const fs::path p = t.dir / "keep";
  write_file_atomic(p, "before");
  EXPECT_THROW(write_file_atomic(p, [](std::ostream& os) {
                 os << "partial";
                 throw std::runtime_error("boom");
               }),
               std::runtime_error);
  EXPECT_EQ(read_file(p), "before");
  write_file_atomic(p, [](std::ostream& os) { os << "after"; });
  EXPECT_EQ(read_file(p), "after");
  EXPECT_EQ(t.entries(), 1u);
}

TEST(AtomicFile, WriteFilesAtomicReplacesAllOrNothing) {
  NamedDir d("all");
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
  NamedDir d("check");
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
  NamedDir d("links");
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

}  // namespace rssviz_test_atomic_file
