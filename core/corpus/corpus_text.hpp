// Text helpers of the corpus file reader (core/corpus/corpus_file.cpp): byte checks,
// splitting, quoting for messages.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rssviz::corpus {

inline constexpr std::string_view kHeader = "split\tsentence\tmeaning";

// Why `line` is not text: invalid UTF-8 (with the byte's column) or a control byte
// other than tab; nothing when it is fine.
std::optional<std::string> text_problem(std::string_view line);
// Only spaces and tabs.
bool is_blank(std::string_view line);
// The pieces between separators (n separators give n + 1 pieces, empty ones kept).
std::vector<std::string_view> split(std::string_view s, char sep);
// The non-empty pieces between runs of spaces and tabs.
std::vector<std::string_view> fields(std::string_view s);
// `s` for a message: at most 60 bytes, control bytes as \xNN.
std::string printable(std::string_view s);

}  // namespace rssviz::corpus
