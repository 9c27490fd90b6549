// The peer everyone has: a plain loop over std:: math, written the way the formulas read (the
// way people write them by hand, with the usual expm1/log1p where they are the obvious call).
//
// This file is compiled twice (see CMakeLists.txt): once with the benchmark's own flags, defining
// plain_loops<T>(), and once with -O3 -ffast-math, defining fast_math_loops<T>(); under
// -ffast-math glibc's <math.h> declares SIMD variants of expf, erff, tanhf, log1pf... and GCC
// vectorizes the loops with calls into libmvec (_ZGVeN16v_expf and friends).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>

#include "peers.hpp"

#ifndef RECTIFY_BENCH_LOOPS
#error "define RECTIFY_BENCH_LOOPS as plain_loops or fast_math_loops"
#endif

namespace rectify_bench {
namespace {

template <class T>
struct relu_loop {
  static T forward(T x) { return std::max(x, T(0)); }
  static T derivative(T x) { return x > T(0) ? T(1) : T(0); }
};

template <class T, const double& Alpha>
struct leaky_loop {
  static T forward(T x) { return x > T(0) ? x : T(Alpha) * x; }
  static T derivative(T x) { return x > T(0) ? T(1) : T(Alpha); }
};

template <class T>
struct elu_loop {
  static T forward(T x) { return x > T(0) ? x : T(elu_alpha) * std::expm1(x); }
  static T derivative(T x) { return x > T(0) ? T(1) : T(elu_alpha) * std::exp(x); }
};

template <class T>
struct gelu_loop {
  static T forward(T x) { return T(0.5) * x * (T(1) + std::erf(x * T(1 / std::numbers::sqrt2))); }
  static T derivative(T x) {
    const T cdf = T(0.5) * (T(1) + std::erf(x * T(1 / std::numbers::sqrt2)));
    const T pdf = T(std::numbers::inv_sqrtpi / std::numbers::sqrt2) * std::exp(T(-0.5) * x * x);
    return cdf + x * pdf;
  }
};

template <class T>
struct gelu_tanh_loop {
  static constexpr T c = T(0.7978845608028654);  // sqrt(2/pi)
  static T forward(T x) {
    return T(0.5) * x * (T(1) + std::tanh(c * (x + T(0.044715) * x * x * x)));
  }
  static T derivative(T x) {
    const T t = std::tanh(c * (x + T(0.044715) * x * x * x));
    return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * c * (T(1) + T(3 * 0.044715) * x * x);
  }
};

template <class T>
struct silu_loop {
  static T forward(T x) { return x / (T(1) + std::exp(-x)); }
  static T derivative(T x) {
    const T s = T(1) / (T(1) + std::exp(-x));
    return s * (T(1) + x * (T(1) - s));
  }
};

template <class T>
struct mish_loop {
  static T forward(T x) { return x * std::tanh(std::log1p(std::exp(x))); }
  static T derivative(T x) {
    const T t = std::tanh(std::log1p(std::exp(x)));
    const T s = T(1) / (T(1) + std::exp(-x));
    return t + x * s * (T(1) - t * t);
  }
};

template <class T>
struct softplus_loop {
  static T forward(T x) { return std::log1p(std::exp(T(softplus_k) * x)) / T(softplus_k); }
  static T derivative(T x) { return T(1) / (T(1) + std::exp(-T(softplus_k) * x)); }
};

template <class T>
struct squareplus_loop {
  static T forward(T x) { return T(0.5) * (x + std::sqrt(x * x + T(squareplus_b))); }
  static T derivative(T x) { return T(0.5) * (T(1) + x / std::sqrt(x * x + T(squareplus_b))); }
};

template <class T>
struct delu_loop {
  static T forward(T x) { return x > T(delu_xc) ? x : std::expm1(T(delu_a) * x) / T(delu_b); }
  static T derivative(T x) {
    return x > T(delu_xc) ? T(1) : T(delu_a / delu_b) * std::exp(T(delu_a) * x);
  }
};

template <class T, class F>
kernels<T> loops_of() {
  return {[](const T* x, T* y, std::size_t n) {
            for (std::size_t i = 0; i < n; ++i)
              y[i] = F::forward(x[i]);
          },
          [](const T* x, T* d, std::size_t n) {
            for (std::size_t i = 0; i < n; ++i)
              d[i] = F::derivative(x[i]);
          },
          [](const T* x, const T* dy, T* dx, std::size_t n) {
            for (std::size_t i = 0; i < n; ++i)
              dx[i] = dy[i] * F::derivative(x[i]);
          }};
}

// crelu = [relu(x) | relu(-x)], its derivative [H(x) | -H(-x)].
template <class T>
kernels<T> crelu_loops() {
  return {[](const T* x, T* y, std::size_t n) {
            for (std::size_t i = 0; i < n; ++i) {
              y[i] = std::max(x[i], T(0));
              y[n + i] = std::max(-x[i], T(0));
            }
          },
          [](const T* x, T* d, std::size_t n) {
            for (std::size_t i = 0; i < n; ++i) {
              d[i] = x[i] > T(0) ? T(1) : T(0);
              d[n + i] = x[i] < T(0) ? T(-1) : T(0);
            }
          },
          [](const T* x, const T* dy, T* dx, std::size_t n) {
            for (std::size_t i = 0; i < n; ++i)
              dx[i] = x[i] > T(0) ? dy[i] : (x[i] < T(0) ? -dy[n + i] : T(0));
          }};
}

}  // namespace

template <class T>
kernel_table<T> RECTIFY_BENCH_LOOPS() {
  return {{"relu", loops_of<T, relu_loop<T>>()},
          {"leaky_relu", loops_of<T, leaky_loop<T, leaky_alpha>>()},
          {"prelu", loops_of<T, leaky_loop<T, prelu_alpha>>()},
          {"crelu", crelu_loops<T>()},
          {"elu", loops_of<T, elu_loop<T>>()},
          {"gelu", loops_of<T, gelu_loop<T>>()},
          {"gelu_tanh", loops_of<T, gelu_tanh_loop<T>>()},
          {"silu", loops_of<T, silu_loop<T>>()},
          {"mish", loops_of<T, mish_loop<T>>()},
          {"softplus", loops_of<T, softplus_loop<T>>()},
          {"squareplus", loops_of<T, squareplus_loop<T>>()},
          {"delu", loops_of<T, delu_loop<T>>()}};
}

template kernel_table<float> RECTIFY_BENCH_LOOPS<float>();
template kernel_table<double> RECTIFY_BENCH_LOOPS<double>();

}  // namespace rectify_bench
