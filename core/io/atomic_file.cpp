#include "core/io/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rssviz::io {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const fs::path& path, const std::string& why) {
  throw std::runtime_error("cannot write " + path.string() + ": " + why);
}

// A name no other writer in this process or another one uses at the same moment.
fs::path temporary_beside(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) about "." + std::string.
  std::string name = ".";
  name += target.filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(counter.fetch_add(1));
  return target.parent_path() / name;
}

// Writes `content` to the new file `tmp` (replacing `target`: its permission bits are
// kept) and flushes it to disk; on failure removes `tmp` and throws naming `path`.
void write_temporary(const fs::path& path, const fs::path& target, const fs::path& tmp, std::string_view content) {
  struct stat old{};
  const bool replacing = ::stat(target.c_str(), &old) == 0;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail(path, std::strerror(errno));
  auto abandon = [&](const std::string& why) {
    ::close(fd);
    ::unlink(tmp.c_str());
    fail(path, why);
  };
  // A replacement that silently changed a file's permissions would surprise its owner.
  if (replacing && ::fchmod(fd, old.st_mode & 07777) != 0) abandon(std::strerror(errno));
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      abandon(std::string("write failed: ") + std::strerror(errno));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  // Without fsync a crash soon after the rename can leave an empty file under the
  // target's name on some filesystems (ext4 with delalloc, XFS).
  if (::fsync(fd) != 0) abandon(std::string("fsync failed: ") + std::strerror(errno));
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    fail(path, std::string("close failed: ") + std::strerror(errno));
  }
}

void rename_temporary(const fs::path& path, const fs::path& tmp, const fs::path& target) {
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail(path, std::strerror(err));
  }
  // Make the rename itself durable; failure here loses nothing already visible.
  const int dir = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
}

}  // namespace

fs::path atomic_write_target(const fs::path& path) {
  if (path.empty()) throw std::runtime_error("cannot write an empty path");
  fs::path target = path;
  // Follow the symlink chain by hand: fs::canonical fails on a dangling link, whose
  // target is a perfectly good place to create the file.
  for (int hops = 0;; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(target, ec)) break;
    if (hops == 40) fail(path, "too many levels of symbolic links");
    const fs::path next = fs::read_symlink(target, ec);
    if (ec) fail(path, ec.message());
    target = next.is_absolute() ? next : target.parent_path() / next;
  }
  if (!target.has_filename() || target.filename() == "." || target.filename() == "..") fail(path, "no file name");
  if (!target.has_parent_path()) target = fs::path(".") / target;
  std::error_code ec;
  const auto dir_status = fs::status(target.parent_path(), ec);
  if (!fs::exists(dir_status)) fail(path, "folder " + target.parent_path().string() + " does not exist");
  if (!fs::is_directory(dir_status)) fail(path, target.parent_path().string() + " is not a folder");
  const auto status = fs::status(target, ec);
  if (fs::exists(status)) {
    if (fs::is_directory(status)) fail(path, "it is a folder (a directory), not a file");
    if (!fs::is_regular_file(status)) fail(path, "not a regular file (a device, a pipe or a socket)");
  }
  return target;
}

void check_writable(const fs::path& path) {
  const fs::path target = atomic_write_target(path);
  const fs::path tmp = temporary_beside(target);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    const int e = errno;
    fail(path, "cannot create a file in folder " + target.parent_path().string() + " (" + std::strerror(e) + ")");
  }
  ::close(fd);
  ::unlink(tmp.c_str());
}

void write_file_atomic(const fs::path& path, std::string_view content) {
  const fs::path target = atomic_write_target(path);
  const fs::path tmp = temporary_beside(target);
  write_temporary(path, target, tmp, content);
  rename_temporary(path, tmp, target);
}

void write_file_atomic(const fs::path& path, const std::function<void(std::ostream&)>& writer) {
  atomic_write_target(path);  // a bad path fails before the writer does its work
  std::ostringstream out(std::ios::binary);
  writer(out);
  if (!out) fail(path, "the writer's stream failed");
  write_file_atomic(path, std::string_view(out.view()));
}

void write_files_atomic(const std::vector<std::pair<fs::path, std::string>>& files) {
  std::vector<fs::path> targets, temps;
  for (const auto& f : files) targets.push_back(atomic_write_target(f.first));
  try {
    for (std::size_t i = 0; i < files.size(); ++i) {
      const fs::path tmp = temporary_beside(targets[i]);
      write_temporary(files[i].first, targets[i], tmp, files[i].second);
      temps.push_back(tmp);
    }
  } catch (...) {
    for (const auto& t : temps) ::unlink(t.c_str());  // the failed one removed itself
    throw;
  }
  for (std::size_t i = 0; i < files.size(); ++i) rename_temporary(files[i].first, temps[i], targets[i]);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace rssviz::io
