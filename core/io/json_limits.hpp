// Limits shared by the JSON readers of core/io (model file headers, session files).
#pragma once

namespace rssviz::io {

// Deepest nesting of JSON a reader accepts (a session is 3 levels deep, a model file's
// header 4 or so): values are printed in messages and written back recursively, so a
// hostile "[[[[..." must be refused while parsing, not overflow the stack later.
inline constexpr int kMaxJsonDepth = 64;

}  // namespace rssviz::io
