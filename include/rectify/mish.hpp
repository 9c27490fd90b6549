// mish: x times tanh of softplus.
//
//   f(x)  = x*tanh(sp),  sp = ln(1 + e^x)
//   f'(x) = tanh(sp) + x*sigma(x)*(1 - tanh(sp)^2)
//
// Types: float, double (float evaluated in double). Edges: NaN -> NaN; f(-inf) = 0,
// f(+inf) = +inf, f'(-inf) = 0, f'(+inf) = 1.
// Why: tanh(ln(1+u)) with u = e^x is the rational function n/(n + 2), n = u*(u + 2), so no
// logarithm or tanh is needed. Written in t = e^-|x| <= 1 it never overflows:
//   x <= 0 (u = t):      tanh(sp) = n/(n + 2),            1 - tanh^2 = 4(n + 1)/(n + 2)^2
//   x >  0 (u = 1/t):    tanh(sp) = p/(p + 2t^2),         1 - tanh^2 = 4t^2(1 + t)^2/(p + 2t^2)^2
// with p = 1 + 2t. 1 - tanh^2 is formed from these products, never by subtracting from 1, which
// would cancel where tanh(sp) -> 1. f' crosses zero near x = -1.1924 (terms cancel): error there
// is counted against the larger term (SPEC.md, Accuracy).
#pragma once

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/fma.hpp"
#include "detail/math.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class mish : public detail::activation<mish<T>, T> {
 public:
  template <class A>
  xsimd::batch<double, A> forward_math(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    // Below -800, e^x = 0 in double and f = -0: the clamp keeps -inf*0 from becoming NaN.
    const B clamped = detail::clamp_keep_nan(x, -800.0, 800.0);
    const auto parts = tanh_softplus(clamped);
    const B tail = detail::exp_times(clamped, B(0), clamped);
    return xsimd::select(x > clamped, x, xsimd::select(x < B(-40), tail, clamped * parts.tanh_sp));
  }
  template <class A>
  xsimd::batch<double, A> derivative_math(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    const B clamped = detail::clamp_keep_nan(x, -800.0, 800.0);
    const auto parts = tanh_softplus(clamped);
    const B s = detail::sigmoid(clamped).positive;
    const B tail = detail::exp_times(clamped, B(0), B(1) + clamped);
    return xsimd::select(x < B(-40), tail, detail::fma(clamped * s, parts.sech2_sp, parts.tanh_sp));
  }

 private:
  template <class B>
  struct tanh_parts {
    B tanh_sp;   // tanh(softplus(x))
    B sech2_sp;  // 1 - tanh(softplus(x))^2
  };
  template <class A>
  static tanh_parts<xsimd::batch<double, A>> tanh_softplus(const xsimd::batch<double, A>& x) {
    using B = xsimd::batch<double, A>;
    const B t = detail::exp(-xsimd::abs(x));
    // x <= 0
    const B n = t * (t + B(2));
    const B n2 = n + B(2);
    const B tanh_neg = n / n2;
    const B sech2_neg = B(4) * (n + B(1)) / (n2 * n2);
    // x > 0
    const B p = detail::fma(B(2), t, B(1));
    const B q = detail::fma(B(2) * t, t, p);
    const B tanh_pos = p / q;
    const B r = t * (B(1) + t) / q;
    const B sech2_pos = B(4) * r * r;
    const auto positive = x > B(0);
    return {xsimd::select(positive, tanh_pos, tanh_neg),
            xsimd::select(positive, sech2_pos, sech2_neg)};
  }
};

}  // namespace rectify
