// The double-precision reference for float inputs, written from the textbook definitions with
// the C library's double functions, independently of rectify's formulations. A float result
// has 24 bits, so a reference good to ~1e-14 relative decides its ULP error to ~1e-6 ULP. Each
// form is chosen so that nothing overflows or cancels for any float x (the exhaustive checker
// validates these against MPFR at run time, and reports that error in float ULP):
// - x*x, k*x and a*x are exact in double for float x and float parameters.
// - sigma(t) is 1/(1+e^-t) for t >= 0 and e^t/(1+e^t) below: neither overflows, no 1 - s.
// - ln(1+e^t) is t + log1p(e^-t) for t > 0 and log1p(e^t) below.
// - gelu: erfc(-x/sqrt2) has no 1 + erf cancellation; the rounding of x/sqrt2 changes erfc by
//   2u^2*2^-53 relative, < 3e-14 wherever a float gelu is not 0 (|u| < 10.2).
// - gelu tanh: (1 + tanh(u))/2 = sigma(2u); in the left tail f ~ x*e^(2u), and the few-ulp
//   error of 2u costs |2u|*2^-52 < 3e-14 relative while f is a normal float (2u > -104).
// - mish': 1 - tanh^2(sp) is 1/cosh^2(sp), not a subtraction.
// - squareplus for x <= 0: (s - |x|)/2 = (b/2)/(s + |x|), f' = (b/2)/(s (s + |x|)).
// A derivative whose two terms cancel at a zero crossing (gelu, gelu tanh, silu, mish) also
// returns the larger magnitude of the two terms, the unit SPEC.md measures those in.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "functions.hpp"

namespace accuracy::ref {

struct value {
  double v;
  double term = 0;  // larger |term| of a cancelling derivative, else 0
};

namespace detail {

struct sigmoid_pair {
  double positive;  // sigma(t)
  double negative;  // sigma(-t)
};
inline sigmoid_pair sigmoid(double t) {
  if (t >= 0) {
    const double e = std::exp(-t);
    return {1 / (1 + e), e / (1 + e)};
  }
  const double e = std::exp(t);
  return {e / (1 + e), 1 / (1 + e)};
}
inline double softplus(double t) {
  return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t));
}
constexpr double inv_sqrt_2pi = 0.398942280401432677939946059934;
constexpr double sqrt_2_over_pi = 0.797884560802865355879892119869;
constexpr double gelu_kappa = 0.044715;

}  // namespace detail

// f (d = forward) or f' of output k at a float x (converted exactly to double).
inline value evaluate(fn f, const params& p, direction d, int k, double x) {
  if (std::isnan(x))
    return {std::numeric_limits<double>::quiet_NaN()};
  if (std::isinf(x))
    return {limit(f, p, d, k, x > 0)};
  switch (f) {
    case fn::relu:
      return {d == forward ? (x > 0 ? x : 0.0) : (x > 0 ? 1.0 : 0.0)};
    case fn::leaky_relu:
    case fn::prelu:
      return {d == forward ? (x > 0 ? x : p.p1 * x) : (x > 0 ? 1.0 : p.p1)};
    case fn::crelu: {
      const double t = k == 0 ? x : -x;
      if (d == forward)
        return {t > 0 ? t : 0.0};
      return {t > 0 ? (k == 0 ? 1.0 : -1.0) : 0.0};
    }
    case fn::elu:
      if (x > 0)
        return {d == forward ? x : 1.0};
      return {d == forward ? p.p1 * std::expm1(x) : p.p1 * std::exp(x)};
    case fn::gelu: {
      const double cdf = 0.5 * std::erfc(-x * 0.707106781186547524400844362105);
      if (d == forward)
        return {x * cdf};
      const double second = x * (std::exp(-0.5 * x * x) * detail::inv_sqrt_2pi);
      return {cdf + second, std::max(std::fabs(cdf), std::fabs(second))};
    }
    case fn::gelu_tanh: {
      const double two_u = 2 * detail::sqrt_2_over_pi * (x + detail::gelu_kappa * x * x * x);
      const auto s = detail::sigmoid(two_u);
      if (d == forward)
        return {x * s.positive};
      const double slope = 2 * detail::sqrt_2_over_pi * (1 + 3 * detail::gelu_kappa * x * x);
      const double second = x * slope * s.positive * s.negative;
      return {s.positive + second, std::max(s.positive, std::fabs(second))};
    }
    case fn::silu: {
      const auto s = detail::sigmoid(x);
      if (d == forward)
        return {x * s.positive};
      const double second = x * s.positive * s.negative;
      return {s.positive + second, std::max(s.positive, std::fabs(second))};
    }
    case fn::mish: {
      const double sp = detail::softplus(x);
      const double th = std::tanh(sp);
      if (d == forward)
        return {x * th};
      const double c = std::cosh(sp);
      const double second = x * detail::sigmoid(x).positive / (c * c);
      return {th + second, std::max(th, std::fabs(second))};
    }
    case fn::softplus: {
      const double t = p.p1 * x;
      return {d == forward ? detail::softplus(t) / p.p1 : detail::sigmoid(t).positive};
    }
    case fn::squareplus: {
      const double s = std::sqrt(x * x + p.p1);
      if (x > 0)
        return {d == forward ? 0.5 * (x + s) : 0.5 * (1 + x / s)};
      const double r = 0.5 * p.p1 / (s - x);
      return {d == forward ? r : r / s};
    }
    case fn::delu:
      if (x > p.xc)
        return {d == forward ? x : 1.0};
      return {d == forward ? std::expm1(p.p1 * x) / p.p2 : p.p1 / p.p2 * std::exp(p.p1 * x)};
  }
  return {std::numeric_limits<double>::quiet_NaN()};
}

}  // namespace accuracy::ref
