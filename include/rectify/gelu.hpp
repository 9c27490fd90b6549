// gelu: the Gaussian error linear unit, exact or in its tanh approximation.
//
//   exact:  f(x) = x*Phi(x) = (x/2)*erfc(-x/sqrt(2))     f'(x) = Phi(x) + x*phi(x)
//   tanh:   f(x) = (x/2)*(1 + tanh(u)),  u = sqrt(2/pi)*(x + 0.044715*x^3)
//           f'(x) = the exact derivative of that formula
//
// Parameter: gelu_approximation::none (default) or ::tanh. Types: float, double (float is
// evaluated in double and rounded once). Edges: NaN -> NaN; f(-inf) = 0, f(+inf) = +inf,
// f'(-inf) = 0, f'(+inf) = 1.
// Why, exact form: Phi comes from detail/normal_cdf.hpp, which forms x^2/2 exactly, so
// gelu(-10) is the tiny -7.6e-23 it is, not 0 from 1 + erf(x/sqrt2) cancelling.
// Why, tanh form: (1 + tanh(u))/2 = sigma(2u), so f = x*sigma(2u) with no 1 + tanh cancellation
// for x << 0. There f ~ x*e^(2u) and a relative error e in 2u becomes |2u|*e in f (|2u| reaches
// 745), so 2u = 2*sqrt(2/pi)*x*(1 + 0.044715*x^2) is carried as an unevaluated hi + lo sum.
// f' = s + x*2u'*s*(1 - s) with s = sigma(2u), 2u' = 2*sqrt(2/pi)*(1 + 3*0.044715*x^2).
// Both derivatives cross zero for x < 0 where their two terms cancel (near -0.7518 exact):
// error there is counted against the larger term (SPEC.md, Accuracy).
#pragma once

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/double_double.hpp"
#include "detail/fma.hpp"
#include "detail/math.hpp"
#include "detail/normal_cdf.hpp"
#include "kernels.hpp"

namespace rectify {

enum class gelu_approximation { none, tanh };

template <class T>
class gelu : public detail::activation<gelu<T>, T> {
 public:
  explicit gelu(gelu_approximation approximation = gelu_approximation::none)
      : approximation_(approximation) {}

  gelu_approximation approximation() const { return approximation_; }

  template <class A>
  xsimd::batch<double, A> forward_math(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    if (approximation_ == gelu_approximation::none) {
      // Below -40, Phi(x) = 0 in double: the clamp keeps -inf*0 from becoming NaN.
      const B low = detail::clamp_keep_nan(x, -40.0, 1e308);
      return low * detail::normal_cdf(low);
    }
    // Beyond +-30 sigma(2u) is exactly 0 or 1 in double.
    const B low = detail::clamp_keep_nan(x, -30.0, 1e308);
    const auto two_u = tanh_argument(detail::clamp_keep_nan(x, -30.0, 30.0));
    // Where 2u < -40, sigma(2u) = e^(2u) to within e^(2u): exp_times keeps subnormal f exact.
    const B tail = detail::exp_times(two_u.hi, two_u.lo, low);
    return xsimd::select(two_u.hi < B(-40), tail,
                         low * detail::sigmoid(two_u.hi, two_u.lo).positive);
  }

  template <class A>
  xsimd::batch<double, A> derivative_math(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    if (approximation_ == gelu_approximation::none) {
      // Beyond +-40 Phi is 0 or 1 and phi is 0 in double.
      const B c = detail::clamp_keep_nan(x, -40.0, 40.0);
      return detail::fma(c, detail::normal_pdf(c), detail::normal_cdf(c));
    }
    const B c = detail::clamp_keep_nan(x, -30.0, 30.0);
    const auto two_u = tanh_argument(c);
    const auto s = detail::sigmoid(two_u.hi, two_u.lo);
    const B two_u_slope = B(two_sqrt_2_over_pi_hi) * detail::fma(B(3 * kappa_hi) * c, c, B(1));
    // Where 2u < -40: f' = e^(2u) (1 + x 2u') to within e^(2u).
    const B tail = detail::exp_times(two_u.hi, two_u.lo, detail::fma(c, two_u_slope, B(1)));
    return xsimd::select(two_u.hi < B(-40), tail,
                         detail::fma(c * two_u_slope * s.positive, s.negative, s.positive));
  }

 private:
  // 2*sqrt(2/pi) and 0.044715 to about 106 bits, as hi + lo (from MPFR at 300 bits).
  static constexpr double two_sqrt_2_over_pi_hi = 0x1.9884533d43651p+0;
  static constexpr double two_sqrt_2_over_pi_lo = -0x1.cbc0d30ebfd15p-54;
  static constexpr double kappa_hi = 0x1.6e4e26d4801f7p-5;
  static constexpr double kappa_lo = 0x1.441355475a31ap-59;

  // 2u = 2*sqrt(2/pi)*x*(1 + kappa*x^2) as hi + lo; each step keeps its rounding error
  // (two_prod/two_sum) and adds the products of the low parts, good to ~2^-100 relative.
  template <class A>
  static detail::double_double<xsimd::batch<double, A>> tanh_argument(
      const xsimd::batch<double, A>& x) {
    using B = xsimd::batch<double, A>;
    const auto square = detail::two_prod(x, x);
    const auto kx2 = detail::two_prod(B(kappa_hi), square.hi);
    const B kx2_lo = kx2.lo + (B(kappa_hi) * square.lo + B(kappa_lo) * square.hi);
    const auto w = detail::two_sum(B(1), kx2.hi);
    const B w_lo = w.lo + kx2_lo;
    const auto v = detail::two_prod(x, w.hi);
    const B v_lo = detail::fma(x, w_lo, v.lo);
    const auto z = detail::two_prod(B(two_sqrt_2_over_pi_hi), v.hi);
    const B z_lo = z.lo + (B(two_sqrt_2_over_pi_hi) * v_lo + B(two_sqrt_2_over_pi_lo) * v.hi);
    return {z.hi, z_lo};
  }

  gelu_approximation approximation_;
};

}  // namespace rectify
