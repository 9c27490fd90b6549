// softplus: within the ULP budget against MPFR (k = 1 and 3.5), derivative against finite
// differences, the NaN policy, the limits, no overflow (softplus(100) = 100) and the parameter
// checks.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <rectify/softplus.hpp>

#include "accuracy.hpp"

using namespace rectify_test;

TEMPLATE_TEST_CASE("softplus accuracy", "[softplus]", float, double) {
  using T = TestType;
  CHECK(rectify::softplus<T>{}.k() == T(1));
  for (const config& c : accuracy_configs<T>("softplus"))
    check_accuracy(rectify::softplus<T>(T(c.p[0])), c);
}

TEMPLATE_TEST_CASE("softplus derivative matches finite differences", "[softplus]", float, double) {
  using T = TestType;
  for (const config& c : accuracy_configs<T>("softplus"))
    check_finite_difference(rectify::softplus<T>(T(c.p[0])), c, 2000);
}

TEMPLATE_TEST_CASE("softplus edge values", "[softplus]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const auto fwd = direction::forward;
  const auto der = direction::derivative;
  const T inf = L::infinity();
  for (const T k : {T(1), T(3.5), T(0.25)}) {
    const rectify::softplus<T> f(k);
    const std::string name = "softplus(k=" + std::to_string(k) + ")";
    check_nan_policy(f, name);
    check_edge(f, fwd, inf, equals(inf), name + "(+inf) = +inf");
    check_edge(f, fwd, -inf, equals(T(0)), name + "(-inf) = 0");
    check_edge(f, fwd, T(1000), equals(T(1000)), name + "(1000) = 1000");
    check_edge(f, fwd, L::max(), equals(L::max()), name + "(max) = max (k*x overflows)");
    check_edge(f, fwd, T(-1e30), equals(T(0)), name + "(-1e30) = 0");
    check_edge(f, der, inf, equals(T(1)), name + "'(+inf) = 1");
    check_edge(f, der, -inf, equals(T(0)), name + "'(-inf) = 0");
    check_edge(f, der, L::max(), equals(T(1)), name + "'(max) = 1");
    check_edge(f, der, T(0), equals(T(0.5)), name + "'(0) = 1/2");
  }
  const rectify::softplus<T> f;
  check_edge(f, fwd, T(100), equals(T(100)), "softplus(100) = 100");
  // The left tail keeps e^x rather than rounding log(1 + e^x) to 0.
  const T tail = std::is_same_v<T, float> ? T(-90) : T(-700);
  const T expected = T(std::exp(double(tail)));
  check_edge(
      f, fwd, tail,
      [expected](T v) {
        return v > 0 && std::fabs(double(v) - double(expected)) <= 1e-6 * expected;
      },
      "softplus(tail) = e^tail, tiny and positive");
  check_edge(
      f, der, tail,
      [expected](T v) {
        return v > 0 && std::fabs(double(v) - double(expected)) <= 1e-6 * expected;
      },
      "softplus'(tail) = e^tail");
}

TEMPLATE_TEST_CASE("softplus rejects bad k", "[softplus]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  for (const T bad : {T(0), T(-0.0), T(-1), L::quiet_NaN(), L::infinity(), -L::infinity()}) {
    CHECK_THROWS_AS(rectify::softplus<T>(bad), std::invalid_argument);
    CHECK_THROWS_WITH(rectify::softplus<T>(bad), Catch::StartsWith("rectify: ") &&
                                                     Catch::Contains("softplus") &&
                                                     Catch::Contains(" k "));
  }
}
