// Float batches evaluated in double: a batch<float, A> holds twice the lanes of a
// batch<double, A>, so it is split into two double batches, computed, and rounded back once.
// Evaluating the float functions in double makes their result the correctly rounded value in
// all but rare double-rounding cases, at about the cost of the double kernel.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "inline.hpp"

namespace rectify::detail {

template <class A>
struct widened {
  xsimd::batch<double, A> low;   // lanes [0, n/2)
  xsimd::batch<double, A> high;  // lanes [n/2, n)
};

// The portable version goes through memory; the overloads below, for the x86 archs the build
// enables (xsimd's XSIMD_WITH_* say which), convert in registers.
template <class A>
widened<A> widen(const xsimd::batch<float, A>& x) {
  using D = xsimd::batch<double, A>;
  constexpr std::size_t n = xsimd::batch<float, A>::size;
  alignas(A::alignment()) std::array<float, n> lanes;
  x.store_aligned(lanes.data());
  return {D::load_unaligned(lanes.data()), D::load_unaligned(lanes.data() + n / 2)};
}

// Rounds the two double halves back to one float batch (round to nearest, once).
template <class A>
xsimd::batch<float, A> narrow(const widened<A>& w) {
  using F = xsimd::batch<float, A>;
  constexpr std::size_t n = F::size;
  alignas(A::alignment()) std::array<float, n> lanes;
  w.low.store_unaligned(lanes.data());
  w.high.store_unaligned(lanes.data() + n / 2);
  return F::load_aligned(lanes.data());
}

#if XSIMD_WITH_SSE2
template <class A>
requires std::is_base_of_v<xsimd::sse2, A> widened<A> widen(const xsimd::batch<float, A>& x) {
  using D = xsimd::batch<double, A>;
  __m128 v = x;
  return {D(_mm_cvtps_pd(v)), D(_mm_cvtps_pd(_mm_movehl_ps(v, v)))};
}
template <class A>
requires std::is_base_of_v<xsimd::sse2, A> xsimd::batch<float, A> narrow(const widened<A>& w) {
  return xsimd::batch<float, A>(_mm_movelh_ps(_mm_cvtpd_ps(w.low), _mm_cvtpd_ps(w.high)));
}
#endif

#if XSIMD_WITH_AVX
template <class A>
requires std::is_base_of_v<xsimd::avx, A> widened<A> widen(const xsimd::batch<float, A>& x) {
  using D = xsimd::batch<double, A>;
  __m256 v = x;
  return {D(_mm256_cvtps_pd(_mm256_castps256_ps128(v))),
          D(_mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)))};
}
template <class A>
requires std::is_base_of_v<xsimd::avx, A> xsimd::batch<float, A> narrow(const widened<A>& w) {
  return xsimd::batch<float, A>(_mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(w.low)),
                                                     _mm256_cvtpd_ps(w.high), 1));
}
#endif

#if XSIMD_WITH_AVX512F
template <class A>
requires std::is_base_of_v<xsimd::avx512f, A> widened<A> widen(const xsimd::batch<float, A>& x) {
  using D = xsimd::batch<double, A>;
  __m512 v = x;
  __m256 low = _mm512_castps512_ps256(v);
  __m256 high = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
  return {D(_mm512_cvtps_pd(low)), D(_mm512_cvtps_pd(high))};
}
template <class A>
requires std::is_base_of_v<xsimd::avx512f, A> xsimd::batch<float, A> narrow(const widened<A>& w) {
  __m256 low = _mm512_cvtpd_ps(w.low);
  __m256 high = _mm512_cvtpd_ps(w.high);
  return xsimd::batch<float, A>(_mm512_castpd_ps(_mm512_insertf64x4(
      _mm512_castpd256_pd512(_mm256_castps_pd(low)), _mm256_castps_pd(high), 1)));
}
#endif

// math(x) for a float batch x, evaluated in double: math runs on each double half and the
// two results are rounded back to one float batch, once. math(x, y) pairs the halves of two
// float batches lane for lane.
template <class A, class Math>
RECTIFY_INLINE xsimd::batch<float, A> evaluate_in_double(const xsimd::batch<float, A>& x,
                                                         Math math) {
  const widened<A> w = widen(x);
  return narrow<A>({math(w.low), math(w.high)});
}
template <class A, class Math>
RECTIFY_INLINE xsimd::batch<float, A> evaluate_in_double(const xsimd::batch<float, A>& x,
                                                         const xsimd::batch<float, A>& y,
                                                         Math math) {
  const widened<A> wx = widen(x);
  const widened<A> wy = widen(y);
  return narrow<A>({math(wx.low, wy.low), math(wx.high, wy.high)});
}

}  // namespace rectify::detail
