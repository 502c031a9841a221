#include "core/common/sha256.hpp"

#include <gtest/gtest.h>

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_sha256 {

// FIPS 180-4 / NIST example vectors.
TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(rssviz::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(rssviz::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(rssviz::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(rssviz::sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalEqualsOneShot) {
  const std::string text(200, 'x');
  for (size_t cut : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 199u}) {
    rssviz::Sha256 h;
    h.update(std::string_view(text).substr(0, cut));
    h.update(std::string_view(text).substr(cut));
    rssviz::Sha256 one;
    one.update(text);
    EXPECT_EQ(h.finish(), one.finish()) << cut;
  }
}

}  // namespace rssviz_test_sha256
