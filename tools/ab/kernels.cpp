// One side of the A/B comparison (tools/ab/run): compiled twice, once per tree of the library,
// with -Drectify=rectify_a -DAB_SIDE=a and -Drectify=rectify_b -DAB_SIDE=b, so that both trees'
// inline functions live in different namespaces of one binary and cannot be merged by the
// linker. Each kernel runs one span kernel of rectify over n elements.
#include <cstddef>
#include <span>

#include <rectify/rectify.hpp>

#include "kernels.hpp"

namespace {

template <class T, class Run>
void run_span(const T* x, const T* dy, T* out, std::size_t n, Run run) {
  run(std::span<const T>(x, n), std::span<const T>(dy, n), std::span<T>(out, n));
}

template <class T, class F>
ab::kernel<T> forward_of(F f) {
  return [f](const T* x, const T* dy, T* out, std::size_t n) {
    run_span(x, dy, out, n, [&](auto xs, auto, auto ys) { rectify::forward(f, xs, ys); });
  };
}
template <class T, class F>
ab::kernel<T> derivative_of(F f) {
  return [f](const T* x, const T* dy, T* out, std::size_t n) {
    run_span(x, dy, out, n, [&](auto xs, auto, auto ys) { rectify::derivative(f, xs, ys); });
  };
}
template <class T, class F>
ab::kernel<T> backward_of(F f) {
  return [f](const T* x, const T* dy, T* out, std::size_t n) {
    run_span(x, dy, out, n, [&](auto xs, auto dys, auto ys) { rectify::backward(f, xs, dys, ys); });
  };
}

template <class T>
std::vector<ab::named<T>> table() {
  return {{"elu", forward_of<T>(rectify::elu<T>())},
          {"elu'", derivative_of<T>(rectify::elu<T>())},
          {"gelu", forward_of<T>(rectify::gelu<T>())},
          {"gelu'", derivative_of<T>(rectify::gelu<T>())},
          {"gelu_tanh", forward_of<T>(rectify::gelu<T>(rectify::gelu_approximation::tanh))},
          {"gelu_tanh'", derivative_of<T>(rectify::gelu<T>(rectify::gelu_approximation::tanh))},
          {"silu", forward_of<T>(rectify::silu<T>())},
          {"silu'", derivative_of<T>(rectify::silu<T>())},
          {"silu backward", backward_of<T>(rectify::silu<T>())},
          {"mish", forward_of<T>(rectify::mish<T>())},
          {"mish'", derivative_of<T>(rectify::mish<T>())},
          {"softplus", forward_of<T>(rectify::softplus<T>())},
          {"softplus'", derivative_of<T>(rectify::softplus<T>())},
          {"softplus' k=3.5", derivative_of<T>(rectify::softplus<T>(T(3.5)))},
          {"squareplus", forward_of<T>(rectify::squareplus<T>())},
          {"squareplus'", derivative_of<T>(rectify::squareplus<T>())},
          {"squareplus backward", backward_of<T>(rectify::squareplus<T>())},
          {"delu", forward_of<T>(rectify::delu<T>())},
          {"delu a=1.5 b=3", forward_of<T>(rectify::delu<T>(T(1.5), T(3)))},
          {"delu'", derivative_of<T>(rectify::delu<T>())},
          {"leaky_relu", forward_of<T>(rectify::leaky_relu<T>())},
          {"relu", forward_of<T>(rectify::relu<T>())},
          {"relu backward", backward_of<T>(rectify::relu<T>())}};
}

}  // namespace

std::vector<ab::named<float>> AB_TABLE_FLOAT() {
  return table<float>();
}
std::vector<ab::named<double>> AB_TABLE_DOUBLE() {
  return table<double>();
}
