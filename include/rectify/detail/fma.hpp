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
template <class A>
xsimd::batch<double, A> fma(const xsimd::batch<double, A>& x, const xsimd::batch<double, A>& y,
                            const xsimd::batch<double, A>& z) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
    return _mm512_fmadd_pd(x, y, z);
  } else {
    return xsimd::fma(x, y, z);
  }
}
// x*y - z
template <class A>
xsimd::batch<double, A> fms(const xsimd::batch<double, A>& x, const xsimd::batch<double, A>& y,
                            const xsimd::batch<double, A>& z) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
    return _mm512_fmsub_pd(x, y, z);
  } else {
    return xsimd::fms(x, y, z);
  }
}
// -x*y + z
template <class A>
xsimd::batch<double, A> fnma(const xsimd::batch<double, A>& x, const xsimd::batch<double, A>& y,
                             const xsimd::batch<double, A>& z) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
    return _mm512_fnmadd_pd(x, y, z);
  } else {
    return xsimd::fnma(x, y, z);
  }
}

}  // namespace rectify::detail
