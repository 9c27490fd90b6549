// relu and crelu: exact against MPFR on the grid and the random sample, the NaN policy and the
// values at +-0, +-inf and the kink (relu'(0) = 0), on the scalar, batch and span paths of
// every arch this variant can run.
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include <rectify/relu.hpp>

#include "accuracy.hpp"

using namespace rectify_test;

TEMPLATE_TEST_CASE("relu is exact", "[relu]", float, double) {
  check_accuracy(rectify::relu<TestType>{}, config{family::relu});
}

TEMPLATE_TEST_CASE("relu derivative matches finite differences", "[relu]", float, double) {
  check_finite_difference(rectify::relu<TestType>{}, config{family::relu}, 2000);
}

TEMPLATE_TEST_CASE("relu edge values", "[relu]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const rectify::relu<T> f;
  const auto fwd = direction::forward;
  const auto der = direction::derivative;
  check_nan_policy(f, "relu");
  check_edge(f, fwd, L::infinity(), equals(L::infinity()), "relu(+inf) = +inf");
  check_edge(f, fwd, -L::infinity(), equals(T(0)), "relu(-inf) = 0");
  check_edge(f, fwd, T(0), equals(T(0)), "relu(0) = 0");
  check_edge(f, fwd, T(-0.0), equals(T(0)), "relu(-0) = 0");
  check_edge(f, fwd, L::denorm_min(), equals(L::denorm_min()), "relu(denorm_min)");
  check_edge(f, fwd, -L::denorm_min(), equals(T(0)), "relu(-denorm_min) = 0");
  check_edge(f, fwd, L::max(), equals(L::max()), "relu(max) = max");
  check_edge(f, der, T(0), equals(T(0)), "relu'(0) = 0");
  check_edge(f, der, T(-0.0), equals(T(0)), "relu'(-0) = 0");
  check_edge(f, der, L::denorm_min(), equals(T(1)), "relu'(denorm_min) = 1");
  check_edge(f, der, L::infinity(), equals(T(1)), "relu'(+inf) = 1");
  check_edge(f, der, -L::infinity(), equals(T(0)), "relu'(-inf) = 0");
}

// crelu against the relu references: forward [relu(x) | relu(-x)], derivative [H(x) | -H(-x)].
TEMPLATE_TEST_CASE("crelu is exact", "[relu]", float, double) {
  using T = TestType;
  const rectify::crelu<T> f;
  const config relu{family::relu};
  mpfr_reference ref;
  for (const std::string set : {"grid", "sample"}) {
    const std::vector<T> x = inputs_of<T>(set);
    const std::size_t n = x.size();
    std::vector<T> y(2 * n), d(2 * n);
    rectify::forward(f, std::span<const T>(x), std::span<T>(y));
    rectify::derivative(f, std::span<const T>(x), std::span<T>(d));
    worst_case<T> y0, y1, d0, d1;
    y0.exact = y1.exact = d0.exact = d1.exact = true;
    for (std::size_t i = 0; i < n; ++i) {
      const double xi = double(x[i]);
      auto r = ref.forward(relu, xi);
      y0.add(x[i], y[i], r.hi, r.lo, 0);
      r = ref.forward(relu, -xi);
      y1.add(x[i], y[n + i], r.hi, r.lo, 0);
      r = ref.derivative(relu, xi);
      d0.add(x[i], d[i], r.hi, r.lo, 0);
      r = ref.derivative(relu, -xi);
      d1.add(x[i], d[n + i], -r.hi, -r.lo, 0);
    }
    report("crelu[relu(x)]", true, "forward", set, y0);
    report("crelu[relu(-x)]", true, "forward", set, y1);
    report("crelu[H(x)]", true, "derivative", set, d0);
    report("crelu[-H(-x)]", true, "derivative", set, d1);
  }
}

TEMPLATE_TEST_CASE("crelu edge values", "[relu]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const rectify::crelu<T> f;
  const T nan = L::quiet_NaN();
  const T inf = L::infinity();
  // Scalar: [relu(x), relu(-x)] and [H(x), -H(-x)].
  CHECK(std::isnan(f(nan)[0]));
  CHECK(std::isnan(f(nan)[1]));
  CHECK(std::isnan(f.derivative(nan)[0]));
  CHECK(std::isnan(f.derivative(nan)[1]));
  CHECK(f(inf)[0] == inf);
  CHECK(f(inf)[1] == 0);
  CHECK(f(-inf)[0] == 0);
  CHECK(f(-inf)[1] == inf);
  CHECK(f(T(0))[0] == 0);
  CHECK(f(T(0))[1] == 0);
  CHECK(f.derivative(T(0))[0] == 0);
  CHECK(f.derivative(T(0))[1] == 0);
  CHECK(f.derivative(T(2))[0] == 1);
  CHECK(f.derivative(T(2))[1] == 0);
  CHECK(f.derivative(T(-2))[0] == 0);
  CHECK(f.derivative(T(-2))[1] == -1);
  // Spans on every arch: NaN in either half, and NaN upstream gradients.
  for_each_arch([&](auto arch) {
    using A = decltype(arch);
    INFO(variant_prefix() << "crelu on " << A::name());
    const std::vector<T> x = {nan, T(1), T(-1), T(0), inf, -inf, nan, T(3), T(-0.0)};
    const std::size_t n = x.size();
    std::vector<T> y(2 * n), d(2 * n), dx(n);
    rectify::forward<A>(f, std::span<const T>(x), std::span<T>(y));
    rectify::derivative<A>(f, std::span<const T>(x), std::span<T>(d));
    for (std::size_t i : {std::size_t(0), std::size_t(6)}) {
      CHECK(std::isnan(y[i]));
      CHECK(std::isnan(y[n + i]));
      CHECK(std::isnan(d[i]));
      CHECK(std::isnan(d[n + i]));
    }
    CHECK(y[4] == inf);
    CHECK(y[n + 5] == inf);
    const std::vector<T> dy(2 * n, nan);
    rectify::backward<A>(f, std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx));
    for (T v : dx)
      CHECK(std::isnan(v));
  });
}
