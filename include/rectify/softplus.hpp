// softplus with sharpness k: a smooth rectifier whose derivative is the logistic sigmoid.
//
//   f(x)  = ln(1 + e^(k*x)) / k          f'(x) = sigma(k*x) = 1/(1 + e^(-k*x))
//
// Parameter: k = 1, k > 0 and finite. Types: float, double (float evaluated in double).
// Edges: NaN -> NaN; f(-inf) = 0, f(+inf) = +inf, f'(-inf) = 0, f'(+inf) = 1; softplus(100)=100.
// Why: with y = k*x, f = max(y, 0) + log1p(e^-|y|) never overflows e^y and keeps the tiny
// e^y of the left tail (log1p, not log(1 + t)). y is carried as k*x = hi + lo (an exact
// product): in the left tail f ~ e^y/k, and a rounding error e in y would become |y|*e there.
// Where y > 40, log1p(e^-y)/y < 2^-57, so f is x itself (which also covers k*x overflowing).
#pragma once

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/double_double.hpp"
#include "detail/math.hpp"
#include "detail/params.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class softplus : public detail::activation<softplus<T>, T> {
 public:
  explicit softplus(T k = T(1))
      : k_(detail::require_positive("softplus", "k", k)), x_limit_(1000.0 / double(k_)) {}

  T k() const { return k_; }

  template <class A>
  xsimd::batch<double, A> forward_math(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    const auto y = scaled(x);
    const auto non_negative = y.hi >= B(0);
    const B t = detail::exp_dd(xsimd::select(non_negative, -y.hi, y.hi),
                               xsimd::select(non_negative, -y.lo, y.lo));
    const B tail = xsimd::log1p(t);
    const B sp = xsimd::select(non_negative, y.hi + (y.lo + tail), tail);
    const B f = k_ == T(1) ? sp : sp / B(double(k_));
    return xsimd::select(y.hi > B(40), x, f);
  }
  template <class A>
  xsimd::batch<double, A> derivative_math(const xsimd::batch<double, A>& x) const {
    const auto y = scaled(x);
    return detail::sigmoid(y.hi, y.lo).positive;
  }

 private:
  // k*x as an exact hi + lo, with x first clamped to where f and f' have saturated in double
  // (|k*x| <= 1000), so that the product neither overflows nor meets an infinity.
  template <class A>
  detail::double_double<xsimd::batch<double, A>> scaled(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    const B clamped = detail::clamp_keep_nan(x, -x_limit_, x_limit_);
    if (k_ == T(1))
      return {clamped, B(0)};
    return detail::two_prod(B(double(k_)), clamped);
  }
  T k_;
  double x_limit_;
};

}  // namespace rectify
