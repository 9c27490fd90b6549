// Error-free transformations (in float or double): a value carried as an unevaluated sum hi + lo,
// so that an argument such as x*x/2 or k*x reaches exp() exactly. Where exp(-t) or sigmoid(t) is
// evaluated at a large |t|, a relative error e in t becomes |t|*e in the result (700 ULP at t =
// 700); carrying t's rounding error in lo removes that amplification.
#pragma once

#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "fma.hpp"
#include "inline.hpp"

namespace rectify::detail {

template <class B>
struct double_double {
  B hi;
  B lo;
};

// a*b exactly as hi + lo (for finite products that neither overflow nor underflow).
template <class T, class A>
RECTIFY_INLINE double_double<xsimd::batch<T, A>> two_prod(const xsimd::batch<T, A>& a,
                                                          const xsimd::batch<T, A>& b) {
  using B = xsimd::batch<T, A>;
  B hi = a * b;
  if constexpr (has_fused_fma<A>) {
    return {hi, detail::fms(a, b, hi)};
  } else {
    // Dekker's product: split each factor into halves (Veltkamp), whose partial products are
    // exact. The split constant is 2^27 + 1 for double, 2^12 + 1 for float. A factor near the
    // top of the range (where split*v would overflow) is first scaled down by 2^-53 (2^-24),
    // exactly, and the error term is scaled back up.
    constexpr bool is_double = std::is_same_v<T, double>;
    const B top(is_double ? T(0x1p995) : T(0x1p115));
    const B down(is_double ? T(0x1p-53) : T(0x1p-24));
    const B up(is_double ? T(0x1p53) : T(0x1p24));
    const B scale_a = xsimd::select(xsimd::abs(a) > top, down, B(1));
    const B scale_b = xsimd::select(xsimd::abs(b) > top, down, B(1));
    const auto split = [](const B& v) {
      const B t = B(is_double ? T(0x1p27 + 1) : T(0x1p12 + 1)) * v;
      const B high = t - (t - v);
      return double_double<B>{high, v - high};
    };
    const B as = a * scale_a;
    const B bs = b * scale_b;
    const auto ap = split(as);
    const auto bp = split(bs);
    const B err = ((ap.hi * bp.hi - as * bs) + ap.hi * bp.lo + ap.lo * bp.hi) + ap.lo * bp.lo;
    const B unscale =
        xsimd::select(scale_a < B(1), up, B(1)) * xsimd::select(scale_b < B(1), up, B(1));
    return {hi, err * unscale};
  }
}

// a + b exactly as hi + lo (Knuth's two-sum, no ordering required).
template <class B>
RECTIFY_INLINE double_double<B> two_sum(const B& a, const B& b) {
  B s = a + b;
  B bb = s - a;
  B err = (a - (s - bb)) + (b - bb);
  return {s, err};
}

// (n + n_lo) - q*(d + d_lo) for q ~ n/d: exact up to the low-order terms. With a fused fma the
// first fnma is exact; without one, q*d is formed exactly by two_prod, and n - (q*d)_hi is exact
// (Sterbenz: the two are within a factor 2).
template <class B>
RECTIFY_INLINE B quotient_remainder(const B& n, const B& n_lo, const B& q, const B& d,
                                    const B& d_lo) {
  if constexpr (has_fused_fma<typename B::arch_type>) {
    return detail::fnma(q, d, n) + detail::fnma(q, d_lo, n_lo);
  } else {
    const auto qd = two_prod(q, d);
    return ((n - qd.hi) - qd.lo) + (n_lo - q * d_lo);
  }
}

// (n + n_lo)/(d + d_lo), rounded about once, with one division: q0 = n*(1/d) is within about
// an ULP, its remainder n - q0*d is exact, and one correction step with the low parts to first
// order brings q within about half an ULP.
template <class B>
RECTIFY_INLINE B divide(const B& n, const B& n_lo, const B& d, const B& d_lo) {
  const B reciprocal = B(1) / d;
  const B q0 = n * reciprocal;
  const B q = detail::fma(quotient_remainder(n, n_lo, q0, d, d_lo), reciprocal, q0);
  // A subnormal d (1/d overflows) or an overflowing quotient: the plain quotient is right there.
  const auto unusual = xsimd::isinf(reciprocal) || xsimd::isinf(q0);
  return xsimd::any(unusual) ? xsimd::select(unusual, n / d, q) : q;
}

// divide() for a divisor known to be normal and a quotient known not to overflow (such as
// n/(1 + t) with 0 <= t <= 1): the same compensated quotient without the checks.
template <class B>
RECTIFY_INLINE B divide_normal(const B& n, const B& n_lo, const B& d, const B& d_lo) {
  const B reciprocal = B(1) / d;
  const B q0 = n * reciprocal;
  return detail::fma(quotient_remainder(n, n_lo, q0, d, d_lo), reciprocal, q0);
}

// (n + n_lo)/c for a constant c > 0 (a parameter such as softplus' k or delu's b), rounded
// about once without a division: q0 = n (1/c), its remainder exact (quotient_remainder), one
// correction step. Where 1/c would overflow (c below 2^-100 in float, 2^-900 in double), or
// where the quotient does, the division.
template <class B>
RECTIFY_INLINE B divide_by_constant(const B& n, const B& n_lo, typename B::value_type c) {
  using U = typename B::value_type;
  if (!(c >= U(std::is_same_v<U, double> ? 0x1p-900 : 0x1p-100)))
    return divide(n, n_lo, B(c), B(0));
  const B reciprocal(U(1) / c);
  const B q0 = n * reciprocal;
  const B q = detail::fma(quotient_remainder(n, n_lo, q0, B(c), B(0)), reciprocal, q0);
  const auto overflow = xsimd::isinf(q0);
  return xsimd::any(overflow) ? xsimd::select(overflow, n / B(c), q) : q;
}

}  // namespace rectify::detail
