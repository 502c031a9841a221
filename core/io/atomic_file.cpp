#include "core/io/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace rssviz::io {

namespace fs = std::filesystem;

namespace {

fs::path folder_of(const fs::path& path) { return path.has_parent_path() ? path.parent_path() : fs::path("."); }

fs::path temp_path(const fs::path& path) {
  std::string name = ".";  // appended, not concatenated: GCC 12 warns falsely (-Wrestrict) on "." + string
  name += path.filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  return folder_of(path) / name;
}

// What a write to `path` replaces: the target of a symlink (followed to its end, so the
// link stays a link), else `path` itself. A dangling link is replaced by the file.
fs::path target_of(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(path, ec))) return path;
  fs::path t = fs::canonical(path, ec);
  return ec ? path : t;
}

// Only regular files are replaced (renaming over /dev/null as root would replace the device).
void check_replaceable(const fs::path& path, const fs::path& target) {
  std::error_code ec;
  const auto st = fs::status(target, ec);
  if (fs::is_directory(st)) throw std::runtime_error("cannot write " + path.string() + ": it is a folder");
  if (fs::exists(st) && !fs::is_regular_file(st))
    throw std::runtime_error("cannot write " + path.string() + ": not a regular file");
}

// Writes the temporary file of `path`; removes it and throws naming `path` on failure.
void write_temp(const fs::path& path, const fs::path& tmp, const std::function<void(std::ostream&)>& writer) {
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
  try {
    writer(out);
  } catch (...) {
    out.close();
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  out.flush();
  if (!out) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot write " + path.string() + ": write failed (disk full?)");
  }
}

// Renames the temporary file over `target`; errors name `path` (what the caller gave).
void rename_temp(const fs::path& tmp, const fs::path& target, const fs::path& path) {
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot write " + path.string() + ": " + why);
  }
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer) {
  const fs::path target = target_of(path);
  check_replaceable(path, target);
  const fs::path tmp = temp_path(target);
  write_temp(path, tmp, writer);
  rename_temp(tmp, target, path);
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  write_file_atomic(path, [&](std::ostream& os) { os.write(content.data(), static_cast<std::streamsize>(content.size())); });
}

void write_files_atomic(const std::vector<std::pair<std::filesystem::path, std::string>>& files) {
  std::vector<fs::path> targets, temps;
  for (const auto& f : files) {
    targets.push_back(target_of(f.first));
    check_replaceable(f.first, targets.back());
  }
  try {
    for (const auto& [path, content] : files) {
      temps.push_back(temp_path(targets[temps.size()]));
      write_temp(path, temps.back(), [&](std::ostream& os) {
        os.write(content.data(), static_cast<std::streamsize>(content.size()));
      });
    }
  } catch (...) {
    std::error_code ec;
    for (size_t i = 0; i + 1 < temps.size(); ++i) fs::remove(temps[i], ec);  // the failed one removed itself
    throw;
  }
  for (size_t i = 0; i < files.size(); ++i) rename_temp(temps[i], targets[i], files[i].first);
}

void check_writable(const std::filesystem::path& path) {
  const auto fail = [&](const std::string& why) { throw std::runtime_error("cannot write " + path.string() + ": " + why); };
  if (path.empty()) throw std::runtime_error("cannot write an empty path");
  const fs::path target = target_of(path);
  const fs::path dir = folder_of(target);
  std::error_code ec;
  const auto ds = fs::status(dir, ec);
  if (!fs::exists(ds)) fail("folder " + dir.string() + " does not exist");
  if (!fs::is_directory(ds)) fail(dir.string() + " is not a folder");
  check_replaceable(path, target);
  const fs::path tmp = temp_path(target);
  {
    std::ofstream probe(tmp, std::ios::binary | std::ios::trunc);
    if (!probe) fail(std::strerror(errno));
  }
  fs::remove(tmp, ec);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace rssviz::io
