// elu: within the ULP budget against MPFR (alpha = 1 and 0.5), derivative against finite
// differences, the NaN policy, the limits (elu(-inf) = -alpha), the kink (elu'(0) = alpha) and
// the parameter checks.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <rectify/elu.hpp>

#include "accuracy.hpp"

using namespace rectify_test;

TEMPLATE_TEST_CASE("elu accuracy", "[elu]", float, double) {
  using T = TestType;
  CHECK(rectify::elu<T>{}.alpha() == T(1));
  for (const config& c : accuracy_configs<T>("elu"))
    check_accuracy(rectify::elu<T>(T(c.p[0])), c);
}

TEMPLATE_TEST_CASE("elu derivative matches finite differences", "[elu]", float, double) {
  using T = TestType;
  for (const config& c : accuracy_configs<T>("elu"))
    check_finite_difference(rectify::elu<T>(T(c.p[0])), c, 2000);
}

TEMPLATE_TEST_CASE("elu edge values", "[elu]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const auto fwd = direction::forward;
  const auto der = direction::derivative;
  const T inf = L::infinity();
  for (const T alpha : {T(1), T(0.5), T(0)}) {
    const rectify::elu<T> f(alpha);
    const std::string name = "elu(alpha=" + std::to_string(alpha) + ")";
    check_nan_policy(f, name);
    check_edge(f, fwd, -inf, equals(-alpha), name + "(-inf) = -alpha");
    check_edge(f, fwd, T(-1000), equals(-alpha), name + "(-1000) = -alpha");
    check_edge(f, fwd, inf, equals(inf), name + "(+inf) = +inf");
    check_edge(f, fwd, L::max(), equals(L::max()), name + "(max) = max");
    check_edge(f, fwd, T(0), equals(T(0)), name + "(0) = 0");
    check_edge(f, fwd, T(-0.0), equals(T(0)), name + "(-0) = 0");
    check_edge(f, der, T(0), equals(alpha), name + "'(0) = alpha");
    check_edge(f, der, T(-0.0), equals(alpha), name + "'(-0) = alpha");
    check_edge(f, der, L::denorm_min(), equals(T(1)), name + "'(denorm_min) = 1");
    check_edge(f, der, inf, equals(T(1)), name + "'(+inf) = 1");
    check_edge(f, der, -inf, equals(T(0)), name + "'(-inf) = 0");
  }
  // Near 0 below, elu(x) = alpha*expm1(x) keeps every digit: elu(-denorm) = -denorm (alpha 1).
  check_edge(rectify::elu<T>(), fwd, -L::denorm_min(), equals(-L::denorm_min()),
             "elu(-denorm_min) = -denorm_min");
  check_edge(rectify::elu<T>(), fwd, T(-1e-20), equals(T(-1e-20)), "elu(-1e-20) = -1e-20");
}

TEMPLATE_TEST_CASE("elu rejects bad alpha", "[elu]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  for (const T bad : {L::quiet_NaN(), L::infinity(), -L::infinity(), T(-1), -L::denorm_min()}) {
    CHECK_THROWS_AS(rectify::elu<T>(bad), std::invalid_argument);
    CHECK_THROWS_WITH(rectify::elu<T>(bad),
                      Catch::StartsWith("rectify: ") && Catch::Contains("alpha"));
  }
  CHECK_NOTHROW(rectify::elu<T>(T(0)));
}
