/*
 * rectify::detail::exp, exp_dd, expm1_nonpositive, exp_short on xsimd::batch<float, A> -- native
 * float kernels.
 *
 *   exp(x)         e^x        max 0.518 ULP, every float (AVX-512 build; sse2 0.519)
 *   exp_dd(hi, lo) e^(hi+lo)  max 0.518 ULP, every float hi with random |lo| <= 2^-24 |hi|
 *   expm1_nonpositive(x) e^x - 1 for x <= 0: max 0.882 ULP, every float x <= 0 (sse2 0.859)
 *   exp_short(x, lo) e^(x+lo), cheaper, x in [-87, 88]: max 0.891 ULP, every float (x clamped)
 * Measured exhaustively by tools/accuracy/check_float_kernels.cpp against double libm.
 *
 * Range / edges: exp results in the subnormal range (x in [-103.97, -87.34]) are rounded once,
 * not flushed; x > 88.72 gives +inf, x < -103.97 gives 0; exp(-inf) = 0, exp(+inf) = inf.
 * expm1_nonpositive(-inf) = -1, and x itself for |x| < 2^-25 (keeps -0 and subnormal inputs
 * exact); x > 0 gives 0 (elu, its user, takes x there). NaN -> NaN. exp_dd: lo must be finite
 * and small (|lo| <= 2^-24 |hi| or so) when hi is finite; where |hi| >= 104 lo is ignored (it
 * may be NaN when hi is infinite).
 *
 * Method: k = round(x / ln2), r = x - k ln2 with a Cody-Waite split of ln2 such that r_hi =
 * x - k ln2_hi is exact (24-bit ln2_hi inside an fma, 16-bit ln2_hi without one); the rounding
 * of r = r_hi - k ln2_lo is recovered by Fast2Sum and re-added. e^r = 1 + r +
 * r^2/2 + r^3 q(r) with a degree-4 float minimax q; (1 + r) + r^2/2 is summed exactly (two
 * Fast2Sums, r^2/2 exact by an fma), so the final addition hi + lo is the only big rounding. The
 * result is scaled by 2^k from the exponent bits; a rare, lane-uniform branch (only when some lane
 * has |k| >= 126) splits 2^k into two factors and rounds subnormal results once.
 * expm1_nonpositive forms e^r - 1 from the same polynomial and 2^k (e^r - 1) + (2^k - 1) in one
 * fma (see there).
 * All constants: tools/sollya/exp_float.sollya.
 */
#pragma once

#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "double_double.hpp"
#include "fma.hpp"
#include "inline.hpp"
#include "polynomial.hpp"

namespace rectify::detail {

namespace exp_float_impl {

template <class A>
using fbatch = xsimd::batch<float, A>;
template <class A>
using ubatch = xsimd::batch<std::uint32_t, A>;

#if defined(__GNUC__) && !defined(__clang__)
// g++ 12 reports _mm512_undefined_* inside the AVX-512 shift intrinsics as uninitialized
// (GCC PR 105593); the value is never used, so silence it for this one helper only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// The bits of v shifted left by 23: for v = 1.5 * 2^23 + n (an integer-valued float), the low
// bits of its mantissa hold n, so this is n << 23 (mod 2^32), an exponent field.
template <class A>
inline ubatch<A> shl23(const fbatch<A>& v) {
  return xsimd::bitwise_cast<ubatch<A>>(v) << 23;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

template <class A>
inline fbatch<A> as_float(const ubatch<A>& u) {
  return xsimd::bitwise_cast<fbatch<A>>(u);
}

// Clamp with compare+select: NaN stays NaN (and then propagates through every step below).
template <class A>
inline fbatch<A> clamp(const fbatch<A>& x, float lo, float hi) {
  using B = fbatch<A>;
  const B y = xsimd::select(x < B(lo), B(lo), x);
  return xsimd::select(y > B(hi), B(hi), y);
}

// a * b - p exactly, p = a * b rounded: an fms where the fma is fused, else Dekker's product
// of 12-bit halves (exact products, |a|, |b| < 2^100 here).
template <class A>
inline fbatch<A> prod_err(const fbatch<A>& a, const fbatch<A>& b, const fbatch<A>& p) {
  using B = fbatch<A>;
  if constexpr (has_fused_fma<A>) {
    return detail::fms(a, b, p);
  } else {
    const B mask = as_float(ubatch<A>(0xfffff000u));
    const B ah = xsimd::bitwise_and(a, mask);
    const B al = a - ah;
    const B bh = xsimd::bitwise_and(b, mask);
    const B bl = b - bh;
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  }
}

// 1.5 * 2^23: adding it rounds to an integer and leaves k in the low mantissa bits.
inline constexpr float shifter = 0x1.8p23f;

// The reduced argument and everything of e^r beyond 1 + r + r^2/2.
template <class A>
struct reduced {
  fbatch<A> ks;    // shifter + k
  fbatch<A> kd;    // k
  fbatch<A> r;     // reduced argument, rounded
  fbatch<A> r2;    // r*r rounded; r^2 = r2 + r2_lo exactly
  fbatch<A> rest;  // r^3 q(r) + r2_lo/2 + d e^r, d the rounding error of r
};

// xc clamped to [-104, 89]; lo tiny (|lo| <= 2^-17): the low part of the argument xc + lo.
template <class A>
inline reduced<A> reduce(const fbatch<A>& xc, const fbatch<A>& lo) {
  using B = fbatch<A>;
  // Constants from tools/sollya/exp_float.sollya.
  const B log2e(0x1.715476p0f);
  reduced<A> o;
  o.ks = detail::fma(xc, log2e, B(shifter));
  o.kd = o.ks - B(shifter);
  B r_hi, t;
  if constexpr (has_fused_fma<A>) {
    // ln2_hi is ln2 rounded to float: the fma forms k*ln2_hi exactly, and x - k*ln2_hi (a
    // multiple of 2^-25 below 1/2 in magnitude) is a float, so r_hi is exact.
    r_hi = detail::fnma(o.kd, B(0x1.62e43p-1f), xc);
    t = detail::fms(o.kd, B(-0x1.05c61p-29f), lo);
  } else {
    // 16-bit ln2_hi: k*ln2_hi is an exact float product (|k| <= 150) and r_hi is exact.
    r_hi = xc - o.kd * B(0x1.62e4p-1f);
    t = o.kd * B(0x1.7f7d1cp-20f) - lo;
  }
  // r = r_hi - t rounded; Fast2Sum gives its error d (|t| < |r_hi| whenever d matters).
  o.r = r_hi - t;
  const B d = (r_hi - o.r) - t;
  const B& r = o.r;
  o.r2 = r * r;
  const B r2_lo = exp_float_impl::prod_err(r, r, o.r2);
  // q(r) = c3 + c4 r + ... + c7 r^4, Estrin-style to shorten the dependency chain.
  const B q01 = detail::fma(B(0x1.5554f2p-5f), r, B(0x1.555556p-3f));
  const B q23 = detail::fma(B(0x1.6d4118p-10f), r, B(0x1.11100cp-7f));
  const B q = detail::fma(detail::fma(B(0x1.a22dc6p-13f), o.r2, q23), o.r2, q01);
  // e^(r + d) ~ e^r + d (1 + r + r^2/2): |d| <= 2^-26, the dropped d r^3/6 is below 2^-33.
  const B g = detail::fma(B(0.5f), o.r2, r) + B(1.0f);
  // r^3 q as r2 * (r q) inside the last fma, with r2_lo (r q + 1/2) added below: rounding r^3
  // itself would cost up to 2^-24 of r^3 q.
  const B rq = r * q;
  o.rest = detail::fma(o.r2, rq, detail::fma(d, g, r2_lo * (rq + B(0.5f))));
  return o;
}

// e^r = hi + lo, hi = 1 + r + r^2/2 rounded and lo the rest rounded once (|lo| < 2^-7). Both
// 1 + r and (1 + r) + r^2/2 are summed exactly (Fast2Sum, r^2/2 exact as r2/2 + r2_lo/2), so
// the rounding of lo costs at most 2^-33 and the final hi + lo is the only big rounding.
template <class A>
inline void exp_parts(const reduced<A>& p, fbatch<A>& hi, fbatch<A>& lo) {
  using B = fbatch<A>;
  const B h1 = B(1.0f) + p.r;
  const B l1 = (B(1.0f) - h1) + p.r;
  const B r2h = B(0.5f) * p.r2;
  hi = h1 + r2h;
  const B l2 = (h1 - hi) + r2h;
  lo = (l1 + l2) + p.rest;
}

// (hi + lo) * 2^k, rounded once also when the result is subnormal or overflows.
template <class A>
inline fbatch<A> scale(const reduced<A>& p, const fbatch<A>& hi, const fbatch<A>& lo) {
  using B = fbatch<A>;
  using U = ubatch<A>;
  const B z = hi + lo;
  // 2^k straight from the exponent bits: right for k in [-126, 127], where z * 2^k is normal
  // (or, for k = -126, may be subnormal: that k goes to the slow path too).
  B res = z * as_float(shl23(p.ks) + U(127u << 23));
  const auto rare = xsimd::abs(p.kd) > B(125.5f);
  if (xsimd::any(rare)) {
    // 2^k = s1 * s2 with both factors normal for every k in [-150, 129]: the product with s1
    // is exact, only the one with s2 rounds (or overflows).
    const auto neg = p.kd < B(0.0f);
    const B ks1 = p.ks + xsimd::select(neg, B(127.0f + 64.0f), B(127.0f - 64.0f));  // exact
    const B s1 = as_float(shl23(ks1));
    const B s2 = xsimd::select(neg, B(0x1p-64f), B(0x1p64f));
    const B big = (z * s1) * s2;
    // Subnormal result: (z * s1) * s2 would round twice. Scale by 2^126 instead (exact) and let
    // 1 + w round at the 2^-23 position, which is the 2^-149 position after scaling back; so
    // the result is rounded once. w < 1 tells exactly when the result is below 2^-126.
    const B c(0x1p62f);
    const B wh = (hi * s1) * c;
    const B wl = (lo * s1) * c;
    const B h = B(1.0f) + wh;
    const B l = ((B(1.0f) - h) + wh) + wl;
    const B tiny = ((h + l) - B(1.0f)) * B(0x1p-126f);
    res = xsimd::select(rare, xsimd::select(neg & (wh < B(1.0f)), tiny, big), res);
  }
  return res;
}

}  // namespace exp_float_impl

template <class A>
inline xsimd::batch<float, A> exp(const xsimd::batch<float, A>& x) {
  using B = xsimd::batch<float, A>;
  // Below -104, e^x < 2^-150 rounds to 0; above 89 it overflows. The clamp keeps k within the
  // scaling below and maps +-inf to the right limits; NaN passes and propagates.
  const auto p = exp_float_impl::reduce(exp_float_impl::clamp(x, -104.0f, 89.0f), B(0.0f));
  B hi, lo;
  exp_float_impl::exp_parts(p, hi, lo);
  return exp_float_impl::scale(p, hi, lo);
}

// e^(x + x_lo) for |x| <= 80 as an unevaluated sum e + e_lo good to about 0.3 ULP of e: the
// form for forward quotients such as gelu's x/(1 + e^-2u), which round once more and whose callers
// keep larger |x| (and NaN) to exp_dd. Same reduction and polynomial as exp(), but with
// v = e^r - 1 = r + r^2 (1/2 + r q(r)) rounded (|v| <= 0.42, so its rounding is at most 2^-26
// relative to e^r), e^r = 1 + v by Fast2Sum, and the rounding error of r itself added to the
// low part: no exactly summed polynomial and no scaling branch (the result is normal).
template <class A>
RECTIFY_INLINE double_double<xsimd::batch<float, A>> exp_normal(
    const xsimd::batch<float, A>& x, const xsimd::batch<float, A>& x_lo) {
  using B = xsimd::batch<float, A>;
  using U = xsimd::batch<std::uint32_t, A>;
  const B ks = detail::fma(x, B(0x1.715476p0f), B(exp_float_impl::shifter));
  const B k = ks - B(exp_float_impl::shifter);
  B r_hi, t;
  if constexpr (has_fused_fma<A>) {
    r_hi = detail::fnma(k, B(0x1.62e43p-1f), x);
    t = detail::fms(k, B(-0x1.05c61p-29f), x_lo);
  } else {
    r_hi = x - k * B(0x1.62e4p-1f);
    t = k * B(0x1.7f7d1cp-20f) - x_lo;
  }
  const B r = r_hi - t;
  const B dr = (r_hi - r) - t;
  const B r2 = r * r;
  const B q01 = detail::fma(B(0x1.5554f2p-5f), r, B(0x1.555556p-3f));
  const B q23 = detail::fma(B(0x1.6d4118p-10f), r, B(0x1.11100cp-7f));
  const B q = detail::fma(detail::fma(B(0x1.a22dc6p-13f), r2, q23), r2, q01);
  const B v = detail::fma(r2, detail::fma(r, q, B(0.5f)), r);
  const B e = B(1.0f) + v;
  const B e_lo = detail::fma(dr, e, (B(1.0f) - e) + v);
  const B scale = exp_float_impl::as_float(exp_float_impl::shl23(ks) + U(127u << 23));
  return {e * scale, e_lo * scale};
}

// e^(x + x_lo) rounded to one float, for x in [-87, 88] (a normal result; |x_lo| <= 2^-17),
// NaN passing: the short exp for the derivatives, whose float bar (3 ULP) leaves room for its
// error (max 0.891 ULP, tools/accuracy/check_float_kernels.cpp) and one more rounding. Same
// reduction as exp_normal but with r rounded once, e^r = 1 + r p(r) by Horner (p of degree 5,
// tools/sollya/exp_float.sollya, 2^-28 from e^r), then 2^k: 12 instructions against 22.
template <class A>
RECTIFY_INLINE xsimd::batch<float, A> exp_short(const xsimd::batch<float, A>& x,
                                                const xsimd::batch<float, A>& x_lo) {
  using B = xsimd::batch<float, A>;
  using U = xsimd::batch<std::uint32_t, A>;
  const B ks = detail::fma(x, B(0x1.715476p0f), B(exp_float_impl::shifter));
  const B k = ks - B(exp_float_impl::shifter);
  B r;
  if constexpr (has_fused_fma<A>)
    r = detail::fnma(k, B(0x1.62e43p-1f), x) - detail::fms(k, B(-0x1.05c61p-29f), x_lo);
  else
    r = (x - k * B(0x1.62e4p-1f)) - (k * B(0x1.7f7d1cp-20f) - x_lo);
  const B e = detail::horner(r, 0x1.686a4ep-10f, 0x1.123cf8p-7f, 0x1.555b82p-5f, 0x1.55548cp-3f,
                             0x1.fffff8p-2f, 1.0f, 1.0f);
  return e * exp_float_impl::as_float(exp_float_impl::shl23(ks) + U(127u << 23));
}

template <class A>
inline xsimd::batch<float, A> exp_dd(const xsimd::batch<float, A>& hi,
                                     const xsimd::batch<float, A>& lo) {
  using B = xsimd::batch<float, A>;
  // Outside |hi| < 104 the clamp decides the result; drop lo there (it may be NaN for hi = inf).
  const B lo_used = xsimd::select(xsimd::abs(hi) < B(104.0f), lo, B(0.0f));
  const auto p = exp_float_impl::reduce(exp_float_impl::clamp(hi, -104.0f, 89.0f), lo_used);
  B zh, zl;
  exp_float_impl::exp_parts(p, zh, zl);
  return exp_float_impl::scale(p, zh, zl);
}

// e^x - 1 for x <= 0 (and NaN; x > 0 gives 0, or x below 2^-25): elu's forward. v = e^r - 1 from
// the polynomial of reduce() with r rounded once, then e^x - 1 = 2^k v + (2^k - 1) in one fma:
// 2^k v is exact and so is 2^k - 1 for k >= -24 (below, x < -16.98, it rounds to -1, where
// e^x - 1 is within 2^-24 of -1). The error of v is what is left: it weighs most at k = -1 with r
// near ln2/2, where 2^k v is 0.7 of the result.
template <class A>
RECTIFY_INLINE xsimd::batch<float, A> expm1_nonpositive(const xsimd::batch<float, A>& x) {
  using B = xsimd::batch<float, A>;
  using U = xsimd::batch<std::uint32_t, A>;
  // Where every lane has |x| < 2^-25 (subnormal inputs, say) the result is x (see the end): the
  // reduction below would only produce subnormal intermediates, each an assist on x86.
  if (xsimd::all(xsimd::abs(x) < B(0x1p-25f)))
    return x;
  // Below -18, e^x < 2^-25 and e^x - 1 rounds to -1. k is in [-26, 0].
  const B xc = exp_float_impl::clamp(x, -18.0f, 0.0f);
  const B ks = detail::fma(xc, B(0x1.715476p0f), B(exp_float_impl::shifter));
  const B k = ks - B(exp_float_impl::shifter);
  B r;
  if constexpr (has_fused_fma<A>)
    r = detail::fnma(k, B(0x1.62e43p-1f), xc) - k * B(-0x1.05c61p-29f);
  else
    r = (xc - k * B(0x1.62e4p-1f)) - k * B(0x1.7f7d1cp-20f);
  // v = e^r - 1 = r + r^2 (1/2 + r q(r)), q as in reduce().
  const B r2 = r * r;
  const B q01 = detail::fma(B(0x1.5554f2p-5f), r, B(0x1.555556p-3f));
  const B q23 = detail::fma(B(0x1.6d4118p-10f), r, B(0x1.11100cp-7f));
  const B q = detail::fma(detail::fma(B(0x1.a22dc6p-13f), r2, q23), r2, q01);
  const B v = detail::fma(r2, detail::fma(r, q, B(0.5f)), r);
  const B scale = exp_float_impl::as_float(exp_float_impl::shl23(ks) + U(127u << 23));
  const B res = detail::fma(scale, v, scale - B(1.0f));
  // |x| < 2^-25: e^x - 1 rounds to x; returning x keeps -0 and subnormal inputs exact (r^2
  // would underflow).
  return xsimd::select(xsimd::abs(x) < B(0x1p-25f), x, res);
}

}  // namespace rectify::detail
