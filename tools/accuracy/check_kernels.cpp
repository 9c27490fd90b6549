// Accuracy check of the rectify::detail elementary kernels against MPFR (200-bit references).
// Not part of CMake. Build by hand, e.g.:
//   g++ -O2 -std=c++20 -march=native -Iinclude tools/accuracy/check_kernels.cpp -lmpfr -o ck
//   g++ -O2 -std=c++20 -Iinclude tools/accuracy/check_kernels.cpp -lmpfr -o ck_sse2
// Usage: ck [scale]   (scale multiplies the number of random samples, default 1)
// Prints, per function and input set, the max error in ULP of the correctly rounded result's
// binade (subnormal results use the fixed 2^-1074 ULP) and the worst input.
#include <mpfr.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "rectify/detail/exp.hpp"
#if __has_include("rectify/detail/normal_cdf.hpp")
#include "rectify/detail/normal_cdf.hpp"
#define CK_HAVE_CDF 1
#endif

namespace {

using batch = xsimd::batch<double>;
constexpr std::size_t lanes = batch::size;
constexpr mpfr_prec_t prec = 200;

using unary = batch (*)(const batch&);
using binary = batch (*)(const batch&, const batch&);

std::vector<double> run1(unary f, const std::vector<double>& x) {
  std::vector<double> in(x), out(x.size());
  while (in.size() % lanes)
    in.push_back(0.0);
  out.resize(in.size());
  for (std::size_t i = 0; i < in.size(); i += lanes)
    f(batch::load_unaligned(&in[i])).store_unaligned(&out[i]);
  out.resize(x.size());
  return out;
}

std::vector<double> run2(binary f, const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> a(x), b(y), out;
  while (a.size() % lanes) {
    a.push_back(0.0);
    b.push_back(0.0);
  }
  out.resize(a.size());
  for (std::size_t i = 0; i < a.size(); i += lanes)
    f(batch::load_unaligned(&a[i]), batch::load_unaligned(&b[i])).store_unaligned(&out[i]);
  out.resize(x.size());
  return out;
}

// Error of y against the exact ref, in ULP of ref's binade (ULP of a double at |ref|; below
// 2^-1022 the ULP is 2^-1074). Overflowed refs: 0 if y is inf, else huge.
double ulp_error(double y, mpfr_t ref) {
  if (mpfr_nan_p(ref))
    return std::isnan(y) ? 0.0 : INFINITY;
  if (std::isnan(y))
    return INFINITY;
  if (mpfr_inf_p(ref))
    return (std::isinf(y) && (y > 0) == (mpfr_sgn(ref) > 0)) ? 0.0 : INFINITY;
  mpfr_t d;
  mpfr_init2(d, prec + 64);
  double res;
  if (mpfr_zero_p(ref)) {
    res = y == 0.0 ? 0.0 : INFINITY;
  } else {
    long e = mpfr_get_exp(ref);  // ref = m * 2^e, 0.5 <= m < 1
    long ulp_e = std::max(e - 53, -1074L);
    double dmax = std::numeric_limits<double>::max();
    if (mpfr_cmpabs_ui(ref, 0) > 0 && std::isinf(y)) {
      // ref finite but maybe above DBL_MAX rounding boundary
      mpfr_set_d(d, dmax, MPFR_RNDN);
      mpfr_abs(d, d, MPFR_RNDN);
      mpfr_t half;
      mpfr_init2(half, prec);
      mpfr_set_ui_2exp(half, 1, 1024 - 54, MPFR_RNDN);
      mpfr_add(d, d, half, MPFR_RNDN);  // overflow threshold
      bool over = mpfr_cmpabs(ref, d) >= 0;
      mpfr_clear(half);
      mpfr_clear(d);
      return over ? 0.0 : INFINITY;
    }
    mpfr_set_d(d, y, MPFR_RNDN);
    mpfr_sub(d, d, ref, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_mul_2si(d, d, -ulp_e, MPFR_RNDN);
    res = mpfr_get_d(d, MPFR_RNDN);
  }
  mpfr_clear(d);
  return res;
}

struct report {
  double max_ulp = 0;
  double worst_x = 0, worst_y = 0, got = 0;
  std::size_t n = 0;
};

void print(const char* fn, const char* set, const report& r, bool two = false) {
  if (two)
    std::printf("  %-11s %-34s n=%-9zu max %.4f ULP at (%a, %a) -> %a\n", fn, set, r.n, r.max_ulp,
                r.worst_x, r.worst_y, r.got);
  else
    std::printf("  %-11s %-34s n=%-9zu max %.4f ULP at x=%a (%.17g) -> %a\n", fn, set, r.n,
                r.max_ulp, r.worst_x, r.worst_x, r.got);
}

using ref_fn = std::function<void(mpfr_t, double, double)>;

report check(unary f, const std::vector<double>& x, const ref_fn& ref) {
  report r;
  auto y = run1(f, x);
  mpfr_t m;
  mpfr_init2(m, prec);
  for (std::size_t i = 0; i < x.size(); ++i) {
    ref(m, x[i], 0.0);
    double e = ulp_error(y[i], m);
    if (!(e <= r.max_ulp)) {
      r.max_ulp = e;
      r.worst_x = x[i];
      r.got = y[i];
    }
  }
  r.n = x.size();
  mpfr_clear(m);
  return r;
}

report check2(binary f, const std::vector<double>& x, const std::vector<double>& lo,
              const ref_fn& ref) {
  report r;
  auto y = run2(f, x, lo);
  mpfr_t m;
  mpfr_init2(m, prec);
  for (std::size_t i = 0; i < x.size(); ++i) {
    ref(m, x[i], lo[i]);
    double e = ulp_error(y[i], m);
    if (!(e <= r.max_ulp)) {
      r.max_ulp = e;
      r.worst_x = x[i];
      r.worst_y = lo[i];
      r.got = y[i];
    }
  }
  r.n = x.size();
  mpfr_clear(m);
  return r;
}

std::mt19937_64 rng(12345);

std::vector<double> uniform(double a, double b, std::size_t n) {
  std::uniform_real_distribution<double> d(a, b);
  std::vector<double> v(n);
  for (auto& e : v)
    e = d(rng);
  return v;
}
// Random bit patterns: every binade equally likely (NaN/inf patterns excluded; they are edges).
std::vector<double> random_bits(std::size_t n) {
  std::vector<double> v;
  v.reserve(n);
  while (v.size() < n) {
    double d = std::bit_cast<double>(rng());
    if (std::isfinite(d))
      v.push_back(d);
  }
  return v;
}
// |x| log-uniform in [2^lo_e, 2^hi_e), random sign.
std::vector<double> log_uniform(int lo_e, int hi_e, std::size_t n) {
  std::uniform_real_distribution<double> d(lo_e, hi_e);
  std::vector<double> v(n);
  for (auto& e : v)
    e = std::exp2(d(rng)) * ((rng() & 1) ? -1.0 : 1.0);
  return v;
}

const double nan_v = std::numeric_limits<double>::quiet_NaN();
const double inf_v = std::numeric_limits<double>::infinity();

std::vector<double> edges() {
  return {0.0,
          -0.0,
          inf_v,
          -inf_v,
          nan_v,
          -nan_v,
          1.0,
          -1.0,
          709.78,
          709.7827128933840,
          709.7827128933841,
          710.0,
          -708.39,
          -708.3964185322641,
          -745.1332191019411,
          -745.1332191019412,
          -745.2,
          -746.0,
          -800.0,
          1e300,
          -1e300,
          0x1p-1074,
          -0x1p-1074,
          0x1p-1022,
          -0x1p-1022,
          0x1p-54,
          -0x1p-54,
          0x1p-53,
          -0x1p-53,
          0.34657359,
          -0.34657359,
          37.0,
          -37.0,
          38.0,
          -38.0,
          38.4,
          -38.4,
          38.5,
          -38.5,
          26.6,
          -26.6,
          8.29,
          -8.29,
          40.0,
          -40.0,
          -36.04,
          -36.05,
          -37.5,
          -1e-300,
          1e-300};
}

void ref_exp(mpfr_t m, double x, double) {
  mpfr_set_d(m, x, MPFR_RNDN), mpfr_exp(m, m, MPFR_RNDN);
}
void ref_expm1(mpfr_t m, double x, double) {
  mpfr_set_d(m, x, MPFR_RNDN);
  mpfr_expm1(m, m, MPFR_RNDN);
}
void ref_exp_dd(mpfr_t m, double hi, double lo) {
  mpfr_t t;
  mpfr_init2(t, prec);
  if (std::isinf(hi))
    lo = 0.0;  // contract: lo ignored for infinite hi
  mpfr_set_d(m, hi, MPFR_RNDN);
  mpfr_set_d(t, lo, MPFR_RNDN);
  mpfr_add(m, m, t, MPFR_RNDN);  // exact at 200 bits for the tested pairs
  mpfr_exp(m, m, MPFR_RNDN);
  mpfr_clear(t);
}
// Phi(x) = erfc(-x / sqrt 2) / 2, with x / sqrt 2 formed in MPFR.
[[maybe_unused]] void ref_phi(mpfr_t m, double x, double) {
  mpfr_t s;
  mpfr_init2(s, prec);
  mpfr_set_ui(s, 2, MPFR_RNDN);
  mpfr_sqrt(s, s, MPFR_RNDN);
  mpfr_set_d(m, -x, MPFR_RNDN);
  mpfr_div(m, m, s, MPFR_RNDN);
  mpfr_erfc(m, m, MPFR_RNDN);
  mpfr_div_2ui(m, m, 1, MPFR_RNDN);
  mpfr_clear(s);
}
// phi(x) = exp(-x^2/2) / sqrt(2 pi).
batch f_exp(const batch& x) {
  return rectify::detail::exp(x);
}
batch f_exp_short_parts(const batch& x) {
  const auto e = rectify::detail::exp_short_parts(x, batch(0.0));
  return e.hi + e.lo;
}
batch f_expm1(const batch& x) {
  return rectify::detail::expm1(x);
}
batch f_exp_dd(const batch& h, const batch& l) {
  return rectify::detail::exp_dd(h, l);
}
#ifdef CK_HAVE_CDF
batch f_cdf(const batch& x) {
  return rectify::detail::normal_cdf(x);
}
#endif

double worst_overall = 0;
void note(const char* fn, const char* set, const report& r, bool two = false) {
  print(fn, set, r, two);
  worst_overall = std::max(worst_overall, r.max_ulp);
}

void check_unary(const char* name, unary f, void (*ref)(mpfr_t, double, double),
                 const std::vector<std::pair<const char*, std::vector<double>>>& sets) {
  double mx = 0;
  for (const auto& [set, v] : sets) {
    auto r = check(f, v, ref);
    note(name, set, r);
    mx = std::max(mx, r.max_ulp);
  }
  std::printf("%s: MAX %.4f ULP\n\n", name, mx);
}

}  // namespace

int main(int argc, char** argv) {
  const double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  auto n = [&](double base) { return static_cast<std::size_t>(base * scale); };
  std::printf("arch %s, %zu lanes, fma %s\n", xsimd::default_arch::name(), lanes,
#ifdef __FMA__
              "hardware"
#else
              "emulated"
#endif
  );

  check_unary("exp", f_exp, ref_exp,
              {{"edges", edges()},
               {"uniform [-746, 710]", uniform(-746, 710, n(1e6))},
               {"uniform [-1, 1]", uniform(-1, 1, n(1e6))},
               {"subnormal results [-745.2, -708.3]", uniform(-745.2, -708.3, n(1e6))},
               {"log-uniform |x| in [2^-60, 2^10)", log_uniform(-60, 10, n(1e6))},
               {"random bit patterns", random_bits(n(1e6))}});

  check_unary("exp_short_parts", f_exp_short_parts, ref_exp,
              {{"uniform [-708, 708]", uniform(-708, 708, n(1e6))},
               {"uniform [-1, 1]", uniform(-1, 1, n(1e6))},
               {"log-uniform |x| in [2^-60, 2^9)", log_uniform(-60, 9, n(1e6))}});

  check_unary("expm1", f_expm1, ref_expm1,
              {{"edges", edges()},
               {"uniform [-40, 710]", uniform(-40, 710, n(1e6))},
               {"uniform [-2, 2]", uniform(-2, 2, n(1e6))},
               {"log-uniform |x| in [2^-60, 2^10)", log_uniform(-60, 10, n(2e6))},
               {"log-uniform |x| in [2^-1074, 2^-50)", log_uniform(-1074, -50, n(2e5))},
               {"random bit patterns", random_bits(n(1e6))}});

  {
    // exp_dd on the pairs normal_cdf produces: hi + lo = -x^2/2 exactly.
    double mx = 0;
    for (auto [set, xs] : std::vector<std::pair<const char*, std::vector<double>>>{
             {"-x^2/2 split, x uniform [-39, 39]", uniform(-39, 39, n(1e6))},
             {"-x^2/2 split, x uniform [-1, 1]", uniform(-1, 1, n(5e5))},
             {"-x^2/2 split, x log-uniform", log_uniform(-540, 9, n(5e5))}}) {
      std::vector<double> hi(xs.size()), lo(xs.size());
      for (std::size_t i = 0; i < xs.size(); ++i) {
        double p = xs[i] * xs[i];
        hi[i] = -0.5 * p;
        lo[i] = -0.5 * std::fma(xs[i], xs[i], -p);
      }
      auto r = check2(f_exp_dd, hi, lo, ref_exp_dd);
      note("exp_dd", set, r, true);
      mx = std::max(mx, r.max_ulp);
    }
    {
      // Generic double-double arguments: |lo| <= ulp(hi)/2, and lo up to 2^-40 |hi|.
      auto hs = uniform(-746, 710, n(1e6));
      std::vector<double> lo(hs.size());
      std::uniform_real_distribution<double> u(-1, 1);
      for (std::size_t i = 0; i < hs.size(); ++i)
        lo[i] = u(rng) * std::abs(hs[i]) * ((i & 1) ? 0x1p-54 : 0x1p-40);
      auto r = check2(f_exp_dd, hs, lo, ref_exp_dd);
      note("exp_dd", "hi uniform, |lo| <= 2^-40|hi|", r, true);
      mx = std::max(mx, r.max_ulp);
    }
    {
      std::vector<double> hi, lo;
      for (double e : edges()) {
        hi.push_back(e);
        lo.push_back(0.0);
        hi.push_back(e);
        lo.push_back(nan_v);  // only meaningful when hi is infinite / NaN
      }
      std::vector<double> h2, l2;
      for (std::size_t i = 0; i < hi.size(); ++i)
        if (!std::isfinite(hi[i]) || std::isfinite(lo[i]))
          h2.push_back(hi[i]), l2.push_back(lo[i]);
      // inf*inf - inf split: hi = -inf, lo = NaN.
      auto r = check2(f_exp_dd, h2, l2, ref_exp_dd);
      note("exp_dd", "edges (incl. hi=+-inf, lo=NaN)", r, true);
      mx = std::max(mx, r.max_ulp);
    }
    std::printf("exp_dd: MAX %.4f ULP\n\n", mx);
  }

#ifdef CK_HAVE_CDF
  check_unary("normal_cdf", f_cdf, ref_phi,
              {{"edges", edges()},
               {"uniform [-38.5, 9]", uniform(-38.5, 9, n(4e5))},
               {"uniform [-8, 8]", uniform(-8, 8, n(4e5))},
               {"deep tail [-38.6, -30] (subnormal)", uniform(-38.6, -30, n(2e5))},
               {"uniform [-1, 1]", uniform(-1, 1, n(2e5))},
               {"log-uniform |x| in [2^-60, 2^6)", log_uniform(-60, 6, n(2e5))},
               {"random bit patterns", random_bits(n(1e5))}});
#endif

  // Rough speed over a 4096-element array: best of 20 rounds of 1000 passes (the machine is
  // shared, the minimum is the least disturbed figure).
  {
    std::vector<double> v = uniform(-20, 20, 4096), out(4096);
    double sink = 0;
    auto time_it = [&](const char* name, unary f) {
      double best = 1e30;
      for (int round = 0; round < 20; ++round) {
        const int reps = 1000;
        auto t0 = std::chrono::steady_clock::now();
        for (int k = 0; k < reps; ++k) {
          for (std::size_t i = 0; i < v.size(); i += lanes)
            f(batch::load_unaligned(&v[i])).store_unaligned(&out[i]);
          sink += out[k & 4095];
          v[k & 4095] += 1e-12;
        }
        auto t1 = std::chrono::steady_clock::now();
        best = std::min(
            best, std::chrono::duration<double, std::nano>(t1 - t0).count() / (reps * 4096.0));
      }
      std::printf("speed: %-10s %.3f ns/element (4096 elements, x in [-20, 20])\n", name, best);
    };
    time_it("exp", f_exp);
    time_it("expm1", f_expm1);
#ifdef CK_HAVE_CDF
    time_it("normal_cdf", f_cdf);
#endif
    if (sink == 12345.0)
      std::printf("%g\n", sink);
  }
  std::printf("WORST OVERALL %.4f ULP\n", worst_overall);
  return 0;
}
