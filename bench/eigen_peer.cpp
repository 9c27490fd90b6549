// The Eigen 3.4 peer: each function as an array expression over Maps of the caller's buffers, so
// Eigen's own packet math (exp, expm1, log1p, tanh, erf, sqrt, logistic) does the work. Eigen
// vectorizes some of these for float only (tanh, erf) and falls back to std:: for double: that
// is what a user of Eigen gets, so it is what we measure.
#include <cstddef>
#include <numbers>

#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>  // erf() on arrays

#include "peers.hpp"

namespace rectify_bench {
namespace {

template <class T>
using array = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T>
using input = Eigen::Map<const array<T>>;
template <class T>
using output = Eigen::Map<array<T>>;

// F::forward(x) and F::derivative(x) return expressions over the Map x (which outlives them);
// assigning one to an output Map evaluates it in one vectorized pass.
template <class T, class F>
kernels<T> expressions_of() {
  return {[](const T* x, T* y, std::size_t n) {
            const auto size = static_cast<Eigen::Index>(n);
            output<T>(y, size) = F::forward(input<T>(x, size));
          },
          [](const T* x, T* d, std::size_t n) {
            const auto size = static_cast<Eigen::Index>(n);
            output<T>(d, size) = F::derivative(input<T>(x, size));
          },
          [](const T* x, const T* dy, T* dx, std::size_t n) {
            const auto size = static_cast<Eigen::Index>(n);
            output<T>(dx, size) = input<T>(dy, size) * F::derivative(input<T>(x, size));
          }};
}

template <class T>
struct relu_expr {
  static auto forward(const input<T>& x) { return x.max(T(0)); }
  static auto derivative(const input<T>& x) { return (x > T(0)).select(T(1), x * T(0)); }
};

template <class T, const double& Alpha>
struct leaky_expr {
  static auto forward(const input<T>& x) { return (x > T(0)).select(x, x * T(Alpha)); }
  static auto derivative(const input<T>& x) { return (x > T(0)).select(T(1), x * T(0) + T(Alpha)); }
};

template <class T>
struct elu_expr {
  static auto forward(const input<T>& x) { return (x > T(0)).select(x, x.expm1() * T(elu_alpha)); }
  static auto derivative(const input<T>& x) {
    return (x > T(0)).select(T(1), x.exp() * T(elu_alpha));
  }
};

template <class T>
struct gelu_expr {
  static auto forward(const input<T>& x) {
    return x * T(0.5) * ((x * T(1 / std::numbers::sqrt2)).erf() + T(1));
  }
  static auto derivative(const input<T>& x) {
    return ((x * T(1 / std::numbers::sqrt2)).erf() + T(1)) * T(0.5) +
           x * (x.square() * T(-0.5)).exp() * T(std::numbers::inv_sqrtpi / std::numbers::sqrt2);
  }
};

template <class T>
struct gelu_tanh_expr {
  static constexpr T c = T(0.7978845608028654);  // sqrt(2/pi)
  static auto t(const input<T>& x) { return ((x + x.cube() * T(0.044715)) * c).tanh(); }
  static auto forward(const input<T>& x) { return x * T(0.5) * (t(x) + T(1)); }
  static auto derivative(const input<T>& x) {
    return (t(x) + T(1)) * T(0.5) +
           x * T(0.5) * (T(1) - t(x).square()) * c * (x.square() * T(3 * 0.044715) + T(1));
  }
};

template <class T>
struct silu_expr {
  static auto forward(const input<T>& x) { return x * x.logistic(); }
  static auto derivative(const input<T>& x) {
    return x.logistic() * (x * (T(1) - x.logistic()) + T(1));
  }
};

template <class T>
struct mish_expr {
  static auto t(const input<T>& x) { return x.exp().log1p().tanh(); }
  static auto forward(const input<T>& x) { return x * t(x); }
  static auto derivative(const input<T>& x) {
    return t(x) + x * x.logistic() * (T(1) - t(x).square());
  }
};

template <class T>
struct softplus_expr {
  static auto forward(const input<T>& x) {
    return (x * T(softplus_k)).exp().log1p() * T(1 / softplus_k);
  }
  static auto derivative(const input<T>& x) { return (x * T(softplus_k)).logistic(); }
};

template <class T>
struct squareplus_expr {
  static auto forward(const input<T>& x) {
    return (x + (x.square() + T(squareplus_b)).sqrt()) * T(0.5);
  }
  static auto derivative(const input<T>& x) {
    return (x / (x.square() + T(squareplus_b)).sqrt() + T(1)) * T(0.5);
  }
};

template <class T>
struct delu_expr {
  static auto forward(const input<T>& x) {
    return (x > T(delu_xc)).select(x, (x * T(delu_a)).expm1() * T(1 / delu_b));
  }
  static auto derivative(const input<T>& x) {
    return (x > T(delu_xc)).select(T(1), (x * T(delu_a)).exp() * T(delu_a / delu_b));
  }
};

// crelu's two blocks are two expressions written into the two halves of the output.
template <class T>
kernels<T> crelu_expressions() {
  return {[](const T* x, T* y, std::size_t n) {
            const auto size = static_cast<Eigen::Index>(n);
            const input<T> in(x, size);
            output<T>(y, size) = in.max(T(0));
            output<T>(y + n, size) = (-in).max(T(0));
          },
          [](const T* x, T* d, std::size_t n) {
            const auto size = static_cast<Eigen::Index>(n);
            const input<T> in(x, size);
            output<T>(d, size) = (in > T(0)).select(T(1), in * T(0));
            output<T>(d + n, size) = (in < T(0)).select(T(-1), in * T(0));
          },
          [](const T* x, const T* dy, T* dx, std::size_t n) {
            const auto size = static_cast<Eigen::Index>(n);
            const input<T> in(x, size);
            output<T>(dx, size) = (in > T(0)).select(input<T>(dy, size), T(0)) -
                                  (in < T(0)).select(input<T>(dy + n, size), T(0));
          }};
}

}  // namespace

template <class T>
kernel_table<T> eigen_kernels() {
  return {{"relu", expressions_of<T, relu_expr<T>>()},
          {"leaky_relu", expressions_of<T, leaky_expr<T, leaky_alpha>>()},
          {"prelu", expressions_of<T, leaky_expr<T, prelu_alpha>>()},
          {"crelu", crelu_expressions<T>()},
          {"elu", expressions_of<T, elu_expr<T>>()},
          {"gelu", expressions_of<T, gelu_expr<T>>()},
          {"gelu_tanh", expressions_of<T, gelu_tanh_expr<T>>()},
          {"silu", expressions_of<T, silu_expr<T>>()},
          {"mish", expressions_of<T, mish_expr<T>>()},
          {"softplus", expressions_of<T, softplus_expr<T>>()},
          {"squareplus", expressions_of<T, squareplus_expr<T>>()},
          {"delu", expressions_of<T, delu_expr<T>>()}};
}

template kernel_table<float> eigen_kernels<float>();
template kernel_table<double> eigen_kernels<double>();

}  // namespace rectify_bench
