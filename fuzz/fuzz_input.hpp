// The fuzzers' input as a file (the readers take paths): one file per process, in the
// temporary folder, rewritten for every input.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace rssviz::fuzz {

// Removes the input file and its ".out" sibling when the fuzzer exits.
struct InputFile {
  std::filesystem::path path;
  ~InputFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    std::filesystem::remove(path.string() + ".out", ec);
  }
};

inline const std::filesystem::path& input_path(const char* name) {
  static const InputFile f{std::filesystem::temp_directory_path() /
                           ("rssviz-fuzz-" + std::to_string(::getpid()) + "-" + name)};
  return f.path;
}

inline const std::filesystem::path& write_input(const char* name, const std::uint8_t* data, std::size_t size) {
  const auto& p = input_path(name);
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return p;
}

}  // namespace rssviz::fuzz
