// TEMPORARY: float exp/exp_dd/expm1 evaluated through the double kernels, until the native
// float kernels (detail/exp_float.hpp) land.
#pragma once

#include <xsimd/xsimd.hpp>

#include "exp.hpp"
#include "widen.hpp"

namespace rectify::detail {

template <class A, class F>
xsimd::batch<float, A> through_double(const xsimd::batch<float, A>& x, F f) {
  const auto w = widen(x);
  return narrow<A>({f(w.low), f(w.high)});
}
template <class A>
xsimd::batch<float, A> exp(const xsimd::batch<float, A>& x) {
  return through_double(x, [](const auto& v) { return exp(v); });
}
template <class A>
xsimd::batch<float, A> expm1(const xsimd::batch<float, A>& x) {
  return through_double(x, [](const auto& v) { return expm1(v); });
}
template <class A>
xsimd::batch<float, A> exp_dd(const xsimd::batch<float, A>& hi, const xsimd::batch<float, A>& lo) {
  const auto h = widen(hi);
  const auto l = widen(lo);
  return narrow<A>({exp_dd(h.low, l.low), exp_dd(h.high, l.high)});
}

}  // namespace rectify::detail
