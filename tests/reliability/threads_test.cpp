// Thread safety of the functors and span kernels: one const functor object is shared by several
// threads, each running forward, derivative and backward (separate outputs and in place) on
// its own part of shared buffers. The results must be bit-identical to a single-threaded run of
// the same calls. Run under ThreadSanitizer by the tsan preset (ctest label "threads"), which
// also reports any data race inside the functors (e.g. lazily initialised tables or caches).
// Catch2's main comes from rectify_test_main (its own translation unit: compiled here, next to
// the inlined span loops, g++ 12 reported a false -Wrestrict inside Catch).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <latch>
#include <limits>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <rectify/rectify.hpp>

namespace {

constexpr std::size_t thread_count = 4;
constexpr int rounds = 3;

// Chunk c of the input is [bounds[c], bounds[c+1]); lengths vary and are not multiples of any
// batch width, so threads run both the batch body and the partial-batch tail at once.
std::vector<std::size_t> chunk_bounds(std::size_t multiple) {
  const std::array<std::size_t, thread_count> lengths = {1003, 17, 2050, 515};
  std::vector<std::size_t> bounds{0};
  for (std::size_t len : lengths)
    bounds.push_back(bounds.back() + len * multiple);
  return bounds;
}

// Inputs covering the interesting ranges: a sweep over [-60, 60], huge and tiny magnitudes,
// zeros, infinities and NaN.
template <class T>
std::vector<T> make_inputs(std::size_t n) {
  const std::array<T, 10> specials = {std::numeric_limits<T>::quiet_NaN(),
                                      std::numeric_limits<T>::infinity(),
                                      -std::numeric_limits<T>::infinity(),
                                      T(0),
                                      -T(0),
                                      std::numeric_limits<T>::denorm_min(),
                                      -std::numeric_limits<T>::max(),
                                      std::numeric_limits<T>::max(),
                                      T(-1e30),
                                      T(1e-30)};
  std::vector<T> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = (i % 37 == 5) ? specials[(i / 37) % specials.size()]
                         : T(-60) + T(120) * T(i) / T(n) + T(i % 7) / T(13);
  }
  return x;
}

template <class T>
std::vector<T> make_upstream(std::size_t n) {
  std::vector<T> dy(n);
  for (std::size_t i = 0; i < n; ++i)
    dy[i] = T(0.5) + T(i % 11) / T(4) - T(i % 3);
  return dy;
}

// Bitwise equality, with every NaN equal to every other NaN.
template <class T>
bool same(T a, T b) {
  if (std::isnan(a) && std::isnan(b))
    return true;
  return std::bit_cast<std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>(a) ==
         std::bit_cast<std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>(b);
}

template <class T>
std::size_t count_differences(const std::vector<T>& a, const std::vector<T>& b) {
  REQUIRE(a.size() == b.size());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    bad += same(a[i], b[i]) ? 0 : 1;
  return bad;
}

// Everything one worker computes for its chunk, laid out in shared buffers so that the workers
// write to disjoint parts of the same arrays.
template <class T>
struct results {
  std::vector<T> y, d, dx, y_in_place, dx_in_place;
  explicit results(std::size_t n, std::size_t m)
      : y(m * n), d(m * n), dx(n), y_in_place(m * n), dx_in_place(m * n) {}
};

// Chunk c of one functor: forward, derivative and backward into separate outputs, then
// forward in place (on a copy of x in y_in_place) and backward in place (dx over dy).
template <class F>
void run_chunk(const F& f, const std::vector<typename F::value_type>& x,
               const std::vector<typename F::value_type>& dy, std::size_t begin, std::size_t end,
               results<typename F::value_type>& r) {
  using T = typename F::value_type;
  constexpr std::size_t m = F::outputs;
  const std::size_t n = end - begin;
  const std::span<const T> xc(x.data() + begin, n);
  const std::span<const T> dyc(dy.data() + m * begin, m * n);
  rectify::forward(f, xc, std::span<T>(r.y.data() + m * begin, m * n));
  rectify::derivative(f, xc, std::span<T>(r.d.data() + m * begin, m * n));
  rectify::backward(f, xc, dyc, std::span<T>(r.dx.data() + begin, n));

  const std::span<T> yi(r.y_in_place.data() + m * begin, m * n);
  std::copy(xc.begin(), xc.end(), yi.begin());
  rectify::forward(f, std::span<const T>(yi.first(n)), yi);

  const std::span<T> dxi(r.dx_in_place.data() + m * begin, m * n);
  std::copy(dyc.begin(), dyc.end(), dxi.begin());
  rectify::backward(f, xc, std::span<const T>(dxi), dxi.first(n));
}

template <class F>
void check_functor(const F& f, const std::string& name) {
  using T = typename F::value_type;
  constexpr std::size_t m = F::outputs;
  const auto bounds = chunk_bounds(1);
  const std::size_t n = bounds.back();
  const std::vector<T> x = make_inputs<T>(n);
  const std::vector<T> dy = make_upstream<T>(m * n);

  results<T> serial(n, m);
  for (std::size_t c = 0; c < thread_count; ++c)
    run_chunk(f, x, dy, bounds[c], bounds[c + 1], serial);

  for (int round = 0; round < rounds; ++round) {
    results<T> parallel(n, m);
    std::latch start(thread_count);
    std::vector<std::thread> workers;
    for (std::size_t c = 0; c < thread_count; ++c) {
      workers.emplace_back([&, c] {
        start.arrive_and_wait();  // all threads run the kernels at the same time
        run_chunk(f, x, dy, bounds[c], bounds[c + 1], parallel);
      });
    }
    for (auto& w : workers)
      w.join();
    INFO(name << " round " << round);
    CHECK(count_differences(parallel.y, serial.y) == 0);
    CHECK(count_differences(parallel.d, serial.d) == 0);
    CHECK(count_differences(parallel.dx, serial.dx) == 0);
    CHECK(count_differences(parallel.y_in_place, serial.y_in_place) == 0);
    CHECK(count_differences(parallel.dx_in_place, serial.dx_in_place) == 0);
  }

  // The in-place results equal the separate ones, and with one output per input an element's
  // value does not depend on the chunk it was computed in.
  CHECK(count_differences(serial.y_in_place, serial.y) == 0);
  if constexpr (m == 1) {
    CHECK(count_differences(serial.dx_in_place, serial.dx) == 0);
    std::vector<T> whole(n);
    rectify::forward(f, x, whole);
    CHECK(count_differences(whole, serial.y) == 0);
  }
}

// Scalar calls from many threads at once agree with the span kernel.
template <class F>
void check_scalar_calls(const F& f, const std::string& name) {
  using T = typename F::value_type;
  if constexpr (F::outputs == 1) {
    const std::vector<T> x = make_inputs<T>(4000);
    std::vector<T> expected(x.size());
    rectify::forward(f, x, expected);
    std::vector<T> got(x.size()), slopes(x.size()), slopes_expected(x.size());
    rectify::derivative(f, x, slopes_expected);
    std::latch start(thread_count);
    std::vector<std::thread> workers;
    for (std::size_t c = 0; c < thread_count; ++c) {
      workers.emplace_back([&, c] {
        start.arrive_and_wait();
        for (std::size_t i = c; i < x.size(); i += thread_count) {
          got[i] = f(x[i]);
          slopes[i] = f.derivative(x[i]);
        }
      });
    }
    for (auto& w : workers)
      w.join();
    INFO(name << " scalar");
    CHECK(count_differences(got, expected) == 0);
    CHECK(count_differences(slopes, slopes_expected) == 0);
  }
}

template <class T>
auto all_functors() {
  return std::make_tuple(
      std::pair{"relu", rectify::relu<T>{}},
      std::pair{"leaky_relu", rectify::leaky_relu<T>{T(0.02)}},
      std::pair{"prelu", rectify::prelu<T>{T(-0.3)}}, std::pair{"crelu", rectify::crelu<T>{}},
      std::pair{"elu", rectify::elu<T>{T(1.5)}}, std::pair{"gelu", rectify::gelu<T>{}},
      std::pair{"gelu_tanh", rectify::gelu<T>{rectify::gelu_approximation::tanh}},
      std::pair{"silu", rectify::silu<T>{}}, std::pair{"mish", rectify::mish<T>{}},
      std::pair{"softplus", rectify::softplus<T>{T(2)}},
      std::pair{"squareplus", rectify::squareplus<T>{T(4)}},
      std::pair{"delu", rectify::delu<T>{T(1), T(2)}},
      std::pair{"delu_xc", rectify::delu<T>{T(0.5), T(1.5), T(0.75)}});
}

}  // namespace

TEMPLATE_TEST_CASE("functors shared between threads give single-threaded results", "[threads]",
                   float, double) {
  std::apply(
      [](const auto&... named) {
        (check_functor(named.second, std::string(named.first) + " (" RECTIFY_ARCH_VARIANT ")"),
         ...);
        (check_scalar_calls(named.second, std::string(named.first) + " (" RECTIFY_ARCH_VARIANT ")"),
         ...);
      },
      all_functors<TestType>());
}

TEMPLATE_TEST_CASE("prelu_per_channel shared between threads gives single-threaded results",
                   "[threads]", float, double) {
  using T = TestType;
  constexpr std::size_t channels = 3;
  const std::vector<T> alpha = {T(0.25), T(-0.5), T(0)};
  const rectify::prelu_per_channel<T> f{std::span<const T>(alpha)};
  const auto bounds = chunk_bounds(channels);
  const std::size_t n = bounds.back();
  const std::vector<T> x = make_inputs<T>(n);
  const std::vector<T> dy = make_upstream<T>(n);

  struct out {
    std::vector<T> y, d, dx, dalpha;
    explicit out(std::size_t n) : y(n), d(n), dx(n), dalpha(thread_count * channels) {}
  };
  auto run = [&](std::size_t c, out& r) {
    const std::size_t b = bounds[c], len = bounds[c + 1] - bounds[c];
    const std::span<const T> xc(x.data() + b, len);
    rectify::forward(f, xc, std::span<T>(r.y.data() + b, len));
    rectify::derivative(f, xc, std::span<T>(r.d.data() + b, len));
    rectify::backward(f, xc, std::span<const T>(dy.data() + b, len),
                      std::span<T>(r.dx.data() + b, len),
                      std::span<T>(r.dalpha.data() + c * channels, channels));
  };
  out serial(n);
  for (std::size_t c = 0; c < thread_count; ++c)
    run(c, serial);
  for (int round = 0; round < rounds; ++round) {
    out parallel(n);
    std::latch start(thread_count);
    std::vector<std::thread> workers;
    for (std::size_t c = 0; c < thread_count; ++c) {
      workers.emplace_back([&, c] {
        start.arrive_and_wait();
        run(c, parallel);
      });
    }
    for (auto& w : workers)
      w.join();
    INFO("prelu_per_channel (" RECTIFY_ARCH_VARIANT ") round " << round);
    CHECK(count_differences(parallel.y, serial.y) == 0);
    CHECK(count_differences(parallel.d, serial.d) == 0);
    CHECK(count_differences(parallel.dx, serial.dx) == 0);
    CHECK(count_differences(parallel.dalpha, serial.dalpha) == 0);
  }
}
