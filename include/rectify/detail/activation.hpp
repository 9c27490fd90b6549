// The common face of every functor: forward value and derivative on a scalar and on any
// xsimd::batch. A functor writes its math once, as
//
//   template <class B> B forward_math(const B& x) const;     // B = batch<double, A> at least
//   template <class B> B derivative_math(const B& x) const;
//
// and this base turns it into the public calls:
// - a batch<T, A> whose math accepts batch<T, A> runs it directly (the piecewise-linear
//   functions are exact in any type);
// - a float batch whose math is written for double only is widened to two double batches,
//   computed and rounded once (see widen.hpp);
// - a scalar call broadcasts x into a batch of the default arch and reads lane 0, so it runs
//   the very code the span kernels run and gives the same bits.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "inline.hpp"
#include "widen.hpp"

namespace rectify::detail {

template <class F, class B>
concept has_forward_math_for = requires(const F& f, const B& x) {
  f.forward_math(x);
};

template <class Derived, class T>
class activation {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "rectify functors are defined for float and double");

 public:
  using value_type = T;
  // How many values the forward produces per input (crelu: 2).
  static constexpr std::size_t outputs = 1;

  template <class A>
  RECTIFY_INLINE xsimd::batch<T, A> operator()(const xsimd::batch<T, A>& x) const {
    return apply(x, [this](const auto& v) RECTIFY_INLINE_LAMBDA { return self().forward_math(v); });
  }
  T operator()(T x) const { return (*this)(xsimd::batch<T>(x)).get(0); }

  template <class A>
  RECTIFY_INLINE xsimd::batch<T, A> derivative(const xsimd::batch<T, A>& x) const {
    return apply(x,
                 [this](const auto& v) RECTIFY_INLINE_LAMBDA { return self().derivative_math(v); });
  }
  T derivative(T x) const { return derivative(xsimd::batch<T>(x)).get(0); }

 private:
  RECTIFY_INLINE const Derived& self() const { return static_cast<const Derived&>(*this); }

  template <class A, class Math>
  RECTIFY_INLINE xsimd::batch<T, A> apply(const xsimd::batch<T, A>& x, Math math) const {
    if constexpr (has_forward_math_for<Derived, xsimd::batch<T, A>>) {
      return math(x);
    } else {
      static_assert(std::is_same_v<T, float>, "the math must accept batch<double, A>");
      return evaluate_in_double(x, math);
    }
  }
};

}  // namespace rectify::detail
