// delu: the extended exponential linear unit (2023).
//
//   f(x)  = x if x > xc, else (e^(a*x) - 1)/b       f'(x) = 1 if x > xc, else (a/b)*e^(a*x)
//
// Parameters: a = 1, b = 2 (both > 0, finite) and xc, where the two pieces meet. By default xc
// is the positive root of (e^(a*xc) - 1)/b = xc, rounded to the type (1.2564312086261697 for
// a = 1, b = 2; the seeds print 1.25643); the root exists only when a < b, otherwise pass xc.
// f'(xc) = (a/b)*e^(a*xc), the x <= xc branch.
// Types: float, double. Edges: NaN -> NaN; f(-inf) = -1/b,
// f'(-inf) = 0, f(+inf) = +inf, f'(+inf) = 1.
// Why: e^(a*x) - 1 is expm1, which keeps f's digits near x = 0. a*x is carried as an exact
// hi + lo: in the left tail f' ~ e^(a*x), and a rounding error e in a*x would become |a*x|*e.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/double_double.hpp"
#include "detail/exp.hpp"
#include "detail/fma.hpp"
#include "detail/inline.hpp"
#include "detail/math.hpp"
#include "detail/params.hpp"
#include "detail/widen.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class delu : public detail::activation<delu<T>, T> {
 public:
  explicit delu(T a = T(1), T b = T(2)) : delu(a, b, std::nullopt) {}
  delu(T a, T b, T xc) : delu(a, b, std::optional<T>(xc)) {}

  T a() const { return a_; }
  T b() const { return b_; }
  T xc() const { return xc_; }

  template <class B>
  RECTIFY_INLINE B forward_math(const B& x) const {
    if constexpr (std::is_same_v<typename B::value_type, float>)
      return forward_in_double(x);
    else
      return forward_hi_lo(x);
  }
  template <class B>
  RECTIFY_INLINE B derivative_math(const B& x) const {
    using U = typename B::value_type;
    const auto y = scaled(x);
    // Where e^(a*x) overflows, or a/b itself does (a tiny b: then in every lane), the slope is
    // scaled_exp(y, a/b); the overflowing lanes (a*x > 80, double 700) are among those beyond
    // exp_times_fast's reach (80, double 693), so its test for those covers them.
    const auto overflow_form = [&] { return scaled_exp(y, slope_scale_); };
    const U a_over_b = U(a_) / U(b_);
    const B m(a_over_b);
    const B slope =
        !std::isfinite(a_over_b) ? overflow_form() : detail::exp_times_fast(y.hi, y.lo, m, [&] {
          return xsimd::select(y.hi > B(overflowing<U>) && x <= B(U(xc_)), overflow_form(),
                               detail::exp_times(y.hi, y.lo, m));
        });
    return xsimd::select(x > B(U(xc_)), B(1),
                         xsimd::select(x == B(-std::numeric_limits<U>::infinity()), B(0), slope));
  }

 private:
  // Float: (e^(a x) - 1)/b in double, both halves of the batch, rounded to float once. a x is
  // exact in double, e^(a x) - 1 from detail::expm1_for_float (about 2^-30 relative; its clamp
  // to [-40, 708] gives -1/b at -inf, and beyond 708 a result that overflows float as the true
  // one does), and the division a product by 1/b (rounded in double): within 0.5 ULP and a
  // little for every a and b.
  template <class B>
  RECTIFY_INLINE B forward_in_double(const B& x) const {
    using A = typename B::arch_type;
    using D = xsimd::batch<double, A>;
    const double a = a_;
    const double inv_b = 1.0 / double(b_);
    auto half = [a, inv_b](const D& xd)
                    RECTIFY_INLINE_LAMBDA { return detail::expm1_for_float(D(a) * xd) * D(inv_b); };
    return xsimd::select(x > B(float(xc_)), x, detail::evaluate_in_double(x, half));
  }
  // Double: expm1 of a x = hi + lo, divided by b with one rounding.
  template <class B>
  RECTIFY_INLINE B forward_hi_lo(const B& x) const {
    using U = typename B::value_type;
    const auto y = scaled(x);
    // expm1(hi + lo) = expm1(hi) + e^hi * lo to first order, and e^hi = expm1(hi) + 1. Where
    // e^(a*x) overflows (only reachable with an explicit xc > 709/a) the quotient
    // is formed as e^(a*x - ln b) instead, so a large b still gives the finite value it should.
    const B em = detail::expm1(y.hi);
    // With a = 1 (the default) y is x itself, lo = 0, and the correction is skipped; with b a
    // power of two (the default 2) the division is exact as a product by 1/b (or rounds once,
    // for subnormal results, as the division does): the compensated quotient is skipped too.
    // Both are tests of the parameters, the same for every batch, and change no bits (f(-0) is
    // -0 now, as expm1(-0); the correction turned it into +0).
    const B expm1_y =
        a_ == T(1) ? em : xsimd::select(em < B(huge), detail::fma(em + B(1), y.lo, em), em);
    const B quotient = detail::where_needed(
        y.hi > B(overflowing<U>) && x <= B(U(xc_)), [&] { return scaled_exp(y, inverse_b_scale_); },
        b_is_power_of_two_ ? expm1_y * B(U(1) / U(b_))
                           : detail::divide_by_constant(expm1_y, B(0), U(b_)));
    // With a tiny a even -DBL_MAX is not far left: the limit -1/b at -inf is set explicitly.
    const B at_minus_inf = B(U(-1) / U(b_));
    return xsimd::select(
        x > B(U(xc_)), x,
        xsimd::select(x == B(-std::numeric_limits<U>::infinity()), at_minus_inf, quotient));
  }

  delu(T a, T b, std::optional<T> xc)
      : a_(detail::require_positive("delu", "a", a)),
        b_(detail::require_positive("delu", "b", b)),
        xc_(xc ? detail::require_finite("delu", "xc", *xc) : solve_xc(a_, b_)),
        b_is_power_of_two_(is_power_of_two(b_)),
        slope_scale_(ratio_scale(double(a_), double(b_))),
        inverse_b_scale_(ratio_scale(1.0, double(b_))),
        log_a_over_b_(std::log(double(a_)) - std::log(double(b_))) {}

  // The positive root of g(t) = (e^(a t) - 1)/b - t. g(0) = 0, g'(0) = a/b - 1 < 0 and g is
  // convex, so the root is unique; Newton's method started right of it (where g > 0) descends
  // to it monotonically. Solved in long double, then the candidates around the rounded root are
  // compared so that xc is the value of T nearest the root.
  static T solve_xc(T a, T b) {
    if (!(a < b)) {
      detail::fail(detail::describe("delu", "xc", "(not given)",
                                    "the default xc exists only when a < b; pass xc explicitly"));
    }
    using L = long double;
    const L al = a, bl = b;
    auto g = [&](L t) { return std::expm1(al * t) / bl - t; };
    L t = 1;
    while (g(t) <= 0)
      t *= 2;
    for (int i = 0; i < 200; ++i) {
      const L next = t - g(t) / (al * std::exp(al * t) / bl - 1);
      if (!(next < t))
        break;
      t = next;
    }
    T best = static_cast<T>(t);
    for (T candidate : {std::nextafter(best, T(0)), std::nextafter(best, T(10))}) {
      if (std::fabs(L(candidate) - t) < std::fabs(L(best) - t))
        best = candidate;
    }
    return best;
  }

  // b = 2^e with 1/b = 2^-e finite: then x/b and x (1/b) are the same number.
  static bool is_power_of_two(T b) {
    int exponent = 0;
    return std::frexp(b, &exponent) == T(0.5) && std::isfinite(T(1) / b);
  }

  // a*x as an exact hi + lo (detail::times_exactly), x clamped to where f and f' have saturated:
  // (a/b) e^(a*x) is 0 below a*x = -1000 - |ln(a/b)| (float: -150 - ...), and above a*x = 1500
  // (float: 200) e^(a*x)/b overflows whatever the b of the type. With a = 1, x itself.
  template <class B>
  RECTIFY_INLINE detail::double_double<B> scaled(const B& x) const {
    using U = typename B::value_type;
    constexpr bool is_double = std::is_same_v<U, double>;
    // For a tiny a the bounds overflow: std::min/max keep them finite, so -inf is clamped too.
    constexpr U most = std::numeric_limits<U>::max();
    return detail::times_exactly(
        x, U(a_),
        std::max((U(is_double ? -1000 : -150) - U(std::fabs(log_a_over_b_))) / U(a_), -most),
        std::min((is_double ? U(1500) : U(200)) / U(a_), most));
  }

  // A ratio c = num/den as f 2^e, f = (num's mantissa)/(den's) in (1/2, 2) rounded to T once and
  // e an integer: c e^y is then f e^(y + e ln2), finite wherever the result is, though c or e^y
  // alone may overflow (a/b for a tiny b; e^(a x) for an explicit xc beyond 709/a).
  struct power_scale {
    T factor;
    int exponent;
  };
  static power_scale ratio_scale(double num, double den) {
    int e_num = 0, e_den = 0;
    const double f_num = std::frexp(num, &e_num);
    const double f_den = std::frexp(den, &e_den);
    return {T(f_num / f_den), e_num - e_den};
  }
  // c e^y for y = hi + lo and c as ratio_scale's f 2^e: e ln2 as an exact product with ln2's high
  // part (two_prod) plus its low part, added to y exactly (two_sum), then f e^(hi + lo) rounded
  // once (exp_times). Earlier this was e^(y + ln c) with ln c rounded, and y + ln c rounded too:
  // up to 160 ULP in double and 43 in float (tests/delu_test.cpp, the overflow case).
  template <class B>
  static B scaled_exp(const detail::double_double<B>& y, const power_scale& c) {
    using U = typename B::value_type;
    constexpr bool is_double = std::is_same_v<U, double>;
    const B ln2_hi(is_double ? U(0x1.62e42fefa39efp-1) : U(0x1.62e43p-1f));
    const B ln2_lo(is_double ? U(0x1.abc9e3b39803fp-56) : U(-0x1.05c61p-29f));
    const B e(static_cast<U>(c.exponent));
    const auto shift = detail::two_prod(e, ln2_hi);
    const auto sum = detail::two_sum(y.hi, shift.hi);
    return detail::exp_times(sum.hi, sum.lo + (y.lo + detail::fma(e, ln2_lo, shift.lo)),
                             B(c.factor));
  }

  // Above this a*x, e^(a*x) is near overflow in U; and a value of the double expm1 that is
  // "huge".
  template <class U>
  static constexpr U overflowing = std::is_same_v<U, double> ? U(700) : U(80);
  static constexpr double huge = 0x1p1000;

  T a_;
  T b_;
  T xc_;
  bool b_is_power_of_two_;
  power_scale slope_scale_;      // a/b
  power_scale inverse_b_scale_;  // 1/b
  double log_a_over_b_;          // for the clamp of a*x only
};

}  // namespace rectify
