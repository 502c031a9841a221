// Base64 (RFC 4648, standard alphabet, '=' padding): binary data inside JSON text (the
// session file's embedded model files). No line breaks; decoding refuses anything else.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace rssviz::io {

std::string base64_encode(std::string_view bytes);
// Empty optional for text that is not canonical padded base64 (a stray character, a
// length that is not a multiple of 4, padding in the middle, non-zero padding bits).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace rssviz::io
