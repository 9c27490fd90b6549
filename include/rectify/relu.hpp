// relu and crelu: the rectifier and its concatenated form.
//
//   relu(x)  = x if x > 0, else 0          relu'(x)  = 1 if x > 0, else 0   (relu'(0) = 0)
//   crelu(x) = [relu(x), relu(-x)]          crelu'(x) = [H(x), -H(-x)],  H(t) = 1 if t > 0 else 0
//
// Types: float, double. Error: exact (0 ULP) everywhere. NaN in gives NaN out, in the value and
// in the derivative; relu(-inf) = 0, relu(+inf) = +inf. The comparisons are written so that NaN
// takes the pass-through branch: a plain SIMD max(0, x) returns 0 for NaN on x86.
#pragma once

#include <array>

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/inline.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class relu : public detail::activation<relu<T>, T> {
 public:
  template <class B>
  RECTIFY_INLINE B forward_math(const B& x) const {
    return xsimd::select(x <= B(0), B(0), x);
  }
  template <class B>
  RECTIFY_INLINE B derivative_math(const B& x) const {
    return xsimd::select(x > B(0), B(1), xsimd::select(x <= B(0), B(0), x));
  }
};

// crelu keeps both phases: its forward is the pair [relu(x), relu(-x)], so span kernels write
// 2n values for n inputs (see kernels.hpp) and backward takes 2n upstream gradients.
template <class T>
class crelu {
 public:
  using value_type = T;
  static constexpr std::size_t outputs = 2;

  template <class A>
  RECTIFY_INLINE std::array<xsimd::batch<T, A>, 2> operator()(const xsimd::batch<T, A>& x) const {
    return {positive_.forward_math(x), positive_.forward_math(-x)};
  }
  std::array<T, 2> operator()(T x) const { return first_lanes((*this)(xsimd::batch<T>(x))); }

  template <class A>
  RECTIFY_INLINE std::array<xsimd::batch<T, A>, 2> derivative(const xsimd::batch<T, A>& x) const {
    return {positive_.derivative_math(x), -positive_.derivative_math(-x)};
  }
  std::array<T, 2> derivative(T x) const { return first_lanes(derivative(xsimd::batch<T>(x))); }

 private:
  static std::array<T, 2> first_lanes(const std::array<xsimd::batch<T>, 2>& b) {
    return {b[0].get(0), b[1].get(0)};
  }
  relu<T> positive_;
};

}  // namespace rectify
