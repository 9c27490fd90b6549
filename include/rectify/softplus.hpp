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
#include "detail/polynomial.hpp"
#include "detail/widen.hpp"
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
    if constexpr (std::is_same_v<typename B::value_type, float>)
      return body_forward_in_double(x, y);
    else
      return body_forward_hi_lo(x, y);
  }
  // Float: t = e^-|y| as one rounded float (exp_short, at most 0.891 ULP), then max(y, 0) +
  // ln(1 + t) and the division by k in double (y = k x is exact there), rounded to float once.
  // t's relative error reaches ln(1 + t) at most 1:1 (t/((1 + t) ln(1 + t)) <= 1), so f is
  // within t's error plus the last rounding: over every float 1.49 ULP (k=1) and 1.48 (k=3.5),
  // 1.6x and 1.5x faster than the float hi + lo path with a float log1p (1.49 and 1.88 ULP).
  template <class B>
  RECTIFY_INLINE B body_forward_in_double(const B& x, const detail::double_double<B>& y) const {
    using A = typename B::arch_type;
    using D = xsimd::batch<double, A>;
    constexpr float reach = detail::exp_limits<float>::reach;
    const auto non_negative = y.hi >= B(0);
    const B magnitude = xsimd::abs(y.hi);
    const B t = detail::exp_short(-xsimd::select(magnitude > B(reach), B(reach), magnitude),
                                  xsimd::select(non_negative, -y.lo, y.lo));
    const double k = k_;
    const double inv_k = 1.0 / k;
    auto half = [k, inv_k](const D& xd, const D& td) RECTIFY_INLINE_LAMBDA {
      // +-inf and NaN: the caller's selects.
      const D sp = xsimd::max(D(k) * xd, D(0)) + log1p_unit(td);
      return k == 1.0 ? sp : sp * D(inv_k);
    };
    return xsimd::select(y.hi > B(detail::exp_limits<float>::negligible), x,
                         detail::evaluate_in_double(x, t, half));
  }
  // ln(1 + t) in double for a float t in [0, 1] (or NaN), to about 2^-34 relative: enough for a
  // float result. 1 + t = 2^e (1 + g), e = 1 where 1 + t > sqrt 2 (g = (t - 1)/2, exact), else
  // e = 0 (g = t): g in [-0.293, 0.415). ln(1 + g) = 2 atanh(s), s = g/(2 + g), |s| <= 0.1716,
  // by its Taylor series 2s(1 + s^2/3 + ... + s^10/11): the first term left out, s^12/13, is
  // below 2^-34 of the sum (tools/sollya/for_float.sollya). No cancellation: for e = 0, g = t and
  // the series starts at t.
  template <class D>
  RECTIFY_INLINE static D log1p_unit(const D& t) {
    constexpr double sqrt2_minus_1 = 0x1.a827999fcef34p-2;  // rounded: either side would do
    constexpr double ln2 = 0x1.62e42fefa39efp-1;
    const auto upper = t > D(sqrt2_minus_1);
    const D g = xsimd::select(upper, (t - D(1)) * D(0.5), t);
    const D s = g / (D(2) + g);
    const D w = s * s;
    const D w2 = w * w;
    const D p_high = detail::fma(detail::fma(D(1.0 / 11), w, D(1.0 / 9)), w2,
                                 detail::fma(D(1.0 / 7), w, D(1.0 / 5)));
    const D p = detail::fma(p_high, w2, detail::fma(D(1.0 / 3), w, D(1)));
    return detail::fma(D(2) * s, p, xsimd::select(upper, D(ln2), D(0)));
  }
  // ln(1 + t) for t = t + t_lo in [0, 1] (double; NaN passes) as hi + lo, with errors well below
  // softplus' last rounding. 1 + t = 2^e (1 + g) with e = 1 for t >= 1/2 (g = (t - 1)/2, exact by
  // Sterbenz) and e = 0 below (g = t), g in [-1/4, 1/2); ln(1 + g) = 2 atanh(s), s = g/(2 + g) in
  // [-1/7, 1/5], with t_lo in g_lo. s is carried as s + s_lo: the quotient's residual g - s (2 + g)
  // is exact (with a fused fma), and 1/(2 + g) = (1 - s)/2 divides it with no second division. 2
  // atanh(s) = 2s + 2s^3 P(s^2), P of degree 7 within 2^-54 relative (tools/sollya/log1p.sollya),
  // which weighs at most s^2/3 of the result. e ln2 + 2s is summed exactly (Fast2Sum: ln2 > |2s|).
  // Against xsimd::log1p, which it replaced: softplus forward in double 1.5x faster (tools/ab/run,
  // AVX2) and 0.75 ULP instead of 1.46 (k=1).
  template <class D>
  RECTIFY_INLINE static detail::double_double<D> log1p_hi_lo(const D& t, const D& t_lo) {
    constexpr double ln2_hi = 0x1.62e42fefa39efp-1;  // tools/sollya/log1p.sollya
    constexpr double ln2_lo = 0x1.abc9e3b39803fp-56;
    const auto upper = t >= D(0.5);
    const D g = xsimd::select(upper, (t - D(1)) * D(0.5), t);
    const D g_lo = xsimd::select(upper, D(0.5) * t_lo, t_lo);
    const D d = D(2) + g;
    const D d_lo = ((D(2) - d) + g) + g_lo;
    const D s = g / d;
    const D s_lo =
        (detail::fnma(s, d, g) + detail::fnma(s, d_lo, g_lo)) * detail::fnma(D(0.5), s, D(0.5));
    const D w = s * s;
    const D p = detail::horner(w, 0x1.16e404dbfea69p-4, 0x1.0e821e3e47633p-4, 0x1.3b2a64928ed99p-4,
                               0x1.745ca8007b58dp-4, 0x1.c71c72f00d137p-4, 0x1.24924923cdbe1p-3,
                               0x1.999999999ap-3, 0x1.5555555555555p-2);
    const D two_s = D(2) * s;
    const D ln2_part = xsimd::select(upper, D(ln2_hi), D(0));
    const D hi = ln2_part + two_s;
    const D rest =
        detail::fma(two_s * w, p, detail::fma(D(2), s_lo, xsimd::select(upper, D(ln2_lo), D(0))));
    return {hi, ((ln2_part - hi) + two_s) + rest};
  }
  // Double: t = e^-|y| as hi + lo (exp_normal, through detail::exp_split), ln(1 + t) as hi + lo
  // (log1p_hi_lo), sp = max(y, 0) + ln(1 + t) as hi + lo, divided by k with one rounding.
  template <class B>
  RECTIFY_INLINE B body_forward_hi_lo(const B& x, const detail::double_double<B>& y) const {
    using U = typename B::value_type;
    const auto non_negative = y.hi >= B(0);
    const auto e = detail::exp_split(xsimd::select(non_negative, -y.hi, y.hi),
                                     xsimd::select(non_negative, -y.lo, y.lo));
    const auto tail = log1p_hi_lo(e.hi, e.lo);
    const auto sum = detail::two_sum(y.hi, tail.hi);
    const B sp_hi = xsimd::select(non_negative, sum.hi, tail.hi);
    const B sp_lo = xsimd::select(non_negative, (sum.lo + y.lo) + tail.lo, tail.lo);
    const B f = k_ == T(1) ? sp_hi + sp_lo : detail::divide_by_constant(sp_hi, sp_lo, U(k_));
    return xsimd::select(y.hi > B(detail::exp_limits<U>::negligible), x, f);
  }

  // k*x as an exact hi + lo (detail::times_exactly), x first clamped to where f and f' have
  // saturated (|k*x| at most 1000 in double, 150 in float). With k = 1, x itself.
  template <class B>
  RECTIFY_INLINE detail::double_double<B> scaled(const B& x) const {
    using U = typename B::value_type;
    // For a tiny k the bound overflows: std::min keeps it finite, so +-inf are clamped too.
    const U limit = std::min((std::is_same_v<U, double> ? U(1000) : U(150)) / U(k_),
                             std::numeric_limits<U>::max());
    return detail::times_exactly(x, U(k_), -limit, limit);
  }
  T k_;
};

}  // namespace rectify
