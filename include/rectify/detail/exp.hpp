/*
 * rectify::detail::exp, exp_dd, exp_short_parts, expm1 -- lane-wise double-precision e^x kernels on
 * xsimd.
 *
 *   exp(x)         e^x        max error 0.575 ULP (measured, tools/accuracy)
 *   exp_dd(hi, lo) e^(hi+lo)  max error 0.578 ULP, lo folded into the reduced argument
 *   expm1(x)       e^x - 1    max error 0.707 ULP
 *   exp_short_parts(x, lo) e^(x+lo) as hi + lo, cheaper, |x| <= 708: to about 2^-53.5 relative
 *                          (AVX-512: 2^-56.9, by a 16-entry table of 2^(j/16))
 *
 * Measured against MPFR on ~5M inputs per function (random bit patterns, uniform ranges,
 * subnormal results, edges); avx512: exp 0.562, exp_dd 0.559, expm1 0.706; sse2 (no fma): 0.575,
 * 0.578, 0.707 (expm1 on 1.5M inputs). Valid for all doubles.
 *
 * Range / edges: results in the subnormal range (x in [-745.13, -708.4]) are rounded once, not
 * flushed; x > 709.78 gives +inf; exp(-inf) = 0, exp(+inf) = inf; expm1(-inf) = -1,
 * expm1(+inf) = inf, expm1(x) = x for |x| < 2^-54 (keeps -0 and subnormals exact); NaN -> NaN.
 * exp_dd: lo must be finite when hi is finite; when |hi| is huge or infinite lo is ignored, so
 * the NaN produced by splitting inf*inf with an fma does not leak into the limit.
 *
 * Method: k = round(x / ln2), r = x - k ln2 (Cody-Waite, 42-bit ln2_hi), e^r = 1 + r + r^2/2 +
 * r^3 q(r) (degree-12 minimax, r^2/2 exact via fma), 1 + r summed exactly (Fast2Sum), result scaled
 * by 2^k in two exact-or-once-rounded steps (a rare, lane-uniform branch re-rounds subnormal
 * results once). expm1 and exp_short_parts share a shorter reduction (2^k from the exponent bits
 * in one step, |x| <= 708); expm1 sums (2^k - 1) + 2^k r + 2^k r^2/2 exactly and adds the degree-12
 * polynomial's r^3 q(r) with one rounding. All constants: tools/sollya/exp.sollya.
 */
#pragma once

#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "double_double.hpp"
#include "fma.hpp"
#include "inline.hpp"

namespace rectify::detail {

namespace exp_impl {

// The fused multiply-adds (detail/fma.hpp) and the exact product (detail/double_double.hpp)
// are shared with the rest of the library; the reduction below relies on their single rounding.
// two_prod with out-parameters, as the kernels here use it.
template <class A>
inline void two_prod(const xsimd::batch<double, A>& a, const xsimd::batch<double, A>& b,
                     xsimd::batch<double, A>& hi, xsimd::batch<double, A>& lo) {
  const auto p = detail::two_prod(a, b);
  hi = p.hi;
  lo = p.lo;
}

#if defined(__GNUC__) && !defined(__clang__)
// g++ 12 reports _mm512_undefined_* inside the AVX-512 shift intrinsics as uninitialized
// (GCC PR 105593); the value is never used, so silence it for this one helper only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
template <class A>
inline xsimd::batch<double, A> bits_shl52(const xsimd::batch<double, A>& v) {
  using U = xsimd::batch<std::uint64_t, A>;
  return xsimd::bitwise_cast<xsimd::batch<double, A>>(xsimd::bitwise_cast<U>(v) << 52);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// Clamp with compare+select: NaN stays NaN, and unlike xsimd::min/max on AVX-512 it does not
// trip the same g++ 12 false positive.
template <class A>
inline xsimd::batch<double, A> clamp(const xsimd::batch<double, A>& x, double lo, double hi) {
  using B = xsimd::batch<double, A>;
  const B y = xsimd::select(x < B(lo), B(lo), x);
  return xsimd::select(y > B(hi), B(hi), y);
}

// q(r) = c3 + c4 r + ... + c12 r^9 with e^r - 1 = r + r^2/2 + r^3 q(r) for |r| <= 0.3466
// (tools/sollya/exp.sollya, degree 12), Estrin-style to shorten the dependency chain.
template <class A>
RECTIFY_INLINE xsimd::batch<double, A> cubic_poly(const xsimd::batch<double, A>& r,
                                                  const xsimd::batch<double, A>& r2) {
  using B = xsimd::batch<double, A>;
  const B r4 = r2 * r2;
  const B a0 = detail::fma(B(0x1.555555555554ap-5), r, B(0x1.5555555555559p-3));
  const B a1 = detail::fma(B(0x1.6c16c16c1c0d2p-10), r, B(0x1.111111110f656p-7));
  const B a2 = detail::fma(B(0x1.a01a01872c083p-16), r, B(0x1.a01a01b0024c7p-13));
  const B a3 = detail::fma(B(0x1.27e521cd60ce3p-22), r, B(0x1.71ddf81468985p-19));
  const B a4 = detail::fma(B(0x1.1f0418f5ab0acp-29), r, B(0x1.af5f20389306ap-26));
  const B b0 = detail::fma(a1, r2, a0);
  const B b1 = detail::fma(a3, r2, a2);
  return detail::fma(detail::fma(a4, r4, b1), r4, b0);
}

// e^(x + lo) = (p_hi + p_lo) * s1 * s2, where p_hi + p_lo ~ e^r to ~2^-62 relative and
// s1 * s2 = 2^k. s1 * s2 is split so that both factors are normal doubles for every k in
// [-1077, 1025]: the product with s1 is exact and only the multiplication by s2 rounds.
template <class A>
struct parts {
  xsimd::batch<double, A> p_hi, p_lo, s1, s2;
};

// xc must be clamped to [-746, 710] (so k fits the exponent trick below); lo finite and tiny
// (|lo| <= 2^-30): it is the low part of the argument xc + lo.
template <class A>
RECTIFY_INLINE parts<A> reduce(const xsimd::batch<double, A>& xc,
                               const xsimd::batch<double, A>& lo) {
  using B = xsimd::batch<double, A>;
  // Constants from tools/sollya/exp.sollya.
  const B log2e(0x1.71547652b82fep0);
  const B ln2_hi(0x1.62e42fefa38p-1);  // 42 bits: k * ln2_hi exact for |k| < 2^11
  const B ln2_lo(0x1.ef35793c7673p-45);
  // 1.5 * 2^52: adding it rounds to an integer and leaves k in the low mantissa bits.
  const B shifter(0x1.8p52);

  const B ks = detail::fma(xc, log2e, shifter);
  const B kd = ks - shifter;  // k as an exact double
  // r_hi is exact (exact product, Sterbenz subtraction), so the only rounding in the reduced
  // argument is r = r_hi + r_lo, whose error d is recovered with Fast2Sum and re-added below.
  const B r_hi = detail::fnma(kd, ln2_hi, xc);
  const B r_lo = detail::fnma(kd, ln2_lo, lo);
  const B r = r_hi + r_lo;
  const B d = (r_hi - r) + r_lo;

  const B r2 = r * r;
  const B q = cubic_poly(r, r2);
  // r^2/2 exactly: r2 + r2_lo (r2_lo = 0 without a hardware fma: then it is just less exact).
  // The small terms: r^3 q, r2_lo/2, and e^(r + d) ~ e^r + d (1 + r) for the rounding of r.
  const B r2_lo = detail::fms(r, r, r2);
  const B small = detail::fma(r2 * r, q, detail::fma(B(0.5), r2_lo, detail::fma(d, r, d)));

  parts<A> out;
  // 1 + r as an exact double-double (Fast2Sum, |r| < 1), then everything below it rounded once.
  out.p_hi = B(1.0) + r;
  out.p_lo = detail::fma(B(0.5), r2, ((B(1.0) - out.p_hi) + r) + small);

  // 2^k = s1 * s2 with s2 = 2^-512 or 2^512. The exponent of s1 is built by integer arithmetic
  // on the bits of ks: its low 12 bits are (k + bias) mod 4096, and the shift drops the rest.
  const auto neg = kd < B(0.0);
  const B ks1 = ks + xsimd::select(neg, B(1023.0 + 512.0), B(1023.0 - 512.0));  // exact
  out.s1 = bits_shl52(ks1);
  out.s2 = xsimd::select(neg, B(0x1p-512), B(0x1p512));
  return out;
}

// Returns (zh + zl) * s1 * s2 rounded once, also when the result is subnormal.
template <class A>
inline xsimd::batch<double, A> finish(const xsimd::batch<double, A>& zh,
                                      const xsimd::batch<double, A>& zl,
                                      const xsimd::batch<double, A>& s1,
                                      const xsimd::batch<double, A>& s2) {
  using B = xsimd::batch<double, A>;
  B res = ((zh + zl) * s1) * s2;
  const auto tiny = res < B(0x1p-1022);
  if (xsimd::any(tiny)) {
    // Subnormal result: ((zh + zl) * s1) * s2 would round twice. Scale by 2^1022 instead
    // (z < 1, exact) and let the addition 1 + z round at the 2^-52 position, which is the
    // 2^-1074 position after the exact scaling back; so the result is rounded exactly once.
    const B c(0x1p510);
    const B zh1 = (zh * s1) * c;
    const B zl1 = (zl * s1) * c;
    const B h = B(1.0) + zh1;
    const B l = ((B(1.0) - h) + zh1) + zl1;
    const B y = ((h + l) - B(1.0)) * B(0x1p-1022);
    res = xsimd::select(tiny, y, res);
  }
  return res;
}

// reduce()'s parts as an unevaluated sum e + e_lo (exp_normal), for |k| <= 1010 (a normal result).
template <class A>
RECTIFY_INLINE double_double<xsimd::batch<double, A>> normal_from_parts(const parts<A>& p) {
  using B = xsimd::batch<double, A>;
  const B scale = p.s1 * p.s2;  // 2^k, exact for |k| <= 1010
  // p_hi + p_lo renormalized (Fast2Sum: |p_lo| < |p_hi|).
  const B sum = p.p_hi + p.p_lo;
  return {sum * scale, (p.p_lo - (sum - p.p_hi)) * scale};
}

// The reduction of the short kernels (exp_short_parts, expm1): x + x_lo = k ln2 + r_hi + r_lo
// with |r_hi + r_lo| <= 0.3466, r_hi = x - k ln2_hi exact, r_lo = x_lo - k ln2_lo rounded once
// (|r_lo| < 2^-30 |r_hi| or so, so r_hi + r_lo can be split exactly again), and scale = 2^k
// from the exponent bits: k must be in [-1022, 1023] (|x| <= 708).
template <class A>
struct short_reduction {
  xsimd::batch<double, A> r_hi, r_lo, scale;
};
template <class A>
RECTIFY_INLINE short_reduction<A> short_reduce(const xsimd::batch<double, A>& x,
                                               const xsimd::batch<double, A>& x_lo) {
  using B = xsimd::batch<double, A>;
  using U = xsimd::batch<std::uint64_t, A>;
  const B shifter(0x1.8p52);
  const B ks = detail::fma(x, B(0x1.71547652b82fep0), shifter);
  const B k = ks - shifter;
  return {detail::fnma(k, B(0x1.62e42fefa38p-1), x), detail::fnma(k, B(0x1.ef35793c7673p-45), x_lo),
          xsimd::bitwise_cast<B>(xsimd::bitwise_cast<U>(bits_shl52(ks)) +
                                 U(std::uint64_t(1023) << 52))};
}

// short_reduce's r_hi + r_lo rounded to r, with that rounding's error d (Fast2Sum), for x + 0:
// expm1 and expm1_nonpositive, which add d e^r back.
template <class A>
struct rounded_reduction {
  xsimd::batch<double, A> r, d, scale;
};
template <class A>
RECTIFY_INLINE rounded_reduction<A> short_reduce_rounded(const xsimd::batch<double, A>& x) {
  const auto k = short_reduce(x, xsimd::batch<double, A>(0.0));
  const xsimd::batch<double, A> r = k.r_hi + k.r_lo;
  return {r, (k.r_hi - r) + k.r_lo, k.scale};
}

#if XSIMD_WITH_AVX512F
// exp_short_parts on AVX-512: e^x = 2^k 2^(j/16) e^r with k16 = 16k + j = round(16 x/ln2), j in
// [0, 15], |r| <= ln2/32. 2^(j/16) comes from a 16-entry table as hi + lo (two registers each,
// one two-source permute, whose index is the low 4 bits of k16 as they sit in the shifted sum),
// so e^r - 1 needs only a degree-7 polynomial: three dependent fmas after r^2 where the
// [-ln2/2, ln2/2] reduction takes five, and a pair about ten times as accurate (below).
template <class A>
requires is_avx512<A> RECTIFY_INLINE double_double<xsimd::batch<double, A>> short_parts_by_table(
    const xsimd::batch<double, A>& x, const xsimd::batch<double, A>& x_lo) {
  using B = xsimd::batch<double, A>;
  // Constants from tools/sollya/exp.sollya (the table form). ln2/16 as hi + lo, both full
  // doubles: with the fma, r_hi = x - k16 hi is exact (for |x| >= 2^-5, x and k16 hi are
  // multiples of 2^-57 and |r_hi| < 2^-5 holds 52 such bits; below, k16 is 0 or +-1 and
  // Sterbenz applies), and k16 lo adds at most 2^-45 to x_lo.
  const B shifter(0x1.8p52);
  const B ks = detail::fma(x, B(0x1.71547652b82fep4), shifter);
  const B k16 = ks - shifter;
  const B r_hi = detail::fnma(k16, B(0x1.62e42fefa39efp-5), x);
  const B r_lo = detail::fnma(k16, B(0x1.abc9e3b39803fp-60), x_lo);
  // r + r_lo rounded once: at most 2^-58.5 of e^r, |r| being at most ln2/32. Then e^r - 1 =
  // r + r^2 q(r), q of degree 5 (2^-59.6 from (e^r - 1 - r)/r^2 in relative terms of e^r - 1),
  // by Estrin.
  const B r = r_hi + r_lo;
  const B r2 = r * r;
  const B a0 = detail::fma(B(0x1.555555555555p-3), r, B(0x1.0000000000003p-1));
  const B a1 = detail::fma(B(0x1.1111111168c4p-7), r, B(0x1.555555549ef37p-5));
  const B a2 = detail::fma(B(0x1.a01a50c44aa59p-13), r, B(0x1.6c182b143727p-10));
  const B q = detail::fma(a2, r2 * r2, detail::fma(a1, r2, a0));
  // 2^(j/16) = t + t_lo (t_lo below 2^-53 t), each from its two registers of eight entries.
  const __m512i j = _mm512_castpd_si512(ks);
  const B t(_mm512_permutex2var_pd(
      _mm512_setr_pd(0x1p0, 0x1.0b5586cf9890fp0, 0x1.172b83c7d517bp0, 0x1.2387a6e756238p0,
                     0x1.306fe0a31b715p0, 0x1.3dea64c123422p0, 0x1.4bfdad5362a27p0,
                     0x1.5ab07dd485429p0),
      j,
      _mm512_setr_pd(0x1.6a09e667f3bcdp0, 0x1.7a11473eb0187p0, 0x1.8ace5422aa0dbp0,
                     0x1.9c49182a3f09p0, 0x1.ae89f995ad3adp0, 0x1.c199bdd85529cp0,
                     0x1.d5818dcfba487p0, 0x1.ea4afa2a490dap0)));
  const B t_lo(_mm512_permutex2var_pd(
      _mm512_setr_pd(0, 0x1.8a62e4adc610bp-54, -0x1.19041b9d78a76p-55, 0x1.9b07eb6c70573p-54,
                     0x1.6f46ad23182e4p-55, 0x1.ada0911f09ebcp-55, 0x1.d4397afec42e2p-56,
                     0x1.6324c054647adp-54),
      j,
      _mm512_setr_pd(-0x1.bdd3413b26456p-54, -0x1.41577ee04992fp-55, 0x1.6e9f156864b27p-54,
                     0x1.c7c46b071f2bep-56, 0x1.7a1cd345dcc81p-54, 0x1.11065895048ddp-55,
                     0x1.2ed02d75b3707p-55, -0x1.e9c23179c2893p-54)));
  // (t + t_lo)(1 + r + r^2 q) = t + w, w = (t r^2) q + (t r + t_lo): t enters before the last
  // fma rather than after it (one step less on the chain: silu 1.03x to 1.07x, in-process A/B).
  // |w| < t/30 and its two roundings are below 2^-58 of t; t + w is summed exactly (Fast2Sum).
  const B w = detail::fma(t * r2, q, detail::fma(t, r, t_lo));
  const B e = t + w;
  // Times 2^k, k = floor(k16/16), by vscalefpd, which scales by 2^floor of its second operand
  // (k16/16 is exact): exact for the normal results of |x| <= 708.
  const B k = k16 * B(0.0625);
  return {B(_mm512_scalef_pd(e, k)), B(_mm512_scalef_pd((t - e) + w, k))};
}
#endif

}  // namespace exp_impl

template <class A>
inline xsimd::batch<double, A> exp(const xsimd::batch<double, A>& x) {
  using B = xsimd::batch<double, A>;
  // Below -746, e^x < 2^-1076 rounds to 0; above 710 it overflows. Clamping keeps k within the
  // exponent trick and maps +-inf to the right limits (NaN is restored at the end).
  const auto p = exp_impl::reduce(exp_impl::clamp(x, -746.0, 710.0), B(0.0));
  const B res = exp_impl::finish(p.p_hi, p.p_lo, p.s1, p.s2);
  return xsimd::select(xsimd::isnan(x), x, res);
}

template <class A>
inline xsimd::batch<double, A> exp_dd(const xsimd::batch<double, A>& hi,
                                      const xsimd::batch<double, A>& lo) {
  using B = xsimd::batch<double, A>;
  // Outside |hi| < 746 the clamp decides the result; drop lo there (it may be NaN for hi = inf).
  const B lo_used = xsimd::select(xsimd::abs(hi) < B(746.0), lo, B(0.0));
  const auto p = exp_impl::reduce(exp_impl::clamp(hi, -746.0, 710.0), lo_used);
  const B res = exp_impl::finish(p.p_hi, p.p_lo, p.s1, p.s2);
  return xsimd::select(xsimd::isnan(hi), hi, res);
}

// e^(x + x_lo) for |x| <= 700 (a normal result) as an unevaluated sum e + e_lo, good to about
// 2^-60 relative: the same reduction and polynomial, with 2^k applied to both parts exactly (no
// scaling in two steps, no subnormal branch). The short form for callers that keep larger |x|
// (and NaN) to exp_dd, like the float exp_normal.
template <class A>
RECTIFY_INLINE double_double<xsimd::batch<double, A>> exp_normal(
    const xsimd::batch<double, A>& x, const xsimd::batch<double, A>& x_lo) {
  return exp_impl::normal_from_parts(exp_impl::reduce(x, x_lo));
}

// e^(x + x_lo) for |x| <= 708 (a normal result; |x_lo| <= 2^-30) as hi + lo, the short form for
// the derivatives and silu (detail::exp_in_reach), whose one further rounding leaves them within
// the double bar. On AVX-512, the table form above: the pair within 2^-56.9 relative for
// |x| <= 693 (hi + lo rounded to one double within 0.55 ULP; at the bottom, x near -708, the low
// part is subnormal and that becomes 1 ULP), 23 vector instructions. Elsewhere: r is rounded
// once (its error not recovered), e^r - 1 = r + r^2 q(r) (q of degree 9, tools/sollya/exp.sollya,
// 2^-55.6 from e^r - 1) is rounded once, and 1 + that is summed exactly (Fast2Sum): the pair to
// about 2^-53.5, rounded within 0.999 ULP (3M inputs, tools/accuracy/check_kernels.cpp), 22
// instructions against exp_normal's 37.
template <class A>
RECTIFY_INLINE double_double<xsimd::batch<double, A>> exp_short_parts(
    const xsimd::batch<double, A>& x, const xsimd::batch<double, A>& x_lo) {
  using B = xsimd::batch<double, A>;
#if XSIMD_WITH_AVX512F
  if constexpr (is_avx512<A>)
    return exp_impl::short_parts_by_table(x, x_lo);
#endif
  const auto k = exp_impl::short_reduce(x, x_lo);
  const B r = k.r_hi + k.r_lo;
  // e^r - 1 = r + r^2 q(r) to 2^-55.6 relative, q of degree 9 (the exp_short_parts fit of
  // tools/sollya/exp.sollya). q = 1/2 + r s(r), s of degree 8 by Estrin: 5 dependent fmas to v
  // after r^2 where Horner took 10, which made silu, softplus', elu' and delu' in double 1.1x
  // to 1.2x faster (their loops wait on this chain). The constant term is added last, in one
  // rounding, as in Horner: with it inside the Estrin tree (two roundings at the size of q) the
  // pair's error rose from 0.999 to 1.025 ULP; this way it is 0.999 again.
  const B r2 = r * r;
  const B r4 = r2 * r2;
  const B a0 = detail::fma(B(0x1.5555555552117p-5), r, B(0x1.555555555553p-3));
  const B a1 = detail::fma(B(0x1.6c16c17f2ba4fp-10), r, B(0x1.111111111a2ebp-7));
  const B a2 = detail::fma(B(0x1.a019a6ac29d76p-16), r, B(0x1.a01a0170d4b9bp-13));
  const B a3 = detail::fma(B(0x1.28a284b5fa1e2p-22), r, B(0x1.71de8eccb6f2ap-19));
  const B b0 = detail::fma(a1, r2, a0);
  const B b1 = detail::fma(detail::fma(B(0x1.ae63af6dd3eb3p-26), r2, a3), r2, a2);
  const B q = detail::fma(detail::fma(b1, r4, b0), r, B(0x1.0000000000005p-1));
  const B v = detail::fma(r2, q, r);
  const B e = B(1.0) + v;
  return {e * k.scale, ((B(1.0) - e) + v) * k.scale};
}

template <class A>
RECTIFY_INLINE xsimd::batch<double, A> expm1(const xsimd::batch<double, A>& x) {
  using B = xsimd::batch<double, A>;
  // Where every lane has |x| < 2^-54 (subnormal inputs, say) the result is x (see the end): the
  // reduction below would only produce subnormal intermediates, each an assist on x86.
  if (xsimd::all(xsimd::abs(x) < B(0x1p-54)))
    return x;
  // Below -40, e^x < 2^-57 and e^x - 1 rounds to -1: the clamp keeps 2^k a normal double. Above
  // 708 (k up to 1023 and overflow), e^x - 1 is e^x to within 2^-1000 relative: exp's lanes.
  // r = r_hi + r_lo rounded, its error d recovered (Fast2Sum): e^(r + d) - 1 = r + r^2 q + d e^r.
  const auto k = exp_impl::short_reduce_rounded(exp_impl::clamp(x, -40.0, 708.0));
  const B& r = k.r;
  const B& d = k.d;
  // e^x - 1 = (2^k - 1) + 2^k r + 2^k r^2/2 + 2^k (r^3 q + d (1 + r)). 2^k - 1 is exact for k
  // in [-53, 53]; for k >= 54 its rounding is recovered exactly (scale - high is exact there);
  // for k <= -54 (x < -37, a result within 2^-53 of -1) it is at most 2^-54. 2^k r is exact, and so
  // is 2^k r^2/2 = 2^k (r2 + r2_lo)/2. The first three are summed exactly, which is where e^x - 1
  // cancels (k = -1, 0, 1), by two Fast2Sums (each running sum is at least the next term, or
  // k = 0 and it is 0 + 2^k r). Only the last term (below 0.03 of the result) and the final
  // addition round.
  const B r2 = r * r;
  const B r2_lo = detail::fms(r, r, r2);
  const B high = k.scale - B(1.0);
  const B high_lo = (k.scale - high) - B(1.0);
  const B linear = k.scale * r;
  const B sum1 = high + linear;
  const B sum1_lo = linear - (sum1 - high);
  const B quadratic = k.scale * (B(0.5) * r2);
  const B sum2 = sum1 + quadratic;
  const B sum2_lo = quadratic - (sum2 - sum1);
  const B small = detail::fma(r2 * r, exp_impl::cubic_poly(r, r2),
                              detail::fma(B(0.5), r2_lo, detail::fma(d, r, d)));
  B res = sum2 + detail::fma(k.scale, small, (sum1_lo + sum2_lo) + high_lo);
  // |x| < 2^-54: e^x - 1 rounds to x; returning x keeps -0 and subnormal inputs exact.
  res = xsimd::select(xsimd::abs(x) < B(0x1p-54), x, res);
  res = xsimd::select(xsimd::isnan(x), x, res);
  const auto large = x > B(708.0);
  return xsimd::any(large) ? xsimd::select(large, exp(x), res) : res;
}

// e^x - 1 for x <= 0 (and NaN; x > 0 gives anything finite): elu's forward, shorter than expm1.
// k is in [-58, 0], so 2^k - 1 is exact (k >= -53) or within 2^-54 of -1 where e^x - 1 is too,
// and the sum 2^k v + (2^k - 1), v = e^r - 1 = r + r^2 (1/2 + r q(r)) rounded once, cancels
// nothing (k = 0: it is v; k < 0: 2^k v is at most 0.71 of the result, at k = -1): one fma, whose
// rounding error is recovered exactly and added, with d e^r for the rounding d of r, in one
// final addition. What is left is v's rounding, weighted by 2^k v, and the last one: 0.735 ULP
// (alpha = 1, --double sample; without the recovered error 1.10).
template <class A>
RECTIFY_INLINE xsimd::batch<double, A> expm1_nonpositive(const xsimd::batch<double, A>& x) {
  using B = xsimd::batch<double, A>;
  // As in expm1: all lanes with |x| < 2^-54 return x without subnormal intermediates.
  if (xsimd::all(xsimd::abs(x) < B(0x1p-54)))
    return x;
  // Below -40, e^x - 1 rounds to -1.
  const auto k = exp_impl::short_reduce_rounded(exp_impl::clamp(x, -40.0, 0.0));
  const B& r = k.r;
  const B r2 = r * r;
  const B v = detail::fma(r2, detail::fma(r, exp_impl::cubic_poly(r, r2), B(0.5)), r);
  const B high = k.scale - B(1.0);
  const B sum = detail::fma(k.scale, v, high);
  // sum's rounding error, exact: high - sum is (Sterbenz, or high = 0), and so is the error of a
  // sum of two doubles (2^k v is one).
  const B sum_lo = detail::fma(k.scale, v, high - sum);
  const B res = sum + detail::fma(k.scale, detail::fma(k.d, r, k.d), sum_lo);
  // |x| < 2^-54: e^x - 1 rounds to x, which also keeps -0 and subnormal inputs exact.
  return xsimd::select(xsimd::abs(x) < B(0x1p-54), x, res);
}

// e^x and e^x - 1 in double to about 2^-30 relative, for results rounded to float (the float
// gelu, delu's forward and silu's left tail evaluate in double): rounded to float, within 0.5 +
// 2^-6 ULP. With short_reduce's k and r = r_hi + r_lo (its error and ln2_lo's part ignored: below
// 2^-44 relative), e^r - 1 = r + r^2 q(r) with q the Taylor polynomial to r^6/8!: within 2^-30.5 of
// e^r - 1 for |r| <= 0.3466 (the first term left out is r^9/9!; tools/sollya/for_float.sollya).
// Then e^x = 2^k + 2^k (e^r - 1) and e^x - 1 = (2^k - 1) + 2^k (e^r - 1), each with one rounding
// (fma; 2^k - 1 is exact for k in
// [-58, 53]); the latter cancels nothing: for k = 0 it is e^r - 1 itself, otherwise |e^x - 1| >=
// 0.29. x must be in [-708, 708] (short_reduce's 2^k); NaN -> NaN. Results far below float's
// range are normal doubles, so subnormal float results round once, in the final conversion.
template <class A>
struct for_float_parts {
  xsimd::batch<double, A> scale;  // 2^k
  xsimd::batch<double, A> em1_r;  // e^r - 1
};
template <class A>
RECTIFY_INLINE for_float_parts<A> exp_parts_for_float(const xsimd::batch<double, A>& x) {
  using B = xsimd::batch<double, A>;
  const auto k = exp_impl::short_reduce(x, B(0.0));
  const B r = k.r_hi + k.r_lo;
  const B r2 = r * r;
  const B q_low = detail::fma(B(1.0 / 6), r, B(0.5));
  const B q_mid = detail::fma(B(1.0 / 120), r, B(1.0 / 24));
  const B q_high = detail::fma(B(1.0 / 40320), r2, detail::fma(B(1.0 / 5040), r, B(1.0 / 720)));
  const B q = detail::fma(detail::fma(q_high, r2, q_mid), r2, q_low);
  return {k.scale, detail::fma(r2, q, r)};
}
template <class A>
RECTIFY_INLINE xsimd::batch<double, A> exp_for_float(const xsimd::batch<double, A>& x) {
  const auto p = exp_parts_for_float(x);
  return detail::fma(p.scale, p.em1_r, p.scale);
}
// x is clamped to [-40, 708] first: below -40, e^x - 1 is -1 in float.
template <class A>
RECTIFY_INLINE xsimd::batch<double, A> expm1_for_float(const xsimd::batch<double, A>& x) {
  using B = xsimd::batch<double, A>;
  const auto p = exp_parts_for_float(exp_impl::clamp(x, -40.0, 708.0));
  return detail::fma(p.scale, p.em1_r, p.scale - B(1.0));
}

}  // namespace rectify::detail
