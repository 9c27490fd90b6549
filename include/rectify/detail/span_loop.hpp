// The one loop behind every span kernel. It walks n elements in batches of the arch's width;
// the last partial batch is copied into a zero-padded buffer, computed by the same batch code
// and copied back, so an element's bits never depend on its position, the span's length or
// its alignment. All inputs of a batch are loaded before any output is stored, which is what
// makes exact in-place use (output == input) safe.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <xsimd/xsimd.hpp>

#include "error.hpp"
#include "inline.hpp"

namespace rectify::detail {

// op(batch...) takes one batch per input and returns std::array<batch, NO>. op is called from
// one place only, for full and partial batches alike: with a second call for the tail, GCC kept
// large bodies as calls (measured: float elu' and gelu' 1.3-1.6x slower). The partial last batch
// is copied to zero-padded local buffers before the loop and its results copied out after it, and
// the loop only switches pointers for it: no call (a memcpy) inside the loop, where it would
// clobber every vector register and leave the functor's constants in memory, reloaded for every
// batch (float leaky_relu forward 1.33x faster without). With out the same memory as an input
// (in place), the tail is still read before it is written. in and out are taken by value, so
// that the loop's stores cannot be thought to change them.
template <class A, class T, std::size_t NI, std::size_t NO, class Op>
void for_each_batch(std::size_t n, const std::array<const T*, NI> in, const std::array<T*, NO> out,
                    Op&& op) {
  using B = xsimd::batch<T, A>;
  constexpr std::size_t width = B::size;
  // A local copy of op (a small functor): the stores to out cannot alias it, so its parameters
  // stay in registers instead of being reloaded, and re-derived, for every batch.
  const std::decay_t<Op> local_op(op);
  auto run = [&local_op]<std::size_t... I>(const std::array<B, NI>& x, std::index_sequence<I...>)
      RECTIFY_INLINE_LAMBDA {
    return local_op(x[I]...);
  };
  const std::size_t full_end = n - n % width;
  const std::size_t rest = n - full_end;
  alignas(A::alignment()) std::array<std::array<T, width>, NI> tail_in{};
  alignas(A::alignment()) std::array<std::array<T, width>, NO> tail_out{};
  for (std::size_t k = 0; k < NI; ++k)
    std::copy_n(in[k] + full_end, rest, tail_in[k].data());
  for (std::size_t i = 0; i < n; i += width) {
    const bool full = i < full_end;
    std::array<B, NI> x;
    for (std::size_t k = 0; k < NI; ++k)
      x[k] = B::load_unaligned(full ? in[k] + i : tail_in[k].data());
    const std::array<B, NO> y = run(x, std::make_index_sequence<NI>{});
    for (std::size_t k = 0; k < NO; ++k)
      y[k].store_unaligned(full ? out[k] + i : tail_out[k].data());
  }
  for (std::size_t k = 0; k < NO; ++k)
    std::copy_n(tail_out[k].data(), rest, out[k] + full_end);
}

// Argument checks of the span kernels.
inline void require_size(std::string_view kernel, std::string_view name, std::size_t size,
                         std::size_t expected) {
  if (size != expected) {
    fail(std::string(kernel) + ": " + std::string(name) + " has " + std::to_string(size) +
         " elements, expected " + std::to_string(expected));
  }
}

// An output may be exactly an input (in place) or disjoint from it; anything in between would
// read values the loop has already overwritten.
template <class T>
void require_no_partial_overlap(std::string_view kernel, std::string_view out_name,
                                std::span<const T> out, std::string_view in_name,
                                std::span<const T> in) {
  if (out.empty() || in.empty())
    return;
  const auto* out_begin = out.data();
  const auto* in_begin = in.data();
  const bool disjoint = std::less_equal<>{}(out_begin + out.size(), in_begin) ||
                        std::less_equal<>{}(in_begin + in.size(), out_begin);
  const bool same = out_begin == in_begin && out.size() == in.size();
  if (!disjoint && !same) {
    fail(std::string(kernel) + ": " + std::string(out_name) + " (" + std::to_string(out.size()) +
         " elements) partly overlaps " + std::string(in_name) + " (" + std::to_string(in.size()) +
         " elements); outputs must be the same memory as an input "
         "or not overlap it");
  }
}

}  // namespace rectify::detail
