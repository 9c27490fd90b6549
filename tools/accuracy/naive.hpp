// The textbook formulas written naively in float, as a user would type them, measured with the
// same reference to show what rectify's formulations avoid: overflow of e^x (silu(-100),
// softplus(100), mish(100)), cancellation of 1 + erf and 1 + tanh in the left tail (gelu),
// of x + sqrt(x^2 + b) (squareplus) and of e^x - 1 near 0 (elu, delu), and NaN dropped by
// max(0, x). Kept out of line and compiled without -ffast-math so they stay as written.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "functions.hpp"

namespace accuracy::naive {

inline float evaluate(fn f, const params& p, direction d, int k, float x) {
  const float p1 = static_cast<float>(p.p1);
  const float p2 = static_cast<float>(p.p2);
  const float sqrt_2_over_pi = std::sqrt(2.0f / 3.14159265f);
  switch (f) {
    case fn::relu:
      return d == forward ? std::max(0.0f, x) : (x > 0 ? 1.0f : 0.0f);
    case fn::leaky_relu:
    case fn::prelu:
      return d == forward ? (x > 0 ? x : p1 * x) : (x > 0 ? 1.0f : p1);
    case fn::crelu: {
      const float t = k == 0 ? x : -x;
      if (d == forward)
        return std::max(0.0f, t);
      return t > 0 ? (k == 0 ? 1.0f : -1.0f) : 0.0f;
    }
    case fn::elu:
      if (d == forward)
        return x > 0 ? x : p1 * (std::exp(x) - 1.0f);
      return x > 0 ? 1.0f : p1 * std::exp(x);
    case fn::gelu: {
      const float cdf = 0.5f * (1.0f + std::erf(x / std::sqrt(2.0f)));
      if (d == forward)
        return x * cdf;
      return cdf + x * std::exp(-x * x / 2.0f) / std::sqrt(2.0f * 3.14159265f);
    }
    case fn::gelu_tanh: {
      const float th = std::tanh(sqrt_2_over_pi * (x + 0.044715f * x * x * x));
      if (d == forward)
        return 0.5f * x * (1.0f + th);
      return 0.5f * (1.0f + th) +
             0.5f * x * (1.0f - th * th) * sqrt_2_over_pi * (1.0f + 3.0f * 0.044715f * x * x);
    }
    case fn::silu: {
      if (d == forward)
        return x / (1.0f + std::exp(-x));
      const float s = 1.0f / (1.0f + std::exp(-x));
      return s * (1.0f + x * (1.0f - s));
    }
    case fn::mish: {
      const float th = std::tanh(std::log(1.0f + std::exp(x)));
      if (d == forward)
        return x * th;
      const float s = 1.0f / (1.0f + std::exp(-x));
      return th + x * s * (1.0f - th * th);
    }
    case fn::softplus:
      if (d == forward)
        return std::log(1.0f + std::exp(p1 * x)) / p1;
      return 1.0f / (1.0f + std::exp(-p1 * x));
    case fn::squareplus:
      if (d == forward)
        return (x + std::sqrt(x * x + p1)) / 2.0f;
      return (1.0f + x / std::sqrt(x * x + p1)) / 2.0f;
    case fn::delu:
      if (x > static_cast<float>(p.xc))
        return d == forward ? x : 1.0f;
      return d == forward ? (std::exp(p1 * x) - 1.0f) / p2 : p1 / p2 * std::exp(p1 * x);
  }
  return std::numeric_limits<float>::quiet_NaN();
}

}  // namespace accuracy::naive
