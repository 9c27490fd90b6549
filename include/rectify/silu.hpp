// silu (swish-1): x times the logistic sigmoid.
//
//   f(x)  = x*sigma(x)                f'(x) = sigma(x)*(1 + x*(1 - sigma(x)))
//
// Types: float, double (float is evaluated in double and rounded once).
// Edges: NaN -> NaN; f(-inf) = 0, f(+inf) = +inf, f'(-inf) = 0, f'(+inf) = 1.
// Why: sigma(x) and 1 - sigma(x) both come from e^-|x| (detail/math.hpp), so silu(-100) is
// -100*e^-100/(1 + e^-100), not the NaN of -100/(1 + e^100) overflowing nor a cancelled 1 - s.
// f' crosses zero near x = -1.2785, where its two terms cancel; there its error is counted in
// ULP of the larger term (see SPEC.md, Accuracy).
#pragma once

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/fma.hpp"
#include "detail/math.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class silu : public detail::activation<silu<T>, T> {
 public:
  template <class A>
  xsimd::batch<double, A> forward_math(const xsimd::batch<double, A>& x) const {
    // Below -800, sigma(x) is 0 in double and f is -0: clamping keeps -inf*0 from becoming NaN.
    const auto clamped = detail::clamp_keep_nan(x, -800.0, 800.0);
    const auto s = detail::sigmoid(clamped);
    return xsimd::select(x > clamped, x, clamped * s.positive);
  }
  template <class A>
  xsimd::batch<double, A> derivative_math(const xsimd::batch<double, A>& x) const {
    // Beyond +-800, sigma is exactly 0 or 1 in double and f' has saturated to 0 or 1.
    const auto clamped = detail::clamp_keep_nan(x, -800.0, 800.0);
    const auto s = detail::sigmoid(clamped);
    return detail::fma(clamped * s.positive, s.negative, s.positive);
  }
};

}  // namespace rectify
