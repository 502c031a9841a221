// NumPy .npy files (format versions 1.0, 2.0 and 3.0): read and write 1-D and 2-D
// arrays of little-endian float32 ('<f4') or float64 ('<f8') in C (row-major) order.
// Anything else (other dtypes, big-endian data, Fortran order, more than two
// dimensions, a bad magic string, a header or payload cut short) is rejected with a
// std::runtime_error that names the file and the problem. Writes are atomic.
//
// A 1-D array of length n reads as an n x 1 matrix. Eigen matrices are column-major;
// the conversion to and from the file's row-major layout happens here.
#pragma once
#include <Eigen/Core>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace rssviz::io {

enum class NpyDtype { float32, float64 };

// What a .npy header says, without the data.
struct NpyHeader {
  NpyDtype dtype = NpyDtype::float32;
  std::vector<std::size_t> shape;  // () for a scalar, (n,) or (n, d)
  bool fortran_order = false;
  std::size_t data_offset = 0;  // bytes from the start of the file to the first element
};

// Parses the header of `bytes` (a whole .npy file); `where` names it in errors.
NpyHeader parse_npy_header(const std::string& bytes, const std::string& where);

// Reads a 1-D or 2-D float32/float64 array; float64 data is rounded to float.
Eigen::MatrixXf read_npy_f(const std::filesystem::path& path);
// Reads a 1-D or 2-D float32/float64 array as double (float32 is widened exactly).
Eigen::MatrixXd read_npy_d(const std::filesystem::path& path);

// Writes an (rows, cols) C-order array, '<f4' or '<f8', atomically.
void write_npy(const std::filesystem::path& path, const Eigen::MatrixXf& m);
void write_npy(const std::filesystem::path& path, const Eigen::MatrixXd& m);

// The file's bytes for a matrix (what write_npy writes).
std::string npy_bytes(const Eigen::MatrixXf& m);
std::string npy_bytes(const Eigen::MatrixXd& m);

}  // namespace rssviz::io
