#include "core/io/npy.hpp"

#include <bit>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "core/io/atomic_file.hpp"

static_assert(std::endian::native == std::endian::little, "rssviz's .npy code assumes a little-endian machine");

namespace rssviz::io {
namespace {

[[noreturn]] void npy_fail(const std::string& where, const std::string& what) {
  throw std::runtime_error(where + ": not a supported .npy file: " + what);
}

// The header is a Python dict literal; only the three keys numpy writes are read.
std::string dict_value(const std::string& dict, const std::string& key, const std::string& where) {
  const std::string quoted1 = "'" + key + "'";
  const std::string quoted2 = "\"" + key + "\"";
  auto pos = dict.find(quoted1);
  std::size_t len = quoted1.size();
  if (pos == std::string::npos) {
    pos = dict.find(quoted2);
    len = quoted2.size();
  }
  if (pos == std::string::npos) npy_fail(where, "header has no '" + key + "' entry");
  pos = dict.find(':', pos + len);
  if (pos == std::string::npos) npy_fail(where, "header entry '" + key + "' has no value");
  ++pos;
  while (pos < dict.size() && dict[pos] == ' ') ++pos;
  if (pos >= dict.size()) npy_fail(where, "header entry '" + key + "' has no value");
  std::size_t end = pos;
  if (dict[pos] == '(') {
    end = dict.find(')', pos);
    if (end == std::string::npos) npy_fail(where, "unterminated shape tuple in the header");
    return dict.substr(pos, end - pos + 1);
  }
  if (dict[pos] == '\'' || dict[pos] == '"') {
    end = dict.find(dict[pos], pos + 1);
    if (end == std::string::npos) npy_fail(where, "unterminated string in the header");
    return dict.substr(pos + 1, end - pos - 1);
  }
  while (end < dict.size() && dict[end] != ',' && dict[end] != '}') ++end;
  auto v = dict.substr(pos, end - pos);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  return v;
}

std::vector<std::size_t> parse_shape(const std::string& tuple, const std::string& where) {
  std::vector<std::size_t> shape;
  std::size_t i = 1;  // after '('
  while (i < tuple.size()) {
    while (i < tuple.size() && (tuple[i] == ' ' || tuple[i] == ',')) ++i;
    if (i >= tuple.size() || tuple[i] == ')') break;
    if (tuple[i] < '0' || tuple[i] > '9') npy_fail(where, "bad shape " + tuple);
    std::size_t v = 0;
    while (i < tuple.size() && tuple[i] >= '0' && tuple[i] <= '9') {
      v = v * 10 + static_cast<std::size_t>(tuple[i] - '0');
      if (v > (std::size_t{1} << 40)) npy_fail(where, "dimension too large in shape " + tuple);
      ++i;
    }
    shape.push_back(v);
  }
  return shape;
}

template <class Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> read_as(const std::filesystem::path& path) {
  const std::string where = path.string();
  const std::string bytes = read_file(path);
  const NpyHeader h = parse_npy_header(bytes, where);
  if (h.shape.size() > 2)
    npy_fail(where, "array has " + std::to_string(h.shape.size()) + " dimensions; only 1-D and 2-D are supported");
  const std::size_t rows = h.shape.empty() ? 1 : h.shape[0];
  const std::size_t cols = h.shape.size() == 2 ? h.shape[1] : 1;
  const std::size_t elem = h.dtype == NpyDtype::float32 ? 4 : 8;
  std::size_t need = 0;
  if (__builtin_mul_overflow(rows, cols, &need) || __builtin_mul_overflow(need, elem, &need))
    npy_fail(where, "shape " + std::to_string(rows) + " x " + std::to_string(cols) + " is too large (its byte count overflows)");
  if (bytes.size() - h.data_offset < need)
    npy_fail(where, "truncated data: expected " + std::to_string(need) + " bytes after the header, found " +
                    std::to_string(bytes.size() - h.data_offset));
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> m(static_cast<Eigen::Index>(rows),
                                                          static_cast<Eigen::Index>(cols));
  const char* p = bytes.data() + h.data_offset;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      const std::size_t k = r * cols + c;
      if (h.dtype == NpyDtype::float32) {
        float v;
        std::memcpy(&v, p + k * 4, 4);
        m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = static_cast<Scalar>(v);
      } else {
        double v;
        std::memcpy(&v, p + k * 8, 8);
        // A finite float64 beyond float32's range would become infinity: say so here,
        // not later as "NaN or infinity" in data that has neither.
        if (sizeof(Scalar) == 4 && std::isfinite(v) && std::abs(v) > std::numeric_limits<float>::max()) {
          char text[32];
          std::snprintf(text, sizeof text, "%.6g", v);
          npy_fail(where, std::string("value ") + text + " at row " + std::to_string(r) + ", column " + std::to_string(c) +
                          " is too large for float32 (|x| <= 3.4e38); rescale the data");
        }
        m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = static_cast<Scalar>(v);
      }
    }
  return m;
}

template <class Scalar>
std::string bytes_of(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& m) {
  const char* descr = sizeof(Scalar) == 4 ? "<f4" : "<f8";
  std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" +
                     std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + "), }";
  // Magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of 64.
  std::size_t total = 10 + dict.size() + 1;
  const std::size_t pad = (64 - total % 64) % 64;
  dict.append(pad, ' ');
  dict.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  const auto hl = static_cast<std::uint16_t>(dict.size());
  out.push_back(static_cast<char>(hl & 0xFF));
  out.push_back(static_cast<char>(hl >> 8));
  out += dict;
  const std::size_t off = out.size();
  out.resize(off + static_cast<std::size_t>(m.size()) * sizeof(Scalar));
  char* p = out.data() + off;
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
      const Scalar v = m(r, c);
      std::memcpy(p, &v, sizeof(Scalar));
      p += sizeof(Scalar);
    }
  return out;
}

}  // namespace

NpyHeader parse_npy_header(const std::string& bytes, const std::string& where) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    npy_fail(where, "missing the \\x93NUMPY magic string");
  const auto major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0;
  std::size_t start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) npy_fail(where, "truncated header");
    header_len = 0;
    for (int i = 0; i < 4; ++i)
      header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    start = 12;
  } else {
    npy_fail(where, "unknown format version " + std::to_string(major));
  }
  if (bytes.size() < start + header_len) npy_fail(where, "truncated header");
  const std::string dict = bytes.substr(start, header_len);
  NpyHeader h;
  const std::string descr = dict_value(dict, "descr", where);
  if (descr == "<f4" || descr == "=f4")
    h.dtype = NpyDtype::float32;
  else if (descr == "<f8" || descr == "=f8")
    h.dtype = NpyDtype::float64;
  else
    npy_fail(where, "unsupported dtype '" + descr + "' (only little-endian float32 '<f4' and float64 '<f8')");
  const std::string fo = dict_value(dict, "fortran_order", where);
  if (fo == "True") {
    h.fortran_order = true;
    npy_fail(where, "Fortran-order arrays are not supported (save with numpy.ascontiguousarray)");
  }
  if (fo != "False") npy_fail(where, "bad fortran_order value '" + fo + "'");
  const std::string shape = dict_value(dict, "shape", where);
  if (shape.empty() || shape.front() != '(') npy_fail(where, "bad shape '" + shape + "'");
  h.shape = parse_shape(shape, where);
  h.data_offset = start + header_len;
  return h;
}

Eigen::MatrixXf read_npy_f(const std::filesystem::path& path) { return read_as<float>(path); }
Eigen::MatrixXd read_npy_d(const std::filesystem::path& path) { return read_as<double>(path); }

std::string npy_bytes(const Eigen::MatrixXf& m) { return bytes_of<float>(m); }
std::string npy_bytes(const Eigen::MatrixXd& m) { return bytes_of<double>(m); }

void write_npy(const std::filesystem::path& path, const Eigen::MatrixXf& m) { write_file_atomic(path, npy_bytes(m)); }
void write_npy(const std::filesystem::path& path, const Eigen::MatrixXd& m) { write_file_atomic(path, npy_bytes(m)); }

}  // namespace rssviz::io
