// The test side of the accuracy checks: ULP measurement against the MPFR references, the
// per-arch loop, and the edge-value helpers every family test uses.
//
// Budgets (issue 2): at most 4 ULP for every smooth function, forward and derivative, float
// and double; exactly 0 for the piecewise-linear ones. The stricter issue-3 bar (float forward
// <= 2, float derivative <= 3, double <= 2) is measured and printed, not enforced.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>
#include <xsimd/xsimd.hpp>

#include <rectify/kernels.hpp>

#include "reference.hpp"

#ifndef RECTIFY_ARCH_VARIANT
#define RECTIFY_ARCH_VARIANT "default"
#endif

namespace rectify_test {

inline constexpr double ulp_budget = 4.0;

template <class T>
const char* type_name() {
  return std::is_same_v<T, float> ? "float" : "double";
}

// "[avx512] " — every message names the build variant that produced it.
inline std::string variant_prefix() {
  return std::string("[") + RECTIFY_ARCH_VARIANT + "] ";
}

// The ULP of T at magnitude m: the spacing of T at m rounded to T (so a result just below a
// power of two that rounds up to it is measured in the ULP of the power of two).
template <class T>
double ulp_unit(double m) {
  using L = std::numeric_limits<T>;
  const T r = std::fabs(static_cast<T>(m));
  if (!std::isfinite(r))
    return std::ldexp(1.0, L::max_exponent - L::digits);
  if (r < L::min())
    return double(L::denorm_min());
  return std::ldexp(1.0, std::ilogb(r) - (L::digits - 1));
}

// |got - (hi + lo)| in ULP of T at max(|hi|, scale).
template <class T>
double ulp_error(T got, double hi, double lo, double scale) {
  if (std::isnan(got) || std::isnan(hi))
    return std::isnan(got) && std::isnan(hi) ? 0.0 : std::numeric_limits<double>::infinity();
  if (std::isinf(got) || std::isinf(hi))
    return double(got) == hi ? 0.0 : std::numeric_limits<double>::infinity();
  // got - hi is exact whenever the two are close (long double holds 64 bits).
  const long double diff = (static_cast<long double>(got) - hi) - lo;
  return double(std::fabs(diff)) / ulp_unit<T>(std::max(std::fabs(hi), scale));
}

// The largest error seen. `exact`: the error is measured from the correctly rounded result
// (0 means got is it), as for the piecewise-linear functions, whose alpha*x is one rounding.
template <class T>
struct worst_case {
  bool exact = false;
  double ulp = 0;
  T x = 0;
  T got = 0;
  double want = 0;
  std::size_t count = 0;

  void add(T xi, T gi, double hi, double lo, double scale) {
    ++count;
    // hi is the correctly rounded double; for float, hi is alpha*x exactly (48 bits).
    const double e = exact ? ulp_error<T>(gi, double(static_cast<T>(hi)), 0.0, scale)
                           : ulp_error<T>(gi, hi, lo, scale);
    if (e > ulp || (std::isnan(e) && !std::isnan(ulp))) {
      ulp = e;
      x = xi;
      got = gi;
      want = hi;
    }
  }
};

inline std::string hex_and_decimal(double v) {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%.17g (%a)", v, v);
  return buffer;
}

// Appends a line to the file named by RECTIFY_ACCURACY_LOG, if set (for collecting tables).
inline void log_line(const std::string& line) {
  if (const char* path = std::getenv("RECTIFY_ACCURACY_LOG")) {
    std::ofstream(path, std::ios::app) << line << '\n';
  }
}

// The issue-3 bar: float forward 2, float derivative 3, double 2.
template <class T>
double issue3_bar(bool derivative) {
  return std::is_same_v<T, float> && derivative ? 3.0 : 2.0;
}

// Prints "function type direction set: max ULP at x" and checks the budget (exact: 0 ULP).
template <class T>
void report(const std::string& name, bool exact, const char* direction, const std::string& set,
            const worst_case<T>& w) {
  std::ostringstream line;
  line.precision(3);
  line << variant_prefix() << name << ' ' << type_name<T>() << ' ' << direction << ' ' << set
       << " (" << w.count << " points): max " << std::fixed << w.ulp << " ULP";
  line.unsetf(std::ios::fixed);
  line << " at x = " << hex_and_decimal(double(w.x)) << ", got " << hex_and_decimal(double(w.got))
       << ", want " << hex_and_decimal(w.want);
  if (exact) {
    line << "; exact: " << (w.ulp == 0 ? "yes" : "NO");
  } else {
    const double bar = issue3_bar<T>(std::string(direction) == "derivative");
    line << "; issue-3 bar (<= " << bar << " ULP): " << (w.ulp <= bar ? "met" : "NOT met");
  }
  std::cout << line.str() << std::endl;
  log_line(line.str());
  INFO(line.str());
  if (exact) {
    CHECK(w.ulp == 0);
  } else {
    CHECK(w.ulp <= ulp_budget);
  }
}
template <class T>
void report(const config& c, const char* direction, const std::string& set,
            const worst_case<T>& w) {
  report(c.name(), c.exact(), direction, set, w);
}

// The inputs of a set: "grid" or "sample".
template <class T>
std::vector<T> inputs_of(const std::string& set) {
  return set == "grid" ? grid_inputs<T>() : sample_inputs<T>(sample_count());
}

// Measures a functor against the MPFR reference of c on the grid and on the random sample,
// forward and derivative, through the span kernels of the default arch.
template <class F>
void check_accuracy(const F& f, const config& c) {
  using T = typename F::value_type;
  for (const std::string set : {"grid", "sample"}) {
    const std::vector<T> x = inputs_of<T>(set);
    bool computed = false;
    const reference_table ref = obtain_references<T>(c, set, x, &computed);
    if (computed && !c.exact()) {
      std::cout << variant_prefix() << c.name() << ' ' << type_name<T>() << ' ' << set
                << ": reference table not found, computed here" << std::endl;
    }
    std::vector<T> y(x.size()), d(x.size());
    rectify::forward(f, std::span<const T>(x), std::span<T>(y));
    rectify::derivative(f, std::span<const T>(x), std::span<T>(d));
    worst_case<T> wf, wd;
    wf.exact = wd.exact = c.exact();
    for (std::size_t i = 0; i < x.size(); ++i) {
      wf.add(x[i], y[i], ref.forward_hi[i], ref.forward_lo[i], 0.0);
      wd.add(x[i], d[i], ref.derivative_hi[i], ref.derivative_lo[i],
             ref.derivative_scale.empty() ? 0.0 : ref.derivative_scale[i]);
    }
    report(c, "forward", set, wf);
    report(c, "derivative", set, wd);
  }
}

// The derivative against a central difference of the forward reference (MPFR, 320 bits,
// h = 2^-80 |x|): checks that the reference derivative formula is the derivative of the
// reference forward (to 2^-90 of its scale), and that the library's derivative is within
// the ULP budget of it. Points: `count` random points of [-20, 20] away from the kinks, and
// tail points.
template <class F>
void check_finite_difference(const F& f, const config& c, int count) {
  using T = typename F::value_type;
  mpfr_reference fine(320);
  mpfr_reference ref(160);
  std::vector<T> points;
  std::mt19937_64 random(0xfdfdfd);
  std::uniform_real_distribution<double> uniform(-20, 20);
  const auto kinks = c.kinks();
  while (points.size() < std::size_t(count)) {
    const T x = T(uniform(random));
    const bool near_kink = std::any_of(kinks.begin(), kinks.end(),
                                       [x](double k) { return std::fabs(double(x) - k) < 1e-6; });
    if (!near_kink && x != 0)
      points.push_back(x);
  }
  for (double t : {1e-30, 1e-7, 1e-3, 0.75, 1.25, 25.0, 30.0, 37.5, 50.0, 100.0, 300.0, 700.0}) {
    points.push_back(T(t));
    points.push_back(T(-t));
  }
  double worst_formula = 0;  // |reference f' - finite difference| / scale
  double worst_formula_x = 0;
  worst_case<T> lib;
  lib.exact = c.exact();
  for (const T x : points) {
    const auto fd = fine.finite_difference(c, double(x));
    const auto d = ref.derivative(c, double(x));
    const double scale = std::max(fd.scale, 1e-300);
    const double deviation = std::fabs((d.hi - fd.hi) + (d.lo - fd.lo)) / scale;
    if (deviation > worst_formula) {
      worst_formula = deviation;
      worst_formula_x = double(x);
    }
    lib.add(x, f.derivative(x), fd.hi, fd.lo, c.cancelling_derivative() ? fd.scale : 0.0);
  }
  std::ostringstream line;
  line << variant_prefix() << c.name() << ' ' << type_name<T>()
       << " derivative vs finite difference (" << points.size()
       << " points): reference formula off by " << worst_formula
       << " of its scale (at x = " << worst_formula_x << "), library max " << lib.ulp
       << " ULP at x = " << hex_and_decimal(double(lib.x));
  std::cout << line.str() << std::endl;
  log_line(line.str());
  INFO(line.str());
  CHECK(worst_formula <= std::ldexp(1.0, -90));
  if (c.exact())
    CHECK(lib.ulp == 0);
  else
    CHECK(lib.ulp <= ulp_budget);
}

// ---------------------------------------------------------------------------------------------
// Every arch this build can run, each given to fn as a tag object.

using candidate_archs = xsimd::arch_list<xsimd::sse2, xsimd::sse4_2, xsimd::avx, xsimd::avx2,
                                         xsimd::fma3<xsimd::avx2>, xsimd::avx512f, xsimd::avx512bw>;

template <class A, class Fn>
void call_if_supported(Fn& fn) {
  if constexpr (A::supported())
    fn(A{});
}
template <class... A, class Fn>
void for_each_arch_impl(xsimd::arch_list<A...>, Fn& fn) {
  (call_if_supported<A>(fn), ...);
}
template <class Fn>
void for_each_arch(Fn fn) {
  for_each_arch_impl(candidate_archs{}, fn);
}

// ---------------------------------------------------------------------------------------------
// Edge values: the same check on the scalar call, the batch call and the span kernels
// (forward, derivative, backward with dy = 1) of every arch.

enum class direction { forward, derivative };

template <class F, class Pred>
void check_edge(const F& f, direction dir, typename F::value_type x, Pred ok,
                const std::string& what) {
  using T = typename F::value_type;
  const bool fwd = dir == direction::forward;
  auto describe = [&](const std::string& path, T got) {
    std::ostringstream s;
    s.precision(17);
    s << variant_prefix() << what << " [" << (fwd ? "forward" : "derivative") << ", " << path
      << "]: x = " << x << ", got " << got;
    return s.str();
  };
  {
    const T got = fwd ? f(x) : f.derivative(x);
    INFO(describe("scalar", got));
    CHECK(ok(got));
  }
  for_each_arch([&](auto arch) {
    using A = decltype(arch);
    using B = xsimd::batch<T, A>;
    const std::string name = A::name();
    const B b = fwd ? f(B(x)) : f.derivative(B(x));
    for (std::size_t lane = 0; lane < B::size; ++lane) {
      INFO(describe(name + " batch lane " + std::to_string(lane), b.get(lane)));
      CHECK(ok(b.get(lane)));
    }
    // A span longer than a batch, so both the body and the tail paths see x.
    const std::vector<T> in(B::size + 3, x);
    std::vector<T> out(in.size());
    if (fwd)
      rectify::forward<A>(f, std::span<const T>(in), std::span<T>(out));
    else
      rectify::derivative<A>(f, std::span<const T>(in), std::span<T>(out));
    for (std::size_t i = 0; i < out.size(); ++i) {
      INFO(describe(name + " span index " + std::to_string(i), out[i]));
      CHECK(ok(out[i]));
    }
    if (!fwd) {
      const std::vector<T> ones(in.size(), T(1));
      rectify::backward<A>(f, std::span<const T>(in), std::span<const T>(ones), std::span<T>(out));
      for (std::size_t i = 0; i < out.size(); ++i) {
        INFO(describe(name + " backward(dy = 1) index " + std::to_string(i), out[i]));
        CHECK(ok(out[i]));
      }
    }
  });
}

// NaN in x gives NaN in forward, derivative and backward; a NaN upstream gradient gives a NaN
// gradient for every x.
template <class F>
void check_nan_policy(const F& f, const std::string& what) {
  using T = typename F::value_type;
  const T nan = std::numeric_limits<T>::quiet_NaN();
  auto is_nan = [](T v) { return std::isnan(v); };
  check_edge(f, direction::forward, nan, is_nan, what + " NaN");
  check_edge(f, direction::derivative, nan, is_nan, what + " NaN");
  check_edge(f, direction::forward, -nan, is_nan, what + " -NaN");
  check_edge(f, direction::derivative, -nan, is_nan, what + " -NaN");
  for_each_arch([&](auto arch) {
    using A = decltype(arch);
    const std::vector<T> x = {T(-2), T(-0.5), T(0), T(0.5), T(2), T(30), T(-30), nan, T(1)};
    const std::vector<T> dy(x.size(), nan);
    std::vector<T> dx(x.size());
    rectify::backward<A>(f, std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx));
    for (std::size_t i = 0; i < x.size(); ++i) {
      INFO(variant_prefix() << what << " backward with dy = NaN on " << A::name()
                            << ": x = " << x[i] << ", got " << dx[i]);
      CHECK(std::isnan(dx[i]));
    }
  });
}

// Within the ULP budget of the MPFR reference of c at x (the derivative's error measured as in
// the accuracy tests).
template <class T>
auto near_reference(const config& c, direction dir, T x) {
  mpfr_reference ref;
  const auto r =
      dir == direction::forward ? ref.forward(c, double(x)) : ref.derivative(c, double(x));
  const double scale = dir == direction::derivative && c.cancelling_derivative() ? r.scale : 0.0;
  return [r, scale](T v) { return ulp_error<T>(v, r.hi, r.lo, scale) <= ulp_budget; };
}

// Helpers for the expected values of edge checks.
// v == want (the sign of a zero result is not specified).
template <class T>
auto equals(T want) {
  return [want](T v) { return v == want; };
}

}  // namespace rectify_test
