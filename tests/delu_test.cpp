// delu: within the ULP budget against MPFR (a = 1, b = 2 and a = 1.5, b = 3 with the solved xc;
// a = 2, b = 1, xc = 0.7 given), derivative against finite differences, the solved xc against
// an MPFR root, the NaN policy, limits (delu(-inf) = -1/b), the kink (delu'(xc) = (a/b)e^(a xc)),
// delu and delu' where e^(a x) overflows, and the parameter checks (a >= b without xc throws).
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <rectify/delu.hpp>

#include "accuracy.hpp"

using namespace rectify_test;

namespace {

// The functor of a configuration: the default xc solved by the library where the configuration
// has a < b (so the solver is what is measured), else the given xc.
template <class T>
rectify::delu<T> make_delu(const config& c) {
  if (c.p[0] < c.p[1])
    return rectify::delu<T>(T(c.p[0]), T(c.p[1]));
  return rectify::delu<T>(T(c.p[0]), T(c.p[1]), T(c.p[2]));
}

}  // namespace

TEMPLATE_TEST_CASE("delu accuracy", "[delu]", float, double) {
  using T = TestType;
  for (const config& c : accuracy_configs<T>("delu")) {
    const auto f = make_delu<T>(c);
    INFO(variant_prefix() << c.name() << ": library xc = " << f.xc());
    CHECK(double(f.xc()) == c.p[2]);
    check_accuracy(f, c);
  }
}

TEMPLATE_TEST_CASE("delu derivative matches finite differences", "[delu]", float, double) {
  using T = TestType;
  for (const config& c : accuracy_configs<T>("delu"))
    check_finite_difference(make_delu<T>(c), c, 2000);
}

TEST_CASE("delu default xc", "[delu]") {
  // The spec's value for a = 1, b = 2, and its rounding to float.
  CHECK(delu_default_xc<double>(1, 2) == 1.2564312086261697);
  CHECK(rectify::delu<double>().xc() == 1.2564312086261697);
  CHECK(rectify::delu<float>().xc() == delu_default_xc<float>(1, 2));
  CHECK(rectify::delu<float>().xc() == 1.2564312f);
  CHECK(rectify::delu<double>(1.5, 3).xc() == delu_default_xc<double>(1.5, 3));
  CHECK(rectify::delu<float>(0.5f, 4.0f).xc() == delu_default_xc<float>(0.5f, 4.0f));
  CHECK(rectify::delu<double>(2, 1, 0.7).xc() == 0.7);
  CHECK(rectify::delu<double>().a() == 1);
  CHECK(rectify::delu<double>().b() == 2);
}

TEMPLATE_TEST_CASE("delu edge values", "[delu]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const auto fwd = direction::forward;
  const auto der = direction::derivative;
  const T inf = L::infinity();
  for (const config& c : accuracy_configs<T>("delu")) {
    const auto f = make_delu<T>(c);
    const T a = T(c.p[0]), b = T(c.p[1]), xc = f.xc();
    const std::string name = c.name();
    check_nan_policy(f, name);
    check_edge(f, fwd, -inf, equals(T(-1) / b), name + "(-inf) = -1/b");
    check_edge(f, fwd, -L::max(), equals(T(-1) / b), name + "(-max) = -1/b");
    check_edge(f, fwd, inf, equals(inf), name + "(+inf) = +inf");
    check_edge(f, fwd, L::max(), equals(L::max()), name + "(max) = max");
    check_edge(f, der, -inf, equals(T(0)), name + "'(-inf) = 0");
    check_edge(f, der, inf, equals(T(1)), name + "'(+inf) = 1");
    check_edge(f, fwd, T(0), equals(T(0)), name + "(0) = 0");
    check_edge(f, der, T(0), near_reference(c, der, T(0)), name + "'(0) = a/b");
    // At the kink the x <= xc branch: f'(xc) = (a/b) e^(a xc), just above it 1.
    check_edge(f, der, xc, near_reference(c, der, xc), name + "'(xc) = (a/b)e^(a xc)");
    check_edge(
        f, der, xc, [](T v) { return v != T(1); }, name + "'(xc) is the left branch");
    check_edge(f, fwd, xc, near_reference(c, fwd, xc), name + "(xc)");
    check_edge(f, der, std::nextafter(xc, inf), equals(T(1)), name + "'(xc+) = 1");
    check_edge(f, fwd, std::nextafter(xc, inf), equals(std::nextafter(xc, inf)), name + "(xc+)");
    (void)a;
  }
}

// delu and delu' where e^(a x) overflows but (e^(a x) - 1)/b and (a/b) e^(a x) do not (a large
// b, and xc given beyond the overflow): their scaled forms. Those lanes share a batch with a lane
// in the subnormal tail (exp_times) and ordinary lanes, all of which the derivative sends down one
// rare path together. The references are (e^x - 1)/b and e^x/b in long double (64 bits).
TEMPLATE_TEST_CASE("delu where e^(a x) overflows", "[delu]", float, double) {
  using T = TestType;
  constexpr bool is_double = std::is_same_v<T, double>;
  const T b = is_double ? T(1e10) : T(0x1p30);
  const T xc = is_double ? T(720) : T(100);
  const rectify::delu<T> f(T(1), b, xc);
  // Overflowing e^x, a subnormal result, ordinary values, one just below the overflow threshold
  // of the kernel's test (a x > 700, float 80) and one above xc.
  const std::vector<T> x = is_double ? std::vector<T>{712, -700, 1, 705, -3.5, 721, 0.25, 719}
                                     : std::vector<T>{95, -81, 1, 85, -3.5, 101, 0.25, 99};
  std::vector<T> y(x.size()), d(x.size());
  rectify::forward(f, std::span<const T>(x), std::span<T>(y));
  rectify::derivative(f, std::span<const T>(x), std::span<T>(d));
  for (std::size_t i = 0; i < x.size(); ++i) {
    const long double xl = x[i];
    const long double want_y = x[i] > xc ? xl : std::expm1(xl) / b;
    const long double want_d = x[i] > xc ? 1.0L : std::exp(xl) / b;
    const double y_hi = double(want_y), d_hi = double(want_d);
    INFO(variant_prefix() << "delu at x = " << x[i] << ": got " << y[i] << " and " << d[i]
                          << ", want " << y_hi << " and " << d_hi);
    CHECK(ulp_error<T>(y[i], y_hi, double(want_y - y_hi), 0.0) <= ulp_budget);
    CHECK(ulp_error<T>(d[i], d_hi, double(want_d - d_hi), 0.0) <= ulp_budget);
  }
}

TEMPLATE_TEST_CASE("delu rejects bad parameters", "[delu]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  auto throws_naming = [](auto make, const std::string& parameter) {
    CHECK_THROWS_AS(make(), std::invalid_argument);
    CHECK_THROWS_WITH(make(), Catch::StartsWith("rectify: ") && Catch::Contains("delu") &&
                                  Catch::Contains(parameter));
  };
  // The default xc exists only when a < b.
  throws_naming([] { return rectify::delu<T>(T(2), T(1)); }, "xc");
  throws_naming([] { return rectify::delu<T>(T(2), T(2)); }, "xc");
  CHECK_NOTHROW(rectify::delu<T>(T(2), T(1), T(0.7)));
  for (const T bad : {T(0), T(-1), L::quiet_NaN(), L::infinity(), -L::infinity()}) {
    throws_naming([bad] { return rectify::delu<T>(bad, T(2)); }, " a ");
    throws_naming([bad] { return rectify::delu<T>(T(1), bad); }, " b ");
  }
  for (const T bad : {L::quiet_NaN(), L::infinity(), -L::infinity()})
    throws_naming([bad] { return rectify::delu<T>(T(1), T(2), bad); }, "xc");
}
