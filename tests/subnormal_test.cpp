// detail/subnormal.hpp: subnormal results formed without subnormal arithmetic must carry the
// very bits of the plain operation (to nearest, ties to even), for every lane of a batch whose
// lanes mix subnormal, normal, zero, infinite and NaN results. exp_times, gelu's far left and
// squareplus' far tail use detail::times_2_pow_minus_64.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <xsimd/xsimd.hpp>

#include <rectify/detail/subnormal.hpp>

namespace {

template <class T>
using bits_of = std::conditional_t<std::is_same_v<T, double>, std::uint64_t, std::uint32_t>;

template <class T>
bits_of<T> bits(T v) {
  bits_of<T> b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}
template <class T>
T from_bits(bits_of<T> b) {
  T v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

// Random bit patterns with biased exponents 0 (the subnormals) to top, both signs, plus the
// edges; shuffled, so that batches mix them.
template <class T>
std::vector<T> inputs(std::size_t n, int top) {
  using L = std::numeric_limits<T>;
  constexpr int mantissa_bits = L::digits - 1;
  std::mt19937_64 gen(7);
  std::uniform_int_distribution<std::uint64_t> mantissa(0, (std::uint64_t(1) << mantissa_bits) - 1);
  std::uniform_int_distribution<int> exponent(0, top);
  std::vector<T> v;
  for (std::size_t i = 0; i < n; ++i) {
    const auto e = static_cast<bits_of<T>>(exponent(gen));
    const auto m = static_cast<bits_of<T>>(mantissa(gen));
    const T x = from_bits<T>(static_cast<bits_of<T>>((e << mantissa_bits) | m));
    v.push_back(i % 2 ? -x : x);
  }
  for (T e : {T(0), T(-0.0), L::min(), -L::min(), L::denorm_min(), -L::denorm_min(), L::max(),
              -L::max(), L::infinity(), -L::infinity(), L::quiet_NaN(), T(1), T(-3)})
    v.push_back(e);
  std::shuffle(v.begin(), v.end(), gen);
  return v;
}

// Two results agree when their bits do, or both are NaN.
template <class T>
bool same(T a, T b) {
  return bits(a) == bits(b) || (std::isnan(a) && std::isnan(b));
}

}  // namespace

TEMPLATE_TEST_CASE("times_2_pow_minus_64 rounds like the multiplication", "[subnormal]", float,
                   double) {
  using T = TestType;
  using B = xsimd::batch<T>;
  // Values v with v 2^-64 around the subnormal range: inputs of the lowest binades scaled by
  // 2^64 (exact).
  std::vector<T> v = inputs<T>(200000, 3);
  for (T& x : v)
    x = std::ldexp(x, 64);
  std::size_t mismatches = 0, subnormal = 0;
  for (std::size_t i = 0; i + B::size <= v.size(); i += B::size) {
    const B r = rectify::detail::times_2_pow_minus_64(B::load_unaligned(v.data() + i));
    for (std::size_t j = 0; j < B::size; ++j) {
      const volatile T expected = v[i + j] * T(0x1p-64);  // the hardware's rounding
      subnormal += std::fpclassify(expected) == FP_SUBNORMAL;
      if (!same(r.get(j), T(expected))) {
        if (++mismatches <= 5)
          UNSCOPED_INFO("v = " << v[i + j] << ": " << r.get(j) << ", expected " << expected);
      }
    }
  }
  CHECK(subnormal > v.size() / 8);  // the test reaches the subnormal range
  CHECK(mismatches == 0);
}
