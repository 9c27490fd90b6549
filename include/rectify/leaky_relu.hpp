// leaky_relu and prelu: a rectifier with slope alpha below zero.
//
//   f(x)  = x if x > 0, else alpha*x        f'(x) = 1 if x > 0, else alpha   (f'(0) = alpha)
//   prelu: the same with alpha learnable;   df/dalpha = x if x <= 0, else 0
//
// Parameters: leaky_relu(alpha = 0.01), prelu(alpha = 0.25); alpha must be finite.
// Types: float, double. Error: exact (alpha*x is one correctly rounded product). NaN in gives
// NaN out; f(-inf) = -inf*alpha, and 0 when alpha = 0 (not the NaN of inf*0).
//
// prelu_per_channel applies one alpha per channel to a (channels x inner) row-major layout and
// its backward also returns dL/dalpha for every channel.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <xsimd/xsimd.hpp>

#include "detail/activation.hpp"
#include "detail/inline.hpp"
#include "detail/params.hpp"
#include "kernels.hpp"

namespace rectify {

template <class T>
class leaky_relu : public detail::activation<leaky_relu<T>, T> {
 public:
  explicit leaky_relu(T alpha = T(0.01)) : leaky_relu(alpha, "leaky_relu") {}

  T alpha() const { return alpha_; }

  template <class B>
  RECTIFY_INLINE B forward_math(const B& x) const {
    return xsimd::select(x > B(0), x, scaled(x));
  }
  template <class B>
  RECTIFY_INLINE B derivative_math(const B& x) const {
    return xsimd::select(x > B(0), B(1), xsimd::select(x <= B(0), B(alpha_), x));
  }

 protected:
  leaky_relu(T alpha, std::string_view name)
      : alpha_(detail::require_finite(name, "alpha", alpha)) {}

 private:
  // alpha*x, with 0*(-inf) taken as 0 rather than NaN.
  template <class B>
  RECTIFY_INLINE B scaled(const B& x) const {
    return alpha_ == T(0) ? xsimd::select(x <= B(0), B(0), x) : B(alpha_) * x;
  }
  T alpha_;
};

template <class T>
class prelu : public leaky_relu<T> {
 public:
  explicit prelu(T alpha = T(0.25)) : leaky_relu<T>(alpha, "prelu") {}

  // df/dalpha at x: x where x <= 0, else 0 (NaN for NaN).
  template <class B>
  RECTIFY_INLINE B alpha_derivative_math(const B& x) const {
    return xsimd::select(x > B(0), B(0), x);
  }
  template <class A>
  xsimd::batch<T, A> alpha_derivative(const xsimd::batch<T, A>& x) const {
    return alpha_derivative_math(x);
  }
  T alpha_derivative(T x) const { return alpha_derivative(xsimd::batch<T>(x)).get(0); }
};

// One alpha per channel over x laid out as channels x inner (element i is in channel
// i / inner, inner = x.size() / alpha.size()). It views alpha, which a trainer may update in
// place between calls; every call checks that each alpha is finite.
template <class T>
class prelu_per_channel {
 public:
  using value_type = T;
  explicit prelu_per_channel(std::span<const T> alpha) : alpha_(alpha) {
    if (alpha_.empty())
      detail::fail("prelu_per_channel: alpha is empty, expected one per channel");
  }
  std::span<const T> alpha() const { return alpha_; }
  std::size_t channels() const { return alpha_.size(); }

  // Elements per channel for an input of n elements; throws unless n is a multiple.
  std::size_t inner(std::string_view kernel, std::size_t n) const {
    if (n % alpha_.size() != 0) {
      detail::fail(std::string(kernel) + ": x has " + std::to_string(n) +
                   " elements, not a multiple of the " + std::to_string(alpha_.size()) +
                   " channels of alpha");
    }
    return n / alpha_.size();
  }
  prelu<T> channel(std::size_t c) const { return prelu<T>(alpha_[c]); }

 private:
  std::span<const T> alpha_;
};

template <class Arch = xsimd::default_arch, class T>
void forward(const prelu_per_channel<T>& f, std::span<const std::type_identity_t<T>> x,
             std::span<std::type_identity_t<T>> y) {
  detail::require_size("forward", "y", y.size(), x.size());
  detail::require_no_partial_overlap<T>("forward", "y", y, "x", x);
  const std::size_t inner = f.inner("forward", x.size());
  for (std::size_t c = 0; c < f.channels(); ++c) {
    forward<Arch>(f.channel(c), x.subspan(c * inner, inner), y.subspan(c * inner, inner));
  }
}

template <class Arch = xsimd::default_arch, class T>
void derivative(const prelu_per_channel<T>& f, std::span<const std::type_identity_t<T>> x,
                std::span<std::type_identity_t<T>> d) {
  detail::require_size("derivative", "d", d.size(), x.size());
  detail::require_no_partial_overlap<T>("derivative", "d", d, "x", x);
  const std::size_t inner = f.inner("derivative", x.size());
  for (std::size_t c = 0; c < f.channels(); ++c) {
    derivative<Arch>(f.channel(c), x.subspan(c * inner, inner), d.subspan(c * inner, inner));
  }
}

// dx[i] = dy[i] * f'(x[i]);  dalpha[c] = sum over channel c of dy[i] * df/dalpha(x[i]).
template <class Arch = xsimd::default_arch, class T>
void backward(const prelu_per_channel<T>& f, std::span<const std::type_identity_t<T>> x,
              std::span<const std::type_identity_t<T>> dy, std::span<std::type_identity_t<T>> dx,
              std::span<std::type_identity_t<T>> dalpha) {
  using B = xsimd::batch<T, Arch>;
  detail::require_size("backward", "dy", dy.size(), x.size());
  detail::require_size("backward", "dx", dx.size(), x.size());
  detail::require_size("backward", "dalpha", dalpha.size(), f.channels());
  detail::require_no_partial_overlap<T>("backward", "dx", dx, "x", x);
  detail::require_no_partial_overlap<T>("backward", "dx", dx, "dy", dy);
  detail::require_no_partial_overlap<T>("backward", "dalpha", dalpha, "x", x);
  detail::require_no_partial_overlap<T>("backward", "dalpha", dalpha, "dy", dy);
  const std::size_t inner = f.inner("backward", x.size());
  for (std::size_t c = 0; c < f.channels(); ++c) {
    const prelu<T> p = f.channel(c);
    const std::size_t at = c * inner;
    // The zero padding of a partial batch adds dy*x = 0*0 to the sums. Infinite and NaN terms
    // are summed apart from the finite ones: the sum is theirs when there are any (+inf and
    // -inf give NaN), and finite terms whose partial sums overflow cannot turn an infinite sum
    // into inf - inf = NaN.
    B sum(0);
    B special(0);
    detail::for_each_batch<Arch, T, 2, 1>(inner, {x.data() + at, dy.data() + at}, {dx.data() + at},
                                          [&p, &sum, &special](const B& xb, const B& dyb) {
                                            const B term = dyb * p.alpha_derivative_math(xb);
                                            const auto finite = xsimd::isfinite(term);
                                            sum += xsimd::select(finite, term, B(0));
                                            special += xsimd::select(finite, B(0), term);
                                            return std::array<B, 1>{dyb * p.derivative(xb)};
                                          });
    const T special_sum = xsimd::hadd(special);
    dalpha[c] = special_sum == T(0) ? xsimd::hadd(sum) : special_sum;
  }
}

}  // namespace rectify
