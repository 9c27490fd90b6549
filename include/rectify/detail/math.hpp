// Small pieces the smooth functions share: a NaN-preserving clamp and the logistic sigmoid.
#pragma once

#include <xsimd/xsimd.hpp>

#include "double_double.hpp"
#include "exp.hpp"
#include "fma.hpp"

namespace rectify::detail {

// Clamps x to [lo, hi] but lets NaN through (xsimd::min/max follow the x86 instructions, which
// return the second operand when either is NaN). The smooth functions clamp their argument to
// where their value has saturated in double, so ±∞ never meets 0 in an ∞·0 product.
template <class B>
B clamp_keep_nan(const B& x, double lo, double hi) {
  return xsimd::select(x < B(lo), B(lo), xsimd::select(x > B(hi), B(hi), x));
}

// The pieces of the logistic sigmoid at y = hi + lo: t = e^-|y| <= 1 and 1 + t = d + d_lo
// exactly. From t, neither 1 + e^-y overflows for y << 0 nor 1 - sigma(y) cancels for y >> 0:
//   y >= 0: sigma(y) = 1/(1+t), sigma(-y) = t/(1+t);   y < 0: the two swap.
// lo carries the rounding error of a product such as k*x: where sigma(y) ~ e^y, a relative
// error e in y would become |y|*e in the result.
template <class B>
struct logistic_parts {
  B t;
  B d;
  B d_lo;
};

template <class A>
logistic_parts<xsimd::batch<double, A>> logistic(const xsimd::batch<double, A>& hi,
                                                 const xsimd::batch<double, A>& lo) {
  using B = xsimd::batch<double, A>;
  const auto non_negative = hi >= B(0);
  const B t = exp_dd(xsimd::select(non_negative, -hi, hi), xsimd::select(non_negative, -lo, lo));
  const B d = B(1) + t;
  return {t, d, (B(1) - d) + t};
}

// (n + n_lo)/(d + d_lo), rounded about once: the remainder of the first quotient is exact with
// a fused fma, and the low parts enter to first order.
template <class A>
xsimd::batch<double, A> divide(const xsimd::batch<double, A>& n,
                               const xsimd::batch<double, A>& n_lo,
                               const xsimd::batch<double, A>& d,
                               const xsimd::batch<double, A>& d_lo) {
  const auto q = n / d;
  const auto remainder = detail::fnma(q, d, n) + detail::fnma(q, d_lo, n_lo);
  return q + remainder / d;
}

template <class B>
struct sigmoid_pair {
  B positive;  // sigma(y)
  B negative;  // sigma(-y)
};

template <class A>
sigmoid_pair<xsimd::batch<double, A>> sigmoid(const xsimd::batch<double, A>& hi,
                                              const xsimd::batch<double, A>& lo) {
  using B = xsimd::batch<double, A>;
  const auto p = logistic(hi, lo);
  const B big = divide(B(1), B(0), p.d, p.d_lo);
  const B small = divide(p.t, B(0), p.d, p.d_lo);
  const auto non_negative = hi >= B(0);
  return {xsimd::select(non_negative, big, small), xsimd::select(non_negative, small, big)};
}

template <class A>
sigmoid_pair<xsimd::batch<double, A>> sigmoid(const xsimd::batch<double, A>& y) {
  return sigmoid(y, xsimd::batch<double, A>(0));
}

// m * e^(hi + lo) for |m| <= 2^20, rounded once also where the result is subnormal. Below
// hi = -700, e^hi itself is near or below DBL_MIN, where its absolute error is half a subnormal
// ULP; multiplying it by m (silu's x, say, up to 745) would multiply that error too, to
// hundreds of ULP. There e^hi is formed 2^64 times larger, multiplied by m, and scaled back,
// so the only rounding at subnormal scale is the last one. 64 ln2 is split so that
// hi + 64ln2_hi is exact for hi in [-1024, -512] (64ln2_hi is a multiple of 2^-43; from MPFR).
template <class A>
xsimd::batch<double, A> exp_times(const xsimd::batch<double, A>& hi,
                                  const xsimd::batch<double, A>& lo,
                                  const xsimd::batch<double, A>& m) {
  using B = xsimd::batch<double, A>;
  constexpr double ln2_64_hi = 0x1.62e42fefa39fp+5;
  constexpr double ln2_64_lo = -0x1.950d871319ffp-48;
  const auto deep = hi < B(-700);
  const B e = exp_dd(hi + xsimd::select(deep, B(ln2_64_hi), B(0)),
                     lo + xsimd::select(deep, B(ln2_64_lo), B(0)));
  return (m * e) * xsimd::select(deep, B(0x1p-64), B(1));
}

}  // namespace rectify::detail
