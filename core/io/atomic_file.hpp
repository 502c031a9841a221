// Atomic file writes: content goes to a temporary file beside the target, is flushed to
// disk (fsync), then renamed over the target, so a failed or interrupted save never
// leaves a truncated file and never loses the previous one.
//
// Only regular files are replaced: a symlink is followed to its target (the link stays a
// link), and a target that exists but is not a regular file (a directory, /dev/full, a
// FIFO) is refused instead of being renamed over, which as root would replace the device
// node itself. A replaced file keeps its permission bits.
#pragma once
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rssviz::io {

// The file that writing `path` would replace (symlinks followed). Throws
// std::runtime_error naming `path` when it cannot be written atomically: no file name,
// the folder is missing or not a folder, the target exists and is not a regular file.
// Cheap; writers call it before expensive work so that a bad path fails at once.
std::filesystem::path atomic_write_target(const std::filesystem::path& path);

// atomic_write_target, and a file can be created in the folder (tried with a temporary
// name, removed again): fails fast, before a long computation, where a later write is
// bound to fail (e.g. an unwritable folder). Leaves the target untouched.
void check_writable(const std::filesystem::path& path);

// Writes `content` to `path` atomically; throws std::runtime_error naming the path.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);
// Calls `writer` with a binary stream, then writes what it wrote to `path` atomically.
// The content is buffered in memory; an exception from `writer` leaves `path` untouched.
void write_file_atomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer);
// Writes several files all or nothing: every content goes to its temporary file first,
// and only when all of them are written are they renamed over their targets; a failure
// before that leaves every target as it was. Throws std::runtime_error naming the path.
void write_files_atomic(const std::vector<std::pair<std::filesystem::path, std::string>>& files);
// Reads a whole file; throws std::runtime_error naming the path when it cannot.
std::string read_file(const std::filesystem::path& path);

}  // namespace rssviz::io
