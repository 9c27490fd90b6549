// Error-free transformations: a value carried as an unevaluated sum hi + lo, so that an argument
// such as x*x/2 or k*x reaches exp() exactly. Where exp(-t) or sigmoid(t) is evaluated at a
// large |t|, a relative error e in t becomes |t|*e in the result (700 ULP at t = 700); carrying
// t's rounding error in lo removes that amplification.
#pragma once

#include <xsimd/xsimd.hpp>

#include "fma.hpp"

namespace rectify::detail {

template <class B>
struct double_double {
  B hi;
  B lo;
};

// a*b exactly as hi + lo (for finite products that neither overflow nor underflow).
template <class A>
double_double<xsimd::batch<double, A>> two_prod(const xsimd::batch<double, A>& a,
                                                const xsimd::batch<double, A>& b) {
  using B = xsimd::batch<double, A>;
  B hi = a * b;
  if constexpr (has_fused_fma<A>) {
    return {hi, detail::fms(a, b, hi)};
  } else {
    // Dekker's product: split each factor into 26-bit halves (Veltkamp), whose partial
    // products are exact in double. The split constant is 2^27 + 1.
    const B split(134217729.0);
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
