// mish: x times tanh of softplus.
//
//   f(x)  = x*tanh(sp),  sp = ln(1 + e^x)
//   f'(x) = tanh(sp) + x*sigma(x)*(1 - tanh(sp)^2)
//
// Types: float, double (both natively). Edges: NaN -> NaN; f(-inf)
// = 0, f(+inf) = +inf, f'(-inf) = 0, f'(+inf) = 1. Why: tanh(ln(1+u)) with u = e^x is the rational
// function n/(n + 2), n = u*(u + 2), so no logarithm or tanh is needed. Written in t = e^-|x| <= 1
// it never overflows:
//   x <= 0 (u = t):      tanh(sp) = n/(n + 2),            1 - tanh^2 = 4(n + 1)/(n + 2)^2
//   x >  0 (u = 1/t):    tanh(sp) = 1 - 2t^2/q,           1 - tanh^2 = (2t(1 + t)/q)^2
// with q = 1 + 2t + 2t^2. 1 - tanh^2 is formed from these products, never by subtracting from 1,
// which would cancel where tanh(sp) -> 1. f' crosses zero near x = -1.1924 (terms cancel): error
// there is counted against the larger term (SPEC.md, Accuracy).
#pragma once

#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/double_double.hpp"
#include "detail/fma.hpp"
#include "detail/inline.hpp"
#include "detail/math.hpp"
#include "detail/widen.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class mish : public detail::activation<mish<T>, T> {
 public:
  // Double: t = e^-|x| arrives as hi + lo (detail::exp_split) and every sum and quotient below
  // is carried or compensated. Float: t is one rounded float and the rational functions are
  // evaluated in double (in_double): over every float 1.64 ULP forward, 1.62 derivative (the
  // float hi + lo version of the double code: 0.98 and 1.73), and 2.0x faster forward, 2.4x
  // derivative and backward. (With t rounded and the rest in float, float lost up to 3.5 ULP.)
  template <class B>
  RECTIFY_INLINE B forward_math(const B& x) const {
    using limits = detail::exp_limits<typename B::value_type>;
    // Beyond saturation e^x is 0 in double and f = -0: the clamp keeps -inf*0 from being NaN.
    const B c = detail::clamp_keep_nan(x, -limits::saturated, limits::saturated);
    return detail::where_needed(
        c < B(-limits::negligible), [&] { return detail::exp_times(c, B(0), c); },
        [&]() RECTIFY_INLINE_LAMBDA { return xsimd::select(x > c, x, forward_body(c)); });
  }
  template <class B>
  RECTIFY_INLINE B derivative_math(const B& x) const {
    using limits = detail::exp_limits<typename B::value_type>;
    const B c = detail::clamp_keep_nan(x, -limits::saturated, limits::saturated);
    return detail::where_needed(
        c < B(-limits::negligible), [&] { return detail::exp_times(c, B(0), B(1) + c); },
        [&]() RECTIFY_INLINE_LAMBDA { return derivative_body(c); });
  }

 private:
  // The bodies, for c = x clamped, away from the left tail; forced inline (detail/inline.hpp):
  // as lambdas, GCC kept them as calls.
  template <class B>
  RECTIFY_INLINE static B forward_body(const B& c) {
    if constexpr (std::is_same_v<typename B::value_type, float>)
      return in_double(c, [](const auto& cd, const auto& td)
                              RECTIFY_INLINE_LAMBDA { return forward_in_double(cd, td); });
    else
      return forward_hi_lo(c);
  }
  template <class B>
  RECTIFY_INLINE static B derivative_body(const B& c) {
    if constexpr (std::is_same_v<typename B::value_type, float>)
      return in_double(c, [](const auto& cd, const auto& td)
                              RECTIFY_INLINE_LAMBDA { return derivative_in_double(cd, td); });
    else
      return derivative_hi_lo(c);
  }
  // Double: the bodies in hi + lo arithmetic.
  template <class B>
  RECTIFY_INLINE static B forward_hi_lo(const B& c) {
    const auto q = quotients(c);
    // x <= 0: f = x n/(n + 2) with x n exact;  x > 0: f = x - x w.
    const auto xn = detail::two_prod(c, q.n.hi);
    const B negative = detail::divide(xn.hi, detail::fma(c, q.n.lo, xn.lo), q.n2.hi, q.n2.lo);
    const B positive = detail::fnma(c, q.w, c);
    return xsimd::select(c > B(0), positive, negative);
  }
  template <class B>
  RECTIFY_INLINE static B derivative_hi_lo(const B& c) {
    const auto q = quotients(c);
    // x <= 0: tanh(sp) + x sigma (1 - tanh^2) over the common denominator (n + 2)^2 is
    //   f' = t ((t + 2)(n + 2) + 4x(1 + t)) / (n + 2)^2,
    // whose bracket, t^3 + 4t^2 + (6 + 4x)t + 4 + 4x, holds the zero crossing near x = -1.19.
    // The bracket's terms summed as hi + lo (two_sum), so that only its small terms round.
    const B t = q.t.hi;
    const auto a0 = detail::two_sum(B(4), B(4) * c);
    const auto six = detail::two_sum(B(6), B(4) * c);
    const auto a1 = detail::two_prod(six.hi, t);
    const B a1_lo = a1.lo + detail::fma(six.lo, t, six.hi * q.t.lo);
    const auto t_sq = detail::two_prod(t, t);
    const auto s1 = detail::two_sum(a0.hi, a1.hi);
    const auto s2 = detail::two_sum(s1.hi, B(4) * t_sq.hi);
    const B bracket_lo =
        s2.lo + (s1.lo + (a0.lo + a1_lo)) + detail::fma(B(4), t_sq.lo, t * t_sq.hi);
    const auto product = detail::two_prod(t, s2.hi);
    const auto numerator = detail::double_double<B>{
        product.hi, product.lo + detail::fma(t, bracket_lo, q.t.lo * s2.hi)};
    const auto n2_sq = detail::two_prod(q.n2.hi, q.n2.hi);
    const B n2_sq_lo = detail::fma(B(2) * q.n2.hi, q.n2.lo, n2_sq.lo);
    const B negative = detail::divide(numerator.hi, numerator.lo, n2_sq.hi, n2_sq_lo);
    // x > 0: f' = (1 - w) + x sigma(x) r^2, every term positive.
    // sigma(x) = 1/(1 + t) for x > 0, from the t at hand (as detail::sigmoid would form it).
    const B d = B(1) + t;
    const B sigma = detail::divide(B(1), B(0), d, ((B(1) - d) + t) + q.t.lo);
    const B positive = detail::fma(c * sigma, q.r * q.r, B(1) - q.w);
    return xsimd::select(c > B(0), positive, negative);
  }
  // Float: t = e^-|x| as one rounded float (exp_short, at most 0.891 ULP), then the rational
  // functions below in double, both halves of the batch, each rounded to float once. In double
  // nothing cancels (every sum below has terms of one sign, or is the bracket whose error is
  // counted against its larger term), so t's error and the last rounding are what is left; t's
  // relative error reaches tanh(sp) at most 1:1 (x -> -inf) and about 0.5:1 for x > 0.
  // |x| is capped at 80 for t: beyond it t^2 is below 2^-230 and changes nothing.
  template <class B, class Math>
  RECTIFY_INLINE static B in_double(const B& c, Math math) {
    const B ac = xsimd::abs(c);
    const B t = detail::exp_short(-xsimd::select(ac > B(80), B(80), ac), B(0));
    return detail::evaluate_in_double(c, t, math);
  }
  //   x <= 0: f = x n/(n + 2), n = t(t + 2);   x > 0: f = x (1 + 2t)/q, q = 1 + 2t + 2t^2
  // (n/(n + 2) with u = 1/t, numerator and denominator multiplied by t^2).
  template <class D>
  RECTIFY_INLINE static D forward_in_double(const D& x, const D& t) {
    const auto positive = x > D(0);
    const D two_t = D(2) * t;
    const D num = xsimd::select(positive, D(1) + two_t, t * (t + D(2)));
    const D den = num + xsimd::select(positive, two_t * t, D(2));
    return x * num / den;
  }
  //   x <= 0: f' = t ((t + 2)(n + 2) + 4x(1 + t)) / (n + 2)^2    (as in derivative_hi_lo)
  //   x > 0:  f' = (1 + 2t)/q + x sigma r^2 = ((1 + 2t) q + 4x t^2 (1 + t)) / q^2
  // (sigma = 1/(1 + t), r = 2t(1 + t)/q).
  template <class D>
  RECTIFY_INLINE static D derivative_in_double(const D& x, const D& t) {
    const auto positive = x > D(0);
    const D one_t = D(1) + t;
    const D two_t = D(2) * t;
    const D n2 = detail::fma(t, t + D(2), D(2));
    const D q = detail::fma(two_t, t, D(1) + two_t);
    const D four_x = D(4) * x;
    const D negative_num = t * detail::fma(t + D(2), n2, four_x * one_t);
    const D positive_num = detail::fma(D(1) + two_t, q, four_x * (t * t) * one_t);
    const D den = xsimd::select(positive, q, n2);
    return xsimd::select(positive, positive_num, negative_num) / (den * den);
  }
  // With t = e^-|x|:
  //   x <= 0 (u = t):   tanh(sp) = n/(n + 2),  n = t(t + 2) (one rounding)
  //   x >  0 (u = 1/t): tanh(sp) = 1 - w,  w = 2t^2/q,  1 - tanh^2 = r^2,  r = 2t(1 + t)/q,
  //                     q = 1 + 2t + 2t^2
  // n + 2 and q are exact hi + lo sums and each quotient is rounded about once (detail::divide).
  template <class B>
  struct mish_quotients {
    detail::double_double<B> t;   // e^-|x|
    detail::double_double<B> n;   // t(t + 2)
    detail::double_double<B> n2;  // n + 2
    B w;
    B r;
  };
  // Forced inline (detail/inline.hpp): the forward, which needs neither r nor, for x <= 0, w,
  // then computes only what it uses.
  template <class B>
  RECTIFY_INLINE static mish_quotients<B> quotients(const B& x) {
    const auto t = detail::exp_split(-xsimd::abs(x), B(0));
    // n = t^2 + 2t as hi + lo
    const auto t_sq = detail::two_prod(t.hi, t.hi);
    const B t_sq_lo = detail::fma(B(2) * t.hi, t.lo, t_sq.lo);
    const auto n = detail::two_sum(B(2) * t.hi, t_sq.hi);
    const B n_lo = n.lo + (t_sq_lo + B(2) * t.lo);
    const auto n2 = detail::two_sum(n.hi, B(2));
    // q = 1 + 2t + 2t^2 as hi + lo
    const auto p = detail::two_sum(B(1), B(2) * t.hi);
    const auto q = detail::two_sum(p.hi, B(2) * t_sq.hi);
    const B q_lo = q.lo + (p.lo + B(2) * (t_sq_lo + t.lo));
    const B w = detail::divide(B(2) * t_sq.hi, B(2) * t_sq_lo, q.hi, q_lo);
    const auto u = detail::two_sum(B(2) * t.hi, B(2) * t_sq.hi);  // 2t(1 + t)
    const B r = detail::divide(u.hi, u.lo + B(2) * (t_sq_lo + t.lo), q.hi, q_lo);
    return {t, {n.hi, n_lo}, {n2.hi, n2.lo + n_lo}, w, r};
  }
};

}  // namespace rectify
