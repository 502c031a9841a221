#include "core/io/model_file.hpp"

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "core/io/atomic_file.hpp"

namespace rssviz::io {
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

[[noreturn]] void fail(const std::filesystem::path& p, const std::string& what) {
  throw std::runtime_error(p.string() + ": not a valid rssviz model file: " + what);
}

struct Parsed {
  nlohmann::json header;
  std::string data;
};

Parsed parse(const std::filesystem::path& path, bool header_only) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string() + ": " + std::strerror(errno));
  char magic[8];
  std::uint32_t version = 0;
  std::uint64_t n = 0;
  if (!in.read(magic, 8) || std::memcmp(magic, kMagic, 8) != 0) fail(path, "wrong magic (expected RSSVIZMF)");
  if (!in.read(reinterpret_cast<char*>(&version), 4)) fail(path, "truncated before the version");
  if (version != kModelFileVersion)
    fail(path, "format version " + std::to_string(version) + " is not supported (this build reads version " +
                   std::to_string(kModelFileVersion) + ")");
  if (!in.read(reinterpret_cast<char*>(&n), 8)) fail(path, "truncated before the header length");
  if (n > (64u << 20)) fail(path, "header length " + std::to_string(n) + " is implausible");
  std::string h(n, '\0');
  if (!in.read(h.data(), static_cast<std::streamsize>(n))) fail(path, "truncated inside the JSON header");
  Parsed r;
  try {
    r.header = nlohmann::json::parse(h);
  } catch (const std::exception& e) {
    fail(path, std::string("JSON header does not parse: ") + e.what());
  }
  if (!r.header.is_object() || !r.header.contains("model") || !r.header["model"].is_string())
    fail(path, "header has no \"model\" string");
  if (header_only) return r;
  r.data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

}  // namespace

const Eigen::MatrixXd& ModelFile::array(const std::string& name) const {
  auto it = arrays.find(name);
  if (it == arrays.end()) throw std::runtime_error("model file has no array \"" + name + "\"");
  return it->second;
}

void save_model_file(const std::filesystem::path& path, const ModelFile& m) {
  std::string data;
  nlohmann::json arrays = nlohmann::json::array();
  for (const auto& [name, a] : m.arrays) {
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
  write_file_atomic(path, out);
}

ModelFile load_model_file(const std::filesystem::path& path) {
  auto p = parse(path, false);
  ModelFile m;
  const auto& h = p.header;
  m.model = h["model"].get<std::string>();
  if (h.contains("meta")) m.meta = h["meta"];
  if (!h.contains("arrays") || !h["arrays"].is_array()) fail(path, "header has no \"arrays\" list");
  if (!h.contains("checksum") || !h["checksum"].is_number_unsigned()) fail(path, "header has no checksum");
  if (fnv1a(p.data.data(), p.data.size()) != h["checksum"].get<std::uint64_t>())
    fail(path, "checksum mismatch: the data is corrupt or truncated");
  for (const auto& a : h["arrays"]) {
    try {
      const auto name = a.at("name").get<std::string>();
      const auto dtype = a.at("dtype").get<std::string>();
      const auto rows = a.at("shape").at(0).get<std::int64_t>();
      const auto cols = a.at("shape").at(1).get<std::int64_t>();
      const auto offset = a.at("offset").get<std::uint64_t>();
      const auto bytes = a.at("bytes").get<std::uint64_t>();
      const size_t elem = dtype == "f64" ? 8 : dtype == "f32" ? 4 : 0;
      if (elem == 0) fail(path, "array \"" + name + "\" has unsupported dtype \"" + dtype + "\"");
      if (rows < 0 || cols < 0 || static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(cols) * elem != bytes)
        fail(path, "array \"" + name + "\" shape does not match its byte count");
      if (offset > p.data.size() || bytes > p.data.size() - offset)
        fail(path, "array \"" + name + "\" lies beyond the end of the file");
      Eigen::MatrixXd mat(rows, cols);
      const char* src = p.data.data() + offset;
      for (Eigen::Index r = 0; r < rows; ++r)
        for (Eigen::Index c = 0; c < cols; ++c, src += elem) {
          if (elem == 8) {
            double v;
            std::memcpy(&v, src, 8);
            mat(r, c) = v;
          } else {
            float v;
            std::memcpy(&v, src, 4);
            mat(r, c) = v;
          }
        }
      m.single_precision[name] = elem == 4;
      m.arrays.emplace(name, std::move(mat));
    } catch (const nlohmann::json::exception& e) {
      fail(path, std::string("malformed array entry: ") + e.what());
    }
  }
  return m;
}

std::string peek_model_type(const std::filesystem::path& path) { return parse(path, true).header["model"].get<std::string>(); }

}  // namespace rssviz::io
