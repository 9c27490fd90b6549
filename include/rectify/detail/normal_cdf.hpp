/*
 * rectify::detail::normal_cdf, normal_cdf_slope (Phi(x) + x phi(x)) -- lane-wise
 * standard normal CDF and the derivative of x Phi(x) on xsimd (double); normal_tail_scaled, Phi(-z)
 * e^(z^2/2) in double to float accuracy, for the float gelu (at the end of the file).
 *
 *   normal_cdf(x)  Phi(x) = erfc(-x / sqrt 2) / 2    max error 1.19 ULP (relative, all x)
 *
 * Measured against MPFR (200-bit erfc, x/sqrt 2 formed in MPFR) on ~1.5M inputs each: cdf 1.188
 * (avx512) / 1.183 (sse2), worst near |x| ~ 1.2; deep tail [-38.6, -30] 0.57.
 *
 * Range / edges: relative accuracy holds over all doubles, including the deep left tail into the
 * subnormal range (Phi(-38.4) ~ 1e-323 is subnormal and rounded once); Phi(x) = 0 below about
 * -38.5. Phi(-inf) = 0, Phi(+inf) = 1, NaN -> NaN.
 *
 * Method (not xsimd::erf/erfc: they are off by up to 1e14 ULP). k = 1/sqrt(2 pi).
 *  - |x| < 1: Phi(x) = 1/2 + x (k + x^2 G(x^2)), summed as a double-double (the result is >= 0.15
 *    so the final subtraction loses at most one bit, which the double-double absorbs).
 *  - |x| >= 1: with z = |x|, Phi(-z) = exp(-z^2/2) M(z), M(z) = exp(z^2/2) erfc(z/sqrt 2)/2 smooth
 *    (~k/z). z^2/2 is formed exactly as a double-double (two_prod) and fed to the exp core with
 *    the low part folded into the reduced argument: an error d in the argument is a relative
 *    error d in the result, and ulp(z^2/2) is 2^-43 at z = 38. M = v H(v) is one polynomial in
 *    v = 6/(z + 6) (one division, no per-lane coefficient selects), with the rounding of v
 *    corrected to first order; M * e^r and the scaling by 2^k round once, also for subnormals.
 *    For x >= 1, Phi(x) = 1 - Phi(-x): Phi(-x) < 0.16, so the subtraction cannot cancel.
 *  All coefficients: tools/sollya/normal_cdf.sollya. Both pieces are evaluated only when some
 *  lane needs them (lane-uniform branches).
 */
#pragma once

#include <xsimd/xsimd.hpp>

#include "rectify/detail/double_double.hpp"
#include "rectify/detail/exp.hpp"
#include "rectify/detail/fma.hpp"
#include "rectify/detail/inline.hpp"
#include "rectify/detail/polynomial.hpp"
#include "rectify/detail/widen.hpp"

namespace rectify::detail {

namespace normal_impl {

// k = 1/sqrt(2 pi) as a double-double (tools/sollya/normal_cdf.sollya).
inline constexpr double k_hi = 0x1.9884533d43651p-2;
inline constexpr double k_lo = -0x1.cbc0d30ebfd15p-56;

// (hi + lo) <- h + v (hi + lo), as a double-double (two_prod + TwoSum).
template <class A>
RECTIFY_INLINE void dd_horner_step(const xsimd::batch<double, A>& h,
                                   const xsimd::batch<double, A>& v, xsimd::batch<double, A>& hi,
                                   xsimd::batch<double, A>& lo) {
  using B = xsimd::batch<double, A>;
  B p_hi, p_lo;
  exp_impl::two_prod(hi, v, p_hi, p_lo);
  p_lo = detail::fma(lo, v, p_lo);
  const B sum = h + p_hi;
  const B bv = sum - p_hi;
  lo = ((h - bv) + (p_hi - (sum - bv))) + p_lo;
  hi = sum;
}

// e^(-(sq_hi + sq_lo)/2) as exp's reduced parts (for z <= 40: sq <= 1600).
template <class A>
RECTIFY_INLINE exp_impl::parts<A> gauss(const xsimd::batch<double, A>& sq_hi,
                                        const xsimd::batch<double, A>& sq_lo) {
  using B = xsimd::batch<double, A>;
  const B hi = B(-0.5) * sq_hi;  // exact scalings by 1/2
  const B lo = B(-0.5) * sq_lo;
  return exp_impl::reduce(exp_impl::clamp(hi, -746.0, 710.0), lo);
}

// (m_hi + m_lo) * e^(-(sq_hi + sq_lo)/2) from gauss()'s parts, m > 0, rounded once at the end.
template <class A>
RECTIFY_INLINE xsimd::batch<double, A> scaled_gauss(const exp_impl::parts<A>& p,
                                                    const xsimd::batch<double, A>& m_hi,
                                                    const xsimd::batch<double, A>& m_lo) {
  using B = xsimd::batch<double, A>;
  // (m_hi + m_lo) * (p_hi + p_lo) to ~2^-100, then one rounding in finish().
  B zh, zl;
  exp_impl::two_prod(m_hi, p.p_hi, zh, zl);
  zl = zl + detail::fma(m_hi, p.p_lo, m_lo * p.p_hi);
  return exp_impl::finish(zh, zl, p.s1, p.s2);
}

}  // namespace normal_impl

namespace normal_impl {

// M(z) = Phi(-z) e^(z^2/2) for 1 <= z <= 40 as a double-double (see the header comment).
template <class A>
inline double_double<xsimd::batch<double, A>> mills(const xsimd::batch<double, A>& zc) {
  using B = xsimd::batch<double, A>;
  // v = c / (z + c) with its rounding error: s + s_lo = z + c exactly (TwoSum), and
  // rho = c - v (z + c) exactly (the division residual is representable), so the true
  // v is v (1 + eps) with eps = rho / c to first order.
  const B c(6.0);
  const B s = zc + c;
  const B bb = s - c;
  const B s_lo = (c - (s - bb)) + (zc - bb);
  const B v = c / s;
  B vs_hi, vs_lo;
  exp_impl::two_prod(v, s, vs_hi, vs_lo);          // exact also without a hardware fma
  const B rho = ((c - vs_hi) - vs_lo) - v * s_lo;  // c - vs_hi is exact (Sterbenz)
  const B eps = rho * B(1.0 / 6.0);

  // M = v H(v), H of degree 22: H = h1 + h2 v + h3 v^2 + v^3 T(v), T of degree 19 split as
  // T = L + v^10 U, L and U by Horner side by side (half the dependency chain of one Horner:
  // gelu' in double 1.2x faster with the shared exp below), and L + v^10 U summed exactly into
  // the double-double the last three steps start from. |v^10 U| < T/20 (v <= 6/7), so the
  // roundings of U and v^10 weigh little; L's last one is at the size of T, as with one Horner.
  const B u = detail::horner(v, -0x1.2715a36bc3ddp-11, 0x1.3d08918a9ba16p-8, -0x1.1f3f01ee4b4d4p-6,
                             0x1.10319434606d7p-5, -0x1.e50f0d7b1dcabp-6, -0x1.1e99e5834a774p-7,
                             0x1.0fe27ce894fabp-4, -0x1.c54c73a5c2f3ap-4, 0x1.d82e7afbac281p-4,
                             -0x1.6ac79e5cadd21p-4);
  const B l = detail::horner(v, 0x1.d1e066542d29cp-5, -0x1.3d7bb07805363p-6, 0x1.5f39f79e69d79p-6,
                             0x1.da34dd50c4423p-7, 0x1.a61d7bb407bd8p-6, 0x1.0c7d6815d9028p-5,
                             0x1.50b2f3b0ec65ap-5, 0x1.8fa95966a9863p-5, 0x1.c72be47de01d3p-5,
                             0x1.f34c57777e20bp-5);
  const B v2 = v * v;
  const B v4 = v2 * v2;
  const auto uv = detail::two_prod(u, (v4 * v4) * v2);
  const auto t = detail::two_sum(l, uv.hi);
  B hh = t.hi, hl = t.lo + uv.lo;
  normal_impl::dd_horner_step(B(0x1.08c78ba728637p-4), v, hh, hl);
  normal_impl::dd_horner_step(B(0x1.1058377b278bbp-4), v, hh, hl);
  normal_impl::dd_horner_step(B(0x1.1058377e3880ep-4), v, hh, hl);
  B m_hi, m_lo;
  exp_impl::two_prod(v, hh, m_hi, m_lo);
  m_lo = detail::fma(v, hl, m_lo);
  // Rounding of v: M(v (1 + eps)) = M + eps dM/dln v, dM/dln v = (z + c) (k - z M).
  m_lo = detail::fma(eps * s, detail::fnma(zc, m_hi, B(normal_impl::k_hi)), m_lo);

  return {m_hi, m_lo};
}

// Phi(x) for |x| < 1 as a double-double; w = x^2.
template <class A>
RECTIFY_INLINE double_double<xsimd::batch<double, A>> central(const xsimd::batch<double, A>& x,
                                                              const xsimd::batch<double, A>& w) {
  using B = xsimd::batch<double, A>;
  // Phi(x) = 1/2 + x (k + w G(w)), w = x^2 (rounded w is fine inside G).
  // G of degree 10 as G_low + w^6 G_high, both halves by Horner side by side: the high half is
  // below 2^-20 of G, so its rounding adds nothing measurable to b (itself <= 0.07 of Phi).
  const B g_high =
      detail::horner(w, -0x1.4ddc26aa67409p-43, 0x1.57d201bca1451p-38, -0x1.ef0b9b235fd61p-34,
                     0x1.3864ffb4c69bcp-29, -0x1.62216a6a5a95fp-25);
  const B g_low =
      detail::horner(w, 0x1.658a18db250cbp-21, -0x1.3ce8fa9075308p-17, 0x1.e42b0d50b4369p-14,
                     -0x1.37403f6b9e0f3p-10, 0x1.46d042976916dp-7, -0x1.1058377e2ceep-4);
  const B w2 = w * w;
  const B gp = detail::fma(g_high, w2 * w2 * w2, g_low);
  B a_hi, a_lo;
  exp_impl::two_prod(x, B(normal_impl::k_hi), a_hi, a_lo);
  const B b = (x * w) * gp;  // |b| <= 0.07
  const B low = a_lo + detail::fma(x, B(normal_impl::k_lo), b);
  const B r = B(0.5) + a_hi;  // Fast2Sum: |a_hi| < 0.4
  const B e = (B(0.5) - r) + a_hi;
  return {r, e + low};
}

// A function of x built like Phi: tail(zc, shared) gives its value at x = -z for |x| >= 1 (the
// value at x = z is 1 minus it), with zc = min(z, 40); central(sq_hi, shared) gives it for
// |x| < 1. shared = share(sq_hi, sq_lo), zc^2 = sq_hi + sq_lo exactly, is what both pieces use
// (computed once, before either). Each piece runs only if some lane needs it.
template <class A, class Share, class Tail, class Central>
RECTIFY_INLINE xsimd::batch<double, A> by_range(const xsimd::batch<double, A>& x, Share share,
                                                Tail tail, Central central) {
  using B = xsimd::batch<double, A>;
  const B z = xsimd::abs(x);
  // Beyond 40 the tail is 0 (and 1 - 0 = 1); the clamp keeps everything finite, NaN -> 40.
  const B zc = xsimd::select(z < B(40.0), z, B(40.0));
  B sq_hi, sq_lo;
  exp_impl::two_prod(zc, zc, sq_hi, sq_lo);
  const auto shared = share(sq_hi, sq_lo);
  const auto is_central = z < B(1.0);
  B res(0.0);
  if (!xsimd::all(is_central)) {
    const B t = tail(zc, shared);
    res = xsimd::select(x < B(0.0), t, B(1.0) - t);
  }
  if (xsimd::any(is_central))
    res = xsimd::select(is_central, central(sq_hi, shared), res);
  return xsimd::select(xsimd::isnan(x), x, res);
}

}  // namespace normal_impl

template <class A>
RECTIFY_INLINE xsimd::batch<double, A> normal_cdf(const xsimd::batch<double, A>& x) {
  using B = xsimd::batch<double, A>;
  // Only the tail needs e^(-z^2/2): it is formed there, so that all-central batches skip it.
  return normal_impl::by_range(
      x,
      [](const B& sq_hi, const B& sq_lo) {
        return double_double<B>{sq_hi, sq_lo};
      },
      [](const B& zc, const double_double<B>& sq) {
        const auto m = normal_impl::mills(zc);
        return normal_impl::scaled_gauss(normal_impl::gauss(sq.hi, sq.lo), m.hi, m.lo);  // Phi(-z)
      },
      [&x](const B& sq_hi, const double_double<B>&) {
        const auto c = normal_impl::central(x, sq_hi);
        return c.hi + c.lo;
      });
}

// Phi(x) + x phi(x), the derivative of x Phi(x), rounded once. Formed from Phi and phi rounded
// separately it lost up to 2.5 ULP near x = -1.27, where x phi(x) is twice the result. For
// |x| >= 1 it is e^(-z^2/2) (M(z) - k z) at x = -z (and 1 minus that for x = z), with M - k z
// as a double-double (M - k z < 0 there) and one rounding in scaled_gauss; for |x| < 1, the
// double-double Phi(x) plus x k e^(-x^2/2) with e^(-x^2/2) as hi + lo (exp_normal's), summed
// before one rounding.
template <class A>
RECTIFY_INLINE xsimd::batch<double, A> normal_cdf_slope(const xsimd::batch<double, A>& x) {
  using B = xsimd::batch<double, A>;
  // Both pieces need e^(-z^2/2): its reduction is shared (one exp per batch, not two).
  return normal_impl::by_range(
      x, [](const B& sq_hi, const B& sq_lo) { return normal_impl::gauss(sq_hi, sq_lo); },
      [](const B& zc, const exp_impl::parts<A>& g) {
        const auto m = normal_impl::mills(zc);
        B kz_hi, kz_lo;
        exp_impl::two_prod(zc, B(normal_impl::k_hi), kz_hi, kz_lo);
        const auto d = two_sum(kz_hi, -m.hi);  // k z - M > 0
        const B d_lo = d.lo + ((kz_lo + zc * B(normal_impl::k_lo)) - m.lo);
        return -normal_impl::scaled_gauss(g, d.hi, d_lo);
      },
      [&x](const B& sq_hi, const exp_impl::parts<A>& g) {
        const auto c = normal_impl::central(x, sq_hi);
        const auto e = exp_impl::normal_from_parts(g);  // |x| < 1: a normal result
        B a_hi, a_lo;
        exp_impl::two_prod(x, B(normal_impl::k_hi), a_hi, a_lo);
        const B a_rest = detail::fma(x, B(normal_impl::k_lo), a_lo);
        B p_hi, p_lo;
        exp_impl::two_prod(a_hi, e.hi, p_hi, p_lo);
        p_lo = p_lo + detail::fma(a_hi, e.lo, a_rest * e.hi);
        const auto sum = two_sum(c.hi, p_hi);
        return sum.hi + (sum.lo + (c.lo + p_lo));
      });
}

// For float callers (the float gelu, evaluated in double): Q(z) = Phi(-z) e^(z^2/2), 0 <= z <= 15,
// in double to 2^-29.5 relative (NaN -> NaN). With it, Phi(-z) = Q(z) e^(-z^2/2): no 1 + erf
// cancellation and no separate central piece, so every lane runs the same instructions. Q falls
// like k/z, so it is one polynomial in v = 4/(z + 4) in [0.21, 1]: Q = v P(v), P of degree 10,
// relative error 2^-29.5 (tools/sollya/normal_cdf_float.sollya). It is evaluated in double, for
// two reasons measured in float: near z = 0 (v ~ 1) the partial sums are all of the size of the
// result and their roundings add up (2.7 ULP at z = 0.087), and Q is ill-conditioned in v (d ln
// Q / d ln v = (z + 4)(k/Q - z) = 3.2 at z = 0), so a float v alone would cost up to 3 ULP. In
// double, z + 4 and v are good to 2^-52. minus_kz = true returns Q(z) - k z instead: Phi(-z) - z
// phi(z) = e^(-z^2/2) (Q(z) - k z), the derivative of x Phi(x) at x = -z, which crosses zero at
// z = 0.75.
template <class A>
RECTIFY_INLINE xsimd::batch<double, A> normal_tail_scaled(const xsimd::batch<double, A>& z,
                                                          bool minus_kz = false) {
  using D = xsimd::batch<double, A>;
  const D v = D(4.0) / (z + D(4.0));
  // P(v) = c0 + c1 v + ... + c10 v^10 by Estrin: 5 steps after v instead of Horner's 10 (its
  // rounding errors, near 2^-48 of P in double, do not matter at 2^-29.5).
  const D v2 = v * v;
  const D v4 = v2 * v2;
  const D p01 = detail::fma(D(0x1.9950852017b4p-4), v, D(0x1.987c0e396750cp-4));
  const D p23 = detail::fma(D(0x1.8254ce1de5994p-4), v, D(0x1.7653ec2f237e8p-4));
  const D p45 = detail::fma(D(0x1.8136436d509b1p-3), v, D(0x1.454bfef1ff5eep-7));
  const D p67 = detail::fma(D(0x1.5137cf9c1ca3ep-2), v, D(-0x1.ef432c0343253p-3));
  const D p89 = detail::fma(D(0x1.5f36ce15aa238p-4), v, D(-0x1.f5ed9a09b6ca6p-3));
  const D p8_10 = detail::fma(D(-0x1.79fea4f611edfp-7), v2, p89);
  const D p0_7 = detail::fma(detail::fma(p67, v2, p45), v4, detail::fma(p23, v2, p01));
  const D q = detail::fma(p8_10, v4 * v4, p0_7) * v;
  return minus_kz ? detail::fnma(z, D(normal_impl::k_hi), q) : q;
}

}  // namespace rectify::detail
