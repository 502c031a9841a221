// Argument validation helpers: misuse throws std::invalid_argument naming the value
// and the allowed range.
#pragma once
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rssviz {

template <class T>
std::string format_value(const T& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// Throws unless lo <= v <= hi (closed range); NaN always throws.
template <class T>
void check_range(std::string_view name, T v, T lo, T hi) {
  bool ok = v >= lo && v <= hi;
  if constexpr (std::is_floating_point_v<T>) ok = ok && !std::isnan(v);
  if (!ok)
    throw std::invalid_argument(std::string(name) + " = " + format_value(v) + " is out of range [" +
                                format_value(lo) + ", " + format_value(hi) + "]");
}

// Throws unless lo < v <= hi (half-open at the bottom); NaN always throws.
template <class T>
void check_range_open_low(std::string_view name, T v, T lo, T hi) {
  bool ok = v > lo && v <= hi;
  if constexpr (std::is_floating_point_v<T>) ok = ok && !std::isnan(v);
  if (!ok)
    throw std::invalid_argument(std::string(name) + " = " + format_value(v) + " is out of range (" +
                                format_value(lo) + ", " + format_value(hi) + "]");
}

}  // namespace rssviz
