// rectify in a build without exceptions (-fno-exceptions): the whole library compiles, the
// kernels work, and bad input still cannot pass silently: it prints "rectify: ..." to stderr
// and aborts (detail/error.hpp).
//
//   reliability_no_exceptions             runs every functor's kernels; exit code 0 if right
//   reliability_no_exceptions <misuse>    commits one misuse and must not return
//
// no_exceptions_death.cmake runs each misuse and checks the abort and the message.
#if defined(__cpp_exceptions)
#error "this test must be compiled with -fno-exceptions"
#endif

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

#include <rectify/rectify.hpp>

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

// forward, derivative and backward agree with the scalar calls, element by element.
template <class F>
void exercise(const F& f, const char* name) {
  using T = typename F::value_type;
  std::vector<T> x;
  for (int i = -20; i <= 20; ++i)
    x.push_back(T(i) / T(4));
  x.push_back(std::numeric_limits<T>::quiet_NaN());
  const std::size_t n = x.size();
  std::vector<T> y(n), d(n), dx(n), dy(n, T(2));
  rectify::forward(f, x, y);
  rectify::derivative(f, x, d);
  rectify::backward(f, x, dy, dx);
  bool ok = true;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    ok = ok && y[i] == f(x[i]) && d[i] == f.derivative(x[i]) && dx[i] == T(2) * d[i];
  }
  ok = ok && std::isnan(y[n - 1]) && std::isnan(d[n - 1]) && std::isnan(dx[n - 1]);
  expect(ok, name);
}

template <class T>
void exercise_all() {
  exercise(rectify::relu<T>{}, "relu");
  exercise(rectify::leaky_relu<T>{}, "leaky_relu");
  exercise(rectify::prelu<T>{}, "prelu");
  exercise(rectify::elu<T>{}, "elu");
  exercise(rectify::gelu<T>{}, "gelu");
  exercise(rectify::gelu<T>{rectify::gelu_approximation::tanh}, "gelu tanh");
  exercise(rectify::silu<T>{}, "silu");
  exercise(rectify::mish<T>{}, "mish");
  exercise(rectify::softplus<T>{}, "softplus");
  exercise(rectify::squareplus<T>{}, "squareplus");
  exercise(rectify::delu<T>{}, "delu");

  const std::vector<T> x = {T(-2), T(3), T(-4), T(5)};
  std::vector<T> y(2 * x.size());
  rectify::forward(rectify::crelu<T>{}, x, y);
  expect(y == std::vector<T>{T(0), T(3), T(0), T(5), T(2), T(0), T(4), T(0)}, "crelu");

  const std::vector<T> alpha = {T(0.5), T(0.25)};
  const rectify::prelu_per_channel<T> pc{std::span<const T>(alpha)};
  std::vector<T> yp(x.size()), dx(x.size()), dalpha(alpha.size());
  const std::vector<T> dy(x.size(), T(1));
  rectify::forward(pc, x, yp);
  expect(yp == std::vector<T>{T(-1), T(3), T(-1), T(5)}, "prelu_per_channel forward");
  rectify::backward(pc, x, dy, dx, dalpha);
  expect(dalpha == std::vector<T>{T(-2), T(-4)}, "prelu_per_channel dalpha");
}

// Each misuse must end the program in rectify's error path.
int misuse(const char* what) {
  std::vector<float> x(8, 1.0f), y(7);
  if (std::strcmp(what, "parameter") == 0) {
    rectify::elu<float> f(-1.0f);
    return int(f(1.0f));
  }
  if (std::strcmp(what, "nan-parameter") == 0) {
    rectify::softplus<double> f(std::nan(""));
    return int(f(1.0));
  }
  if (std::strcmp(what, "size") == 0) {
    rectify::forward(rectify::relu<float>{}, x, y);
  } else if (std::strcmp(what, "overlap") == 0) {
    rectify::forward(rectify::relu<float>{}, std::span<const float>(x).first(7),
                     std::span<float>(x).last(7));
  } else if (std::strcmp(what, "channels") == 0) {
    rectify::prelu_per_channel<float> f{std::span<const float>()};
    return int(f.channels());
  } else {
    std::fprintf(stderr, "unknown misuse %s\n", what);
    return 2;
  }
  return 0;  // reached only if the misuse went unnoticed
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1)
    return misuse(argv[1]);
  exercise_all<float>();
  exercise_all<double>();
  if (failures == 0)
    std::puts("all kernels ran without exceptions");
  return failures == 0 ? 0 : 1;
}
