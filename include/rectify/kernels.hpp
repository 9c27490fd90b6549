// The span kernels, written once for every functor:
//
//   rectify::forward(f, x, y);          y[i]  = f(x[i])
//   rectify::derivative(f, x, d);       d[i]  = f'(x[i])
//   rectify::backward(f, x, dy, dx);    dx[i] = dy[i] * f'(x[i])
//
// Any length and alignment; an output may be the very same memory as an input. A functor whose
// forward yields several values per input (crelu: 2) writes them as consecutive blocks of n:
// y = [f_0(x) | f_1(x)], d likewise, and backward takes dy = [dy_0 | dy_1] and writes
// dx = dy_0 * f_0'(x) + dy_1 * f_1'(x). The arch is xsimd::default_arch (from the compiler's
// -m/-march flags) unless given: rectify::forward<xsimd::avx2>(f, x, y).
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <utility>

#include <xsimd/xsimd.hpp>

#include "detail/inline.hpp"
#include "detail/span_loop.hpp"

namespace rectify {

namespace detail {

// The functor's forward (or derivative) as an array of its outputs, whatever their number.
template <class F, class B>
RECTIFY_INLINE std::array<B, F::outputs> forward_outputs(const F& f, const B& x) {
  if constexpr (F::outputs == 1) {
    return {f(x)};
  } else {
    return f(x);
  }
}
template <class F, class B>
RECTIFY_INLINE std::array<B, F::outputs> derivative_outputs(const F& f, const B& x) {
  if constexpr (F::outputs == 1) {
    return {f.derivative(x)};
  } else {
    return f.derivative(x);
  }
}

// Pointers to the F::outputs consecutive blocks of n elements of `all`.
template <std::size_t N, class T>
std::array<T*, N> blocks(std::span<T> all, std::size_t n) {
  std::array<T*, N> p{};
  for (std::size_t k = 0; k < N; ++k)
    p[k] = all.data() + k * n;
  return p;
}

}  // namespace detail

namespace detail {

// forward and derivative: out = [g_0(x) | g_1(x) | ...] for the F::outputs values of g.
template <class Arch, class F, class G>
void map_outputs(std::string_view kernel, std::string_view out_name, const F& f,
                 std::span<const typename F::value_type> x, std::span<typename F::value_type> out,
                 G g) {
  using T = typename F::value_type;
  constexpr std::size_t m = F::outputs;
  const std::size_t n = x.size();
  require_size(kernel, out_name, out.size(), m * n);
  for (std::size_t k = 0; k < m; ++k) {
    require_no_partial_overlap<T>(kernel, out_name, out.subspan(k * n, n), "x", x);
  }
  // f is captured by copy; for_each_batch keeps its own copy of the lambda, which no store of
  // the loop can touch, so f's parameters stay in registers (detail/span_loop.hpp).
  for_each_batch<Arch, T, 1, m>(n, {x.data()}, blocks<m>(out, n),
                                [f, &g](const xsimd::batch<T, Arch>& v)
                                    RECTIFY_INLINE_LAMBDA { return g(f, v); });
}

}  // namespace detail

template <class Arch = xsimd::default_arch, class F>
void forward(const F& f, std::span<const typename F::value_type> x,
             std::span<typename F::value_type> y) {
  detail::map_outputs<Arch>("forward", "y", f, x, y,
                            [](const F& g, const auto& v)
                                RECTIFY_INLINE_LAMBDA { return detail::forward_outputs(g, v); });
}

template <class Arch = xsimd::default_arch, class F>
void derivative(const F& f, std::span<const typename F::value_type> x,
                std::span<typename F::value_type> d) {
  detail::map_outputs<Arch>("derivative", "d", f, x, d,
                            [](const F& g, const auto& v)
                                RECTIFY_INLINE_LAMBDA { return detail::derivative_outputs(g, v); });
}

template <class Arch = xsimd::default_arch, class F>
void backward(const F& f, std::span<const typename F::value_type> x,
              std::span<const typename F::value_type> dy, std::span<typename F::value_type> dx) {
  using T = typename F::value_type;
  using B = xsimd::batch<T, Arch>;
  constexpr std::size_t m = F::outputs;
  const std::size_t n = x.size();
  detail::require_size("backward", "dy", dy.size(), m * n);
  detail::require_size("backward", "dx", dx.size(), n);
  detail::require_no_partial_overlap<T>("backward", "dx", dx, "x", x);
  for (std::size_t k = 0; k < m; ++k) {
    detail::require_no_partial_overlap<T>("backward", "dx", dx, "dy", dy.subspan(k * n, n));
  }
  std::array<const T*, m + 1> in{};
  in[0] = x.data();
  for (std::size_t k = 0; k < m; ++k)
    in[k + 1] = dy.data() + k * n;
  detail::for_each_batch<Arch, T, m + 1, 1>(
      n, in, {dx.data()},
      [f](const B& v, const auto&... upstream) RECTIFY_INLINE_LAMBDA {  // f copied: see map_outputs
        const std::array<B, m> dy_k{upstream...};
        const std::array<B, m> d = detail::derivative_outputs(f, v);
        B sum = dy_k[0] * d[0];
        for (std::size_t k = 1; k < m; ++k)
          sum += dy_k[k] * d[k];
        return std::array<B, 1>{sum};
      });
}

}  // namespace rectify
