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
// ULP of the larger term (see SPEC.md, Accuracy).
#pragma once

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/double_double.hpp"
#include "detail/fma.hpp"
#include "detail/math.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class silu : public detail::activation<silu<T>, T> {
 public:
  template <class B>
  B forward_math(const B& x) const {
    using limits = detail::exp_limits<typename B::value_type>;
    // Beyond saturation sigma(x) is 0 or 1 in T: clamping keeps -inf*0 from becoming NaN.
    const B clamped = detail::clamp_keep_nan(x, -limits::saturated, limits::saturated);
    const B f = detail::times_sigmoid(clamped, clamped, B(0));
    const B body = xsimd::select(x > clamped, x, f);
    return detail::where_needed(
        x < B(-limits::negligible), [&] { return detail::exp_times(clamped, B(0), clamped); },
        body);
  }
  template <class B>
  B derivative_math(const B& x) const {
    using limits = detail::exp_limits<typename B::value_type>;
    const B clamped = detail::clamp_keep_nan(x, -limits::saturated, limits::saturated);
    // f' = sigma(x) (1 + x sigma(-x)), one quotient of hi + lo sums (detail/math.hpp).
    const B f = detail::sigmoid_slope(clamped, B(0), clamped, B(0));
    return detail::where_needed(
        x < B(-limits::negligible),
        [&] { return detail::exp_times(clamped, B(0), B(1) + clamped); }, f);
  }
};

}  // namespace rectify
