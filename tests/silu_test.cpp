// silu: within the ULP budget against MPFR (the derivative near its zero crossing measured
// against its larger term), derivative against finite differences, the NaN policy and limits,
// and no overflow in the left tail (silu(-100) is the tiny number it is, not NaN).
#include <cmath>
#include <limits>

#include <rectify/silu.hpp>

#include "accuracy.hpp"

using namespace rectify_test;

TEMPLATE_TEST_CASE("silu accuracy", "[silu]", float, double) {
  for (const config& c : accuracy_configs<TestType>("silu"))
    check_accuracy(rectify::silu<TestType>{}, c);
}

TEMPLATE_TEST_CASE("silu derivative matches finite differences", "[silu]", float, double) {
  for (const config& c : accuracy_configs<TestType>("silu"))
    check_finite_difference(rectify::silu<TestType>{}, c, 2000);
}

TEMPLATE_TEST_CASE("silu edge values", "[silu]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const rectify::silu<T> f;
  const config c{family::silu};
  const auto fwd = direction::forward;
  const auto der = direction::derivative;
  const T inf = L::infinity();
  check_nan_policy(f, "silu");
  check_edge(f, fwd, -inf, equals(T(0)), "silu(-inf) = 0");
  check_edge(f, fwd, inf, equals(inf), "silu(+inf) = +inf");
  check_edge(f, fwd, L::max(), equals(L::max()), "silu(max) = max");
  check_edge(f, fwd, -L::max(), equals(T(0)), "silu(-max) = 0");
  check_edge(f, der, -inf, equals(T(0)), "silu'(-inf) = 0");
  check_edge(f, der, inf, equals(T(1)), "silu'(+inf) = 1");
  check_edge(f, fwd, T(0), equals(T(0)), "silu(0) = 0");
  check_edge(f, der, T(0), equals(T(0.5)), "silu'(0) = 1/2");
  // silu(-100) = -100 e^-100/(1 + e^-100) ~ -3.7e-42: subnormal in float, normal in double.
  check_edge(
      f, fwd, T(-100), [&](T v) { return v < 0 && near_reference(c, fwd, T(-100))(v); },
      "silu(-100): tiny negative, not NaN");
  check_edge(f, der, T(-100), near_reference(c, der, T(-100)), "silu'(-100)");
  check_edge(f, fwd, T(-700), near_reference(c, fwd, T(-700)), "silu(-700)");
  check_edge(f, der, T(-1.2784645), near_reference(c, der, T(-1.2784645)),
             "silu' at its zero crossing");
}
