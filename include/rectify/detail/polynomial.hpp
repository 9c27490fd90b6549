// Polynomial evaluation on xsimd batches.
#pragma once

#include <xsimd/xsimd.hpp>

#include "fma.hpp"
#include "inline.hpp"

namespace rectify::detail {

// c_n x^n + ... + c_1 x + c_0 by Horner's rule, coefficients from the highest down: one fma per
// coefficient, each rounding once, all in one dependency chain (long polynomials split into
// pieces evaluated side by side: see normal_cdf.hpp).
template <class T, class A, class... Lower>
RECTIFY_INLINE xsimd::batch<T, A> horner(const xsimd::batch<T, A>& x, T highest, Lower... lower) {
  using B = xsimd::batch<T, A>;
  B p(highest);
  ((p = detail::fma(p, x, B(T(lower)))), ...);
  return p;
}

}  // namespace rectify::detail
