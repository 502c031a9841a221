#include "core/io/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>

namespace fs = std::filesystem;
using rssviz::io::atomic_write_target;
using rssviz::io::read_file;
using rssviz::io::write_file_atomic;

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
