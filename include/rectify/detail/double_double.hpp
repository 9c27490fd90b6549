// Error-free transformations (in float or double): a value carried as an unevaluated sum hi + lo,
// so that an argument such as x*x/2 or k*x reaches exp() exactly. Where exp(-t) or sigmoid(t) is
// evaluated at a large |t|, a relative error e in t becomes |t|*e in the result (700 ULP at t =
// 700); carrying t's rounding error in lo removes that amplification.
#pragma once

#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "fma.hpp"

namespace rectify::detail {

template <class B>
struct double_double {
  B hi;
  B lo;
};

// a*b exactly as hi + lo (for finite products that neither overflow nor underflow).
template <class T, class A>
double_double<xsimd::batch<T, A>> two_prod(const xsimd::batch<T, A>& a,
                                           const xsimd::batch<T, A>& b) {
  using B = xsimd::batch<T, A>;
  B hi = a * b;
  if constexpr (has_fused_fma<A>) {
    return {hi, detail::fms(a, b, hi)};
  } else {
    // Dekker's product: split each factor into halves (Veltkamp), whose partial products are
    // exact. The split constant is 2^27 + 1 for double, 2^12 + 1 for float.
    const B split(std::is_same_v<T, double> ? T(134217729.0) : T(4097.0));
    B ta = split * a;
    B a_hi = ta - (ta - a);
    B a_lo = a - a_hi;
    B tb = split * b;
    B b_hi = tb - (tb - b);
    B b_lo = b - b_hi;
    B err = ((a_hi * b_hi - hi) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo;
    return {hi, err};
  }
}

// a + b exactly as hi + lo (Knuth's two-sum, no ordering required).
template <class B>
double_double<B> two_sum(const B& a, const B& b) {
  B s = a + b;
  B bb = s - a;
  B err = (a - (s - bb)) + (b - bb);
  return {s, err};
}

}  // namespace rectify::detail
