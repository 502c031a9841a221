#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <cstring>
#include <fstream>

#include "core/io/atomic_file.hpp"
#include "core/io/npy.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_npy {

namespace fs = std::filesystem;
using rssviz::io::read_npy_d;
using rssviz::io::read_npy_f;
using rssviz::io::write_npy;

namespace {

fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / ("rssviz-npy-" + std::to_string(::getpid()) + "-" + name);
}

// A file numpy would write: version 1.0 header padded to 64 bytes, then `payload`.
std::string npy_file(const std::string& dict, const std::string& payload, char major = 1) {
  std::string d = dict;
  const std::size_t pre = major == 1 ? 10 : 12;
  while ((pre + d.size() + 1) % 64) d.push_back(' ');
  d.push_back('\n');
  std::string out("\x93NUMPY", 6);
  out.push_back(major);
  out.push_back('\0');
  out.push_back(static_cast<char>(d.size() & 0xFF));
  out.push_back(static_cast<char>((d.size() >> 8) & 0xFF));
  if (major != 1) out.append(2, '\0');
  return out + d + payload;
}

template <class T>
std::string raw(std::initializer_list<T> v) {
  std::string s;
  for (T x : v) s.append(reinterpret_cast<const char*>(&x), sizeof(T));
  return s;
}

void expect_error(const std::string& bytes, const std::string& fragment) {
  const auto p = temp("bad.npy");
  rssviz::io::write_file_atomic(p, bytes);
  try {
    (void)read_npy_f(p);
    ADD_FAILURE() << "no error for " << fragment;
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
    EXPECT_NE(msg.find(p.string()), std::string::npos) << "message should name the file: " << msg;
  }
  fs::remove(p);
}

}  // namespace

TEST(Npy, Float32RoundTripKeepsRowMajorOrder) {
  Eigen::MatrixXf m(3, 4);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) m(i, j) = static_cast<float>(10 * i + j) + 0.25f;
  const auto p = temp("f32.npy");
  write_npy(p, m);
  EXPECT_EQ(read_npy_f(p), m);
  const std::string bytes = rssviz::io::read_file(p);
  // Header length is a multiple of 64 and the first element after it is m(0,0), the
  // second m(0,1) (C order).
  const auto h = rssviz::io::parse_npy_header(bytes, p.string());
  EXPECT_EQ(h.data_offset % 64, 0u);
  EXPECT_EQ(h.shape, (std::vector<std::size_t>{3, 4}));
  float second;
  std::memcpy(&second, bytes.data() + h.data_offset + 4, 4);
  EXPECT_EQ(second, m(0, 1));
  fs::remove(p);
}

TEST(Npy, Float64RoundTripIsExact) {
  Eigen::MatrixXd m(2, 3);
  m << 1.0 / 3.0, -2.5e-300, 7.0, 1e300, 0.0, -0.0;
  const auto p = temp("f64.npy");
  write_npy(p, m);
  const Eigen::MatrixXd back = read_npy_d(p);
  EXPECT_EQ(back, m);
  // Reading float64 as float rounds each value (and refuses 1e300, see below).
  EXPECT_THROW(read_npy_f(p), std::runtime_error);
  m(1, 0) = 3e38;
  write_npy(p, m);
  const Eigen::MatrixXf f = read_npy_f(p);
  EXPECT_FLOAT_EQ(f(0, 0), 1.0f / 3.0f);
  EXPECT_FLOAT_EQ(f(1, 0), 3e38f);
  fs::remove(p);
}

TEST(Npy, ReadsWhatNumpyWrites) {
  // 1-D float32 of length 3, written as numpy does ("(3,)"), and version 2.0 headers.
  const auto p = temp("np.npy");
  rssviz::io::write_file_atomic(p, npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                                            raw<float>({1.5f, -2.0f, 3.0f})));
  const Eigen::MatrixXf v = read_npy_f(p);
  ASSERT_EQ(v.rows(), 3);
  ASSERT_EQ(v.cols(), 1);
  EXPECT_EQ(v(1, 0), -2.0f);
  rssviz::io::write_file_atomic(p, npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }",
                                            raw<double>({4.0, 5.0}), 2));
  const Eigen::MatrixXd w = read_npy_d(p);
  ASSERT_EQ(w.rows(), 1);
  EXPECT_EQ(w(0, 1), 5.0);
  fs::remove(p);
}

TEST(Npy, RejectsWrongMagic) {
  std::string b = npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", raw<float>({1.0f}));
  b[1] = 'X';
  expect_error(b, "magic");
}

TEST(Npy, RejectsFortranOrder) {
  expect_error(npy_file("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1), }", raw<float>({1.0f, 2.0f})),
               "Fortran");
}

TEST(Npy, RejectsUnsupportedDtypes) {
  expect_error(npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", raw<int>({1})), "'<i4'");
  expect_error(npy_file("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", raw<double>({1.0})), "'>f8'");
}

TEST(Npy, RejectsTruncatedFiles) {
  const std::string full =
      npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", raw<double>({1.0, 2.0, 3.0, 4.0}));
  expect_error(full.substr(0, full.size() - 1), "truncated data");
  expect_error(full.substr(0, 40), "truncated header");
}

TEST(Npy, RejectsThreeDimensions) {
  expect_error(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1), }", raw<float>({1.0f})),
               "3 dimensions");
}

TEST(Npy, MissingFileNamesThePath) {
  const auto p = temp("does-not-exist.npy");
  try {
    (void)read_npy_f(p);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos);
  }
}

// Issue #14: a shape whose byte count overflows 64 bits reached the allocator (bad_alloc).
TEST(Npy, ShapeWhoseByteCountOverflowsIsRefusedBeforeAllocating) {
  expect_error(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }",
                        raw<float>({1.0f})),
               "too large (its byte count overflows)");
  // 2^40 x 2^22 x 4 bytes = 2^64: wraps to exactly 0.
  expect_error(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 4194304), }", ""),
               "too large (its byte count overflows)");
}

// Issue #14: a finite float64 beyond float32's range was reported later as "NaN or
// infinity", which the data does not contain.
TEST(Npy, Float64TooLargeForFloat32IsNamedAsSuch) {
  const std::string f = npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", raw<double>({1.0, 2.0, 3.0, 1e300}));
  expect_error(f, "value 1e+300 at row 1, column 1 is too large for float32");
  const auto p = temp("big-ok.npy");
  rssviz::io::write_file_atomic(p, f);
  EXPECT_EQ(read_npy_d(p)(1, 1), 1e300);  // read as float64 it is fine
  fs::remove(p);
}

}  // namespace rssviz_test_npy
