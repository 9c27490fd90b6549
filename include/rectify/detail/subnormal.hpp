// Subnormal results without subnormal arithmetic. On x86 a floating-point operation whose
// result is subnormal (and nonzero) may take a microcode assist: measured, silu of inputs whose
// results are subnormal ran 1.8x slower than of normal inputs, when its last step was a
// multiplication by 2^-64. times_2_pow_minus_64 gives the same bits as that multiplication but
// forms a subnormal result by integer arithmetic on the bit pattern of a normal number. (Not
// everywhere a win: for leaky_relu's alpha*x the extra checks cost more than the assists they
// avoid, measured in bench/, so it keeps the plain product.)
//
// Let g be the power of two whose binade [g, 2g) has as its ULP 2^64 times the smallest
// subnormal number (float: g = 2^-62, ULP 2^-85 = 2^-149 * 2^64; double: g = 2^-958, ULP
// 2^-1010). For 0 <= v < g, the sum g + v rounds v to that grid exactly as v * 2^-64 rounds to
// the subnormal grid (to nearest, ties to even: the last bit of g + v is the last bit of the
// multiple), and the integer difference of the bit patterns of g + v and g is that multiple:
// the bit pattern of v * 2^-64 (also when it rounds up to the smallest normal number).
#pragma once

#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace rectify::detail {

namespace subnormal_impl {

template <class T>
inline constexpr T grid = std::is_same_v<T, double> ? T(0x1p-958) : T(0x1p-62);
template <class T>
using bits_t = std::conditional_t<std::is_same_v<T, double>, std::uint64_t, std::uint32_t>;

// The number whose bit pattern is bits(g + v) - bits(g), with the sign bit of `sign`: for
// g + v = s, as above.
template <class T, class A>
inline xsimd::batch<T, A> from_grid(const xsimd::batch<T, A>& s, const xsimd::batch<T, A>& sign) {
  using B = xsimd::batch<T, A>;
  using U = xsimd::batch<bits_t<T>, A>;
  const U multiple = xsimd::bitwise_cast<U>(s) - xsimd::bitwise_cast<U>(B(grid<T>));
  return xsimd::bitwise_or(xsimd::bitwise_cast<B>(multiple), xsimd::bitwise_and(sign, B(T(-0.0))));
}

}  // namespace subnormal_impl

// v * 2^-64, rounded as that multiplication rounds (also for NaN, infinities and zeros).
template <class T, class A>
inline xsimd::batch<T, A> times_2_pow_minus_64(const xsimd::batch<T, A>& v) {
  using B = xsimd::batch<T, A>;
  constexpr T g = subnormal_impl::grid<T>;
  const B a = xsimd::abs(v);
  const auto tiny = a < B(g);
  const B small = subnormal_impl::from_grid(a + B(g), v);
  return xsimd::select(tiny, small, v * xsimd::select(tiny, B(1), B(T(0x1p-64))));
}

}  // namespace rectify::detail
