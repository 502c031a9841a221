// Model-file reader (rssviz-cli evaluate --model-file): any input either loads or throws
// std::runtime_error naming the file; a loaded file saves and loads back to the same
// arrays. Anything else (a crash, a sanitizer report, a leak, an allocation over
// -malloc_limit_mb, another exception type) is a finding.
#include <stdexcept>

#include "core/io/model_file.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& p = rssviz::fuzz::write_input("model", data, size);
  try {
    (void)rssviz::io::peek_model_type(p);
  } catch (const std::runtime_error&) {
  }
  try {
    const rssviz::io::ModelFile m = rssviz::io::load_model_file(p);
    const std::string out = p.string() + ".out";
    rssviz::io::save_model_file(out, m);  // every value read is finite, so it saves
    const rssviz::io::ModelFile back = rssviz::io::load_model_file(out);
    if (back.model != m.model || back.meta != m.meta || back.arrays.size() != m.arrays.size()) std::abort();
    for (const auto& [name, a] : m.arrays)
      if (!(back.array(name) == a)) std::abort();
  } catch (const std::runtime_error&) {
  }
  return 0;
}
