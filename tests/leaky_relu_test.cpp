// leaky_relu and prelu (scalar alpha): exact against MPFR at their defaults and one other alpha,
// the NaN policy, +-inf, the kink (f'(0) = alpha), prelu's df/dalpha and the parameter checks.
// prelu_per_channel's kernels are in kernels_test.cpp.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <rectify/leaky_relu.hpp>

#include "accuracy.hpp"

using namespace rectify_test;

TEMPLATE_TEST_CASE("leaky_relu and prelu are exact", "[leaky_relu]", float, double) {
  using T = TestType;
  for (const config& c : accuracy_configs<T>("leaky_relu")) {
    if (c.fam == family::leaky_relu)
      check_accuracy(rectify::leaky_relu<T>(T(c.p[0])), c);
    else
      check_accuracy(rectify::prelu<T>(T(c.p[0])), c);
  }
  // The defaults are the ones the accuracy configurations list first.
  CHECK(rectify::leaky_relu<T>{}.alpha() == T(0.01));
  CHECK(rectify::prelu<T>{}.alpha() == T(0.25));
}

TEMPLATE_TEST_CASE("leaky_relu and prelu derivatives match finite differences", "[leaky_relu]",
                   float, double) {
  using T = TestType;
  for (const config& c : accuracy_configs<T>("leaky_relu")) {
    if (c.fam == family::leaky_relu)
      check_finite_difference(rectify::leaky_relu<T>(T(c.p[0])), c, 1000);
    else
      check_finite_difference(rectify::prelu<T>(T(c.p[0])), c, 1000);
  }
}

TEMPLATE_TEST_CASE("leaky_relu and prelu edge values", "[leaky_relu]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const auto fwd = direction::forward;
  const auto der = direction::derivative;
  const T inf = L::infinity();
  for (const T alpha : {T(0.01), T(0.2), T(-0.5), T(0)}) {
    const rectify::leaky_relu<T> f(alpha);
    const std::string name = "leaky_relu(alpha=" + std::to_string(alpha) + ")";
    check_nan_policy(f, name);
    check_edge(f, fwd, inf, equals(inf), name + "(+inf) = +inf");
    // alpha*(-inf), and 0 (not NaN) when alpha = 0.
    check_edge(f, fwd, -inf, equals(alpha == 0 ? T(0) : -inf * alpha), name + "(-inf)");
    check_edge(f, fwd, T(0), equals(T(0)), name + "(0) = 0");
    check_edge(f, fwd, T(-3), equals(T(-3) * alpha), name + "(-3)");
    check_edge(f, fwd, -L::denorm_min(), equals(-L::denorm_min() * alpha), name + "(-denorm)");
    check_edge(f, der, T(0), equals(alpha), name + "'(0) = alpha");
    check_edge(f, der, T(-0.0), equals(alpha), name + "'(-0) = alpha");
    check_edge(f, der, L::denorm_min(), equals(T(1)), name + "'(denorm_min) = 1");
    check_edge(f, der, inf, equals(T(1)), name + "'(+inf) = 1");
    check_edge(f, der, -inf, equals(alpha), name + "'(-inf) = alpha");
  }
  const rectify::prelu<T> p;
  check_nan_policy(p, "prelu");
  check_edge(p, der, T(0), equals(T(0.25)), "prelu'(0) = 0.25");
  check_edge(p, fwd, -inf, equals(-inf), "prelu(-inf) = -inf");
}

TEMPLATE_TEST_CASE("prelu alpha_derivative", "[leaky_relu]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const rectify::prelu<T> p(T(0.1));
  CHECK(p.alpha_derivative(T(-3)) == T(-3));
  CHECK(p.alpha_derivative(T(0)) == T(0));
  CHECK(p.alpha_derivative(T(2)) == T(0));
  CHECK(p.alpha_derivative(-L::infinity()) == -L::infinity());
  CHECK(p.alpha_derivative(L::infinity()) == T(0));
  CHECK(std::isnan(p.alpha_derivative(L::quiet_NaN())));
  for_each_arch([&](auto arch) {
    using B = xsimd::batch<T, decltype(arch)>;
    const B d = p.alpha_derivative(B(T(-1.5)));
    for (std::size_t i = 0; i < B::size; ++i)
      CHECK(d.get(i) == T(-1.5));
  });
}

TEMPLATE_TEST_CASE("leaky_relu and prelu reject bad alpha", "[leaky_relu]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  for (const T bad : {L::quiet_NaN(), L::infinity(), -L::infinity()}) {
    CHECK_THROWS_WITH(rectify::leaky_relu<T>(bad),
                      Catch::Contains("rectify: ") && Catch::Contains("alpha"));
    CHECK_THROWS_AS(rectify::leaky_relu<T>(bad), std::invalid_argument);
    CHECK_THROWS_WITH(rectify::prelu<T>(bad), Catch::Contains("prelu") && Catch::Contains("alpha"));
    CHECK_THROWS_AS(rectify::prelu<T>(bad), std::invalid_argument);
  }
  CHECK_NOTHROW(rectify::leaky_relu<T>(T(-1)));
  CHECK_NOTHROW(rectify::leaky_relu<T>(T(0)));
}
