// A quick estimate of 1/sqrt(v) for float and double batches: the x86 approximation instructions
// (relative error below 2^-11 with SSE/AVX, 2^-14 with AVX-512), for corrections whose own size is
// a rounding error, so that the estimate's error is a further 2^-11 of that. Not xsimd::rsqrt:
// xsimd 8.1 implements it on AVX-512 by vrsqrt28ps, an AVX-512ER instruction that common
// AVX-512 CPUs do not have. Other archs: 1/sqrt(v), exact enough and slower.
#pragma once

#include <xsimd/xsimd.hpp>

#include "fma.hpp"
#include "inline.hpp"

namespace rectify::detail {

template <class A>
RECTIFY_INLINE xsimd::batch<float, A> rsqrt_estimate(const xsimd::batch<float, A>& v) {
  if constexpr (is_avx512<A>)
    return _mm512_rsqrt14_ps(v);
  else if constexpr (is_avx<A>)
    return _mm256_rsqrt_ps(v);
  else if constexpr (is_sse<A>)
    return _mm_rsqrt_ps(v);
  else
    return xsimd::batch<float, A>(1.0f) / xsimd::sqrt(v);
}

// The same for double batches, for v within float's normal range: through float on SSE/AVX, whose
// estimate has no double form, and vrsqrt14pd on AVX-512.
template <class A>
RECTIFY_INLINE xsimd::batch<double, A> rsqrt_estimate(const xsimd::batch<double, A>& v) {
  if constexpr (is_avx512<A>)
    return _mm512_rsqrt14_pd(v);
  else if constexpr (is_avx<A>)
    return _mm256_cvtps_pd(_mm_rsqrt_ps(_mm256_cvtpd_ps(v)));
  else if constexpr (is_sse<A>)
    return _mm_cvtps_pd(_mm_rsqrt_ps(_mm_cvtpd_ps(v)));
  else
    return xsimd::batch<double, A>(1.0) / xsimd::sqrt(v);
}

}  // namespace rectify::detail
