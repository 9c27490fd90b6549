// mish: within the ULP budget against MPFR (the derivative near its zero crossing measured
// against its larger term), derivative against finite differences, the NaN policy and limits.
#include <cmath>
#include <limits>

#include <rectify/mish.hpp>

#include "accuracy.hpp"

using namespace rectify_test;

TEMPLATE_TEST_CASE("mish accuracy", "[mish]", float, double) {
  for (const config& c : accuracy_configs<TestType>("mish"))
    check_accuracy(rectify::mish<TestType>{}, c);
}

TEMPLATE_TEST_CASE("mish derivative matches finite differences", "[mish]", float, double) {
  for (const config& c : accuracy_configs<TestType>("mish"))
    check_finite_difference(rectify::mish<TestType>{}, c, 2000);
}

TEMPLATE_TEST_CASE("mish edge values", "[mish]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const rectify::mish<T> f;
  const config c{family::mish};
  const auto fwd = direction::forward;
  const auto der = direction::derivative;
  const T inf = L::infinity();
  check_nan_policy(f, "mish");
  check_edge(f, fwd, -inf, equals(T(0)), "mish(-inf) = 0");
  check_edge(f, fwd, inf, equals(inf), "mish(+inf) = +inf");
  check_edge(f, fwd, L::max(), equals(L::max()), "mish(max) = max");
  check_edge(f, fwd, -L::max(), equals(T(0)), "mish(-max) = 0");
  check_edge(f, der, -inf, equals(T(0)), "mish'(-inf) = 0");
  check_edge(f, der, inf, equals(T(1)), "mish'(+inf) = 1");
  check_edge(f, fwd, T(0), equals(T(0)), "mish(0) = 0");
  // mish'(0) = tanh(ln 2) = 3/5.
  check_edge(f, der, T(0), near_reference(c, der, T(0)), "mish'(0) = 0.6");
  check_edge(
      f, fwd, T(-100), [&](T v) { return v < 0 && near_reference(c, fwd, T(-100))(v); },
      "mish(-100): tiny negative, not NaN");
  check_edge(f, der, T(-100), near_reference(c, der, T(-100)), "mish'(-100)");
  check_edge(f, der, T(40), equals(T(1)), "mish'(40) = 1");
}
