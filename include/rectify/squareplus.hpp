// squareplus: an algebraic smooth rectifier.
//
//   f(x)  = (x + sqrt(x^2 + b)) / 2          f'(x) = (1 + x/sqrt(x^2 + b)) / 2
//
// Parameter: b = 4 (the metallic mean), b >= 0 and finite; b = 0 is relu, with f'(0) = 0.
// Types: float, double (float evaluated in double). Edges: NaN -> NaN; f(-inf) = 0,
// f(+inf) = +inf, f'(-inf) = 0, f'(+inf) = 1.
// Why: with s = sqrt(x^2 + b), x + s cancels for x << 0 (squareplus(-1e30) would be 0). Since
// (s - |x|)(s + |x|) = b, both f and f' follow from one well-conditioned quotient
//   r = (b/2)/(s + |x|):     f  = x + r   (x > 0)   or  r   (x <= 0)
//   w = r/s:                 f' = 1 - w   (x > 0)   or  w   (x <= 0)
// For |x| > 2^500, x^2 would overflow: s = |x|*sqrt(1 + (b/x)/x) instead.
#pragma once

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/fma.hpp"
#include "detail/params.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class squareplus : public detail::activation<squareplus<T>, T> {
 public:
  explicit squareplus(T b = T(4)) : b_(detail::require_non_negative("squareplus", "b", b)) {}

  T b() const { return b_; }

  template <class A>
  xsimd::batch<double, A> forward_math(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    const B r = quotient(x);
    return xsimd::select(x > B(0), x + r, r);
  }
  template <class A>
  xsimd::batch<double, A> derivative_math(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    const B s = root(x);
    // At b = 0 and x = 0, s = 0: w is then 0 (f'(0) = 0, relu's convention), not 0/0.
    const B w = xsimd::select(s == B(0), B(0), quotient(x) / s);
    return xsimd::select(x > B(0), B(1) - w, w);
  }

 private:
  // s = sqrt(x^2 + b)
  template <class A>
  xsimd::batch<double, A> root(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    const B ax = xsimd::abs(x);
    const B b = B(double(b_));
    const B near = xsimd::sqrt(detail::fma(x, x, b));
    const B far = ax * xsimd::sqrt(B(1) + (b / ax) / ax);
    return xsimd::select(ax > B(0x1p500), far, near);
  }
  // r = (b/2)/(s + |x|) = s - |x| over 2, without the cancellation; 0 when b = 0.
  template <class A>
  xsimd::batch<double, A> quotient(const xsimd::batch<double, A>& x) const {
    using B = xsimd::batch<double, A>;
    const B denominator = root(x) + xsimd::abs(x);
    return xsimd::select(denominator == B(0), B(0), B(0.5 * double(b_)) / denominator);
  }
  T b_;
};

}  // namespace rectify
