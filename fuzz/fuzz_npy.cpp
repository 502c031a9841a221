// .npy reader (rssviz-cli umap --in, states exports read back): any input either reads or
// throws std::runtime_error (the documented error, naming the file); anything else, a
// crash, a sanitizer report, a leak or an allocation over -malloc_limit_mb is a finding.
#include <cmath>
#include <stdexcept>

#include "core/io/npy.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& p = rssviz::fuzz::write_input("npy", data, size);
  try {
    const Eigen::MatrixXd d = rssviz::io::read_npy_d(p);
    // Read back what was read: the writer and the reader agree (NaN compares unequal).
    rssviz::io::write_npy(p.string() + ".out", d);
    const Eigen::MatrixXd again = rssviz::io::read_npy_d(p.string() + ".out");
    if (again.rows() != d.rows() || again.cols() != d.cols()) std::abort();
    for (Eigen::Index i = 0; i < d.size(); ++i)
      if (!(again.data()[i] == d.data()[i] || (std::isnan(again.data()[i]) && std::isnan(d.data()[i])))) std::abort();
  } catch (const std::runtime_error&) {
  }
  try {
    (void)rssviz::io::read_npy_f(p);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
