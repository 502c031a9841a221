// Atomic file writes: content goes to a temporary file beside the target, is flushed,
// then renamed over the target, so a failed or interrupted save never leaves a
// truncated file and never loses the previous one. A symlink is followed (its target is
// replaced, the link kept); only regular files are replaced: a folder or a device
// (/dev/null, /dev/stdout) is refused with an error naming the path.
#pragma once
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rssviz::io {

// Writes `content` to `path` atomically; throws std::runtime_error naming the path.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);
// Calls `writer` with a binary stream to a temporary file, then renames it to `path`.
void write_file_atomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer);
// Writes several files all or nothing: every content goes to its temporary file first,
// and only when all of them are written are they renamed over their targets; a failure
// before that leaves every target as it was. Throws std::runtime_error naming the path.
void write_files_atomic(const std::vector<std::pair<std::filesystem::path, std::string>>& files);
// Fails fast, before a long computation, where a later write_file_atomic(path) is bound
// to fail: throws std::runtime_error naming the path when its folder does not exist or
// is not a folder, when the path exists and is not a regular file (a directory, a
// device; symlinks are followed), or when no file can be created in the folder (tried
// with the same temporary name, removed again). Leaves the target untouched.
void check_writable(const std::filesystem::path& path);
// Reads a whole file; throws std::runtime_error naming the path when it cannot.
std::string read_file(const std::filesystem::path& path);

}  // namespace rssviz::io
