// mish: x times tanh of softplus.
//
//   f(x)  = x*tanh(sp),  sp = ln(1 + e^x)
//   f'(x) = tanh(sp) + x*sigma(x)*(1 - tanh(sp)^2)
//
// Types: float, double (float is evaluated in double and rounded once). Edges: NaN -> NaN; f(-inf)
// = 0, f(+inf) = +inf, f'(-inf) = 0, f'(+inf) = 1. Why: tanh(ln(1+u)) with u = e^x is the rational
// function n/(n + 2), n = u*(u + 2), so no logarithm or tanh is needed. Written in t = e^-|x| <= 1
// it never overflows:
//   x <= 0 (u = t):      tanh(sp) = n/(n + 2),            1 - tanh^2 = 4(n + 1)/(n + 2)^2
//   x >  0 (u = 1/t):    tanh(sp) = 1 - 2t^2/q,           1 - tanh^2 = (2t(1 + t)/q)^2
// with q = 1 + 2t + 2t^2. 1 - tanh^2 is formed from these products, never by subtracting from 1,
// which would cancel where tanh(sp) -> 1. f' crosses zero near x = -1.1924 (terms cancel): error
// there is counted against the larger term (SPEC.md, Accuracy).
#pragma once

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/double_double.hpp"
#include "detail/fma.hpp"
#include "detail/math.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class mish : public detail::activation<mish<T>, T> {
 public:
  // Written for double only: float is evaluated in double (in float the quotients below lose
  // up to 3.5 ULP; in double they are far below float's ULP).
  template <class A>
  xsimd::batch<double, A> forward_math(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    using limits = detail::exp_limits<double>;
    // Beyond saturation e^x is 0 in double and f = -0: the clamp keeps -inf*0 from being NaN.
    const B c = detail::clamp_keep_nan(x, -limits::saturated, limits::saturated);
    const auto q = quotients(c);
    // x <= 0: f = x n/(n + 2) with x n exact;  x > 0: f = x - x w.
    const auto xn = detail::two_prod(c, q.n);
    const B negative = detail::divide(xn.hi, xn.lo, q.n2.hi, q.n2.lo);
    const B positive = detail::fnma(c, q.w, c);
    const B body = xsimd::select(x > c, x, xsimd::select(c > B(0), positive, negative));
    return detail::where_needed(
        c < B(-limits::negligible), [&] { return detail::exp_times(c, B(0), c); }, body);
  }
  template <class A>
  xsimd::batch<double, A> derivative_math(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    using limits = detail::exp_limits<double>;
    const B c = detail::clamp_keep_nan(x, -limits::saturated, limits::saturated);
    const auto q = quotients(c);
    // x <= 0: tanh(sp) + x sigma (1 - tanh^2) over the common denominator (n + 2)^2 is
    //   f' = t ((t + 2)(n + 2) + 4x(1 + t)) / (n + 2)^2,
    // whose bracket, t^3 + 4t^2 + (6 + 4x)t + 4 + 4x, holds the zero crossing near x = -1.19.
    const B t2 = q.t * q.t;
    const B bracket = detail::fma(
        t2, q.t + B(4), detail::fma(q.t, detail::fma(B(4), c, B(6)), detail::fma(B(4), c, B(4))));
    const auto numerator = detail::two_prod(q.t, bracket);
    const auto n2_sq = detail::two_prod(q.n2.hi, q.n2.hi);
    const B n2_sq_lo = detail::fma(B(2) * q.n2.hi, q.n2.lo, n2_sq.lo);
    const B negative = detail::divide(numerator.hi, numerator.lo, n2_sq.hi, n2_sq_lo);
    // x > 0: f' = (1 - w) + x sigma(x) r^2, every term positive.
    const B sigma = detail::sigmoid(c).positive;
    const B positive = detail::fma(c * sigma, q.r * q.r, B(1) - q.w);
    return detail::where_needed(
        c < B(-limits::negligible), [&] { return detail::exp_times(c, B(0), B(1) + c); },
        xsimd::select(c > B(0), positive, negative));
  }

 private:
  // With t = e^-|x|:
  //   x <= 0 (u = t):   tanh(sp) = n/(n + 2),  n = t(t + 2) (one rounding)
  //   x >  0 (u = 1/t): tanh(sp) = 1 - w,  w = 2t^2/q,  1 - tanh^2 = r^2,  r = 2t(1 + t)/q,
  //                     q = 1 + 2t + 2t^2
  // n + 2 and q are exact hi + lo sums and each quotient is rounded about once (detail::divide).
  template <class B>
  struct mish_quotients {
    B t;
    B n;
    detail::double_double<B> n2;  // n + 2
    B w;
    B r;
  };
  template <class B>
  static mish_quotients<B> quotients(const B& x) {
    const B t = detail::exp(-xsimd::abs(x));
    const B n = detail::fma(t, t, B(2) * t);
    const auto n2 = detail::two_sum(n, B(2));
    const auto t_sq = detail::two_prod(t, t);
    const auto p = detail::two_sum(B(1), B(2) * t);
    const auto q = detail::two_sum(p.hi, B(2) * t_sq.hi);
    const B q_lo = q.lo + detail::fma(B(2), t_sq.lo, p.lo);
    const B w = detail::divide(B(2) * t_sq.hi, B(2) * t_sq.lo, q.hi, q_lo);
    const auto u = detail::two_sum(B(2) * t, B(2) * t_sq.hi);  // 2t(1 + t)
    const B r = detail::divide(u.hi, u.lo + B(2) * t_sq.lo, q.hi, q_lo);
    return {t, n, n2, w, r};
  }
};

}  // namespace rectify
