// squareplus: an algebraic smooth rectifier.
//
//   f(x)  = (x + sqrt(x^2 + b)) / 2          f'(x) = (1 + x/sqrt(x^2 + b)) / 2
//
// Parameter: b = 4 (the metallic mean), b >= 0 and finite; b = 0 is relu, with f'(0) = 0.
// Types: float, double. Edges: NaN -> NaN; f(-inf) = 0,
// f(+inf) = +inf, f'(-inf) = 0, f'(+inf) = 1.
// Why: with s = sqrt(x^2 + b), x + s cancels for x << 0 (squareplus(-1e30) would be 0). Since
// (s - |x|)(s + |x|) = b, f and f' follow from quotients that never cancel:
//   r = (b/2)/(s + |x|):          f  = x + r   (x > 0)   or  r   (x <= 0)
//   w = (b/2)/((s + |x|) s):      f' = 1 - w   (x > 0)   or  w   (x <= 0)
// s, s + |x| and (s + |x|) s are carried as hi + lo sums (x^2 + b exactly, one Newton step for
// the square root), so each quotient is rounded about once; in plain double s enters twice and
// f' lost up to 4 ULP. Where |x| > 2^500, x^2 would overflow: there s = |x| sqrt(1 + (b/x)/x),
// (float: 2^60), and the sums are formed at half scale so that s + |x| cannot overflow near
// DBL_MAX.
#pragma once

#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/double_double.hpp"
#include "detail/fma.hpp"
#include "detail/params.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class squareplus : public detail::activation<squareplus<T>, T> {
 public:
  explicit squareplus(T b = T(4)) : b_(detail::require_non_negative("squareplus", "b", b)) {}

  T b() const { return b_; }

  template <class B>
  B forward_math(const B& x) const {
    const auto q = quotients(x);
    return xsimd::select(x > B(0), x + q.r, q.r);
  }
  template <class B>
  B derivative_math(const B& x) const {
    const auto q = quotients(x);
    return xsimd::select(x > B(0), B(1) - q.w, q.w);
  }

 private:
  template <class B>
  struct quotient_pair {
    B r;  // (b/2)/(s + |x|) = f(-|x|)
    B w;  // (b/2)/((s + |x|) s) = f'(-|x|)
  };

  template <class B>
  quotient_pair<B> quotients(const B& x) const {
    using U = typename B::value_type;
    if (b_ == T(0)) {
      // relu: both quotients are 0 (f'(0) = 0 by relu's convention), NaN for NaN.
      const B zero = xsimd::select(xsimd::isnan(x), x, B(0));
      return {zero, zero};
    }
    const B ax = xsimd::abs(x);
    const B b = B(U(b_));
    const B half_b = B(U(0.5) * U(b_));

    // |x| <= 2^500 (float: 2^60): v = x^2 + b exactly as hi + lo, s = sqrt(v) as hi + lo.
    const auto square = detail::two_prod(x, x);
    const auto v = detail::two_sum(square.hi, b);
    const B v_lo = v.lo + square.lo;
    const B s_hi = xsimd::sqrt(v.hi);
    const auto s_sq = detail::two_prod(s_hi, s_hi);  // v.hi - s_sq.hi is exact (Sterbenz)
    const B s_lo = ((v.hi - s_sq.hi) - s_sq.lo + v_lo) / (B(2) * s_hi);
    // d = s + |x| and p = d*s as hi + lo; r and w divide by them with a first-order correction.
    const auto d = detail::two_sum(s_hi, ax);
    const B d_lo = d.lo + s_lo;
    const auto p = detail::two_prod(d.hi, s_hi);
    const B p_lo = p.lo + detail::fma(d.hi, s_lo, d_lo * s_hi);
    const B r0 = half_b / d.hi;
    const B r_near = detail::fnma(r0, d_lo / d.hi, r0);
    const B w0 = half_b / p.hi;
    const B w_near = detail::fnma(w0, p_lo / p.hi, w0);

    // |x| > 2^500 (float: 2^60), at half scale: h = s/2, e = (s + |x|)/2.
    const B h = B(0.5) * ax * xsimd::sqrt(B(1) + (b / ax) / ax);
    const B e = h + B(0.5) * ax;
    const B r_far = (B(0.5) * half_b) / e;
    const B w_far = (B(0.5) * r_far) / h;

    const auto far = ax > B(std::is_same_v<U, double> ? U(0x1p500) : U(0x1p60));
    return {xsimd::select(far, r_far, r_near), xsimd::select(far, w_far, w_near)};
  }
  T b_;
};

}  // namespace rectify
