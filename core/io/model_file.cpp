#include "core/io/model_file.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "core/io/atomic_file.hpp"
#include "core/io/json_limits.hpp"

namespace rssviz::io {
namespace {
// The largest model file read (an ESN of 40 000 units holds 12.8 GB of W).
constexpr std::uint64_t kMaxModelFileBytes = 16ull << 30;
}  // namespace

namespace {

constexpr char kMagic[8] = {'R', 'S', 'S', 'V', 'I', 'Z', 'M', 'F'};

std::uint64_t fnv1a(const char* p, size_t n, std::uint64_t h = 0xCBF29CE484222325ULL) {
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(p[i]);
    h *= 0x100000001B3ULL;
  }
  return h;
}

template <class T>
void put(std::string& s, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // the supported platforms are little-endian
  s.append(b, sizeof(T));
}

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw std::runtime_error(name + ": not a valid rssviz model file: " + what);
}

struct Parsed {
  nlohmann::json header;
  std::string_view data;
};

Parsed parse(std::string_view bytes, const std::string& name) {
  std::uint32_t version = 0;
  std::uint64_t n = 0;
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0) fail(name, "wrong magic (expected RSSVIZMF)");
  if (bytes.size() < 12) fail(name, "truncated before the version");
  std::memcpy(&version, bytes.data() + 8, 4);
  if (version != kModelFileVersion)
    fail(name, "format version " + std::to_string(version) + " is not supported (this build reads version " +
                   std::to_string(kModelFileVersion) + ")");
  if (bytes.size() < 20) fail(name, "truncated before the header length");
  std::memcpy(&n, bytes.data() + 12, 8);
  if (n > (64u << 20)) fail(name, "header length " + std::to_string(n) + " is implausible");
  if (bytes.size() - 20 < n) fail(name, "truncated inside the JSON header");
  Parsed r;
  try {
    // Bounded nesting: the header is written back (dump) recursively, so a hostile
    // "[[[[..." header must not reach it (a stack overflow, not a message).
    r.header = nlohmann::json::parse(bytes.substr(20, n), [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
      if (depth > kMaxJsonDepth) throw std::runtime_error("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      return true;
    });
  } catch (const std::exception& e) {
    fail(name, std::string("JSON header does not parse: ") + e.what());
  }
  if (!r.header.is_object() || !r.header.contains("model") || !r.header["model"].is_string())
    fail(name, "header has no \"model\" string");
  r.data = bytes.substr(20 + n);
  return r;
}

}  // namespace

const Eigen::MatrixXd& ModelFile::array(const std::string& name) const {
  auto it = arrays.find(name);
  if (it == arrays.end()) throw std::runtime_error("model file has no array \"" + name + "\"");
  return it->second;
}

std::string encode_model_file(const ModelFile& m, const std::string& name) {
  std::string data;
  nlohmann::json arrays = nlohmann::json::array();
  for (const auto& [name, a] : m.arrays) {
    // A file the reader would refuse is not written: a diverged model says so here.
    for (Eigen::Index c = 0; c < a.cols(); ++c)
      for (Eigen::Index r = 0; r < a.rows(); ++r)
        if (!std::isfinite(a(r, c)))
          throw std::runtime_error("cannot save " + name + ": array \"" + name + "\" holds " +
                                   (std::isnan(a(r, c)) ? "NaN" : "infinity") + " at row " + std::to_string(r) +
                                   ", column " + std::to_string(c) + " (did the training diverge?)");
    const auto sp = m.single_precision.find(name);
    const bool f32 = sp != m.single_precision.end() && sp->second;
    while (data.size() % 8) data.push_back('\0');
    const size_t offset = data.size();
    for (Eigen::Index r = 0; r < a.rows(); ++r)
      for (Eigen::Index c = 0; c < a.cols(); ++c) {
        if (f32)
          put(data, static_cast<float>(a(r, c)));
        else
          put(data, a(r, c));
      }
    arrays.push_back({{"name", name},
                      {"dtype", f32 ? "f32" : "f64"},
                      {"shape", {a.rows(), a.cols()}},
                      {"offset", offset},
                      {"bytes", data.size() - offset}});
  }
  nlohmann::json header = {{"format", "rssviz-model"},
                           {"model", m.model},
                           {"meta", m.meta},
                           {"arrays", arrays},
                           {"checksum", fnv1a(data.data(), data.size())}};
  const std::string h = header.dump();
  std::string out(kMagic, 8);
  put(out, kModelFileVersion);
  put(out, static_cast<std::uint64_t>(h.size()));
  out += h;
  out += data;
  return out;
}

void save_model_file(const std::filesystem::path& path, const ModelFile& m) {
  write_file_atomic(path, encode_model_file(m, path.string()));
}

namespace {

// A header integer: a JSON integer (not 50.5, not "50", not true) in [0, max].
std::uint64_t header_count(const std::string& path, const nlohmann::json& v, const std::string& what,
                           std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
  bool ok = v.is_number_integer();
  std::uint64_t x = 0;
  if (ok && v.is_number_unsigned()) {
    x = v.get<std::uint64_t>();
  } else if (ok) {
    const auto i = v.get<std::int64_t>();
    ok = i >= 0;
    x = static_cast<std::uint64_t>(i);
  }
  if (!ok || x > max) fail(path, what + " is " + v.dump() + "; expected an integer in [0, " + std::to_string(max) + "]");
  return x;
}

std::string read_model_bytes(const std::filesystem::path& path) {
  // A regular file of bounded size only: /dev/zero or a FIFO would be read until memory
  // runs out.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    throw std::runtime_error("cannot read " + path.string() + ": not a regular file");
  if (!ec && std::filesystem::exists(status)) {
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxModelFileBytes)
      throw std::runtime_error("cannot read " + path.string() + ": " + std::to_string(size) +
                               " bytes is over the limit of " + std::to_string(kMaxModelFileBytes) +
                               " (kMaxModelFileBytes, 16 GiB)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string() + ": " + std::strerror(errno));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

ModelFile load_model_file(const std::filesystem::path& path) {
  const std::string bytes = read_model_bytes(path);
  return decode_model_file(bytes, path.string());
}

ModelFile decode_model_file(std::string_view content, const std::string& path) {
  auto p = parse(content, path);
  ModelFile m;
  const auto& h = p.header;
  if (!h.contains("format") || h["format"] != "rssviz-model")
    fail(path, "header \"format\" is " + (h.contains("format") ? h["format"].dump() : std::string("missing")) +
                   "; expected \"rssviz-model\"");
  m.model = h["model"].get<std::string>();
  if (h.contains("meta")) {
    if (!h["meta"].is_object()) fail(path, "header \"meta\" is not an object");
    m.meta = h["meta"];
  }
  if (!h.contains("arrays") || !h["arrays"].is_array()) fail(path, "header has no \"arrays\" list");
  if (!h.contains("checksum") || !h["checksum"].is_number_unsigned()) fail(path, "header has no checksum");
  if (fnv1a(p.data.data(), p.data.size()) != h["checksum"].get<std::uint64_t>())
    fail(path, "checksum mismatch: the data is corrupt or truncated");
  // Every entry is checked before anything is allocated: integer fields, a byte count
  // that equals rows x cols x element size without overflow, an 8-byte aligned offset,
  // inside the data, no two arrays sharing a byte or a name; then every value is finite.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;  // [offset, offset + bytes)
  for (const auto& a : h["arrays"]) {
    if (!a.is_object()) fail(path, "an \"arrays\" entry is not an object");
    for (const char* key : {"name", "dtype", "shape", "offset", "bytes"})
      if (!a.contains(key)) fail(path, std::string("an array entry has no \"") + key + "\"");
    if (!a["name"].is_string() || a["name"].get<std::string>().empty()) fail(path, "an array's name is not a non-empty string");
    const auto name = a["name"].get<std::string>();
    const std::string where = "array \"" + name + "\"";
    if (m.arrays.count(name)) fail(path, where + " appears twice");
    if (!a["dtype"].is_string()) fail(path, where + " dtype is not a string");
    const auto dtype = a["dtype"].get<std::string>();
    const std::uint64_t elem = dtype == "f64" ? 8 : dtype == "f32" ? 4 : 0;
    if (elem == 0) fail(path, where + " has unsupported dtype \"" + dtype + "\"");
    if (!a["shape"].is_array() || a["shape"].size() != 2) fail(path, where + " shape is not [rows, cols]");
    constexpr std::uint64_t kMaxSide = std::numeric_limits<std::int32_t>::max();
    const std::uint64_t rows = header_count(path, a["shape"][0], where + " rows", kMaxSide);
    const std::uint64_t cols = header_count(path, a["shape"][1], where + " cols", kMaxSide);
    const std::uint64_t offset = header_count(path, a["offset"], where + " offset");
    const std::uint64_t bytes = header_count(path, a["bytes"], where + " bytes");
    std::uint64_t want = 0;
    if (__builtin_mul_overflow(rows, cols, &want) || __builtin_mul_overflow(want, elem, &want) || want != bytes)
      fail(path, where + " shape " + std::to_string(rows) + " x " + std::to_string(cols) + " of " + dtype +
                     " does not match its byte count " + std::to_string(bytes));
    if (offset % 8 != 0) fail(path, where + " offset " + std::to_string(offset) + " is not 8-byte aligned");
    if (offset > p.data.size() || bytes > p.data.size() - offset)
      fail(path, where + " lies beyond the end of the file");
    for (const auto& [o, e] : spans)
      if (bytes > 0 && offset < e && o < offset + bytes)
        fail(path, where + " overlaps another array (bytes " + std::to_string(offset) + ".." +
                       std::to_string(offset + bytes) + " against " + std::to_string(o) + ".." + std::to_string(e) + ")");
    if (bytes > 0) spans.emplace_back(offset, offset + bytes);
    Eigen::MatrixXd mat(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    const char* src = p.data.data() + offset;
    for (Eigen::Index r = 0; r < mat.rows(); ++r)
      for (Eigen::Index c = 0; c < mat.cols(); ++c, src += elem) {
        double v;
        if (elem == 8) {
          std::memcpy(&v, src, 8);
        } else {
          float f;
          std::memcpy(&f, src, 4);
          v = f;
        }
        if (!std::isfinite(v))
          fail(path, where + " holds " + (std::isnan(v) ? "NaN" : "infinity") + " at row " + std::to_string(r) +
                         ", column " + std::to_string(c));
        mat(r, c) = v;
      }
    m.single_precision[name] = elem == 4;
    m.arrays.emplace(name, std::move(mat));
  }
  return m;
}

std::string peek_model_type(const std::filesystem::path& path) {
  const std::string bytes = read_model_bytes(path);
  return parse(bytes, path.string()).header["model"].get<std::string>();
}

}  // namespace rssviz::io
