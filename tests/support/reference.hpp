// The MPFR references every accuracy test measures rectify against, the inputs they are
// measured on, and the tables in which the reference values are computed once per build.
//
// This part of the test support does not include rectify: it is the independent side of the
// comparison. Each function is written in a form MPFR evaluates without cancellation at the
// working precision (160 bits), so the reference is good to far better than 2^-100 relative
// everywhere, tails included; see reference.cpp for the formula of each.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <mpfr.h>

namespace rectify_test {

enum class family {
  relu,
  leaky_relu,
  prelu,
  elu,
  gelu,
  gelu_tanh,
  silu,
  mish,
  softplus,
  squareplus,
  delu,
};

// One function with its parameters, as the values of the type under test (0.2f, not 0.2).
struct config {
  family fam;
  std::array<double, 3> p{};  // leaky/prelu/elu: alpha; softplus: k; squareplus: b; delu: a,b,xc

  // "softplus(k=3.5)"
  std::string name() const;
  // A file-name-safe identifier, distinct for distinct parameters.
  std::string id() const;
  // Piecewise-linear: forward and derivative must be exact.
  bool exact() const;
  // The derivative is a sum of two terms that cancel where it crosses zero (SPEC, Accuracy):
  // gelu (both forms), silu, mish. Its error is measured against the larger term.
  bool cancelling_derivative() const;
  // Inputs where the forward is not differentiable (finite differences keep away from them).
  std::vector<double> kinks() const;
};

// The family name used as a Catch2 tag and generator argument: "gelu" covers both gelu forms.
std::string family_tag(family f);

// The accuracy configurations of a family for T (float or double): the defaults and the
// other settings the issues ask for, parameters rounded to T.
template <class T>
std::vector<config> accuracy_configs(const std::string& tag);
std::vector<std::string> all_family_tags();

// The solved default xc of delu(a, b): the positive root of (e^(a xc) - 1)/b = xc, rounded to
// nearest in T. Requires a < b.
template <class T>
T delu_default_xc(T a, T b);

// Evaluates a configuration at a point with MPFR at a fixed precision. Not thread-safe (it
// keeps its temporaries); make one per thread.
class mpfr_reference {
 public:
  explicit mpfr_reference(mpfr_prec_t precision = 160);
  ~mpfr_reference();
  mpfr_reference(const mpfr_reference&) = delete;
  mpfr_reference& operator=(const mpfr_reference&) = delete;

  mpfr_prec_t precision() const { return precision_; }

  // out = f(x). x may have any precision; out should have this object's precision.
  void forward(const config& c, mpfr_srcptr x, mpfr_ptr out);
  // out = f'(x) and, if scale is not null, scale = the magnitude errors are measured against:
  // |f'(x)|, or for a cancelling derivative max(|term1|, |term2|, |f'(x)|).
  void derivative(const config& c, mpfr_srcptr x, mpfr_ptr out, mpfr_ptr scale);

  // The same at a double input, as a double-double hi + lo (and the scale rounded to double).
  struct value {
    double hi;
    double lo;
    double scale;
  };
  value forward(const config& c, double x);
  value derivative(const config& c, double x);

  // The central difference (F(x+h) - F(x-h))/(2h) of the forward reference, h = 2^-80 |x|
  // (x != 0), as a double-double, at this object's precision (make it 320 bits) or more where
  // F is much larger than x F'. scale: as derivative()'s.
  value finite_difference(const config& c, double x);

  struct impl;

 private:
  mpfr_prec_t precision_;
  std::unique_ptr<impl> impl_;
};

// The inputs of the accuracy tests.
// Grid: 2^17 + 1 evenly spaced points over [-20, 20] plus every integer and half in it.
template <class T>
std::vector<T> grid_inputs();
// Sample: n random bit patterns of T with a fixed seed, NaN and infinities skipped, so every
// binade of both signs, subnormals included, is represented in proportion to its encodings.
template <class T>
std::vector<T> sample_inputs(std::size_t n);
// n from the environment variable RECTIFY_TEST_SAMPLES (default 1000000), so sanitizer builds
// can run fewer.
std::size_t sample_count();

// Reference values of a configuration on a set of inputs: forward and derivative as hi + lo,
// and the derivative's scale (see mpfr_reference::derivative).
struct reference_table {
  std::vector<double> forward_hi, forward_lo, derivative_hi, derivative_lo, derivative_scale;
};

template <class T>
reference_table compute_references(const config& c, const std::vector<T>& inputs);

// The table file of a configuration and input set ("grid" or "sample") for T in dir.
template <class T>
std::string table_path(const std::string& dir, const config& c, const std::string& set);
template <class T>
void save_table(const std::string& path, const std::vector<T>& inputs, const reference_table& t);
// Loads the table if the file exists and was made for exactly these inputs.
template <class T>
bool load_table(const std::string& path, const std::vector<T>& inputs, reference_table& t);

// The table from RECTIFY_REFERENCE_DIR (written by the rectify_reference_tables fixture) when
// it is there and matches, else computed here. `computed` tells which.
template <class T>
reference_table obtain_references(const config& c, const std::string& set,
                                  const std::vector<T>& inputs, bool* computed = nullptr);

}  // namespace rectify_test
