// Fused multiply-add that really is fused wherever the hardware has it. xsimd 8.1.0 has no
// AVX-512 fma kernel: its generic x*y + z is fused only if the compiler contracts it, which g++
// does not under -std=c++20 (-ffp-contract=off) and clang++ never does for intrinsics. The
// exact-product tricks (two_prod) and the argument reductions rely on the single rounding.
#pragma once

#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace rectify::detail {

// True when A has a hardware fused multiply-add (on plain SSE/AVX xsimd computes a*b + c).
template <class A>
inline constexpr bool has_fused_fma =
    std::is_base_of_v<xsimd::avx512f, A> || std::is_base_of_v<xsimd::fma3<xsimd::avx2>, A> ||
    std::is_base_of_v<xsimd::fma3<xsimd::avx>, A> ||
    std::is_base_of_v<xsimd::fma3<xsimd::sse4_2>, A> || std::is_base_of_v<xsimd::fma4, A>;

// x*y + z
template <class T, class A>
xsimd::batch<T, A> fma(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y,
                       const xsimd::batch<T, A>& z) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, double>) {
    return _mm512_fmadd_pd(x, y, z);
  } else if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, float>) {
    return _mm512_fmadd_ps(x, y, z);
  } else {
    return xsimd::fma(x, y, z);
  }
}
// x*y - z
template <class T, class A>
xsimd::batch<T, A> fms(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y,
                       const xsimd::batch<T, A>& z) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, double>) {
    return _mm512_fmsub_pd(x, y, z);
  } else if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, float>) {
    return _mm512_fmsub_ps(x, y, z);
  } else {
    return xsimd::fms(x, y, z);
  }
}
// -x*y + z
template <class T, class A>
xsimd::batch<T, A> fnma(const xsimd::batch<T, A>& x, const xsimd::batch<T, A>& y,
                        const xsimd::batch<T, A>& z) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, double>) {
    return _mm512_fnmadd_pd(x, y, z);
  } else if constexpr (std::is_base_of_v<xsimd::avx512f, A> && std::is_same_v<T, float>) {
    return _mm512_fnmadd_ps(x, y, z);
  } else {
    return xsimd::fnma(x, y, z);
  }
}

}  // namespace rectify::detail
