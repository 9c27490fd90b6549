// gelu: the Gaussian error linear unit, exact or in its tanh approximation.
//
//   exact:  f(x) = x*Phi(x) = (x/2)*erfc(-x/sqrt(2))     f'(x) = Phi(x) + x*phi(x)
//   tanh:   f(x) = (x/2)*(1 + tanh(u)),  u = sqrt(2/pi)*(x + 0.044715*x^3)
//           f'(x) = the exact derivative of that formula
//
// Parameter: gelu_approximation::none (default) or ::tanh. Types: float, double; in float the
// exact and the tanh form are evaluated in double to float accuracy (exact_in_double,
// tanh_in_double).
// Edges: NaN -> NaN; f(-inf) = 0, f(+inf) = +inf, f'(-inf) = 0, f'(+inf) = 1. Why, exact form:
// Phi comes from detail/normal_cdf.hpp as e^(-x^2/2) times a smooth factor, with x^2/2 formed
// exactly, so gelu(-10) is the tiny -7.6e-23 it is, not 0 from 1 + erf(x/sqrt2) cancelling. Why,
// tanh form: (1 + tanh(u))/2 = sigma(2u), so f = x*sigma(2u) with no 1 + tanh cancellation for x <<
// 0. There f ~ x*e^(2u) and a relative error e in 2u becomes |2u|*e in f (|2u| reaches 745), so 2u
// = 2*sqrt(2/pi)*x*(1 + 0.044715*x^2) is carried as an unevaluated hi + lo sum. f' = s + x*2u'*s*(1
// - s) with s = sigma(2u), 2u' = 2*sqrt(2/pi)*(1 + 3*0.044715*x^2). Both derivatives cross zero for
// x < 0 where their two terms cancel (near -0.7518 exact): error there is counted against the
// larger term (SPEC.md, Accuracy).
#pragma once

#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/double_double.hpp"
#include "detail/exp.hpp"
#include "detail/fma.hpp"
#include "detail/inline.hpp"
#include "detail/math.hpp"
#include "detail/normal_cdf.hpp"
#include "detail/polynomial.hpp"
#include "detail/widen.hpp"
#include "kernels.hpp"

namespace rectify {

enum class gelu_approximation { none, tanh };

template <class T>
class gelu : public detail::activation<gelu<T>, T> {
 public:
  explicit gelu(gelu_approximation approximation = gelu_approximation::none)
      : approximation_(approximation) {}

  gelu_approximation approximation() const { return approximation_; }

  template <class B>
  RECTIFY_INLINE B forward_math(const B& x) const {
    if (approximation_ == gelu_approximation::none) {
      if constexpr (std::is_same_v<typename B::value_type, float>)
        return forward_exact_float(x);
      else
        return forward_exact{}(x);
    }
    if constexpr (std::is_same_v<typename B::value_type, float>) {
      return xsimd::select(
          x > B(30.0f), x,
          tanh_in_double(x, [](const auto& c, const auto& t)
                                RECTIFY_INLINE_LAMBDA { return tanh_forward_double(c, t); }));
    } else {
      return tanh_forward(x);
    }
  }

  template <class B>
  RECTIFY_INLINE B derivative_math(const B& x) const {
    if (approximation_ == gelu_approximation::none) {
      if constexpr (std::is_same_v<typename B::value_type, float>)
        return derivative_exact_float(x);
      else
        return derivative_exact{}(x);
    }
    if constexpr (std::is_same_v<typename B::value_type, float>) {
      return tanh_in_double(x, [](const auto& c, const auto& t)
                                   RECTIFY_INLINE_LAMBDA { return tanh_derivative_double(c, t); });
    } else {
      return tanh_derivative(x);
    }
  }

 private:
  // The tanh form in double: f.
  template <class B>
  RECTIFY_INLINE static B tanh_forward(const B& x) {
    // Beyond +-30, sigma(2u) is exactly 0 or 1: x is clamped there (no -inf*0 is formed), and
    // f = x beyond +30.
    const B c = detail::clamp_keep_nan(x, -30.0, 30.0);
    const auto two_u = tanh_argument(c);
    // Below 2u = -693, beyond exp_normal's reach, sigma(2u) = e^(2u) to well within an ULP:
    // exp_times keeps a subnormal f rounded once. Above, the quotient (a tail from -40 on, as
    // silu's, made nearly every batch of inputs in [-8, 8] run both formulas).
    return detail::where_needed(
        two_u.hi < B(-detail::exp_limits<double>::reach),
        [&] { return detail::exp_times(two_u.hi, two_u.lo, c); },
        [&]() RECTIFY_INLINE_LAMBDA {
          return xsimd::select(x > B(30), x, detail::times_sigmoid(c, two_u.hi, two_u.lo));
        });
  }
  // The tanh form in float, evaluated in double from the float x, to float accuracy: 2u =
  // 2 sqrt(2/pi) x (1 + kappa x^2) in double (good to 2^-50 or so; |2u| up to 745 costs 2^-40
  // of e^2u), t = e^-|2u| from detail::exp_for_float (2^-30), and then f = x sigma(2u) = x t/(1 +
  // t) or x/(1 + t), and f' as in sigmoid_slope, n/(1 + t)^2 with n = t(1 + m + t) (x < 0) or
  // 1 + t(1 + m) (x >= 0), m = x 2u' = 2 sqrt(2/pi) x (1 + 3 kappa x^2): the cancellation of
  // 1 + m + t near the zero crossing is then good to 2^-30 of the terms that cancel. Each half
  // rounded to float once; results in float's subnormal range are normal doubles until then (|2u|
  // is capped at 700: beyond, f and f' are 0 in float), so they round once and take no x86
  // assists, and no tail formula is needed. x is clamped to [-30, 30] (f = x beyond 30).
  template <class A, class Math>
  RECTIFY_INLINE static xsimd::batch<float, A> tanh_in_double(const xsimd::batch<float, A>& x,
                                                              Math math) {
    using D = xsimd::batch<double, A>;
    using k = constants;
    auto half = [&math](const D& c) RECTIFY_INLINE_LAMBDA {
      const D two_u = D(k::two_sqrt_2_over_pi_hi) * c * detail::fma(D(k::kappa_hi), c * c, D(1));
      const D magnitude = xsimd::abs(two_u);
      return math(c, detail::exp_for_float(-xsimd::select(magnitude > D(700), D(700), magnitude)));
    };
    return detail::evaluate_in_double(detail::clamp_keep_nan(x, -30.0f, 30.0f), half);
  }
  template <class D>
  RECTIFY_INLINE static D tanh_forward_double(const D& c, const D& t) {
    return c * xsimd::select(c < D(0), t, D(1)) / (D(1) + t);
  }
  template <class D>
  RECTIFY_INLINE static D tanh_derivative_double(const D& c, const D& t) {
    using k = constants;
    const D m = D(k::two_sqrt_2_over_pi_hi) * c * detail::fma(D(k::three_kappa_hi), c * c, D(1));
    const D d = D(1) + t;
    const D n = xsimd::select(c < D(0), t * (d + m), detail::fma(t, m, d));
    return n / (d * d);
  }
  // f' of the tanh form in double. Its two terms cancel for x < 0, so m = x 2u' and the sums of
  // sigmoid_slope are carried as hi + lo.
  template <class B>
  RECTIFY_INLINE static B tanh_derivative(const B& x) {
    using U = typename B::value_type;
    const B c = detail::clamp_keep_nan(x, U(-30), U(30));
    const auto two_u = tanh_argument(c);
    // Below 2u = -693: f' = e^(2u) (1 + x 2u') to well within an ULP; elsewhere
    // f' = sigma(2u) (1 + x 2u' sigma(-2u)), one quotient of hi + lo sums (detail/math.hpp).
    return detail::where_needed(
        two_u.hi < B(-detail::exp_limits<U>::reach),
        [&] {
          const auto m = slope_factor(c);
          const auto one_m = detail::two_sum(B(1), m.hi);
          return detail::exp_times(two_u.hi, two_u.lo, one_m.hi + (one_m.lo + m.lo));
        },
        [&]() RECTIFY_INLINE_LAMBDA {
          const auto m = slope_factor(c);
          return detail::sigmoid_slope(two_u.hi, two_u.lo, m.hi, m.lo);
        });
  }
  // m = x 2u' = 2 sqrt(2/pi) x (1 + 3 kappa x^2) as hi + lo: near the zero crossing of f' the
  // error of m is an error of the same size in f'.
  template <class B>
  RECTIFY_INLINE static detail::double_double<B> slope_factor(const B& c) {
    return two_sqrt_2_over_pi_cubic(c, constants::three_kappa_hi, constants::three_kappa_lo);
  }
  // The exact form in double: x*Phi(x) and Phi(x) + x*phi(x).
  struct forward_exact {
    template <class A>
    xsimd::batch<double, A> operator()(const xsimd::batch<double, A>& x) const {
      using D = xsimd::batch<double, A>;
      // Below -40, Phi(x) = 0 in double: x is clamped from below only (no -inf*0; +inf stays).
      const D low = xsimd::select(x < D(-40), D(-40), x);
      // -phi(x) S(x) = x Phi(x) in the far left, where it is (nearly) subnormal.
      return detail::where_needed(
          low < D(far_left), [&] { return far_left_times_phi(low, -mills_series(low)); },
          low * detail::normal_cdf(low));
    }
  };
  struct derivative_exact {
    template <class A>
    xsimd::batch<double, A> operator()(const xsimd::batch<double, A>& x) const {
      using D = xsimd::batch<double, A>;
      // Beyond +-40 Phi is 0 or 1 and phi is 0 in double.
      const D c = detail::clamp_keep_nan(x, -40.0, 40.0);
      // Phi + x phi = phi (S/|x| + x) = phi (x - S/x) in the far left.
      return detail::where_needed(
          c < D(far_left), [&] { return far_left_times_phi(c, c - mills_series(c) / c); },
          detail::normal_cdf_slope(c));
    }
  };
  // Below x = -37.5, x Phi(x) and its derivative reach the subnormal range, where Phi(x) rounded
  // first and multiplied by x after would lose up to 20 ULP. There the asymptotic expansion
  // Phi(x) = phi(x)/|x| S(x), S = 1 - 1/x^2 + 3/x^4 - 15/x^6 + ... (the double factorials
  // (2k-1)!!), has converged: the first omitted term, 2027025/x^16, is below 2^-62. The results
  // are m phi(x) with phi formed from exactly split x^2/2 and rounded once (exp_times).
  static constexpr double far_left = -37.5;
  template <class D>
  static D mills_series(const D& x) {
    const D u = D(1) / (x * x);
    return detail::horner(u, -135135.0, 10395.0, -945.0, 105.0, -15.0, 3.0, -1.0, 1.0);
  }
  // m * phi(x), rounded once where the result is subnormal. 1/sqrt(2 pi) enters the exponent,
  // as -x^2/2 - ln sqrt(2 pi) summed exactly, so that no rounded constant multiplies m.
  template <class D>
  static D far_left_times_phi(const D& x, const D& m) {
    constexpr double ln_sqrt_2pi_hi = 0x1.d67f1c864beb5p-1;  // MPFR at 300 bits
    constexpr double ln_sqrt_2pi_lo = -0x1.65b5a1b7ff5dfp-55;
    const auto square = detail::two_prod(x, x);
    const auto exponent = detail::two_sum(D(-0.5) * square.hi, D(-ln_sqrt_2pi_hi));
    const D exponent_lo = exponent.lo + (D(-0.5) * square.lo - D(ln_sqrt_2pi_lo));
    return detail::exp_times(exponent.hi, exponent_lo, m);
  }

  // The exact form in float, evaluated in double from the float x (the double kernel itself,
  // widened, ran at 0.13 elements/ns: it carries every step to double accuracy; this needs only
  // 2^-30 or so). With z = |x|, Phi(-z) = Q(z) e^(-z^2/2): Q from detail/normal_cdf.hpp (2^-29.5
  // relative), z^2/2 exact in double, e^(-z^2/2) from detail::exp_for_float (2^-30). Phi(x) is
  // Phi(-z) for x < 0 and 1 - Phi(-z) (>= 1/2, no cancellation) for x >= 0; f = x Phi(x). f' =
  // Phi(x) + x phi(x) = e^(-z^2/2) h for x < 0 and 1 - e^(-z^2/2) h for x >= 0, h = Q(z) - k z (k
  // = 1/sqrt(2 pi)), which crosses zero at z = 0.7518: the double h is good to 2^-30 of Q there,
  // the larger term. Each half rounded to float once; results in float's subnormal range are
  // normal doubles until then (x down to -15, where e^(-z^2/2) is 2e-49), so they round once and
  // take no x86 assists. x is clamped to [-15, 15]: beyond, f is 0 or x and f' 0 or 1 in float.
  template <class A, class Math>
  RECTIFY_INLINE static xsimd::batch<float, A> exact_in_double(const xsimd::batch<float, A>& x,
                                                               Math math) {
    return detail::evaluate_in_double(detail::clamp_keep_nan(x, -15.0f, 15.0f), math);
  }
  template <class D>
  RECTIFY_INLINE static D gauss_for_float(const D& z) {
    return detail::exp_for_float(D(-0.5) * (z * z));
  }
  template <class A>
  RECTIFY_INLINE static xsimd::batch<float, A> forward_exact_float(
      const xsimd::batch<float, A>& x) {
    using B = xsimd::batch<float, A>;
    using D = xsimd::batch<double, A>;
    const B f = exact_in_double(x, [](const D& xd) RECTIFY_INLINE_LAMBDA {
      const D z = xsimd::abs(xd);
      const D tail = detail::normal_tail_scaled(z) * gauss_for_float(z);  // Phi(-z)
      return xd * xsimd::select(xd < D(0), tail, D(1) - tail);
    });
    return xsimd::select(x > B(15.0f), x, f);
  }
  template <class A>
  RECTIFY_INLINE static xsimd::batch<float, A> derivative_exact_float(
      const xsimd::batch<float, A>& x) {
    using D = xsimd::batch<double, A>;
    return exact_in_double(x, [](const D& xd) RECTIFY_INLINE_LAMBDA {
      const D z = xsimd::abs(xd);
      const D g = detail::normal_tail_scaled(z, true) * gauss_for_float(z);
      return xsimd::select(xd < D(0), g, D(1) - g);
    });
  }

  // 2*sqrt(2/pi), 0.044715 and 3*0.044715 as hi + lo (from MPFR at 300 bits): about 106 bits;
  // the float forms use the high parts only.
  struct constants;

  // 2u = 2*sqrt(2/pi)*x*(1 + kappa*x^2) as hi + lo.
  template <class B>
  RECTIFY_INLINE static detail::double_double<B> tanh_argument(const B& x) {
    return two_sqrt_2_over_pi_cubic(x, constants::kappa_hi, constants::kappa_lo);
  }
  // 2*sqrt(2/pi)*x*(1 + c*x^2) as hi + lo for c = c_hi + c_lo; each step keeps its rounding error
  // (two_prod/two_sum) and adds the products of the low parts.
  template <class B>
  RECTIFY_INLINE static detail::double_double<B> two_sqrt_2_over_pi_cubic(const B& x, double c_hi,
                                                                          double c_lo) {
    using k = constants;
    const auto square = detail::two_prod(x, x);
    const auto cx2 = detail::two_prod(B(c_hi), square.hi);
    const B cx2_lo = cx2.lo + (B(c_hi) * square.lo + B(c_lo) * square.hi);
    const auto w = detail::two_sum(B(1), cx2.hi);
    const B w_lo = w.lo + cx2_lo;
    const auto v = detail::two_prod(x, w.hi);
    const B v_lo = detail::fma(x, w_lo, v.lo);
    const auto z = detail::two_prod(B(k::two_sqrt_2_over_pi_hi), v.hi);
    return {z.hi, z.lo + (B(k::two_sqrt_2_over_pi_hi) * v_lo + B(k::two_sqrt_2_over_pi_lo) * v.hi)};
  }

  gelu_approximation approximation_;
};

template <class T>
struct gelu<T>::constants {
  static constexpr double two_sqrt_2_over_pi_hi = 0x1.9884533d43651p+0;
  static constexpr double two_sqrt_2_over_pi_lo = -0x1.cbc0d30ebfd15p-54;
  static constexpr double kappa_hi = 0x1.6e4e26d4801f7p-5;
  static constexpr double kappa_lo = 0x1.441355475a31ap-59;
  // 3 * 0.044715 = 0.134145, from its decimal string.
  static constexpr double three_kappa_hi = 0x1.12ba9d1f60179p-3;
  static constexpr double three_kappa_lo = 0x1.f30e7ff583a54p-57;
};

}  // namespace rectify
