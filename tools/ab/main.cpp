// tools/ab's driver: times the same span kernels of two trees of the library (sides a and b,
// see kernels.cpp) alternately in one process, so that both see the same machine state, and
// prints per kernel the median over rounds of b's speed over a's. Usage:
//   ab_driver [rounds] [type] [names...]     type: float, double or both (default); names: a
//   subset of the kernels (default all)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "kernels.hpp"

namespace {

template <class T>
double elements_per_ns(const ab::kernel<T>& run, const std::vector<T>& x, const std::vector<T>& dy,
                       std::vector<T>& out, int calls) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i)
    run(x.data(), dy.data(), out.data(), x.size());
  const auto stop = std::chrono::steady_clock::now();
  return double(calls) * double(x.size()) /
         std::chrono::duration<double, std::nano>(stop - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class T>
void compare(const char* type, const std::vector<ab::named<T>>& a,
             const std::vector<ab::named<T>>& b, int rounds, const std::vector<std::string>& only) {
  const std::size_t n = 16384;
  std::vector<T> x(n), dy(n, T(0.5)), out(n);
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> uniform(-8, 8);
  for (auto& v : x)
    v = T(uniform(rng));
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (!only.empty() && std::find(only.begin(), only.end(), a[k].name) == only.end())
      continue;
    std::vector<double> speed_a, speed_b, ratio;
    for (int r = 0; r < rounds; ++r) {
      // Alternate which side goes first, so that neither always follows the other.
      double sa, sb;
      if (r % 2 == 0) {
        sa = elements_per_ns(a[k].run, x, dy, out, 20);
        sb = elements_per_ns(b[k].run, x, dy, out, 20);
      } else {
        sb = elements_per_ns(b[k].run, x, dy, out, 20);
        sa = elements_per_ns(a[k].run, x, dy, out, 20);
      }
      speed_a.push_back(sa);
      speed_b.push_back(sb);
      ratio.push_back(sb / sa);
    }
    std::printf("%-6s %-16s a %7.3f  b %7.3f elements/ns  b/a %.3f\n", type, a[k].name.c_str(),
                median(speed_a), median(speed_b), median(ratio));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 100;
  const std::string type = argc > 2 ? argv[2] : "both";
  const std::vector<std::string> only(argv + std::min(argc, 3), argv + argc);
  if (type == "float" || type == "both")
    compare<float>("float", table_float_a(), table_float_b(), rounds, only);
  if (type == "double" || type == "both")
    compare<double>("double", table_double_a(), table_double_b(), rounds, only);
}
