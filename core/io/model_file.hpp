// The rssviz model file: one binary file holding a model's options and arrays.
// Layout (all integers little-endian), documented in docs/FORMATS.md:
//   bytes 0-7   magic "RSSVIZMF"
//   bytes 8-11  uint32 format version (1)
//   bytes 12-19 uint64 n = length of the JSON header
//   n bytes     JSON header (UTF-8):
//               {"model": "esn"|"lstm"|..., "meta": {...},
//                "arrays": [{"name", "dtype": "f64"|"f32", "shape": [rows, cols],
//                            "offset", "bytes"}], "checksum": FNV-1a 64 of the data}
//   data        the arrays, row-major (C order), each starting at its offset
//               (relative to the end of the header), 8-byte aligned.
// Reading validates everything (magic, version, header, offsets, sizes, checksum) and
// throws std::runtime_error naming the file and the problem.
#pragma once
#include <Eigen/Core>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rssviz::io {

struct ModelFile {
  std::string model;                              // "esn", "lstm", ...
  nlohmann::json meta = nlohmann::json::object();  // options, seed, corpus, anything JSON
  std::map<std::string, Eigen::MatrixXd> arrays;   // named matrices (vectors as n x 1)
  std::map<std::string, bool> single_precision;    // arrays to store as f32 (default f64)

  const Eigen::MatrixXd& array(const std::string& name) const;  // throws naming the missing array
};

inline constexpr std::uint32_t kModelFileVersion = 1;

// Writes atomically; throws std::runtime_error naming the path on failure.
void save_model_file(const std::filesystem::path& path, const ModelFile& m);
ModelFile load_model_file(const std::filesystem::path& path);
// The bytes save_model_file writes, and their reader (`name` starts the error messages):
// a model file embedded in another file (a session, core/io/session_file.hpp).
std::string encode_model_file(const ModelFile& m, const std::string& name);
ModelFile decode_model_file(std::string_view bytes, const std::string& name);
// Reads only the header's "model" field (to dispatch on the model type).
std::string peek_model_type(const std::filesystem::path& path);

}  // namespace rssviz::io
