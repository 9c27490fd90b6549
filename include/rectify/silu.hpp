// silu (swish-1): x times the logistic sigmoid.
//
//   f(x)  = x*sigma(x)                f'(x) = sigma(x)*(1 + x*(1 - sigma(x)))
//
// Types: float, double.
// Edges: NaN -> NaN; f(-inf) = 0, f(+inf) = +inf, f'(-inf) = 0, f'(+inf) = 1.
// Why: sigma(x) and 1 - sigma(x) both come from e^-|x| (detail/math.hpp), so silu(-100) is
// -100*e^-100/(1 + e^-100), not the NaN of -100/(1 + e^100) overflowing nor a cancelled 1 - s.
// Below x = -40 (float: -20), 1 + e^x rounds to 1: f = x e^x and f' = (1 + x) e^x to within e^x
// relative, formed by exp_times so that subnormal results are rounded once.
// f' crosses zero near x = -1.2785, where its two terms cancel; there its error is counted in
// ULP of the larger term (see SPEC.md, Accuracy). Both types take the short path below, with
// t = e^-|x| from detail::exp_in_reach: in float the short exp's one rounded float, whose error
// the float bar absorbs (measured over every float: forward 1.60 ULP, derivative 1.64), in
// double hi + lo. The float derivative forms its quotient in double on AVX-512
// (body_derivative_in_double), in float hi + lo sums on AVX2.
// (Through detail::times_sigmoid, silu's forward measured 5% to 15% slower.)
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
class silu : public detail::activation<silu<T>, T> {
 public:
  template <class B>
  RECTIFY_INLINE B forward_math(const B& x) const {
    using U = typename B::value_type;
    return detail::where_needed(
        x < B(-detail::exp_limits<U>::negligible),
        [&] { return left_tail(x, [](const auto& xd, const auto& e) { return xd * e; }); },
        [&]() RECTIFY_INLINE_LAMBDA { return body_forward(x); });
  }
  template <class B>
  RECTIFY_INLINE B derivative_math(const B& x) const {
    using U = typename B::value_type;
    return detail::where_needed(
        x < B(-detail::exp_limits<U>::negligible),
        [&] { return left_tail(x, [](const auto& xd, const auto& e) { return (1.0 + xd) * e; }); },
        [&]() RECTIFY_INLINE_LAMBDA { return body_derivative(x); });
  }

 private:
  // Below -negligible, f = x e^x and f' = (1 + x) e^x, m e^x with m = x or 1 + x; x is clamped at
  // -saturated first (both are 0 beyond). Double: exp_times rounds m e^x once, subnormal results
  // included. Float: m e^x in double (e^x from detail::exp_for_float, 2^-30), rounded to float
  // once, the subnormal results too: no float subnormal arithmetic, and 1.4x faster than the
  // float exp_times on inputs whose silu is subnormal (x in [-106.5, -91.9]), which then ran 1.5x
  // slower than inputs in [-8, 8], and now 1.1x.
  template <class B, class Times>
  static B left_tail(const B& x, Times times) {
    using U = typename B::value_type;
    const B c = xsimd::select(x < B(-detail::exp_limits<U>::saturated),
                              B(-detail::exp_limits<U>::saturated), x);
    if constexpr (std::is_same_v<U, float>) {
      return detail::evaluate_in_double(c, [&times](const auto& cd) RECTIFY_INLINE_LAMBDA {
        return times(cd, detail::exp_for_float(cd));
      });
    } else {
      return detail::exp_times(c, B(0), times(c, B(1)));
    }
  }
  // x >= -negligible (float -20, double -40; and NaN), the short path: t = e^-|x| (tail_sum),
  // then f = n/d with n = x (x >= 0) or x t (x < 0) and d = 1 + t, both carried as hi + lo into
  // one compensated quotient, so that t's own error and the quotient's rounding are the only
  // errors.
  template <class B>
  RECTIFY_INLINE static B body_forward(const B& x) {
    const auto t = tail_sum(x);
    const auto negative = x < B(0);
    const auto xt = detail::two_prod(x, t.e);
    const B n = xsimd::select(negative, xt.hi, x);
    const B n_lo = xsimd::select(negative, detail::plus_low(xt.lo, x, t.e_lo), B(0));
    // Beyond negligible, f = x (this also keeps +inf from meeting inf - inf).
    return xsimd::select(x > B(detail::exp_limits<typename B::value_type>::negligible), x,
                         detail::divide_normal(n, n_lo, t.d, t.d_lo));
  }
  // x >= -negligible (double; float below): f' = (1 + t(1 + x))/d^2 (x >= 0) or t((1 + x) + t)/d^2
  // (x < 0), where 1 + x is exact for x in [-2, 0] (Sterbenz), so the cancellation near x = -1.28
  // costs only the error of t; d^2 is carried as hi + lo into one compensated quotient.
  template <class B>
  RECTIFY_INLINE static B body_derivative(const B& x) {
    // Float on AVX-512 (and without a fused fma: not measured, kept) takes the quotient in double;
    // on AVX2 with FMA, where a double batch has only 4 lanes, the float hi + lo sums below are
    // 1.10x to 1.12x faster (tools/ab/run), with the same 1.64 ULP over every float.
    using A = typename B::arch_type;
    if constexpr (std::is_same_v<typename B::value_type, float> &&
                  (detail::is_avx512<A> || !detail::has_fused_fma<A>))
      return body_derivative_in_double(x);
    const auto t = tail_sum(x);
    const B one_x = B(1) + x;
    // x < 0: n = t c, c = (1 + x) + t (2Sum), the product's error (fms) and c's carried in n_lo.
    const auto c = detail::two_sum(one_x, t.e);
    const auto tc = detail::two_prod(t.e, c.hi);
    const B tc_lo = detail::fma(t.e, detail::plus_low(c.lo, B(1), t.e_lo),
                                detail::plus_low(tc.lo, c.hi, t.e_lo));
    // x >= 0: n = 1 + p, p = t (1 + x) <= 1. With a fused fma, n is one fma, in [1, 2], so n - 1
    // is exact and an fms recovers the fma's rounding (to 2^-106): four instructions where the
    // exact product and Fast2Sum take seven (silu' 1.05x, in-process A/B). Without one, those.
    B one_p, one_p_lo;
    if constexpr (detail::has_fused_fma<typename B::arch_type>) {
      one_p = detail::fma(t.e, one_x, B(1));
      one_p_lo = detail::plus_low(detail::fms(t.e, one_x, one_p - B(1)), one_x, t.e_lo);
    } else {
      const auto p = detail::two_prod(t.e, one_x);
      one_p = B(1) + p.hi;
      one_p_lo = ((B(1) - one_p) + p.hi) + detail::plus_low(p.lo, one_x, t.e_lo);
    }
    const auto negative = x < B(0);
    const B n = xsimd::select(negative, tc.hi, one_p);
    const B n_lo = xsimd::select(negative, tc_lo, one_p_lo);
    const auto d2 = detail::two_prod(t.d, t.d);
    const B d2_lo = detail::fma(t.d + t.d, t.d_lo, d2.lo);
    // Beyond negligible, f' = 1 + t(x - 1) + ... is 1 to within 0.51 ULP (double, x = 40.4).
    return xsimd::select(x > B(detail::exp_limits<typename B::value_type>::negligible), B(1),
                         detail::divide_normal(n, n_lo, d2.hi, d2_lo));
  }
  // Float: t = e^-|x| as one rounded float (tail_sum), then the same quotient in double, both
  // halves of the batch, rounded to float once. 1 + x, 1 + t, (1 + t)^2 and n are exact or within
  // 2^-52 there, so t's error (0.89 ULP) and the last rounding are all that is left: over every
  // float 1.64 ULP, as the float hi + lo sums above gave, and 1.16x faster (derivative; 1.08x
  // backward).
  template <class B>
  RECTIFY_INLINE static B body_derivative_in_double(const B& x) {
    using A = typename B::arch_type;
    using D = xsimd::batch<double, A>;
    const B t = tail_sum(x).e;
    auto half = [](const D& xd, const D& td) RECTIFY_INLINE_LAMBDA {
      const D one_x = D(1) + xd;
      const D d = D(1) + td;
      const D n = xsimd::select(xd < D(0), td * (one_x + td), detail::fma(td, one_x, D(1)));
      return n / (d * d);
    };
    return xsimd::select(x > B(detail::exp_limits<float>::negligible), B(1),
                         detail::evaluate_in_double(x, t, half));
  }
  template <class B>
  struct tail_parts {
    B e;  // e^-|x| = e + e_lo
    B e_lo;
    B d;  // 1 + e^-|x| = d + d_lo (Fast2Sum, 1 >= e)
    B d_lo;
  };
  // t = e^-|x| from exp_in_reach (float: one rounded float, e_lo = 0; double: hi + lo) and d.
  // Not clamped: the lanes beyond +-negligible, where exp_in_reach's range ends, take x or 1 from
  // the final selects or the left tail, whatever t is there (NaN included), and a NaN x gives NaN
  // either way.
  template <class B>
  RECTIFY_INLINE static tail_parts<B> tail_sum(const B& x) {
    const auto e = detail::exp_in_reach(-xsimd::abs(x), B(0));
    const B d = B(1) + e.hi;
    return {e.hi, e.lo, d, detail::plus_low((B(1) - d) + e.hi, B(1), e.lo)};
  }
};

}  // namespace rectify
