// rectify's throughput benchmark, against its peers, in one binary (so one run on one machine
// compares them all: on a shared, noisy machine only numbers from the same run compare).
//
// Each benchmark is named  function/direction/type/implementation/n,  e.g.
// "silu/backward/float/rectify/16384"; the bandwidth bound is "copy/<k>streams/type/memcpy/n":
// a memcpy moving the same bytes as a kernel that reads and writes k arrays of n elements.
// Counters: "elements", input elements per second of CPU time (printed as G/s, which is
// elements per ns), and bytes_per_second (all arrays read and written). Inputs are fixed-seed
// uniform over [-8, 8]; the forward float cases named ".../rectify_subnormal/16384" take inputs
// whose outputs are mostly subnormal.
//
// Options besides Google Benchmark's own:
//   --rectify_mode=full   (default) every size, implementation and type;
//   --rectify_mode=quick  what tools/bench tabulates: float at 16384 and 262144 against every
//                         peer, rectify and the copy bound at 16777216, double against the
//                         plain loop at 16384, and the subnormal cases.
//   --rectify_check       first checks that every peer computes the same function as rectify
//                         (same formula, same parameters), and fails if one does not.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <benchmark/benchmark.h>

#include <rectify/delu.hpp>
#include <rectify/elu.hpp>
#include <rectify/kernels.hpp>
#include <rectify/leaky_relu.hpp>
#include <rectify/mish.hpp>
#include <rectify/relu.hpp>
#include <rectify/silu.hpp>
#include <rectify/softplus.hpp>
#include <rectify/squareplus.hpp>
// gelu needs detail/normal_cdf.hpp, which lands separately; until then gelu is not benchmarked.
#if __has_include(<rectify/detail/normal_cdf.hpp>)
#include <rectify/gelu.hpp>
#define RECTIFY_BENCH_HAS_GELU 1
#endif

#include "peers.hpp"

namespace rectify_bench {
namespace {

enum class direction { forward, derivative, backward };
constexpr std::array directions{direction::forward, direction::derivative, direction::backward};

const char* name_of(direction d) {
  switch (d) {
    case direction::forward:
      return "forward";
    case direction::derivative:
      return "derivative";
    case direction::backward:
      return "backward";
  }
  return "?";
}

template <class T>
const char* type_name() {
  return std::is_same_v<T, float> ? "float" : "double";
}

struct function_info {
  std::string name;
  std::size_t outputs;  // values per input in the forward (crelu: 2)
  // Inputs that make the float forward outputs mostly subnormal (|y| < 2^-126, y != 0).
  double subnormal_lo, subnormal_hi;
};

// The subnormal ranges, function by function (float forward):
// - piecewise-linear and expm1-like branches (relu, crelu, elu, delu) pass a subnormal x
//   through, so subnormal inputs; leaky_relu and prelu scale x by alpha, so x up to
//   2^-126/alpha;
// - x*Phi(x) is subnormal for x in about [-14.2, -13.15], its tanh form in [-10.69, -10.1];
//   x*sigma(x) and mish (~ x e^x) in [-106.5, -91.9]; softplus (~ e^x) in [-101.9, -87.4];
// - squareplus(x) ~ 1/|x| for x -> -inf: subnormal once |x| > 8.6e37.
const std::vector<function_info>& functions() {
  static const std::vector<function_info> all{
      {"relu", 1, 1e-44, 1.17e-38},        {"leaky_relu", 1, -1.17e-36, -1e-42},
      {"prelu", 1, -4.7e-38, -1e-44},      {"crelu", 2, -1.17e-38, 1.17e-38},
      {"elu", 1, -1.17e-38, -1e-44},       {"gelu", 1, -14.2, -13.15},
      {"gelu_tanh", 1, -10.69, -10.1},     {"silu", 1, -106.5, -91.9},
      {"mish", 1, -106.5, -91.9},          {"softplus", 1, -101.8, -87.4},
      {"squareplus", 1, -3.4e38, -8.6e37}, {"delu", 1, -2.3e-38, -1e-44}};
  return all;
}

// ---- Inputs: generated once per (type, size, range, seed), shared by every benchmark.

template <class T>
const std::vector<T>& uniform_input(std::size_t n, double lo, double hi, std::uint32_t seed) {
  static std::map<std::tuple<std::size_t, double, double, std::uint32_t>, std::vector<T>> cache;
  auto [it, inserted] = cache.try_emplace({n, lo, hi, seed});
  if (inserted) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> dist(lo, hi);
    it->second.resize(n);
    for (T& v : it->second)
      v = static_cast<T>(dist(gen));
  }
  return it->second;
}

// ---- rectify's own kernels, through the public span API.

template <class F>
kernels<typename F::value_type> rectify_kernels(F f) {
  using T = typename F::value_type;
  constexpr std::size_t m = F::outputs;
  return {[f](const T* x, T* y, std::size_t n) {
            rectify::forward(f, std::span<const T>(x, n), std::span<T>(y, m * n));
          },
          [f](const T* x, T* d, std::size_t n) {
            rectify::derivative(f, std::span<const T>(x, n), std::span<T>(d, m * n));
          },
          [f](const T* x, const T* dy, T* dx, std::size_t n) {
            rectify::backward(f, std::span<const T>(x, n), std::span<const T>(dy, m * n),
                              std::span<T>(dx, n));
          }};
}

template <class T>
kernel_table<T> rectify_table() {
  kernel_table<T> t{{"relu", rectify_kernels(rectify::relu<T>{})},
                    {"leaky_relu", rectify_kernels(rectify::leaky_relu<T>{T(leaky_alpha)})},
                    {"prelu", rectify_kernels(rectify::prelu<T>{T(prelu_alpha)})},
                    {"crelu", rectify_kernels(rectify::crelu<T>{})},
                    {"elu", rectify_kernels(rectify::elu<T>{T(elu_alpha)})},
                    {"silu", rectify_kernels(rectify::silu<T>{})},
                    {"mish", rectify_kernels(rectify::mish<T>{})},
                    {"softplus", rectify_kernels(rectify::softplus<T>{T(softplus_k)})},
                    {"squareplus", rectify_kernels(rectify::squareplus<T>{T(squareplus_b)})},
                    {"delu", rectify_kernels(rectify::delu<T>{T(delu_a), T(delu_b)})}};
#ifdef RECTIFY_BENCH_HAS_GELU
  t.emplace("gelu", rectify_kernels(rectify::gelu<T>{rectify::gelu_approximation::none}));
  t.emplace("gelu_tanh", rectify_kernels(rectify::gelu<T>{rectify::gelu_approximation::tanh}));
#endif
  return t;
}

// ---- The runner.

// Input elements per second of CPU time: printed as "elements=2.5G/s", i.e. 2.5 elements/ns.
benchmark::Counter elements_rate(std::size_t n) {
  return benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

template <class T>
void run_kernel(benchmark::State& state, const kernels<T>& k, direction dir, std::size_t outputs,
                double lo, double hi) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<T>& x = uniform_input<T>(n, lo, hi, 1);
  const std::vector<T>& dy = uniform_input<T>(outputs * n, -1.0, 1.0, 2);
  std::vector<T> out(dir == direction::backward ? n : outputs * n);
  auto call = [&] {
    switch (dir) {
      case direction::forward:
        k.forward(x.data(), out.data(), n);
        break;
      case direction::derivative:
        k.derivative(x.data(), out.data(), n);
        break;
      case direction::backward:
        k.backward(x.data(), dy.data(), out.data(), n);
        break;
    }
  };
  call();  // warm-up: first touch of the output, lazy set-up of a peer (oneDNN primitives)
  for (auto _ : state) {
    call();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  const std::size_t arrays = dir == direction::backward ? 1 + outputs + 1 : 1 + outputs;
  state.counters["elements"] = elements_rate(n);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * arrays * n * sizeof(T)));
}

// memcpy of streams*n/2 elements moves (reads + writes) as many bytes as a kernel over `streams`
// arrays of n elements; elements are counted as n so the rates compare.
template <class T>
void run_copy(benchmark::State& state, std::size_t streams) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::size_t count = streams * n / 2;
  std::vector<T> src(uniform_input<T>(count, -8.0, 8.0, 3));
  std::vector<T> dst(count);
  std::memcpy(dst.data(), src.data(), count * sizeof(T));
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), count * sizeof(T));
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.counters["elements"] = elements_rate(n);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 2 * count * sizeof(T)));
}

const kernels<float>* find(const kernel_table<float>& t, const std::string& name) {
  auto it = t.find(name);
  return it == t.end() ? nullptr : &it->second;
}
const kernels<double>* find(const kernel_table<double>& t, const std::string& name) {
  auto it = t.find(name);
  return it == t.end() ? nullptr : &it->second;
}

template <class T>
bool has(const kernels<T>& k, direction dir) {
  switch (dir) {
    case direction::forward:
      return static_cast<bool>(k.forward);
    case direction::derivative:
      return static_cast<bool>(k.derivative);
    case direction::backward:
      return static_cast<bool>(k.backward);
  }
  return false;
}

template <class T>
struct implementation {
  std::string name;
  kernel_table<T> table;
};

struct plan {
  bool full = true;
};

template <class T>
void register_type(const std::vector<implementation<T>>& impls, const plan& p) {
  const std::vector<std::size_t> sizes =
      p.full ? std::vector<std::size_t>{1024, 16384, 262144, 16777216}
             : (std::is_same_v<T, float> ? std::vector<std::size_t>{16384, 262144, 16777216}
                                         : std::vector<std::size_t>{16384});
  for (std::size_t n : sizes) {
    // Quick mode: at the largest size only rectify runs (the table compares it with the copy
    // bound there), and double only against the plain loop.
    auto wanted = [&](const std::string& impl) {
      if (p.full || impl == "rectify")
        return true;
      if (n == 16777216)
        return false;
      return std::is_same_v<T, float> || impl == "plain";
    };
    for (const function_info& f : functions()) {
      for (direction dir : directions) {
        for (const implementation<T>& impl : impls) {
          const kernels<T>* k = find(impl.table, f.name);
          if (k == nullptr || !has(*k, dir) || !wanted(impl.name))
            continue;
          const std::string name =
              f.name + "/" + name_of(dir) + "/" + type_name<T>() + "/" + impl.name;
          benchmark::RegisterBenchmark(name.c_str(), [k, dir,
                                                      outputs = f.outputs](benchmark::State& s) {
            run_kernel<T>(s, *k, dir, outputs, -8.0, 8.0);
          })->Arg(static_cast<std::int64_t>(n));
        }
      }
    }
    if (p.full || std::is_same_v<T, float>) {
      for (std::size_t streams : {2, 3, 4}) {
        const std::string name =
            "copy/" + std::to_string(streams) + "streams/" + type_name<T>() + "/memcpy";
        benchmark::RegisterBenchmark(name.c_str(), [streams](benchmark::State& s) {
          run_copy<T>(s, streams);
        })->Arg(static_cast<std::int64_t>(n));
      }
    }
  }
}

// A benchmark compares like with like only if each peer computes rectify's function with
// rectify's parameters. Not an accuracy test: the tolerance (relative to |y| + 1) is loose enough
// for fast-math and approximate peers, and far tighter than a wrong alpha or formula.
template <class T>
int check_peers(const std::vector<implementation<T>>& impls) {
  const T tolerance = std::is_same_v<T, float> ? T(1e-4) : T(1e-9);
  const kernel_table<T>& reference = impls.front().table;  // rectify
  const std::size_t n = 1000;                              // not a multiple of any width
  int failures = 0;
  for (const function_info& f : functions()) {
    const kernels<T>* r = find(reference, f.name);
    if (r == nullptr)
      continue;
    const std::vector<T>& x = uniform_input<T>(n, -8.0, 8.0, 1);
    const std::vector<T>& dy = uniform_input<T>(f.outputs * n, -1.0, 1.0, 2);
    for (direction dir : directions) {
      const std::size_t size = dir == direction::backward ? n : f.outputs * n;
      auto run = [&](const kernels<T>& k, std::vector<T>& out) {
        out.assign(size, T(0));
        if (dir == direction::forward)
          k.forward(x.data(), out.data(), n);
        else if (dir == direction::derivative)
          k.derivative(x.data(), out.data(), n);
        else
          k.backward(x.data(), dy.data(), out.data(), n);
      };
      std::vector<T> want, got;
      run(*r, want);
      for (const implementation<T>& impl : impls) {
        const kernels<T>* k = find(impl.table, f.name);
        if (&impl == &impls.front() || k == nullptr || !has(*k, dir))
          continue;
        run(*k, got);
        for (std::size_t i = 0; i < size; ++i) {
          if (std::abs(got[i] - want[i]) <= tolerance * (std::abs(want[i]) + T(1)))
            continue;
          std::fprintf(
              stderr,
              "rectify_bench: %s/%s/%s/%s differs from rectify: x = %.9g, got %.9g, rectify %.9g\n",
              f.name.c_str(), name_of(dir), type_name<T>(), impl.name.c_str(), double(x[i % n]),
              double(got[i]), double(want[i]));
          ++failures;
          break;
        }
      }
    }
  }
  return failures;
}

void register_subnormal(const kernel_table<float>& rectify) {
  for (const function_info& f : functions()) {
    const kernels<float>* k = find(rectify, f.name);
    if (k == nullptr)
      continue;
    const std::string name = f.name + "/forward/float/rectify_subnormal";
    benchmark::RegisterBenchmark(name.c_str(), [k, f](benchmark::State& s) {
      run_kernel<float>(s, *k, direction::forward, f.outputs, f.subnormal_lo, f.subnormal_hi);
    })->Arg(16384);
  }
}

template <class T>
std::vector<implementation<T>> implementations([[maybe_unused]] std::vector<std::string>& found,
                                               [[maybe_unused]] std::vector<std::string>& missing) {
  std::vector<implementation<T>> impls;
  impls.push_back({"rectify", rectify_table<T>()});
  impls.push_back({"plain", plain_loops<T>()});
  impls.push_back({"fast_math", fast_math_loops<T>()});
  const bool record = std::is_same_v<T, float>;  // list each peer once
#ifdef RECTIFY_BENCH_EIGEN
  impls.push_back({"eigen", eigen_kernels<T>()});
  if (record)
    found.push_back("eigen");
#else
  if (record)
    missing.push_back("eigen (Eigen3 not found)");
#endif
#ifdef RECTIFY_BENCH_ONEDNN
  if constexpr (std::is_same_v<T, float>) {
    impls.push_back({"onednn", onednn_kernels()});
    found.push_back("onednn");
  }
#else
  if (record)
    missing.push_back("onednn (dnnl not found)");
#endif
  return impls;
}

}  // namespace
}  // namespace rectify_bench

int main(int argc, char** argv) {
  using namespace rectify_bench;
  plan p;
  bool check = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--rectify_check") {
      check = true;
    } else if (a == "--rectify_mode=quick") {
      p.full = false;
    } else if (a == "--rectify_mode=full") {
      p.full = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  int args_count = static_cast<int>(args.size());

  std::vector<std::string> found{"rectify", "plain", "fast_math", "memcpy"}, missing;
  const auto float_impls = implementations<float>(found, missing);
  const auto double_impls = implementations<double>(found, missing);
#ifndef RECTIFY_BENCH_HAS_GELU
  missing.push_back("rectify gelu, gelu_tanh (detail/normal_cdf.hpp not there yet)");
#endif
  register_type<float>(float_impls, p);
  register_subnormal(float_impls.front().table);
  register_type<double>(double_impls, p);

  std::string found_list, missing_list;
  for (const auto& s : found)
    found_list += (found_list.empty() ? "" : ", ") + s;
  for (const auto& s : missing)
    missing_list += (missing_list.empty() ? "" : "; ") + s;
  benchmark::AddCustomContext("rectify_arch", RECTIFY_ARCH_VARIANT);
  benchmark::AddCustomContext("rectify_mode", p.full ? "full" : "quick");
  benchmark::AddCustomContext("columns_found", found_list);
  benchmark::AddCustomContext("columns_missing", missing_list.empty() ? "none" : missing_list);
#ifdef RECTIFY_BENCH_ONEDNN
  benchmark::AddCustomContext("onednn", onednn_context());
#endif
  std::fprintf(stderr, "rectify_bench: columns found: %s\n", found_list.c_str());
  std::fprintf(stderr, "rectify_bench: columns missing: %s\n",
               missing_list.empty() ? "none" : missing_list.c_str());

  if (check) {
    const int failures = check_peers(float_impls) + check_peers(double_impls);
    std::fprintf(stderr, "rectify_bench: peers checked against rectify, %d mismatch(es)\n",
                 failures);
    if (failures != 0)
      return 1;
  }

  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data()))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
