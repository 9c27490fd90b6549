// How rectify reports bad input: a std::invalid_argument naming what is wrong. In builds
// without exceptions (-fno-exceptions) the same message goes to stderr and the program aborts,
// so bad input is never silently turned into garbage.
#pragma once

#include <string>

#if defined(__cpp_exceptions)
#include <stdexcept>
#else
#include <cstdio>
#include <cstdlib>
#endif

namespace rectify::detail {

[[noreturn]] inline void fail(const std::string& message) {
#if defined(__cpp_exceptions)
  throw std::invalid_argument("rectify: " + message);
#else
  std::fprintf(stderr, "rectify: %s\n", message.c_str());
  std::abort();
#endif
}

}  // namespace rectify::detail
