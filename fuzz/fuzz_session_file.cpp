// Session-file reader (rssviz FILE, File > Open…, rssviz render/animate --session): any
// input either loads or throws std::runtime_error whose message starts with the file's
// name; a loaded session saves (atomically, as File > Save does) and loads back to the
// same session, whose JSON is then the same text. Anything else (a crash, a sanitizer
// report, a leak, an allocation over -malloc_limit_mb, another exception type, a failed
// check) is a finding.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "core/io/session_file.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rssviz::io;
  const auto& p = rssviz::fuzz::write_input("session", data, size);
  SessionFile s;
  try {
    s = load_session_file(p);
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind(p.string() + ": ", 0) != 0) std::abort();  // names the file first
    return 0;
  }
  // The same bytes from memory read the same.
  const std::string text = session_to_json(s);
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (session_to_json(session_from_json(bytes, "memory")) != text) std::abort();
  // Save and reload: what was read is written whole and reads back the same; a save of
  // what the reader accepted must not fail.
  const std::string out = p.string() + ".out";
  save_session_file(out, s);
  const SessionFile back = load_session_file(out);
  if (session_to_json(back) != text) std::abort();
  if (back.weights.size() != s.weights.size()) std::abort();
  for (size_t i = 0; i < s.weights.size(); ++i) {
    const auto &a = s.weights[i].file, &b = back.weights[i].file;
    if (back.weights[i].role != s.weights[i].role || a.model != b.model || a.meta != b.meta ||
        a.arrays.size() != b.arrays.size())
      std::abort();
    for (const auto& [name, arr] : a.arrays) {
      const auto& brr = b.array(name);
      if (brr.rows() != arr.rows() || brr.cols() != arr.cols() || !(brr == arr)) std::abort();
    }
  }
  return 0;
}
