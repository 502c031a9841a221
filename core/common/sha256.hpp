// SHA-256 (FIPS 180-4) of a byte string, for file identities (a corpus file's checksum
// that a session stores and verifies). Written here because core has no crypto library
// among its Debian dependencies and needs only this one digest.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace rssviz {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  // The digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> finish();

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t used_ = 0;
  std::uint64_t length_ = 0;  // bytes hashed so far
};

// Lower-case hex digest of `bytes` (64 characters).
std::string sha256_hex(std::string_view bytes);

}  // namespace rssviz
