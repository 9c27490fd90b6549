// The functions the accuracy tools check, named once for the double reference (reference.hpp),
// the MPFR reference (mp_reference.hpp) and the naive float formulas (naive.hpp).
#pragma once

#include <cmath>
#include <limits>

namespace accuracy {

enum class fn {
  relu,
  leaky_relu,
  prelu,
  crelu,
  elu,
  gelu,
  gelu_tanh,
  silu,
  mish,
  softplus,
  squareplus,
  delu
};

enum direction : int { forward = 0, derivative = 1 };

// The parameters of one instance: alpha (leaky_relu, prelu, elu), k (softplus), b (squareplus),
// or a, b and the meeting point xc (delu). Kept in double; a float instance stores its float
// parameters converted exactly.
struct params {
  double p1 = 0;
  double p2 = 0;
  double xc = 0;
};

// The piecewise-linear functions are exact: their error is counted against the correctly
// rounded result itself, and must be 0.
constexpr bool is_exact(fn f) {
  return f == fn::relu || f == fn::leaky_relu || f == fn::prelu || f == fn::crelu;
}

// f and f' at x = -inf (positive = false) and +inf, the limits SPEC.md requires. Output k of
// crelu is relu(x) for k = 0 and relu(-x) for k = 1 (derivatives H(x) and -H(-x)).
inline double limit(fn f, const params& p, direction d, int k, bool positive) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (d == forward) {
    if (positive) {
      return f == fn::crelu && k == 1 ? 0.0 : inf;
    }
    switch (f) {
      case fn::leaky_relu:
      case fn::prelu:
        return p.p1 == 0 ? 0.0 : -inf * (p.p1 > 0 ? 1 : -1);
      case fn::crelu:
        return k == 1 ? inf : 0.0;
      case fn::elu:
        return -p.p1;
      case fn::delu:
        return -1.0 / p.p2;
      default:
        return 0.0;
    }
  }
  if (positive) {
    return f == fn::crelu && k == 1 ? 0.0 : 1.0;
  }
  switch (f) {
    case fn::leaky_relu:
    case fn::prelu:
      return p.p1;
    case fn::crelu:
      return k == 1 ? -1.0 : 0.0;
    default:
      return 0.0;
  }
}

}  // namespace accuracy
