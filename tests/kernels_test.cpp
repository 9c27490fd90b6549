// The span kernels of every functor: any length and offset, in place, the same bits as the
// scalar call whatever an element's position, the explicit-arch kernels (their bits are those of
// the functor's batch call on that arch, and their values within the ULP budget of MPFR), the
// size and overlap checks, crelu's 2n layout and prelu_per_channel (including dalpha).
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <rectify/rectify.hpp>

#include "accuracy.hpp"

using namespace rectify_test;

namespace {

template <class T>
bool same_bits(T a, T b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Inputs: values over the interesting range, with the specials mixed in.
template <class T>
std::vector<T> pool(std::size_t n) {
  using L = std::numeric_limits<T>;
  std::mt19937_64 random(0xbadcafe);
  std::uniform_real_distribution<double> uniform(-30, 30);
  const T specials[] = {T(0),           T(-0.0),         L::infinity(), -L::infinity(),
                        L::quiet_NaN(), L::denorm_min(), L::max(),      -L::max(),
                        T(1e-30),       T(-1e-30),       T(-700),       T(700)};
  std::vector<T> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = i % 7 == 3 ? specials[(i / 7) % std::size(specials)] : T(uniform(random));
  return out;
}

// The scalar reference of element x for output block k (crelu has two), forward or derivative.
template <class F, class T>
T scalar_value(const F& f, bool derivative, T x, std::size_t k) {
  if constexpr (F::outputs == 1) {
    (void)k;
    return derivative ? f.derivative(x) : f(x);
  } else {
    return derivative ? f.derivative(x)[k] : f(x)[k];
  }
}
template <class F, class T>
T scalar_backward(const F& f, T x, const T* dy, std::size_t i, std::size_t n) {
  if constexpr (F::outputs == 1) {
    (void)n;
    return dy[i] * f.derivative(x);
  } else {
    const auto d = f.derivative(x);
    T sum = dy[i] * d[0];
    for (std::size_t k = 1; k < F::outputs; ++k)
      sum += dy[k * n + i] * d[k];
    return sum;
  }
}

// Every length 0 .. 3*width + 1 at every offset within a batch, and one long span: each element
// gets the scalar call's bits.
template <class F>
void check_lengths_and_offsets(const F& f, const std::string& name) {
  using T = typename F::value_type;
  constexpr std::size_t m = F::outputs;
  constexpr std::size_t width = xsimd::batch<T>::size;
  const std::vector<T> x = pool<T>(100003 + 2 * width);
  const std::vector<T> dy = pool<T>(m * (100003 + 2 * width));
  auto run = [&](std::size_t n, std::size_t offset) {
    INFO(variant_prefix() << name << " " << type_name<T>() << ": length " << n << ", offset "
                          << offset);
    const std::span<const T> xs(x.data() + offset, n);
    std::vector<T> y(m * n + 1), d(m * n + 1), dx(n + 1);
    // Outputs start misaligned too (one element in).
    rectify::forward(f, xs, std::span<T>(y.data() + 1, m * n));
    rectify::derivative(f, xs, std::span<T>(d.data() + 1, m * n));
    // dy blocks: n elements each, taken from dy at the same offset.
    std::vector<T> dyv(m * n);
    for (std::size_t k = 0; k < m; ++k)
      for (std::size_t i = 0; i < n; ++i)
        dyv[k * n + i] = dy[k * n + i + offset];
    rectify::backward(f, xs, std::span<const T>(dyv), std::span<T>(dx.data() + 1, n));
    std::size_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < m; ++k) {
        bad += !same_bits(y[1 + k * n + i], scalar_value(f, false, xs[i], k));
        bad += !same_bits(d[1 + k * n + i], scalar_value(f, true, xs[i], k));
      }
      bad += !same_bits(dx[1 + i], scalar_backward(f, xs[i], dyv.data(), i, n));
    }
    CHECK(bad == 0);
  };
  for (std::size_t n = 0; n <= 3 * width + 1; ++n)
    for (std::size_t offset = 0; offset < width; ++offset)
      run(n, offset);
  run(100003, 1);
}

// In place: y == x, d == x, dx == dy, dx == x (crelu: the first block of y is x).
template <class F>
void check_in_place(const F& f, const std::string& name) {
  using T = typename F::value_type;
  constexpr std::size_t m = F::outputs;
  const std::size_t n = 3 * xsimd::batch<T>::size + 3;
  const std::vector<T> x = pool<T>(n);
  const std::vector<T> dy = pool<T>(m * n);
  INFO(variant_prefix() << name << " " << type_name<T>() << " in place");
  for (const bool derivative : {false, true}) {
    std::vector<T> buffer(m * n);
    std::copy(x.begin(), x.end(), buffer.begin());
    const std::span<const T> in(buffer.data(), n);
    if (derivative)
      rectify::derivative(f, in, std::span<T>(buffer));
    else
      rectify::forward(f, in, std::span<T>(buffer));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < m; ++k)
        CHECK(same_bits(buffer[k * n + i], scalar_value(f, derivative, x[i], k)));
  }
  {  // dx == dy (the first block of dy)
    std::vector<T> g = dy;
    rectify::backward(f, std::span<const T>(x), std::span<const T>(g), std::span<T>(g.data(), n));
    for (std::size_t i = 0; i < n; ++i)
      CHECK(same_bits(g[i], scalar_backward(f, x[i], dy.data(), i, n)));
  }
  {  // dx == x
    std::vector<T> g = x;
    rectify::backward(f, std::span<const T>(g), std::span<const T>(dy), std::span<T>(g));
    for (std::size_t i = 0; i < n; ++i)
      CHECK(same_bits(g[i], scalar_backward(f, x[i], dy.data(), i, n)));
  }
}

// Sizes that do not match and outputs that partly overlap an input throw, naming the span.
template <class F>
void check_argument_errors(const F& f, const std::string& name) {
  using T = typename F::value_type;
  constexpr std::size_t m = F::outputs;
  const std::size_t n = 11;
  INFO(variant_prefix() << name << " " << type_name<T>() << " argument checks");
  std::vector<T> x(n, T(1)), y(m * n + 2), dy(m * n + 2), dx(n + 2);
  const std::span<const T> xs(x);
  auto fails_naming = [](auto call, const std::string& what) {
    CHECK_THROWS_AS(call(), std::invalid_argument);
    CHECK_THROWS_WITH(call(), Catch::StartsWith("rectify: ") && Catch::Contains(what));
  };
  fails_naming([&] { rectify::forward(f, xs, std::span<T>(y.data(), m * n + 1)); }, "y has");
  fails_naming([&] { rectify::forward(f, xs, std::span<T>(y.data(), m * n - 1)); }, "y has");
  fails_naming([&] { rectify::derivative(f, xs, std::span<T>(y.data(), m * n + 1)); }, "d has");
  fails_naming(
      [&] {
        rectify::backward(f, xs, std::span<const T>(dy.data(), m * n + 1),
                          std::span<T>(dx.data(), n));
      },
      "dy has");
  fails_naming(
      [&] {
        rectify::backward(f, xs, std::span<const T>(dy.data(), m * n),
                          std::span<T>(dx.data(), n + 1));
      },
      "dx has");
  // Partial overlap: the output shifted by one element against the input.
  std::vector<T> buffer(m * n + 4, T(1));
  const std::span<const T> in(buffer.data(), n);
  fails_naming([&] { rectify::forward(f, in, std::span<T>(buffer.data() + 1, m * n)); },
               "overlaps x");
  fails_naming([&] { rectify::derivative(f, in, std::span<T>(buffer.data() + 1, m * n)); },
               "overlaps x");
  fails_naming(
      [&] {
        rectify::backward(f, in, std::span<const T>(dy.data(), m * n),
                          std::span<T>(buffer.data() + 1, n));
      },
      "overlaps x");
  fails_naming(
      [&] {
        rectify::backward(f, xs, std::span<const T>(buffer.data(), m * n),
                          std::span<T>(buffer.data() + 1, n));
      },
      "overlaps dy");
  // Empty spans are fine.
  CHECK_NOTHROW(rectify::forward(f, std::span<const T>(), std::span<T>()));
  CHECK_NOTHROW(rectify::backward(f, std::span<const T>(), std::span<const T>(), std::span<T>()));
}

// Explicit arch: bits equal to the functor's batch call on that arch, values within budget of
// MPFR (exact for the piecewise-linear functions).
template <class F>
void check_explicit_archs(const F& f, const std::string& name, const config& c) {
  using T = typename F::value_type;
  constexpr std::size_t m = F::outputs;
  std::vector<T> x = pool<T>(1001);
  // MPFR references of the finite inputs (crelu: relu of x and of -x).
  mpfr_reference ref;
  std::vector<std::vector<mpfr_reference::value>> fwd(m), der(m);
  for (std::size_t k = 0; k < m; ++k) {
    for (const T xi : x) {
      const double arg = k == 0 ? double(xi) : -double(xi);
      fwd[k].push_back(ref.forward(c, arg));
      auto d = ref.derivative(c, arg);
      if (k == 1) {
        d.hi = -d.hi;
        d.lo = -d.lo;
      }
      der[k].push_back(d);
    }
  }
  for_each_arch([&](auto arch) {
    using A = decltype(arch);
    using B = xsimd::batch<T, A>;
    INFO(variant_prefix() << name << " " << type_name<T>() << " on " << A::name());
    const std::size_t n = x.size();
    std::vector<T> y(m * n), d(m * n);
    rectify::forward<A>(f, std::span<const T>(x), std::span<T>(y));
    rectify::derivative<A>(f, std::span<const T>(x), std::span<T>(d));
    std::size_t bad_bits = 0;
    std::ostringstream first_bad;
    worst_case<T> wf, wd;
    wf.exact = wd.exact = c.exact();
    for (std::size_t i = 0; i < n; ++i) {
      std::array<B, m> yb, db;
      if constexpr (m == 1) {
        yb = {f(B(x[i]))};
        db = {f.derivative(B(x[i]))};
      } else {
        yb = f(B(x[i]));
        db = f.derivative(B(x[i]));
      }
      for (std::size_t k = 0; k < m; ++k) {
        const bool bad =
            !same_bits(y[k * n + i], yb[k].get(0)) || !same_bits(d[k * n + i], db[k].get(0));
        if (bad && bad_bits == 0) {
          first_bad << "first difference at x = " << hex_and_decimal(double(x[i]))
                    << ": span forward " << hex_and_decimal(double(y[k * n + i])) << " vs batch "
                    << hex_and_decimal(double(yb[k].get(0))) << ", span derivative "
                    << hex_and_decimal(double(d[k * n + i])) << " vs batch "
                    << hex_and_decimal(double(db[k].get(0)));
        }
        bad_bits += bad;
        if (std::isfinite(x[i])) {
          wf.add(x[i], y[k * n + i], fwd[k][i].hi, fwd[k][i].lo, 0.0);
          wd.add(x[i], d[k * n + i], der[k][i].hi, der[k][i].lo,
                 c.cancelling_derivative() ? der[k][i].scale : 0.0);
        }
      }
    }
    INFO(first_bad.str());
    CHECK(bad_bits == 0);
    report(name + " [" + A::name() + " kernel]", c.exact(), "forward", "pool", wf);
    report(name + " [" + A::name() + " kernel]", c.exact(), "derivative", "pool", wd);
  });
}

template <class F>
void check_kernels(const F& f, const std::string& name, const config& c) {
  check_lengths_and_offsets(f, name);
  check_in_place(f, name);
  check_argument_errors(f, name);
  check_explicit_archs(f, name, c);
}

}  // namespace

TEMPLATE_TEST_CASE("span kernels of every functor", "[kernels]", float, double) {
  using T = TestType;
  const auto tanh = rectify::gelu_approximation::tanh;
  check_kernels(rectify::relu<T>(), "relu", {family::relu});
  check_kernels(rectify::crelu<T>(), "crelu", {family::relu});
  check_kernels(rectify::leaky_relu<T>(T(0.2)), "leaky_relu", {family::leaky_relu, {T(0.2)}});
  check_kernels(rectify::prelu<T>(T(0.1)), "prelu", {family::prelu, {T(0.1)}});
  check_kernels(rectify::elu<T>(T(0.5)), "elu", {family::elu, {T(0.5)}});
  check_kernels(rectify::gelu<T>(), "gelu", {family::gelu});
  check_kernels(rectify::gelu<T>(tanh), "gelu(tanh)", {family::gelu_tanh});
  check_kernels(rectify::silu<T>(), "silu", {family::silu});
  check_kernels(rectify::mish<T>(), "mish", {family::mish});
  check_kernels(rectify::softplus<T>(T(3.5)), "softplus", {family::softplus, {T(3.5)}});
  check_kernels(rectify::squareplus<T>(T(0.5)), "squareplus", {family::squareplus, {T(0.5)}});
  const rectify::delu<T> dl(T(1.5), T(3));
  check_kernels(dl, "delu", {family::delu, {T(1.5), T(3), double(dl.xc())}});
}

TEMPLATE_TEST_CASE("crelu span layout", "[kernels]", float, double) {
  using T = TestType;
  const rectify::crelu<T> f;
  const std::vector<T> x = {T(-2), T(3), T(0), T(-0.5), T(7), T(-1), T(4), T(-8), T(0.25)};
  const std::size_t n = x.size();
  std::vector<T> y(2 * n), d(2 * n), dx(n);
  std::vector<T> dy(2 * n);
  for (std::size_t i = 0; i < 2 * n; ++i)
    dy[i] = T(i + 1);
  for_each_arch([&](auto arch) {
    using A = decltype(arch);
    INFO(variant_prefix() << "crelu layout on " << A::name());
    rectify::forward<A>(f, std::span<const T>(x), std::span<T>(y));
    rectify::derivative<A>(f, std::span<const T>(x), std::span<T>(d));
    rectify::backward<A>(f, std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx));
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(y[i] == (x[i] > 0 ? x[i] : T(0)));
      CHECK(y[n + i] == (x[i] < 0 ? -x[i] : T(0)));
      CHECK(d[i] == (x[i] > 0 ? T(1) : T(0)));
      CHECK(d[n + i] == (x[i] < 0 ? T(-1) : T(0)));
      // dx = dy_0 H(x) - dy_1 H(-x)
      CHECK(dx[i] == (x[i] > 0 ? dy[i] : x[i] < 0 ? -dy[n + i] : T(0)));
    }
  });
}

TEMPLATE_TEST_CASE("prelu_per_channel", "[kernels]", float, double) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  const std::vector<T> alpha = {T(0.1), T(-0.2), T(0.3)};
  const rectify::prelu_per_channel<T> pc{std::span<const T>(alpha)};
  CHECK(pc.channels() == 3);
  const std::size_t inner = 37;  // not a multiple of any batch width
  const std::size_t n = alpha.size() * inner;
  std::vector<T> x = pool<T>(n);
  for (T& v : x) {
    if (!std::isfinite(v) || std::fabs(v) > 1e6)
      v = T(-1.5);  // finite values, so dalpha is a finite sum
  }
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(-2, 2);
  std::vector<T> dy(n);
  for (T& v : dy)
    v = T(uniform(random));
  for_each_arch([&](auto arch) {
    using A = decltype(arch);
    INFO(variant_prefix() << "prelu_per_channel " << type_name<T>() << " on " << A::name());
    std::vector<T> y(n), d(n), dx(n), dalpha(alpha.size());
    rectify::forward<A>(pc, std::span<const T>(x), std::span<T>(y));
    rectify::derivative<A>(pc, std::span<const T>(x), std::span<T>(d));
    rectify::backward<A>(pc, std::span<const T>(x), std::span<const T>(dy), std::span<T>(dx),
                         std::span<T>(dalpha));
    for (std::size_t c = 0; c < alpha.size(); ++c) {
      double sum = 0, magnitude = 0;
      for (std::size_t j = 0; j < inner; ++j) {
        const std::size_t i = c * inner + j;
        const T a = alpha[c];
        CHECK(y[i] == (x[i] > 0 ? x[i] : a * x[i]));
        CHECK(d[i] == (x[i] > 0 ? T(1) : a));
        CHECK(dx[i] == dy[i] * (x[i] > 0 ? T(1) : a));
        const double term = x[i] > 0 ? 0.0 : double(dy[i]) * double(x[i]);
        sum += term;
        magnitude += std::fabs(term);
      }
      // A sum of `inner` products in T: within inner * eps of the magnitude of its terms.
      INFO("channel " << c << ": dalpha " << dalpha[c] << ", double sum " << sum);
      CHECK(std::fabs(double(dalpha[c]) - sum) <= double(inner) * L::epsilon() * magnitude);
    }
  });
  // In place and argument checks.
  {
    std::vector<T> buffer = x;
    rectify::forward(pc, std::span<const T>(buffer), std::span<T>(buffer));
    std::vector<T> y(n);
    rectify::forward(pc, std::span<const T>(x), std::span<T>(y));
    for (std::size_t i = 0; i < n; ++i)
      CHECK(same_bits(buffer[i], y[i]));
  }
  auto fails_naming = [](auto call, const std::string& what) {
    CHECK_THROWS_AS(call(), std::invalid_argument);
    CHECK_THROWS_WITH(call(), Catch::StartsWith("rectify: ") && Catch::Contains(what));
  };
  std::vector<T> y(n + 1), dx(n + 1), dalpha(4);
  const std::span<const T> xs(x);
  fails_naming([&] { rectify::forward(pc, xs, std::span<T>(y)); }, "y has");
  fails_naming([&] { rectify::derivative(pc, xs, std::span<T>(y)); }, "d has");
  fails_naming([&] { rectify::forward(pc, xs.first(n - 1), std::span<T>(y.data(), n - 1)); },
               "channels");
  fails_naming(
      [&] {
        rectify::backward(pc, xs, std::span<const T>(dy), std::span<T>(dx.data(), n),
                          std::span<T>(dalpha.data(), 2));
      },
      "dalpha has");
  fails_naming(
      [&] {
        rectify::backward(pc, xs, std::span<const T>(dy), std::span<T>(dx.data(), n + 1),
                          std::span<T>(dalpha.data(), 3));
      },
      "dx has");
  std::vector<T> buffer(n + 1, T(1));
  fails_naming(
      [&] {
        rectify::forward(pc, std::span<const T>(buffer.data(), n),
                         std::span<T>(buffer.data() + 1, n));
      },
      "overlaps x");
  {  // dalpha partly overlapping x (two elements per channel)
    std::vector<T> small(8, T(-1)), small_dy(6, T(1)), small_dx(6);
    fails_naming(
        [&] {
          rectify::backward(pc, std::span<const T>(small.data(), 6), std::span<const T>(small_dy),
                            std::span<T>(small_dx), std::span<T>(small.data() + 4, 3));
        },
        "dalpha");
  }
  fails_naming([] { return rectify::prelu_per_channel<T>(std::span<const T>()); }, "alpha");
  // A NaN alpha (a trainer may update alpha in place) is caught at the call.
  std::vector<T> bad_alpha = {T(0.1), L::quiet_NaN(), T(0.3)};
  const rectify::prelu_per_channel<T> bad{std::span<const T>(bad_alpha)};
  fails_naming([&] { rectify::forward(bad, xs, std::span<T>(y.data(), n)); }, "alpha");
}

TEMPLATE_TEST_CASE("constructors reject bad parameters, naming them", "[kernels]", float, double) {
  using T = TestType;
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T inf = std::numeric_limits<T>::infinity();
  auto fails_naming = [](auto make, const std::string& functor, const std::string& parameter) {
    CHECK_THROWS_AS(make(), std::invalid_argument);
    CHECK_THROWS_WITH(make(), Catch::StartsWith("rectify: ") && Catch::Contains(functor) &&
                                  Catch::Contains(parameter));
  };
  fails_naming([&] { return rectify::leaky_relu<T>(nan); }, "leaky_relu", "alpha");
  fails_naming([&] { return rectify::prelu<T>(inf); }, "prelu", "alpha");
  fails_naming([&] { return rectify::elu<T>(T(-1)); }, "elu", "alpha");
  fails_naming([&] { return rectify::softplus<T>(T(0)); }, "softplus", " k ");
  fails_naming([&] { return rectify::softplus<T>(nan); }, "softplus", " k ");
  fails_naming([&] { return rectify::squareplus<T>(T(-4)); }, "squareplus", " b ");
  fails_naming([&] { return rectify::delu<T>(T(3), T(2)); }, "delu", "xc");
  fails_naming([&] { return rectify::delu<T>(nan, T(2)); }, "delu", " a ");
  fails_naming([&] { return rectify::delu<T>(T(1), T(2), inf); }, "delu", "xc");
}
