// Constructor checks shared by the parametric functors: each names the functor, the parameter
// and the rule it broke, with the offending value.
#pragma once

#include <cmath>
#include <sstream>
#include <string_view>

#include "error.hpp"

namespace rectify::detail {

template <class T>
std::string describe(std::string_view functor, std::string_view name, T value,
                     std::string_view rule) {
  std::ostringstream out;
  out.precision(17);
  out << functor << ": parameter " << name << " = " << value << " is invalid: " << rule;
  return out.str();
}

template <class T>
T require_finite(std::string_view functor, std::string_view name, T value) {
  if (!std::isfinite(value))
    fail(describe(functor, name, value, "it must be finite"));
  return value;
}

template <class T>
T require_positive(std::string_view functor, std::string_view name, T value) {
  if (!(value > 0) || !std::isfinite(value)) {
    fail(describe(functor, name, value, "it must be finite and > 0"));
  }
  return value;
}

template <class T>
T require_non_negative(std::string_view functor, std::string_view name, T value) {
  if (!(value >= 0) || !std::isfinite(value)) {
    fail(describe(functor, name, value, "it must be finite and >= 0"));
  }
  return value;
}

}  // namespace rectify::detail
