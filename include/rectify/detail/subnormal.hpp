// Subnormal results without subnormal arithmetic. On x86 a floating-point operation whose
// result is subnormal (and nonzero) may take a microcode assist: measured, silu of inputs whose
// results are subnormal ran 1.8x slower than of normal inputs, when its last step was a
// multiplication by 2^-64. times_2_pow_minus_64 gives the same bits as that multiplication but
// forms a subnormal result by integer arithmetic on the bit pattern of a normal number;
// product_below_normal does the same for a product a*x (leaky_relu's alpha*x: 4x slower on such
// inputs with the plain product, measured in bench/).
//
// Let g be the power of two whose binade [g, 2g) has as its ULP 2^64 times the smallest
// subnormal number (float: g = 2^-62, ULP 2^-85 = 2^-149 * 2^64; double: g = 2^-958, ULP
// 2^-1010). For 0 <= v < g, the sum g + v rounds v to that grid exactly as v * 2^-64 rounds to
// the subnormal grid (to nearest, ties to even: the last bit of g + v is the last bit of the
// multiple), and the integer difference of the bit patterns of g + v and g is that multiple:
// the bit pattern of v * 2^-64 (also when it rounds up to the smallest normal number).
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "fma.hpp"

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

// a * x for |a * x| below the smallest normal number (or zero), rounded once, without subnormal
// arithmetic: neither an operand nor a result below is subnormal. x is first made normal,
// xs = |x| 2^64 exactly: for a subnormal x, from the normal number 2^-126 + |x| (float; double
// 2^-1022), whose bits are those of x with the lowest exponent bit set, as (2^-126 + |x|) 2^64
// - 2^-62 in one fma. Then fma(|a|, xs, g) rounds |a x| 2^64 to the grid of g once, as above.
// Without a fused fma that last sum would round twice: there it is the plain product.
template <class T, class A>
inline xsimd::batch<T, A> product_below_normal(const xsimd::batch<T, A>& a,
                                               const xsimd::batch<T, A>& x) {
  using B = xsimd::batch<T, A>;
  if constexpr (!has_fused_fma<A>) {
    return a * x;
  } else {
    constexpr T g = subnormal_impl::grid<T>;
    constexpr T smallest_normal = std::numeric_limits<T>::min();
    const B ax = xsimd::abs(x);
    const auto subnormal = ax < B(smallest_normal);
    const B normal = xsimd::select(subnormal, xsimd::bitwise_or(ax, B(smallest_normal)), ax);
    const B xs = detail::fms(normal, B(T(0x1p64)),
                             xsimd::select(subnormal, B(T(smallest_normal * T(0x1p64))), B(0)));
    const B s = detail::fma(xsimd::abs(a), xs, B(g));
    return subnormal_impl::from_grid(s, xsimd::bitwise_xor(a, x));
  }
}

}  // namespace rectify::detail
