// gelu, exact and tanh forms: within the ULP budget against MPFR (the derivatives near their
// zero crossings measured against their larger term), derivatives against finite differences,
// the NaN policy, limits, and the left tail without 1 + erf cancelling (gelu(-10) ~ -7.6e-23).
#include <cmath>
#include <limits>
#include <string>

#include <rectify/gelu.hpp>

#include "accuracy.hpp"

using namespace rectify_test;

namespace {

template <class T>
rectify::gelu<T> make_gelu(const config& c) {
  return rectify::gelu<T>(c.fam == family::gelu_tanh ? rectify::gelu_approximation::tanh
                                                     : rectify::gelu_approximation::none);
}

}  // namespace

TEMPLATE_TEST_CASE("gelu accuracy", "[gelu]", float, double) {
  using T = TestType;
  CHECK(rectify::gelu<T>{}.approximation() == rectify::gelu_approximation::none);
  for (const config& c : accuracy_configs<T>("gelu"))
    check_accuracy(make_gelu<T>(c), c);
}

TEMPLATE_TEST_CASE("gelu derivative matches finite differences", "[gelu]", float, double) {
  using T = TestType;
  // MPFR's erfc at 320 bits is slow: fewer points for the exact form.
  for (const config& c : accuracy_configs<T>("gelu"))
    check_finite_difference(make_gelu<T>(c), c, c.fam == family::gelu ? 500 : 2000);
}

TEMPLATE_TEST_CASE("gelu edge values", "[gelu]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const auto fwd = direction::forward;
  const auto der = direction::derivative;
  const T inf = L::infinity();
  for (const config& c : accuracy_configs<T>("gelu")) {
    const auto f = make_gelu<T>(c);
    const std::string name = c.name();
    check_nan_policy(f, name);
    check_edge(f, fwd, -inf, equals(T(0)), name + "(-inf) = 0");
    check_edge(f, fwd, inf, equals(inf), name + "(+inf) = +inf");
    check_edge(f, fwd, L::max(), equals(L::max()), name + "(max) = max");
    check_edge(f, fwd, -L::max(), equals(T(0)), name + "(-max) = 0");
    check_edge(f, der, -inf, equals(T(0)), name + "'(-inf) = 0");
    check_edge(f, der, inf, equals(T(1)), name + "'(+inf) = 1");
    check_edge(f, der, L::max(), equals(T(1)), name + "'(max) = 1");
    check_edge(f, fwd, T(0), equals(T(0)), name + "(0) = 0");
    check_edge(f, der, T(0), equals(T(0.5)), name + "'(0) = 1/2");
    // The true tiny negative value, not 0 from 1 + erf (or 1 + tanh) cancelling.
    check_edge(
        f, fwd, T(-10), [&](T v) { return v < 0 && near_reference(c, fwd, T(-10))(v); },
        name + "(-10): the tiny negative value");
    for (const T x : {T(-5), T(-0.7518), T(3), T(-30)}) {
      check_edge(f, fwd, x, near_reference(c, fwd, x), name + " forward vs MPFR");
      check_edge(f, der, x, near_reference(c, der, x), name + " derivative vs MPFR");
    }
  }
}
