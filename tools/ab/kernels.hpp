// The interface between tools/ab's driver and its two sides (kernels.cpp, compiled once per tree).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace ab {

template <class T>
using kernel = std::function<void(const T* x, const T* dy, T* out, std::size_t n)>;

template <class T>
struct named {
  std::string name;
  kernel<T> run;
};

}  // namespace ab

// The two sides' tables: each side defines AB_TABLE_FLOAT / AB_TABLE_DOUBLE as its own names.
std::vector<ab::named<float>> table_float_a();
std::vector<ab::named<double>> table_double_a();
std::vector<ab::named<float>> table_float_b();
std::vector<ab::named<double>> table_double_b();
