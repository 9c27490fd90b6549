// squareplus: within the ULP budget against MPFR (b = 4, 0.5, 0 and 2^70, the last beyond the
// lanes' range of b), derivative against finite differences, the NaN policy, limits, no
// cancellation for x << 0 (squareplus(-1e30) is tiny and positive), no overflow of x^2, b = 0 as
// relu, and the parameter checks.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <rectify/squareplus.hpp>

#include "accuracy.hpp"

using namespace rectify_test;

TEMPLATE_TEST_CASE("squareplus accuracy", "[squareplus]", float, double) {
  using T = TestType;
  CHECK(rectify::squareplus<T>{}.b() == T(4));
  for (const config& c : accuracy_configs<T>("squareplus"))
    check_accuracy(rectify::squareplus<T>(T(c.p[0])), c);
}

TEMPLATE_TEST_CASE("squareplus derivative matches finite differences", "[squareplus]", float,
                   double) {
  using T = TestType;
  for (const config& c : accuracy_configs<T>("squareplus"))
    check_finite_difference(rectify::squareplus<T>(T(c.p[0])), c, 2000);
}

TEMPLATE_TEST_CASE("squareplus edge values", "[squareplus]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const auto fwd = direction::forward;
  const auto der = direction::derivative;
  const T inf = L::infinity();
  for (const T b : {T(4), T(0.5), T(0), T(0x1p70)}) {
    const rectify::squareplus<T> f(b);
    const config c{family::squareplus, {double(b)}};
    const std::string name = "squareplus(b=" + std::to_string(b) + ")";
    check_nan_policy(f, name);
    check_edge(f, fwd, -inf, equals(T(0)), name + "(-inf) = 0");
    check_edge(f, fwd, inf, equals(inf), name + "(+inf) = +inf");
    check_edge(f, der, -inf, equals(T(0)), name + "'(-inf) = 0");
    check_edge(f, der, inf, equals(T(1)), name + "'(+inf) = 1");
    check_edge(f, fwd, L::max(), equals(L::max()), name + "(max) = max (x^2 overflows)");
    check_edge(f, der, L::max(), equals(T(1)), name + "'(max) = 1");
    for (const T x : {T(-1e30), -L::max(), T(-3), T(0), T(2)}) {
      check_edge(f, fwd, x, near_reference(c, fwd, x), name + " forward vs MPFR");
      check_edge(f, der, x, near_reference(c, der, x), name + " derivative vs MPFR");
    }
    if (b > 0) {
      check_edge(
          f, fwd, T(-1e30), [](T v) { return v > 0; }, name + "(-1e30) tiny and positive");
      check_edge(
          f, fwd, -L::max(), [](T v) { return v > 0; }, name + "(-max) tiny and positive");
      check_edge(f, der, T(0), equals(T(0.5)), name + "'(0) = 1/2");
    }
  }
  // b = 0 is relu, with relu's derivative convention at the kink.
  const rectify::squareplus<T> r(T(0));
  check_edge(r, fwd, T(0), equals(T(0)), "squareplus(b=0)(0) = 0");
  check_edge(r, der, T(0), equals(T(0)), "squareplus(b=0)'(0) = 0");
  check_edge(r, fwd, T(-1), equals(T(0)), "squareplus(b=0)(-1) = 0");
  check_edge(r, fwd, T(2.5), equals(T(2.5)), "squareplus(b=0)(2.5) = 2.5");
  check_edge(r, der, T(-1), equals(T(0)), "squareplus(b=0)'(-1) = 0");
  check_edge(r, der, T(2.5), equals(T(1)), "squareplus(b=0)'(2.5) = 1");
  check_edge(rectify::squareplus<T>(), fwd, T(0), equals(T(1)), "squareplus(0) = sqrt(4)/2");
}

TEMPLATE_TEST_CASE("squareplus rejects bad b", "[squareplus]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  for (const T bad : {T(-1), -L::denorm_min(), L::quiet_NaN(), L::infinity(), -L::infinity()}) {
    CHECK_THROWS_AS(rectify::squareplus<T>(bad), std::invalid_argument);
    CHECK_THROWS_WITH(rectify::squareplus<T>(bad), Catch::StartsWith("rectify: ") &&
                                                       Catch::Contains("squareplus") &&
                                                       Catch::Contains(" b "));
  }
  CHECK_NOTHROW(rectify::squareplus<T>(T(0)));
}
