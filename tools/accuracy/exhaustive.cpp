// rectify's accuracy checker (issue 3).
//
// Float (default): every one of the 2^32 float bit patterns (or every Nth with --stride N)
// goes through rectify::forward and rectify::derivative in chunks of 2^16, for every function
// of SPEC.md, and each result is compared with a double reference written from the textbook
// definitions (reference.hpp). That reference is itself validated against MPFR on a random
// sample first (--validate N per function and direction): its error must stay below 0.01 float
// ULP for the float figures to mean anything. The same reference also measures the naive
// float formulas (naive.hpp), so the table shows what rectify's formulations avoid.
//
// Double (--double): random finite bit patterns (--samples, default 10^7), a dense grid over
// [-40, 40] (--grid points, default 2^22) and uniform points in [-800, 800] (a tenth of
// --samples), plus the special values, against MPFR at 160 bits.
//
// Error unit: the ULP of the correctly rounded result (subnormal results: the smallest
// subnormal). The derivatives of gelu (both forms), silu and mish cross zero where their two
// terms cancel; where the result is smaller than half the larger term (cancellation has taken
// at least one bit), the unit is the ULP of that term instead (SPEC.md, Accuracy). The
// piecewise-linear functions are compared with their correctly rounded result and must match
// it exactly. NaN in must give NaN out, +-inf must give the limits of functions.hpp; any other
// NaN or infinity where the reference is finite, or the reverse, is a mismatch.
//
// Bars (exit status 1 if any is missed): float forward <= 2 ULP, float derivative <= 3 ULP,
// double <= 2 ULP, exact functions 0 ULP, no NaN/inf mismatch, reference validation < 0.01 ULP.
//
// Flags: --stride N  --functions a,b,c (names as printed, e.g. gelu,gelu_tanh,leaky_relu, or
//        one instance as name:params, e.g. softplus:k=1, "delu:a=1 b=2")
//        --threads N (default 2)  --double  --samples N  --grid N  --validate N  --tsv FILE
#include <mpfr.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <rectify/delu.hpp>
#include <rectify/elu.hpp>
#include <rectify/gelu.hpp>
#include <rectify/kernels.hpp>
#include <rectify/leaky_relu.hpp>
#include <rectify/mish.hpp>
#include <rectify/relu.hpp>
#include <rectify/silu.hpp>
#include <rectify/softplus.hpp>
#include <rectify/squareplus.hpp>
#include <xsimd/xsimd.hpp>

#include "functions.hpp"
#include "mp_reference.hpp"
#include "naive.hpp"
#include "reference.hpp"

namespace {

using accuracy::direction;
using accuracy::fn;
using accuracy::params;

constexpr mpfr_prec_t mp_precision = 160;

// ---------------------------------------------------------------------------------------------
// The library side: one span kernel call for a whole chunk, either direction.

template <class T>
struct library {
  virtual ~library() = default;
  virtual void run(direction d, std::span<const T> x, std::span<T> y) const = 0;
  virtual T xc() const { return T(0); }
};

template <class F>
struct library_of final : library<typename F::value_type> {
  using T = typename F::value_type;
  explicit library_of(F functor) : f(std::move(functor)) {}
  void run(direction d, std::span<const T> x, std::span<T> y) const override {
    if (d == accuracy::forward)
      rectify::forward(f, x, y);
    else
      rectify::derivative(f, x, y);
  }
  T xc() const override {
    if constexpr (requires { f.xc(); })
      return f.xc();
    else
      return T(0);
  }
  F f;
};

template <class F>
std::unique_ptr<library<typename F::value_type>> wrap(F f) {
  return std::make_unique<library_of<F>>(std::move(f));
}

struct function_case {
  fn id;
  std::string name;    // for --functions
  std::string params;  // as printed in the table
  int outputs = 1;
  accuracy::params float_params;
  accuracy::params double_params;
  std::unique_ptr<library<float>> float_library;
  std::unique_ptr<library<double>> double_library;
};

// DELU's xc, solved here independently of the library: the positive root of
// (e^(a t) - 1)/b = t by Newton's method in MPFR at 200 bits, from the right (g is convex).
double solve_delu_xc(double a, double b, bool to_float) {
  mpfr_t t, g, dg, e;
  mpfr_inits2(200, t, g, dg, e, static_cast<mpfr_ptr>(nullptr));
  mpfr_set_d(t, 10.0 / a, MPFR_RNDN);
  for (int i = 0; i < 200; ++i) {
    mpfr_mul_d(e, t, a, MPFR_RNDN);
    mpfr_exp(e, e, MPFR_RNDN);        // e^(a t)
    mpfr_sub_ui(g, e, 1, MPFR_RNDN);  // g = (e - 1)/b - t
    mpfr_div_d(g, g, b, MPFR_RNDN);
    mpfr_sub(g, g, t, MPFR_RNDN);
    mpfr_mul_d(dg, e, a / b, MPFR_RNDN);  // g' = (a/b) e - 1 (a rounded a/b moves the steps only)
    mpfr_sub_ui(dg, dg, 1, MPFR_RNDN);
    mpfr_div(g, g, dg, MPFR_RNDN);
    mpfr_sub(t, t, g, MPFR_RNDN);
  }
  const double r = to_float ? double(mpfr_get_flt(t, MPFR_RNDN)) : mpfr_get_d(t, MPFR_RNDN);
  mpfr_clears(t, g, dg, e, static_cast<mpfr_ptr>(nullptr));
  return r;
}

std::string param(const char* name, double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%s=%g", name, value);
  return text;
}

std::vector<function_case> make_cases() {
  std::vector<function_case> cases;
  auto add = [&cases](fn id, std::string name, std::string text, params pf, params pd, auto ff,
                      auto fd) {
    function_case c{id, std::move(name),     std::move(text),    id == fn::crelu ? 2 : 1, pf,
                    pd, wrap(std::move(ff)), wrap(std::move(fd))};
    cases.push_back(std::move(c));
  };
  add(fn::relu, "relu", "", {}, {}, rectify::relu<float>{}, rectify::relu<double>{});
  for (double alpha : {0.01, 0.2}) {
    add(fn::leaky_relu, "leaky_relu", param("alpha", alpha), {double(float(alpha))}, {alpha},
        rectify::leaky_relu<float>{float(alpha)}, rectify::leaky_relu<double>{alpha});
  }
  for (double alpha : {0.25, 0.1}) {
    add(fn::prelu, "prelu", param("alpha", alpha), {double(float(alpha))}, {alpha},
        rectify::prelu<float>{float(alpha)}, rectify::prelu<double>{alpha});
  }
  add(fn::crelu, "crelu", "", {}, {}, rectify::crelu<float>{}, rectify::crelu<double>{});
  // alpha = 0.3 and a/b = 1/3 below: multipliers that are not powers of two, so that the
  // rounding of alpha*e^x (a second one after e^x's own) is measured too.
  for (double alpha : {1.0, 0.5, 0.3}) {
    add(fn::elu, "elu", param("alpha", alpha), {double(float(alpha))}, {alpha},
        rectify::elu<float>{float(alpha)}, rectify::elu<double>{alpha});
  }
  add(fn::gelu, "gelu", "exact", {}, {}, rectify::gelu<float>{}, rectify::gelu<double>{});
  add(fn::gelu_tanh, "gelu_tanh", "tanh", {}, {},
      rectify::gelu<float>{rectify::gelu_approximation::tanh},
      rectify::gelu<double>{rectify::gelu_approximation::tanh});
  add(fn::silu, "silu", "", {}, {}, rectify::silu<float>{}, rectify::silu<double>{});
  add(fn::mish, "mish", "", {}, {}, rectify::mish<float>{}, rectify::mish<double>{});
  for (double k : {1.0, 3.5}) {
    add(fn::softplus, "softplus", param("k", k), {k}, {k}, rectify::softplus<float>{float(k)},
        rectify::softplus<double>{k});
  }
  // b = 2^70 is beyond squareplus' lanes (b in [2^-60, 2^60]): float evaluates it in double,
  // double in hi + lo sums.
  for (double b : {4.0, 0.5, 0x1p70}) {
    add(fn::squareplus, "squareplus", param("b", b), {b}, {b}, rectify::squareplus<float>{float(b)},
        rectify::squareplus<double>{b});
  }
  for (auto [a, b] : {std::pair{1.0, 2.0}, std::pair{1.5, 3.0}, std::pair{1.0, 3.0}}) {
    const params pf{a, b, solve_delu_xc(a, b, true)};
    const params pd{a, b, solve_delu_xc(a, b, false)};
    const std::string text = param("a", a) + " " + param("b", b);
    add(fn::delu, "delu", text, pf, pd, rectify::delu<float>{float(a), float(b)},
        rectify::delu<double>{a, b});
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Error bookkeeping.

// The ULP of v's binade in T (the smallest subnormal for subnormals and zero; FLT_MAX's for
// infinity), from the exponent bits: this runs 2^32 times per row, and ilogb/ldexp are calls.
template <class T>
double ulp_of(T v) {
  constexpr int mantissa = std::numeric_limits<T>::digits - 1;
  constexpr int max_exponent = std::numeric_limits<T>::max_exponent;  // 128 or 1024
  using U = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
  int e = int((std::bit_cast<U>(v) >> mantissa) & U(2 * max_exponent - 1));  // biased exponent
  if (e == 2 * max_exponent - 1)
    e -= 1;  // inf
  if (e == 0)
    e = 1;  // subnormal or zero
  // 2^(e - bias - mantissa), bias = max_exponent - 1, as a double built from its exponent bits.
  if constexpr (std::is_same_v<T, double>)
    return std::ldexp(1.0, e - (max_exponent - 1) - mantissa);
  else
    return std::bit_cast<double>(std::uint64_t(e - (max_exponent - 1) - mantissa + 1023) << 52);
}

// The error unit: ULP of the correctly rounded result, or of the larger term where a
// cancelling derivative's result is below half that term.
template <class T>
double unit_of(double rounded, double value, double term) {
  if (term > 0 && std::fabs(value) < 0.5 * term)
    return std::max(ulp_of<T>(static_cast<T>(term)), ulp_of<T>(static_cast<T>(rounded)));
  return ulp_of<T>(static_cast<T>(rounded));
}

struct stats {
  std::uint64_t checked = 0;
  std::uint64_t above_one = 0;
  std::uint64_t nonfinite = 0;  // NaN/inf mismatches
  double max_ulp = 0;
  double worst_x = 0, worst_y = 0, worst_ref = 0;
  double bad_x = 0, bad_y = 0, bad_ref = 0;  // the first NaN/inf mismatch

  void error(double x, double y, double ref, double ulp) {
    ++checked;
    if (ulp > 1)
      ++above_one;
    if (ulp > max_ulp || (ulp == max_ulp && checked == 1)) {
      max_ulp = ulp;
      worst_x = x;
      worst_y = y;
      worst_ref = ref;
    }
  }
  // Handles the non-finite cases; returns true when it did.
  bool nonfinite_case(double x, double y, double ref) {
    const bool y_special = std::isnan(y) || std::isinf(y);
    const bool r_special = std::isnan(ref) || std::isinf(ref);
    if (!y_special && !r_special)
      return false;
    ++checked;
    const bool same = (std::isnan(y) && std::isnan(ref)) || (!std::isnan(y) && y == ref);
    if (!same) {
      if (nonfinite == 0) {
        bad_x = x;
        bad_y = y;
        bad_ref = ref;
      }
      ++nonfinite;
    }
    return true;
  }
  void merge(const stats& o) {
    checked += o.checked;
    above_one += o.above_one;
    if (o.nonfinite && !nonfinite) {
      bad_x = o.bad_x;
      bad_y = o.bad_y;
      bad_ref = o.bad_ref;
    }
    nonfinite += o.nonfinite;
    if (o.max_ulp > max_ulp) {
      max_ulp = o.max_ulp;
      worst_x = o.worst_x;
      worst_y = o.worst_y;
      worst_ref = o.worst_ref;
    }
  }
};

// One line of the report: a case, one of its outputs, one direction.
struct row {
  std::size_t case_index;
  int output;
  direction dir;
  stats lib;
  stats naive;
  double validation = 0;  // max error of the double reference vs MPFR, float ULP
  double validation_x = 0;
};

void record_float(stats& s, double x, float y, const accuracy::ref::value& r, bool exact) {
  if (s.nonfinite_case(x, y, r.v))
    return;
  const float rounded = static_cast<float>(r.v);
  const double unit = unit_of<float>(rounded, r.v, r.term);
  const double target = exact ? double(rounded) : r.v;
  s.error(x, y, r.v, std::fabs(double(y) - target) / unit);
}

// ---------------------------------------------------------------------------------------------
// Options.

struct options {
  std::uint64_t stride = 1;
  unsigned threads = 2;
  bool double_mode = false;
  std::uint64_t samples = 10'000'000;
  std::uint64_t grid = std::uint64_t(1) << 22;
  std::uint64_t validate = 100'000;
  std::uint64_t naive_stride = 1;
  std::vector<std::string> functions;
  std::string tsv;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "exhaustive: %s\nusage: exhaustive [--stride N] [--functions a,b] [--threads N] "
               "[--validate N] [--double [--samples N] [--grid N]] [--tsv FILE]\n",
               why);
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage(("missing value after " + a).c_str());
      return argv[++i];
    };
    auto number = [&]() {
      const std::string v = value();
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (end == v.c_str() || *end != '\0')
        usage(("not a number: " + v).c_str());
      return std::uint64_t(n);
    };
    if (a == "--stride") {
      o.stride = std::max<std::uint64_t>(1, number());
    } else if (a == "--threads") {
      o.threads = unsigned(std::max<std::uint64_t>(1, number()));
    } else if (a == "--double") {
      o.double_mode = true;
    } else if (a == "--samples") {
      o.samples = number();
    } else if (a == "--grid") {
      o.grid = number();
    } else if (a == "--naive-stride") {
      o.naive_stride = std::max<std::uint64_t>(1, number());
    } else if (a == "--validate") {
      o.validate = number();
    } else if (a == "--tsv") {
      o.tsv = value();
    } else if (a == "--functions") {
      std::stringstream list(value());
      for (std::string name; std::getline(list, name, ',');)
        o.functions.push_back(name);
    } else {
      usage(("unknown argument " + a).c_str());
    }
  }
  return o;
}

template <class Work>
void run_threads(unsigned n, Work work) {
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < n; ++t)
    pool.emplace_back(work, t);
  for (auto& t : pool)
    t.join();
}

std::uint64_t splitmix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// ---------------------------------------------------------------------------------------------
// The float check.

// Where the functions change character; the quick (strided) runs always include these.
std::vector<float> float_specials(const std::vector<function_case>& cases) {
  constexpr float inf = std::numeric_limits<float>::infinity();
  std::vector<float> v = {0.0f,
                          -0.0f,
                          inf,
                          -inf,
                          std::numeric_limits<float>::quiet_NaN(),
                          -std::numeric_limits<float>::quiet_NaN(),
                          std::numeric_limits<float>::signaling_NaN(),
                          std::numeric_limits<float>::denorm_min(),
                          -std::numeric_limits<float>::denorm_min(),
                          std::numeric_limits<float>::min(),
                          -std::numeric_limits<float>::min(),
                          std::numeric_limits<float>::max(),
                          -std::numeric_limits<float>::max(),
                          1.0f,
                          -1.0f,
                          -0.7518f,
                          -1.2785f,
                          -1.1924f,
                          -10.0f,
                          -14.0f,
                          -100.0f,
                          100.0f,
                          -1e30f,
                          1e30f,
                          88.7f,
                          -88.7f,
                          -103.9f,
                          -745.0f,
                          40.0f,
                          30.0f,
                          -30.0f,
                          -40.0f};
  for (const auto& c : cases) {
    if (c.id == fn::delu) {
      const float xc = float(c.float_params.xc);
      v.insert(v.end(), {xc, std::nextafter(xc, 0.0f), std::nextafter(xc, 10.0f)});
    }
  }
  return v;
}

// x holds inputs number first, first + 1, ... of the sweep; the naive formulas run on those
// whose number is a multiple of naive_stride.
void float_chunk(const std::vector<function_case>& cases, std::vector<row>& rows,
                 std::span<const float> x, std::vector<float>& y, std::uint64_t first,
                 std::uint64_t naive_stride) {
  const std::size_t n = x.size();
  // The first index of the chunk whose number is a multiple of naive_stride (no division in
  // the inner loop: it would cost as much as the reference of the cheap functions).
  const std::size_t naive_first = std::size_t((naive_stride - first % naive_stride) % naive_stride);
  std::size_t r = 0;
  for (std::size_t ci = 0; ci < cases.size(); ++ci) {
    const auto& c = cases[ci];
    const bool exact = accuracy::is_exact(c.id);
    for (direction d : {accuracy::forward, accuracy::derivative}) {
      y.resize(n * std::size_t(c.outputs));
      c.float_library->run(d, x, y);
      for (int k = 0; k < c.outputs; ++k) {
        row& out = rows[r + std::size_t(d) * std::size_t(c.outputs) + std::size_t(k)];
        std::size_t naive_next = naive_first;
        for (std::size_t i = 0; i < n; ++i) {
          const auto ref = accuracy::ref::evaluate(c.id, c.float_params, d, k, x[i]);
          record_float(out.lib, x[i], y[std::size_t(k) * n + i], ref, exact);
          if (i == naive_next) {
            naive_next += std::size_t(naive_stride);
            record_float(out.naive, x[i],
                         accuracy::naive::evaluate(c.id, c.float_params, d, k, x[i]), ref, exact);
          }
        }
      }
    }
    r += 2 * std::size_t(c.outputs);
  }
}

std::vector<row> make_rows(const std::vector<function_case>& cases) {
  std::vector<row> rows;
  for (std::size_t ci = 0; ci < cases.size(); ++ci) {
    for (direction d : {accuracy::forward, accuracy::derivative}) {
      for (int k = 0; k < cases[ci].outputs; ++k)
        rows.push_back({ci, k, d, {}, {}, 0, 0});
    }
  }
  return rows;
}

void merge_rows(std::vector<row>& into, const std::vector<row>& from) {
  for (std::size_t i = 0; i < into.size(); ++i) {
    into[i].lib.merge(from[i].lib);
    into[i].naive.merge(from[i].naive);
  }
}

// The double reference of the float check against MPFR, on random floats: a third random
// finite bit patterns, a third uniform in [-20, 20], a sixth in [-120, 120] (the tails where
// results are tiny but not 0) and a sixth in [-2, -0.5] (the zero crossings of the
// derivatives).
void validate_reference(const options& o, const std::vector<function_case>& cases,
                        std::vector<row>& rows) {
  std::atomic<std::size_t> next{0};
  run_threads(o.threads, [&](unsigned) {
    accuracy::mp::context mp(mp_precision);
    mpfr_t diff;
    mpfr_init2(diff, mp_precision);
    for (std::size_t r; (r = next++) < rows.size();) {
      row& w = rows[r];
      const auto& c = cases[w.case_index];
      std::mt19937_64 rng(1234 + r);
      for (std::uint64_t i = 0; i < o.validate; ++i) {
        float x;
        const std::uint64_t kind = i % 6;
        if (kind < 2) {
          do {
            x = std::bit_cast<float>(std::uint32_t(rng()));
          } while (!std::isfinite(x));
        } else if (kind < 4) {
          x = std::uniform_real_distribution<float>(-20.0f, 20.0f)(rng);
        } else if (kind == 4) {
          x = std::uniform_real_distribution<float>(-120.0f, 120.0f)(rng);
        } else {
          x = std::uniform_real_distribution<float>(-2.0f, -0.5f)(rng);
        }
        const auto ref = accuracy::ref::evaluate(c.id, c.float_params, w.dir, w.output, x);
        mp.evaluate(c.id, c.float_params, w.dir, w.output, x);
        const double rounded = double(mpfr_get_flt(mp.v, MPFR_RNDN));
        const double unit =
            unit_of<float>(rounded, mpfr_get_d(mp.v, MPFR_RNDN), mpfr_get_d(mp.term, MPFR_RNDN));
        mpfr_sub_d(diff, mp.v, ref.v, MPFR_RNDN);
        mpfr_div_d(diff, diff, unit, MPFR_RNDN);
        const double err = std::fabs(mpfr_get_d(diff, MPFR_RNDN));
        if (!(err <= w.validation)) {
          w.validation = err;
          w.validation_x = x;
        }
      }
    }
    mpfr_clear(diff);
  });
}

void float_check(const options& o, const std::vector<function_case>& cases,
                 std::vector<row>& rows) {
  constexpr std::uint64_t chunk = std::uint64_t(1) << 16;
  const std::uint64_t total = ((std::uint64_t(1) << 32) + o.stride - 1) / o.stride;
  const std::uint64_t chunks = (total + chunk - 1) / chunk;
  std::atomic<std::uint64_t> next{0};
  std::vector<std::vector<row>> partial(o.threads, rows);
  const auto start = std::chrono::steady_clock::now();
  run_threads(o.threads, [&](unsigned t) {
    std::vector<float> x, y;
    if (t == 0 && o.stride > 1) {
      x = float_specials(cases);
      float_chunk(cases, partial[t], x, y, 0, 1);
    }
    for (std::uint64_t c; (c = next++) < chunks;) {
      const std::uint64_t begin = c * chunk, end = std::min(total, begin + chunk);
      x.resize(end - begin);
      for (std::uint64_t i = begin; i < end; ++i)
        x[i - begin] = std::bit_cast<float>(std::uint32_t(i * o.stride));
      float_chunk(cases, partial[t], x, y, begin, o.naive_stride);
      if (t == 0 && o.stride == 1 && c % 4096 == 0 && c > 0) {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "  %.0f%% after %.0f s\n", 100.0 * double(c) / double(chunks), s);
      }
    }
  });
  for (const auto& p : partial)
    merge_rows(rows, p);
}

// ---------------------------------------------------------------------------------------------
// The double check.

void record_double(stats& s, double x, double y, accuracy::mp::context& mp, mpfr_t diff,
                   bool exact) {
  const double rounded = mpfr_get_d(mp.v, MPFR_RNDN);
  if (s.nonfinite_case(x, y, rounded))
    return;
  const double unit = unit_of<double>(rounded, rounded, mpfr_get_d(mp.term, MPFR_RNDN));
  if (exact) {
    mpfr_set_d(diff, rounded, MPFR_RNDN);
  } else {
    mpfr_set(diff, mp.v, MPFR_RNDN);
  }
  mpfr_sub_d(diff, diff, y, MPFR_RNDN);
  mpfr_div_d(diff, diff, unit, MPFR_RNDN);
  s.error(x, y, rounded, std::fabs(mpfr_get_d(diff, MPFR_RNDN)));
}

void double_check(const options& o, const std::vector<function_case>& cases,
                  std::vector<row>& rows) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const std::uint64_t wide = o.samples / 10;
  const std::uint64_t total = o.samples + (o.grid + 1) + wide;
  constexpr std::uint64_t chunk = 4096;
  const std::uint64_t chunks = (total + chunk - 1) / chunk;
  // The i-th input: random finite bit patterns, then the grid, then uniform in [-800, 800].
  auto input = [&](std::uint64_t i) {
    if (i < o.samples) {
      for (std::uint64_t j = 0;; ++j) {
        const double x = std::bit_cast<double>(splitmix(i * 7919 + j * 0x1000000007ULL));
        if (std::isfinite(x))
          return x;
      }
    }
    i -= o.samples;
    if (i <= o.grid)
      return -40.0 + 80.0 * double(i) / double(std::max<std::uint64_t>(o.grid, 1));
    i -= o.grid + 1;
    return -800.0 + 1600.0 * double(splitmix(~i) >> 11) * 0x1p-53;
  };
  std::vector<double> specials = {0.0,
                                  -0.0,
                                  inf,
                                  -inf,
                                  std::numeric_limits<double>::quiet_NaN(),
                                  -std::numeric_limits<double>::quiet_NaN(),
                                  std::numeric_limits<double>::denorm_min(),
                                  -std::numeric_limits<double>::denorm_min(),
                                  std::numeric_limits<double>::min(),
                                  -std::numeric_limits<double>::min(),
                                  std::numeric_limits<double>::max(),
                                  -std::numeric_limits<double>::max(),
                                  -37.5,
                                  -745.0,
                                  -1e300,
                                  1e300};
  for (const auto& c : cases) {
    if (c.id == fn::delu) {
      const double xc = c.double_params.xc;
      specials.insert(specials.end(), {xc, std::nextafter(xc, 0.0), std::nextafter(xc, 10.0)});
    }
  }
  std::atomic<std::uint64_t> next{0};
  std::vector<std::vector<row>> partial(o.threads, rows);
  const auto start = std::chrono::steady_clock::now();
  run_threads(o.threads, [&](unsigned t) {
    accuracy::mp::context mp(mp_precision);
    mpfr_t diff;
    mpfr_init2(diff, mp_precision);
    std::vector<double> x, y;
    auto process = [&]() {
      const std::size_t n = x.size();
      std::size_t r = 0;
      for (const auto& c : cases) {
        const bool exact = accuracy::is_exact(c.id);
        for (direction d : {accuracy::forward, accuracy::derivative}) {
          y.resize(n * std::size_t(c.outputs));
          c.double_library->run(d, x, y);
          for (int k = 0; k < c.outputs; ++k) {
            stats& s = partial[t][r + std::size_t(d) * std::size_t(c.outputs) + std::size_t(k)].lib;
            for (std::size_t i = 0; i < n; ++i) {
              const double yi = y[std::size_t(k) * n + i];
              if (!std::isfinite(x[i])) {
                const double lim = std::isnan(x[i])
                                       ? x[i]
                                       : accuracy::limit(c.id, c.double_params, d, k, x[i] > 0);
                s.nonfinite_case(x[i], yi, lim);
                continue;
              }
              mp.evaluate(c.id, c.double_params, d, k, x[i]);
              record_double(s, x[i], yi, mp, diff, exact);
            }
          }
        }
        r += 2 * std::size_t(c.outputs);
      }
    };
    if (t == 0) {
      x = specials;
      process();
    }
    for (std::uint64_t c; (c = next++) < chunks;) {
      const std::uint64_t begin = c * chunk, end = std::min(total, begin + chunk);
      x.resize(end - begin);
      for (std::uint64_t i = begin; i < end; ++i)
        x[i - begin] = input(i);
      process();
      if (t == 0 && c % 256 == 0 && c > 0) {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "  %.0f%% after %.0f s\n", 100.0 * double(c) / double(chunks), s);
      }
    }
    mpfr_clear(diff);
  });
  for (const auto& p : partial)
    merge_rows(rows, p);
}

// ---------------------------------------------------------------------------------------------
// Report.

double bar(fn id, direction d, bool double_mode) {
  if (accuracy::is_exact(id))
    return 0;
  if (double_mode)
    return 2;
  return d == accuracy::forward ? 2 : 3;
}

std::string output_name(const function_case& c, int k) {
  if (c.outputs == 1)
    return "";
  return k == 0 ? "relu(x)" : "relu(-x)";
}

void print_stats(const char* label, const stats& s, bool is_double) {
  const int digits = is_double ? 17 : 9;
  std::printf("    %-7s max %.4g ULP", label, s.max_ulp);
  if (s.checked) {
    std::printf(" at x = %a (%.*g): got %.*g, reference %.*g", s.worst_x, digits, s.worst_x, digits,
                s.worst_y, digits + 2, s.worst_ref);
  }
  std::printf("; %llu > 1 ULP; %llu NaN/inf mismatches", (unsigned long long)s.above_one,
              (unsigned long long)s.nonfinite);
  if (s.nonfinite) {
    std::printf(" (first: x = %a gave %g, expected %g)", s.bad_x, s.bad_y, s.bad_ref);
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  std::vector<function_case> cases = make_cases();
  if (!o.functions.empty()) {
    std::erase_if(cases, [&](const function_case& c) {
      return std::none_of(o.functions.begin(), o.functions.end(), [&](const std::string& f) {
        return f == c.name || f == c.name + ":" + c.params;
      });
    });
    if (cases.empty())
      usage("--functions selects nothing");
  }
  std::printf("rectify accuracy, %s: arch %s, %u threads, ", o.double_mode ? "double" : "float",
              xsimd::default_arch::name(), o.threads);
  if (o.double_mode) {
    std::printf("%llu random bit patterns + %llu grid points in [-40, 40] + %llu in [-800, 800]\n",
                (unsigned long long)o.samples, (unsigned long long)o.grid + 1,
                (unsigned long long)(o.samples / 10));
  } else {
    std::printf("%s\n",
                o.stride == 1
                    ? "all 2^32 inputs"
                    : ("every " + std::to_string(o.stride) + "th input + special values").c_str());
  }

  bool pass = true;
  // DELU's default xc: the library's must be the nearest float/double to the root.
  for (const auto& c : cases) {
    if (c.id != fn::delu)
      continue;
    const double lib = o.double_mode ? c.double_library->xc() : c.float_library->xc();
    const double mine = o.double_mode ? c.double_params.xc : c.float_params.xc;
    if (lib != mine) {
      std::printf("FAIL delu %s: xc() = %a, nearest to the root is %a\n", c.params.c_str(), lib,
                  mine);
      pass = false;
    }
  }

  std::vector<row> rows = make_rows(cases);
  const auto start = std::chrono::steady_clock::now();
  if (!o.double_mode && o.validate > 0) {
    validate_reference(o, cases, rows);
    std::printf("reference validated against MPFR (%d bits) on %llu floats per row, %.1f s\n",
                int(mp_precision), (unsigned long long)o.validate,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  const auto sweep = std::chrono::steady_clock::now();
  if (o.double_mode)
    double_check(o, cases, rows);
  else
    float_check(o, cases, rows);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sweep).count();

  std::FILE* tsv = o.tsv.empty() ? nullptr : std::fopen(o.tsv.c_str(), "w");
  if (!o.tsv.empty() && !tsv) {
    std::perror(o.tsv.c_str());
    return 2;
  }
  for (const auto& w : rows) {
    const auto& c = cases[w.case_index];
    const double limit = bar(c.id, w.dir, o.double_mode);
    const bool reference_ok = o.double_mode || o.validate == 0 || w.validation < 0.01;
    const bool ok = w.lib.max_ulp <= limit && w.lib.nonfinite == 0 && reference_ok;
    pass = pass && ok;
    const std::string out = output_name(c, w.output);
    std::printf("%s %s %s%s%s %s (bar %g ULP), %llu inputs\n", ok ? "PASS" : "FAIL", c.name.c_str(),
                c.params.c_str(), out.empty() ? "" : " ", out.c_str(),
                w.dir == accuracy::forward ? "forward" : "derivative", limit,
                (unsigned long long)w.lib.checked);
    print_stats("rectify", w.lib, o.double_mode);
    if (!o.double_mode) {
      print_stats("naive", w.naive, false);
      if (o.validate > 0) {
        std::printf("    reference vs MPFR: max %.3g float ULP at x = %a%s\n", w.validation,
                    w.validation_x, reference_ok ? "" : "  (TOO LARGE: figures not meaningful)");
      }
    }
    if (tsv) {
      std::fprintf(
          tsv, "%s\t%s\t%s\t%s\t%s\t%.6g\t%a\t%llu\t%llu\t%.6g\t%llu\t%llu\t%llu\t%.3g\t%s\n",
          o.double_mode ? "double" : "float", c.name.c_str(), c.params.c_str(), out.c_str(),
          w.dir == accuracy::forward ? "forward" : "derivative", w.lib.max_ulp, w.lib.worst_x,
          (unsigned long long)w.lib.above_one, (unsigned long long)w.lib.nonfinite, w.naive.max_ulp,
          (unsigned long long)w.naive.above_one, (unsigned long long)w.naive.nonfinite,
          (unsigned long long)w.lib.checked, w.validation, ok ? "pass" : "FAIL");
    }
  }
  if (tsv)
    std::fclose(tsv);
  std::printf("%s in %.1f s\n", pass ? "all within the bar" : "SOME FUNCTIONS MISS THE BAR",
              seconds);
  return pass ? 0 : 1;
}
