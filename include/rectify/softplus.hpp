// softplus with sharpness k: a smooth rectifier whose derivative is the logistic sigmoid.
//
//   f(x)  = ln(1 + e^(k*x)) / k          f'(x) = sigma(k*x) = 1/(1 + e^(-k*x))
//
// Parameter: k = 1, k > 0 and finite. Types: float, double.
// Edges: NaN -> NaN; f(-inf) = 0, f(+inf) = +inf, f'(-inf) = 0, f'(+inf) = 1; softplus(100)=100.
// Why: with y = k*x, f = max(y, 0) + log1p(e^-|y|) never overflows e^y and keeps the tiny
// e^y of the left tail (log1p, not log(1 + t)). y is carried as k*x = hi + lo (an exact
// product): in the left tail f ~ e^y/k, and a rounding error e in y would become |y|*e there.
// Where y > 40 (float: 20), log1p(e^-y)/y is below a quarter ULP, so f is x itself (which also
// covers k*x overflowing).
#pragma once

#include <algorithm>
#include <limits>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/double_double.hpp"
#include "detail/inline.hpp"
#include "detail/math.hpp"
#include "detail/params.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class softplus : public detail::activation<softplus<T>, T> {
 public:
  explicit softplus(T k = T(1)) : k_(detail::require_positive("softplus", "k", k)) {}

  T k() const { return k_; }

  template <class B>
  RECTIFY_INLINE B forward_math(const B& x) const {
    using U = typename B::value_type;
    const auto y = scaled(x);
    const U negligible = detail::exp_limits<U>::negligible;
    // Far left, f = e^y/k: exp_times rounds a subnormal result once (sp/k would round twice).
    const B body = detail::where_needed(
        y.hi < B(-negligible), [&] { return detail::exp_times(y.hi, y.lo, B(U(1) / U(k_))); },
        [&]() RECTIFY_INLINE_LAMBDA { return body_forward(x, y); });
    // With a tiny k even +-DBL_MAX are not in the tails: the limits at +-inf are set explicitly.
    return xsimd::select(xsimd::isinf(x), xsimd::select(x > B(0), x, B(0)), body);
  }
  template <class B>
  RECTIFY_INLINE B derivative_math(const B& x) const {
    const auto y = scaled(x);
    const B s = detail::sigmoid(y.hi, y.lo);
    return xsimd::select(xsimd::isinf(x), xsimd::select(x > B(0), B(1), B(0)), s);
  }

 private:
  // y = k*x >= -negligible (or NaN). Forced inline: as a lambda GCC kept it a call per batch once
  // the translation unit grew (softplus' forward 0.87x, measured).
  template <class B>
  RECTIFY_INLINE B body_forward(const B& x, const detail::double_double<B>& y) const {
    using U = typename B::value_type;
    // t = e^-|y| from exp_normal (detail::exp_split), then log1p: in float rectify's own
    // (0.57 ULP, detail/exp_float.hpp), in double xsimd's.
    const auto non_negative = y.hi >= B(0);
    const auto e = detail::exp_split(xsimd::select(non_negative, -y.hi, y.hi),
                                     xsimd::select(non_negative, -y.lo, y.lo));
    const B t = e.hi + e.lo;
    B tail;
    if constexpr (std::is_same_v<U, float>)
      tail = detail::log1p(t);
    else
      tail = xsimd::log1p(t);
    // sp = max(y, 0) + tail as hi + lo, divided by k with one rounding.
    const auto sum = detail::two_sum(y.hi, tail);
    const B sp_hi = xsimd::select(non_negative, sum.hi, tail);
    const B sp_lo = xsimd::select(non_negative, sum.lo + y.lo, B(0));
    const B f = k_ == T(1) ? sp_hi + sp_lo : detail::divide_by_constant(sp_hi, sp_lo, U(k_));
    return xsimd::select(y.hi > B(detail::exp_limits<U>::negligible), x, f);
  }

  // k*x as an exact hi + lo, with x first clamped to where f and f' have saturated (|k*x| at
  // most 1000 in double, 150 in float), so that the product neither overflows nor meets an
  // infinity.
  template <class B>
  RECTIFY_INLINE detail::double_double<B> scaled(const B& x) const {
    using U = typename B::value_type;
    // For a tiny k the bound overflows: std::min keeps it finite, so +-inf are clamped too.
    const U limit = std::min((std::is_same_v<U, double> ? U(1000) : U(150)) / U(k_),
                             std::numeric_limits<U>::max());
    const B clamped = detail::clamp_keep_nan(x, -limit, limit);
    if (k_ == T(1))
      return {clamped, B(0)};
    return detail::two_prod(B(U(k_)), clamped);
  }
  T k_;
};

}  // namespace rectify
