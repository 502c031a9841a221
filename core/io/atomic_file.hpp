// Atomic file writes: content goes to a temporary file beside the target, is flushed,
// then renamed over the target, so a failed or interrupted save never leaves a
// truncated file and never loses the previous one.
#pragma once
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace rssviz::io {

// Writes `content` to `path` atomically; throws std::runtime_error naming the path.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);
// Calls `writer` with a binary stream to a temporary file, then renames it to `path`.
void write_file_atomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& writer);
// Reads a whole file; throws std::runtime_error naming the path when it cannot.
std::string read_file(const std::filesystem::path& path);

}  // namespace rssviz::io
