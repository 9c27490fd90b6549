// Exhaustive accuracy check of the native float kernels (include/rectify/detail/exp_float.hpp)
// over all 2^32 floats, against double libm (whose ~2^-53 error is ~2^-29 float ULP), plus a
// speed comparison with xsimd. Not part of CMake. Build by hand, e.g.:
//   g++ -O2 -std=c++20 -march=native -Iinclude tools/accuracy/check_float_kernels.cpp -pthread -o
//   cf g++ -O2 -std=c++20 -Iinclude tools/accuracy/check_float_kernels.cpp -pthread -o cf_sse2
// Usage: cf [exp|exp_dd0|exp_dd|exp_short|expm1|xsimd_exp|xsimd_expm1|bench]...  (default: all)
// Prints, per function, the max error in ULP of the correctly rounded result's binade
// (subnormal results use the fixed 2^-149 ULP), the worst input, and any edge-value failure.
// xsimd's own float exp/expm1 trip g++ 12's false -Wuninitialized on AVX-512 (GCC PR
// 105593); they are only the comparison here (the header's own warning-freedom is checked without
// this).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "rectify/detail/exp_float.hpp"

namespace {

using batch = xsimd::batch<float>;
constexpr std::size_t lanes = batch::size;
constexpr unsigned n_threads = 2;

// Error of y against the exact value d in ULP of the float binade of d (2^-149 below 2^-126).
// A result that should overflow (d rounds to inf) must be inf; NaN must match NaN.
double ulp_error(float y, double d) {
  if (std::isnan(d))
    return std::isnan(y) ? 0.0 : 1e30;
  if (std::isnan(y))
    return 1e30;
  const float rounded = static_cast<float>(d);
  if (std::isinf(rounded) || std::isinf(y))
    return y == rounded ? 0.0 : 1e30;
  const double ad = std::fabs(d);
  const int e = ad < 0x1p-126 ? -126 : std::ilogb(ad);
  return std::fabs(static_cast<double>(y) - d) / std::ldexp(1.0, e - 23);
}

struct result {
  double max_err = 0.0;
  float worst = 0.0f;
  float worst_lo = 0.0f;
  std::uint64_t over_half = 0;  // results that are not correctly rounded (err > 0.5)
};

// Runs f over every float (bit patterns split between the threads, lanes at a time).
template <class F, class R>
result exhaustive(F f, R ref) {
  std::vector<result> res(n_threads);
  std::vector<std::thread> th;
  for (unsigned t = 0; t < n_threads; ++t) {
    th.emplace_back([&, t] {
      const std::uint64_t total = std::uint64_t(1) << 32;
      const std::uint64_t chunk = total / n_threads;
      alignas(64) float in[lanes], out[lanes];
      result& r = res[t];
      for (std::uint64_t i = t * chunk; i < (t + 1) * chunk; i += lanes) {
        for (std::size_t j = 0; j < lanes; ++j)
          in[j] = std::bit_cast<float>(static_cast<std::uint32_t>(i + j));
        f(batch::load_aligned(in)).store_aligned(out);
        for (std::size_t j = 0; j < lanes; ++j) {
          const double err = ulp_error(out[j], ref(in[j]));
          if (err > 0.5)
            ++r.over_half;
          if (err > r.max_err) {
            r.max_err = err;
            r.worst = in[j];
          }
        }
      }
    });
  }
  for (auto& x : th)
    x.join();
  result all;
  for (auto& r : res) {
    all.over_half += r.over_half;
    if (r.max_err > all.max_err) {
      all.max_err = r.max_err;
      all.worst = r.worst;
    }
  }
  return all;
}

// exp_dd over every float hi (NaN and inf included) with lo random in +-2^-24 |hi|.
result exhaustive_dd() {
  std::vector<result> res(n_threads);
  std::vector<std::thread> th;
  for (unsigned t = 0; t < n_threads; ++t) {
    th.emplace_back([&, t] {
      const std::uint64_t total = std::uint64_t(1) << 32;
      const std::uint64_t chunk = total / n_threads;
      std::uint64_t s = 0x9e3779b97f4a7c15ull * (t + 1);
      alignas(64) float hi[lanes], lo[lanes], out[lanes];
      result& r = res[t];
      for (std::uint64_t i = t * chunk; i < (t + 1) * chunk; i += lanes) {
        for (std::size_t j = 0; j < lanes; ++j) {
          hi[j] = std::bit_cast<float>(static_cast<std::uint32_t>(i + j));
          s ^= s << 13;
          s ^= s >> 7;
          s ^= s << 17;
          const double u = static_cast<double>(s >> 11) * 0x1p-52 - 1.0;  // [-1, 1)
          lo[j] = std::isfinite(hi[j]) ? static_cast<float>(u * 0x1p-24 * std::fabs(hi[j]))
                                       : std::numeric_limits<float>::quiet_NaN();
        }
        rectify::detail::exp_dd(batch::load_aligned(hi), batch::load_aligned(lo))
            .store_aligned(out);
        for (std::size_t j = 0; j < lanes; ++j) {
          const double t = std::isfinite(hi[j])
                               ? static_cast<double>(hi[j]) + static_cast<double>(lo[j])
                               : static_cast<double>(hi[j]);
          const double ref = std::fabs(t) < 0x1p-12
                                 ? 1.0 + t * (1.0 + t * (0.5 + t * (1.0 / 6 + t * (1.0 / 24))))
                             : t > 100.0  ? std::numeric_limits<double>::infinity()
                             : t < -110.0 ? 0.0
                                          : std::exp(t);
          const double err = ulp_error(out[j], ref);
          if (err > 0.5)
            ++r.over_half;
          if (err > r.max_err) {
            r.max_err = err;
            r.worst = hi[j];
            r.worst_lo = lo[j];
          }
        }
      }
    });
  }
  for (auto& x : th)
    x.join();
  result all;
  for (auto& r : res) {
    all.over_half += r.over_half;
    if (r.max_err > all.max_err)
      all = r;
  }
  return all;
}

int failures = 0;

void report(const char* name, const result& r, double budget) {
  std::printf("%-12s max %.4f ULP at x = %a (%.9g)", name, r.max_err, double(r.worst),
              double(r.worst));
  if (r.worst_lo != 0.0f)
    std::printf(" lo = %a", double(r.worst_lo));
  std::printf(", %llu results not correctly rounded%s\n",
              static_cast<unsigned long long>(r.over_half),
              r.max_err <= budget ? "" : "  ** OVER BUDGET **");
  if (r.max_err > budget)
    ++failures;
  std::fflush(stdout);
}

float lane0(batch b) {
  return b.get(0);
}

void expect_bits(const char* what, float got, float want) {
  if (std::bit_cast<std::uint32_t>(got) != std::bit_cast<std::uint32_t>(want) &&
      !(std::isnan(got) && std::isnan(want))) {
    std::printf("EDGE FAIL %s: got %a, want %a\n", what, double(got), double(want));
    ++failures;
  }
}

void edges() {
  namespace d = rectify::detail;
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  expect_bits("exp(-inf)", lane0(d::exp(batch(-inf))), 0.0f);
  expect_bits("exp(inf)", lane0(d::exp(batch(inf))), inf);
  expect_bits("exp(nan)", lane0(d::exp(batch(nan))), nan);
  expect_bits("exp(88.73)", lane0(d::exp(batch(88.73f))), inf);
  expect_bits("exp(-104)", lane0(d::exp(batch(-104.0f))), 0.0f);
  expect_bits("exp_dd(inf, nan)", lane0(d::exp_dd(batch(inf), batch(nan))), inf);
  expect_bits("exp_dd(-inf, nan)", lane0(d::exp_dd(batch(-inf), batch(nan))), 0.0f);
  expect_bits("exp_dd(nan, 0)", lane0(d::exp_dd(batch(nan), batch(0.0f))), nan);
  expect_bits("expm1_nonpositive(-inf)", lane0(d::expm1_nonpositive(batch(-inf))), -1.0f);
  expect_bits("expm1_nonpositive(nan)", lane0(d::expm1_nonpositive(batch(nan))), nan);
  expect_bits("expm1_nonpositive(-0)", lane0(d::expm1_nonpositive(batch(-0.0f))), -0.0f);
  expect_bits("expm1_nonpositive(0)", lane0(d::expm1_nonpositive(batch(0.0f))), 0.0f);
  expect_bits("expm1_nonpositive(-min_sub)", lane0(d::expm1_nonpositive(batch(-0x1p-149f))),
              -0x1p-149f);
  // A batch mixing subnormal-result lanes with normal ones gives each lane the bits it gets
  // alone (the rare branch must not change the normal lanes).
  alignas(64) float in[lanes], out[lanes];
  for (std::size_t j = 0; j < lanes; ++j)
    in[j] = j % 2 ? -100.0f + float(j) : 1.0f / float(j + 1);
  d::exp(batch::load_aligned(in)).store_aligned(out);
  for (std::size_t j = 0; j < lanes; ++j)
    expect_bits("exp mixed batch", out[j], lane0(d::exp(batch(in[j]))));
}

void bench() {
  const std::size_t n = 16384;
  std::vector<float> x(n);
  // exp/expm1 inputs in [-20, 20] (where activations evaluate them).
  for (std::size_t i = 0; i < n; ++i)
    x[i] = -20.0f + 40.0f * float(i) / float(n);
  // Permuted (7919 is prime), so that neighbouring lanes are not sorted.
  std::vector<float> al(n);
  for (std::size_t i = 0; i < n; ++i)
    al[i] = x[(i * 7919) % n];
  namespace d = rectify::detail;
  auto run = [&](const char* name, auto f, const std::vector<float>& in) {
    std::vector<float, xsimd::aligned_allocator<float>> ai(in.begin(), in.end()), ao(in.size());
    double best = 1e30;
    for (int rep = 0; rep < 3000; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      for (std::size_t i = 0; i < ai.size(); i += lanes)
        f(batch::load_aligned(&ai[i])).store_aligned(&ao[i]);
      const auto t1 = std::chrono::steady_clock::now();
      best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count());
    }
    std::printf("%-16s %.3f elements/ns (%zu floats, min of 3000 runs)\n", name,
                double(ai.size()) / best, ai.size());
  };
  std::printf("arch %s, %zu lanes\n", xsimd::default_arch::name(), lanes);
  run(
      "rectify exp", [](const batch& v) { return d::exp(v); }, al);
  run(
      "xsimd::exp", [](const batch& v) { return xsimd::exp(v); }, al);
  run(
      "rectify exp_dd", [](const batch& v) { return d::exp_dd(v, v * 0x1p-26f); }, al);
  run(
      "rectify expm1<=0", [](const batch& v) { return d::expm1_nonpositive(-xsimd::abs(v)); }, al);
  run(
      "xsimd::expm1", [](const batch& v) { return xsimd::expm1(v); }, al);
}

}  // namespace

int main(int argc, char** argv) {
  namespace d = rectify::detail;
  std::vector<std::string> what(argv + 1, argv + argc);
  if (what.empty())
    what = {"edges", "exp", "exp_dd0", "exp_dd", "expm1", "bench"};
  std::printf("arch %s\n", xsimd::default_arch::name());
  // References: double libm, except where the answer needs no libm call (which keeps a run at a
  // few CPU-seconds): a 5-term Taylor series for |x| < 2^-12 (truncation below 2^-55 relative),
  // and the saturated values far out.
  auto fexp = [](float x) {
    const double t = x;
    if (std::fabs(t) < 0x1p-12)
      return 1.0 + t * (1.0 + t * (1.0 / 2 + t * (1.0 / 6 + t * (1.0 / 24))));
    if (t > 100.0)
      return std::numeric_limits<double>::infinity();
    if (t < -110.0)
      return 0.0;
    return std::exp(t);
  };
  auto fexpm1 = [](float x) {
    const double t = x;
    if (std::fabs(t) < 0x1p-12)
      return t * (1.0 + t * (1.0 / 2 + t * (1.0 / 6 + t * (1.0 / 24))));
    if (t > 100.0)
      return std::numeric_limits<double>::infinity();
    if (t < -30.0)
      return -1.0 + std::exp(t);
    return std::expm1(t);
  };
  for (const auto& w : what) {
    if (w == "edges") {
      edges();
    } else if (w == "exp") {
      report("exp", exhaustive([](const batch& v) { return d::exp(v); }, fexp), 0.55);
    } else if (w == "exp_dd0") {
      report("exp_dd(x,0)",
             exhaustive([](const batch& v) { return d::exp_dd(v, batch(0.0f)); }, fexp), 0.55);
    } else if (w == "exp_short") {
      // Over every float; inputs outside its range [-87, 88] are compared after clamping.
      report("exp_short",
             exhaustive(
                 [](const batch& v) {
                   const auto c = xsimd::select(v < batch(-87.0f), batch(-87.0f),
                                                xsimd::select(v > batch(88.0f), batch(88.0f), v));
                   return d::exp_short(c, batch(0.0f));
                 },
                 [&](float x) { return fexp(std::clamp(x, -87.0f, 88.0f)); }),
             1.0);
    } else if (w == "exp_dd") {
      report("exp_dd", exhaustive_dd(), 0.55);
    } else if (w == "expm1") {
      // expm1_nonpositive over every float x <= 0 (the positive ones are compared as 0 against 0).
      report("expm1_nonpositive",
             exhaustive(
                 [](const batch& v) {
                   return d::expm1_nonpositive(xsimd::select(v > batch(0.0f), batch(0.0f), v));
                 },
                 [&](float x) { return fexpm1(std::min(x, 0.0f)); }),
             0.9);
    } else if (w == "xsimd_exp") {
      report("xsimd::exp", exhaustive([](const batch& v) { return xsimd::exp(v); }, fexp), 0.55);
    } else if (w == "xsimd_expm1") {
      report("xsimd::expm1", exhaustive([](const batch& v) { return xsimd::expm1(v); }, fexpm1),
             0.6);
    } else if (w == "bench") {
      bench();
    } else {
      std::printf("unknown: %s\n", w.c_str());
      return 2;
    }
  }
  std::printf("%s\n", failures ? "FAILED" : "all within budget");
  return failures ? 1 : 0;
}
