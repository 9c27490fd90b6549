// Fused multiply-add that really is fused wherever the hardware has it. xsimd 8.1.0 has no
// AVX-512 fma kernel, and on its SSE/AVX archs fma is x*y + z, which the compiler may or may not
// contract when the build enables FMA (-mfma): the exact-product tricks (two_prod) and the
// argument reductions need to know which. So: the AVX-512 intrinsics on AVX-512; the FMA3
// intrinsics on the 128- and 256-bit archs whenever the build has FMA (__FMA__), so a kernel
// for an older arch called explicitly in an FMA build is fused too, never half-contracted; and
// xsimd's x*y + z, with no fusing possible, in builds without FMA.
#pragma once

#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace rectify::detail {

#if defined(__FMA__)
inline constexpr bool build_has_fma = true;
#else
inline constexpr bool build_has_fma = false;
#endif

template <class A>
inline constexpr bool is_avx512 = std::is_base_of_v<xsimd::avx512f, A>;
template <class A>
inline constexpr bool is_avx = std::is_base_of_v<xsimd::avx, A>;
template <class A>
inline constexpr bool is_sse = std::is_base_of_v<xsimd::sse2, A>;

// True when fma, fms and fnma below round once on arch A.
template <class A>
inline constexpr bool has_fused_fma =
    is_avx512<A> ||
    (build_has_fma && (is_avx<A> || is_sse<A>)) || std::is_base_of_v<xsimd::fma3<xsimd::avx2>, A> ||
    std::is_base_of_v<xsimd::fma3<xsimd::avx>, A> ||
    std::is_base_of_v<xsimd::fma3<xsimd::sse4_2>, A> || std::is_base_of_v<xsimd::fma4, A>;

// x*y + z
template <class T, class A>
inline xsimd::batch<T, A> fma(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y,
                              const xsimd::batch<T, A>& z) {
  constexpr bool d = std::is_same_v<T, double>;
  if constexpr (is_avx512<A>) {
    if constexpr (d)
      return _mm512_fmadd_pd(x, y, z);
    else
      return _mm512_fmadd_ps(x, y, z);
#if defined(__FMA__)
  } else if constexpr (is_avx<A>) {
    if constexpr (d)
      return _mm256_fmadd_pd(x, y, z);
    else
      return _mm256_fmadd_ps(x, y, z);
  } else if constexpr (is_sse<A>) {
    if constexpr (d)
      return _mm_fmadd_pd(x, y, z);
    else
      return _mm_fmadd_ps(x, y, z);
#endif
  } else {
    return xsimd::fma(x, y, z);
  }
}
// x*y - z
template <class T, class A>
inline xsimd::batch<T, A> fms(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y,
                              const xsimd::batch<T, A>& z) {
  constexpr bool d = std::is_same_v<T, double>;
  if constexpr (is_avx512<A>) {
    if constexpr (d)
      return _mm512_fmsub_pd(x, y, z);
    else
      return _mm512_fmsub_ps(x, y, z);
#if defined(__FMA__)
  } else if constexpr (is_avx<A>) {
    if constexpr (d)
      return _mm256_fmsub_pd(x, y, z);
    else
      return _mm256_fmsub_ps(x, y, z);
  } else if constexpr (is_sse<A>) {
    if constexpr (d)
      return _mm_fmsub_pd(x, y, z);
    else
      return _mm_fmsub_ps(x, y, z);
#endif
  } else {
    return xsimd::fms(x, y, z);
  }
}
// -x*y + z
template <class T, class A>
inline xsimd::batch<T, A> fnma(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y,
                               const xsimd::batch<T, A>& z) {
  constexpr bool d = std::is_same_v<T, double>;
  if constexpr (is_avx512<A>) {
    if constexpr (d)
      return _mm512_fnmadd_pd(x, y, z);
    else
      return _mm512_fnmadd_ps(x, y, z);
#if defined(__FMA__)
  } else if constexpr (is_avx<A>) {
    if constexpr (d)
      return _mm256_fnmadd_pd(x, y, z);
    else
      return _mm256_fnmadd_ps(x, y, z);
  } else if constexpr (is_sse<A>) {
    if constexpr (d)
      return _mm_fnmadd_pd(x, y, z);
    else
      return _mm_fnmadd_ps(x, y, z);
#endif
  } else {
    return xsimd::fnma(x, y, z);
  }
}

}  // namespace rectify::detail
