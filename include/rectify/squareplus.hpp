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
// Where b is in [2^-60, 2^60] (every b in practice) and the arch has a fused fma, both types take
// these quotients lane by lane (forward_lanes): s = sqrt(x^2 + b), its rounding, that of s + |x|
// and that of each quotient corrected to first order by a few fmas, so that only the rounding of
// x^2 + b is left (below 1 ULP forward, 1.5 ULP derivative); beyond x^2 = 2^26 b (double: 2^56 b),
// f = x or b/(4|x|). In plain arithmetic s enters f' twice and f' lost up to 4 ULP.
// Other b, and archs without a fused fma: in double, s, s + |x| and (s + |x|) s carried as hi + lo
// sums (x^2 + b exactly, one Newton step for the square root), each quotient rounded about once
// (forward_double). Where |x| > 2^500, x^2 would overflow: there s = |x| sqrt(1 + (b/x)/x), and
// the sums are formed at half scale so that s + |x| cannot overflow near DBL_MAX. A huge b (over
// 2^900) would overflow s*s and (s + |x|)*s: there x and b are scaled by 2^-256 and 2^-512,
// exactly, f is scaled back and f' is unchanged (f is homogeneous: f(x; b) = c f(x/c; b/c^2)). In
// float, the batch evaluated in double and rounded once (in_double), where x^2 + b neither
// overflows nor needs splitting, and the plain (x + s)/2 and (1 + x/s)/2 serve up to x^2 = 2^20 b.
#pragma once

#include <cmath>
#include <limits>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/double_double.hpp"
#include "detail/estimate.hpp"
#include "detail/fma.hpp"
#include "detail/inline.hpp"
#include "detail/math.hpp"
#include "detail/params.hpp"
#include "detail/subnormal.hpp"
#include "detail/widen.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class squareplus : public detail::activation<squareplus<T>, T> {
 public:
  explicit squareplus(T b = T(4))
      : b_(detail::require_non_negative("squareplus", "b", b)),
        scale_(b_ > huge_b ? huge_scale : T(1)),
        scaled_b_(b_ / scale_ / scale_),
        far_cap_(std::sqrt(scaled_b_) * T(0x1p30)),
        in_lanes_(b_ >= T(0x1p-60) && b_ <= T(0x1p60)),
        half_b_(b_ / 2),
        two_over_b_(in_lanes_ ? 2 / b_ : T(0)),
        far_(std::ldexp(std::sqrt(b_), is_float ? 13 : 28)),
        far_cap_lanes_(std::ldexp(std::sqrt(b_), is_float ? 76 : 540)),
        b_times_2_pow_62_(in_lanes_ ? b_ * T(0x1p62) : T(0)) {}

  T b() const { return b_; }

  template <class B>
  RECTIFY_INLINE B forward_math(const B& x) const {
    // b = 0 is relu (NaN stays NaN).
    if (b_ == T(0))
      return xsimd::select(x > B(0), x, xsimd::select(xsimd::isnan(x), x, B(0)));
    if constexpr (detail::has_fused_fma<typename B::arch_type>)
      if (in_lanes_)
        return forward_lanes(x);
    using U = typename B::value_type;
    if constexpr (std::is_same_v<U, float>) {
      // f = (x + s)/2 within the bound of in_double; beyond it f = x + r or r, r = (b/2)/e
      // (also for x = -inf, where x + s is NaN).
      return in_double(
          x,
          [](const auto& xd, const auto& s) {
            using D = std::decay_t<decltype(xd)>;
            return D(0.5) * (xd + s);
          },
          [](const auto& xd, const auto&, const auto& e, const auto& half_b) {
            using D = std::decay_t<decltype(xd)>;
            const D r = half_b / e;
            return xsimd::select(xd > D(0), xd + r, r);
          });
    } else {
      return forward_double(x);
    }
  }
  template <class B>
  RECTIFY_INLINE B derivative_math(const B& x) const {
    // b = 0 is relu, with f'(0) = 0 by relu's convention.
    if (b_ == T(0))
      return xsimd::select(x > B(0), B(1), xsimd::select(xsimd::isnan(x), x, B(0)));
    if constexpr (detail::has_fused_fma<typename B::arch_type>)
      if (in_lanes_)
        return derivative_lanes(x);
    using U = typename B::value_type;
    if constexpr (std::is_same_v<U, float>) {
      // f' = (1 + x/s)/2 within the bound of in_double; beyond it 1 - w or w, w = (b/2)/(e s).
      return in_double(
          x,
          [](const auto& xd, const auto& s) {
            using D = std::decay_t<decltype(xd)>;
            return detail::fma(D(0.5), xd / s, D(0.5));
          },
          [](const auto& xd, const auto& s, const auto& e, const auto& half_b) {
            using D = std::decay_t<decltype(xd)>;
            const D w = half_b / (e * s);
            return xsimd::select(xd > D(0), D(1) - w, w);
          });
    } else {
      return derivative_double(x);
    }
  }

 private:
  // Lanes of either type, for b in [2^-60, 2^60] on archs with a fused fma (the other b, and
  // archs without, take forward_double or in_double below). With a = |x|, v = fma(a, a, b) (rounded
  // once) and s = sqrt(v), s's rounding is s_lo = (v - s^2)/(2s) (the fnma is exact; 1/s from
  // rsqrt_estimate, as s_lo is a rounding error itself), and e = s + a as e + e_lo (Fast2Sum,
  // s >= a, plus s_lo). Only v's rounding is left, half a unit in e:
  //   x > 0:   f = (e + e_lo)/2, no cancellation: below 0.5 + 0.5 = 1 ULP.
  //   x <= 0:  f = (b/2)/(e + e_lo): the quotient q rounded and corrected to first order,
  //            q + ((b/2 - q e) - q e_lo)/e, where b/2 - q e is exact (fnma) and 1/e ~ q (2/b):
  //            below 1 ULP again.
  //   f'     = 1 - w (x > 0) or w, w = (b/2)/(e s): the product p = e s as p + p_lo (fms), with
  //            e_lo and s_lo, and the quotient corrected as above; v's rounding, half a unit in
  //            e and in s, is left: below 1.5 ULP.
  // Where a^2 > 2^26 b (double: 2^56 b; a > far_, and +-inf), b/(4a^2) < 2^-28 (2^-58):
  // f = x (x > 0) or b/(4a) and f' = 1 or b/(4a^2), formed 2^64 times too large (normal numbers
  // for every a and b in range) and scaled back by times_2_pow_minus_64, so that subnormal
  // results take no subnormal arithmetic. v stays within [2^-60, 2^117]: in float's normal range,
  // which rsqrt_estimate of a double needs on SSE/AVX.
  template <class B>
  RECTIFY_INLINE B forward_lanes(const B& x) const {
    const B a = xsimd::abs(x);
    return detail::where_needed(
        a > B(far_),
        [&] {
          const B r = detail::times_2_pow_minus_64(B(b_times_2_pow_62_) / a);
          return xsimd::select(x > B(0), x, r);
        },
        [&]() RECTIFY_INLINE_LAMBDA {
          const auto n = near_lanes(a);
          const B half_b(half_b_);
          const B q = half_b / n.e;
          const B residual = detail::fnma(q, n.e, half_b);
          const B r = detail::fma(detail::fnma(q, n.e_lo, residual), q * B(two_over_b_), q);
          return xsimd::select(x > B(0), detail::fma(B(0.5), n.e_lo, B(0.5) * n.e), r);
        });
  }
  template <class B>
  RECTIFY_INLINE B derivative_lanes(const B& x) const {
    const B a = xsimd::abs(x);
    const B w = detail::where_needed(
        a > B(far_),
        [&] {
          // a capped where b/(4a^2) < 2^-153 (double: 2^-1082), 0 once rounded: the quotients
          // stay normal numbers.
          const B c = xsimd::min(a, B(far_cap_lanes_));
          return detail::times_2_pow_minus_64(B(b_times_2_pow_62_) / c / c);
        },
        [&]() RECTIFY_INLINE_LAMBDA {
          const auto n = near_lanes(a);
          const B half_b(half_b_);
          const B p = n.e * n.s;
          // (e + e_lo)(s + s_lo) - p, to first order
          const B p_rest =
              detail::fma(n.s_lo, n.e, detail::fma(n.e_lo, n.s, detail::fms(n.e, n.s, p)));
          const B q = half_b / p;
          const B residual = detail::fnma(q, p, half_b);
          return detail::fma(detail::fnma(q, p_rest, residual), q * B(two_over_b_), q);
        });
    return xsimd::select(x > B(0), B(1) - w, w);
  }
  template <class B>
  struct lane_sums {
    B s;  // sqrt(fma(a, a, b)) = s + s_lo
    B s_lo;
    B e;  // s + s_lo + a = e + e_lo
    B e_lo;
  };
  template <class B>
  RECTIFY_INLINE lane_sums<B> near_lanes(const B& a) const {
    const B v = detail::fma(a, a, B(b_));
    const B s = xsimd::sqrt(v);
    const B s_lo = detail::fnma(s, s, v) * (B(0.5) * detail::rsqrt_estimate(v));
    const B e = s + a;
    return {s, s_lo, e, ((s - e) + a) + s_lo};
  }
  template <class B>
  RECTIFY_INLINE B forward_double(const B& x) const {
    const B xs = x * B(1 / scale_);
    const B ax = xsimd::abs(xs);
    const B half_b(0.5 * scaled_b_);
    // Far out r ~ b/(4|x|) is subnormal (|x| > 4.5e307 for b = 4): it is formed as the quotient
    // by e 2^-64 (exact) and scaled back without subnormal arithmetic (detail/subnormal.hpp).
    const B r = detail::where_needed(
        is_far(ax),
        [&] {
          return detail::times_2_pow_minus_64(B(0.5) * half_b / (far_sums(ax).e * B(0x1p-64)));
        },
        [&] {
          const auto q = near_sums(xs);
          return detail::divide(half_b, B(0), q.d.hi, q.d.lo);
        });
    const B f = xsimd::select(x > B(0), xs + r, r);
    return scale_ == T(1) ? f : f * B(scale_);
  }
  template <class B>
  RECTIFY_INLINE B derivative_double(const B& x) const {
    const B xs = x * B(1 / scale_);
    const B ax = xsimd::abs(xs);
    const B half_b(0.5 * scaled_b_);
    const B w = detail::where_needed(
        is_far(ax),
        [&] {
          const auto f = far_sums(ax);
          return (B(0.25) * half_b / f.e) / f.h;
        },
        [&] {
          const auto q = near_sums(xs);
          // p = d*s as hi + lo
          const auto p = detail::two_prod(q.d.hi, q.s.hi);
          const B p_lo = p.lo + detail::fma(q.d.hi, q.s.lo, q.d.lo * q.s.hi);
          return detail::divide(half_b, B(0), p.hi, p_lo);
        });
    return xsimd::select(x > B(0), B(1) - w, w);
  }
  // float: both halves of the batch in double, rounded to float once. x^2 + b is exact to 2^-53
  // there for every float x and b (no overflow, no huge-b scaling), and s = sqrt(x^2 + b) to
  // 2^-53 relative, so the plain formulas serve where x + s and 1 + x/s cancel by less than
  // 2^21: their error is then below 2^-53 * 4 x^2/b <= 2^-31 relative, a 2^-8 of a float ULP.
  // The lanes beyond, x^2 > 2^20 b (and +-inf; NaN stays NaN either way), take the quotients:
  // near(x, s) for the others, far(x, s, e, b/2) with e = s + |x| for these, where present.
  template <class B, class Near, class Far>
  RECTIFY_INLINE B in_double(const B& x, Near near, Far far) const {
    using A = typename B::arch_type;
    using D = xsimd::batch<double, A>;
    const D b = D(double(b_));
    auto half = [&](const D& xd) RECTIFY_INLINE_LAMBDA {
      const D s = xsimd::sqrt(detail::fma(xd, xd, b));
      return detail::where_needed(
          xd * xd > D(0x1p20) * b, [&] { return far(xd, s, s + xsimd::abs(xd), D(0.5) * b); },
          near(xd, s));
    };
    return detail::evaluate_in_double(x, half);
  }
  template <class B>
  struct root_sums {
    detail::double_double<B> s;  // sqrt(x^2 + b)
    detail::double_double<B> d;  // s + |x|
  };
  template <class B>
  RECTIFY_INLINE root_sums<B> near_sums(const B& x) const {
    using U = typename B::value_type;
    const B b = B(U(scaled_b_));
    // v = x^2 + b exactly as hi + lo, s = sqrt(v) as hi + lo (one Newton step).
    const auto square = detail::two_prod(x, x);
    const auto v = detail::two_sum(square.hi, b);
    const B v_lo = v.lo + square.lo;
    const B s_hi = xsimd::sqrt(v.hi);
    const auto s_sq = detail::two_prod(s_hi, s_hi);  // v.hi - s_sq.hi is exact (Sterbenz)
    const B s_lo = ((v.hi - s_sq.hi) - s_sq.lo + v_lo) / (B(2) * s_hi);
    const auto d = detail::two_sum(s_hi, xsimd::abs(x));
    return {{s_hi, s_lo}, {d.hi, d.lo + s_lo}};
  }
  // |x| > 2^500, where x^2 would overflow: at half scale, h = s/2 and e = (s + |x|)/2, with
  // s = |x| sqrt(1 + (b/x)/x).
  template <class B>
  RECTIFY_INLINE static typename B::batch_bool_type is_far(const B& ax) {
    return ax > B(0x1p500);
  }
  template <class B>
  struct half_sums {
    B h;
    B e;
  };
  // b/x^2 is taken at |x| capped to sqrt(b) 2^30: beyond, b/x^2 < 2^-60 and 1 + b/x^2 rounds to
  // 1 all the same, while b/x^2 itself would underflow (each such quotient an x86 assist).
  template <class B>
  half_sums<B> far_sums(const B& ax) const {
    using U = typename B::value_type;
    const B capped = xsimd::select(ax > B(U(far_cap_)), B(U(far_cap_)), ax);
    const B h = B(0.5) * ax * xsimd::sqrt(B(1) + (B(U(scaled_b_)) / capped) / capped);
    return {h, h + B(0.5) * ax};
  }

  // Float never scales (in_double has the range): its huge_b is infinite.
  static constexpr T huge_b =
      std::is_same_v<T, double> ? T(0x1p900) : std::numeric_limits<T>::infinity();
  static constexpr T huge_scale = std::is_same_v<T, double> ? T(0x1p256) : T(1);
  T b_;
  T scale_;     // 1, or 2^256 for a huge double b
  T scaled_b_;  // b / scale^2
  T far_cap_;   // sqrt(scaled b) 2^30, see far_sums (double)
  // The lanes (forward_lanes): whether b allows them, b/2, 2/b, where the far lanes begin
  // (sqrt(b) 2^13, double 2^28), the cap of their a (sqrt(b) 2^76, double 2^540) and b 2^62
  // (b 2^64/4).
  static constexpr bool is_float = std::is_same_v<T, float>;
  bool in_lanes_;
  T half_b_;
  T two_over_b_;
  T far_;
  T far_cap_lanes_;
  T b_times_2_pow_62_;
};

}  // namespace rectify
