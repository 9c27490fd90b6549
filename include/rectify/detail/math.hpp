// Small pieces the smooth functions share: a NaN-preserving clamp and the logistic sigmoid.
#pragma once

#include <xsimd/xsimd.hpp>

#include "double_double.hpp"
#include "exp.hpp"

namespace rectify::detail {

// Clamps x to [lo, hi] but lets NaN through (xsimd::min/max follow the x86 instructions, which
// return the second operand when either is NaN). The smooth functions clamp their argument to
// where their value has saturated in double, so ±∞ never meets 0 in an ∞·0 product.
template <class B>
B clamp_keep_nan(const B& x, double lo, double hi) {
  return xsimd::select(x < B(lo), B(lo), xsimd::select(x > B(hi), B(hi), x));
}

// sigma(y) and sigma(-y) = 1 - sigma(y), for y = hi + lo. Both come from t = e^-|y| <= 1, so
// neither 1 + e^-y overflows for y << 0 nor 1 - sigma(y) cancels for y >> 0:
//   y >= 0: sigma(y) = 1/(1+t), sigma(-y) = t/(1+t);   y < 0: the two swap.
// lo carries the rounding error of a product such as k*x: where sigma(y) ~ e^y, a relative
// error e in y would become |y|*e in the result.
template <class B>
struct sigmoid_pair {
  B positive;  // sigma(y)
  B negative;  // sigma(-y)
};

template <class A>
sigmoid_pair<xsimd::batch<double, A>> sigmoid(const xsimd::batch<double, A>& hi,
                                              const xsimd::batch<double, A>& lo) {
  using B = xsimd::batch<double, A>;
  const auto non_negative = hi >= B(0);
  const B t = exp_dd(xsimd::select(non_negative, -hi, hi), xsimd::select(non_negative, -lo, lo));
  const B one_plus_t = B(1) + t;
  const B big = B(1) / one_plus_t;
  const B small = t / one_plus_t;
  return {xsimd::select(non_negative, big, small), xsimd::select(non_negative, small, big)};
}

template <class A>
sigmoid_pair<xsimd::batch<double, A>> sigmoid(const xsimd::batch<double, A>& y) {
  return sigmoid(y, xsimd::batch<double, A>(0));
}

}  // namespace rectify::detail
