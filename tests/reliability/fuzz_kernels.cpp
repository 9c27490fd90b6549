// libFuzzer harness for the span kernels (clang++ -fsanitize=fuzzer,address,undefined).
//
// The input bytes choose a function (all of them, parameters from defaults, a table of
// interesting values or raw bit patterns), the type, the span length and offset, the aliasing
// (separate outputs or in place), deliberate misuse (wrong sizes, partial overlap) and the
// input bit patterns (NaN payloads, infinities, subnormals, signed zeros or raw bits). It then
// checks the contract of SPEC.md:
// - constructing with parameters outside the table's constraints throws std::invalid_argument
//   ("rectify: ..."), valid ones construct; misuse of the kernels throws the same way and
//   writes nothing;
// - every element of forward, derivative and backward is bitwise the scalar f(x),
//   f.derivative(x), dy * f.derivative(x) (NaN compares equal to any NaN), whatever the length,
//   offset and aliasing;
// - NaN in gives NaN out; +-inf give the mathematical limits; a finite input never gives NaN;
// - prelu_per_channel's dalpha is the channel's sum of dy * x (x <= 0) within the error bound
//   of any summation order;
// - no memory error or undefined behaviour (the sanitizers), no write outside the output span.
// A failure prints what went wrong and aborts, which libFuzzer reports as a crash and saves.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <rectify/rectify.hpp>

namespace {

// ---------------------------------------------------------------------------------------------
// Input decoding

// Reads the fuzzer's bytes; once they run out it continues with a generator seeded from them,
// so that short inputs still yield long, varied spans.
class reader {
 public:
  reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {
    std::uint64_t h = 0xcbf29ce484222325u;
    for (std::size_t i = 0; i < size; ++i)
      h = (h ^ data[i]) * 0x100000001b3u;
    state_ = h;
  }
  std::uint8_t byte() {
    if (at_ < size_)
      return data_[at_++];
    return static_cast<std::uint8_t>(next_random() >> 56);
  }
  template <class U>
  U bits() {
    U u = 0;
    for (std::size_t k = 0; k < sizeof(U); ++k)
      u = static_cast<U>(u | (U(byte()) << (8 * k)));
    return u;
  }

 private:
  std::uint64_t next_random() {  // splitmix64
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
  }
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
  std::uint64_t state_;
};

template <class T>
using bits_t = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

template <class T>
T from_bits(bits_t<T> u) {
  return std::bit_cast<T>(u);
}

// Values where the functions change behaviour: zeros, kinks, the saturation thresholds of the
// implementation, the cancellation points of the derivatives, the limits of the type and NaNs
// with various payloads and signs.
template <class T>
const std::vector<T>& interesting() {
  using L = std::numeric_limits<T>;
  using U = bits_t<T>;
  constexpr U exponent_mask = sizeof(T) == 4 ? U(0x7f800000u) : U(0x7ff0000000000000u);
  constexpr U quiet_bit = sizeof(T) == 4 ? U(0x00400000u) : U(0x0008000000000000u);
  constexpr U sign_bit = U(1) << (8 * sizeof(T) - 1);
  static const std::vector<T> values = {T(0),
                                        -T(0),
                                        T(1),
                                        -T(1),
                                        T(0.5),
                                        T(-0.5),
                                        T(2),
                                        T(-2),
                                        T(0.01),
                                        T(0.25),
                                        T(4),
                                        T(-0.75),
                                        T(-1.28),
                                        T(1.2564312),
                                        T(10),
                                        T(-10),
                                        T(30),
                                        T(-30),
                                        T(40),
                                        T(-40),
                                        T(100),
                                        T(-100),
                                        T(700),
                                        T(-700),
                                        T(800),
                                        T(-800),
                                        T(1000),
                                        T(-1000),
                                        T(1e30),
                                        T(-1e30),
                                        T(1e-30),
                                        T(-1e-30),
                                        L::max(),
                                        L::lowest(),
                                        L::min(),
                                        -L::min(),
                                        L::denorm_min(),
                                        -L::denorm_min(),
                                        L::epsilon(),
                                        L::infinity(),
                                        -L::infinity(),
                                        L::quiet_NaN(),
                                        -L::quiet_NaN(),
                                        L::signaling_NaN(),
                                        from_bits<T>(exponent_mask | 1),
                                        from_bits<T>(sign_bit | exponent_mask | quiet_bit | 0x1234),
                                        from_bits<T>(~U(0))};
  return values;
}

template <class T>
T value(reader& in) {
  const std::uint8_t selector = in.byte();
  if (selector < 96)
    return interesting<T>()[selector % interesting<T>().size()];
  return from_bits<T>(in.bits<bits_t<T>>());
}

// A parameter: the default (nullopt), an interesting value or raw bits.
template <class T>
std::optional<T> parameter(reader& in) {
  switch (in.byte() % 4) {
    case 0:
      return std::nullopt;
    case 1:
      return interesting<T>()[in.byte() % interesting<T>().size()];
    default:
      return from_bits<T>(in.bits<bits_t<T>>());
  }
}

// ---------------------------------------------------------------------------------------------
// Failure reporting

std::string describe_bits(float v) {
  char text[64];
  std::snprintf(text, sizeof text, "%a (0x%08x)", double(v), std::bit_cast<std::uint32_t>(v));
  return text;
}
std::string describe_bits(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%a (0x%016llx)", v,
                static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(v)));
  return text;
}

struct context {
  std::string function;  // with its parameters
  const char* type;
  std::size_t n = 0;
  std::size_t offset = 0;
  std::string mode;
};

[[noreturn]] void failure(const context& c, const std::string& what) {
  std::fprintf(stderr, "FUZZ FAILURE (%s): %s<%s>, n = %zu, offset = %zu, %s\n  %s\n",
               RECTIFY_ARCH_VARIANT, c.function.c_str(), c.type, c.n, c.offset, c.mode.c_str(),
               what.c_str());
  std::abort();
}

template <class T>
bool same_bits(T a, T b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b);
  return std::bit_cast<bits_t<T>>(a) == std::bit_cast<bits_t<T>>(b);
}

template <class T>
void expect_same(const context& c, const char* kernel, std::size_t i, T x, T got, T expected) {
  if (!same_bits(got, expected)) {
    failure(c, std::string(kernel) + "[" + std::to_string(i) + "] at x = " + describe_bits(x) +
                   ": span kernel gives " + describe_bits(got) + ", scalar call gives " +
                   describe_bits(expected));
  }
}

// Constructing or calling with bad arguments must throw std::invalid_argument("rectify: ...")
// exactly when the arguments are bad.
template <class Make>
auto construct(const context& c, bool valid, Make make) -> std::optional<decltype(make())> {
  try {
    auto f = make();
    if (!valid)
      failure(c, "invalid parameters were accepted");
    return f;
  } catch (const std::invalid_argument& e) {
    if (valid)
      failure(c, std::string("valid parameters were rejected: ") + e.what());
    if (std::strncmp(e.what(), "rectify: ", 9) != 0)
      failure(c, std::string("message does not start with \"rectify: \": ") + e.what());
    return std::nullopt;
  }
}

template <class Call>
void expect_throw(const context& c, const char* what, Call call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    if (std::strncmp(e.what(), "rectify: ", 9) != 0)
      failure(c, std::string("message does not start with \"rectify: \": ") + e.what());
    return;
  }
  failure(c, std::string(what) + " did not throw");
}

// ---------------------------------------------------------------------------------------------
// Buffers: the span ends where its allocation ends (so AddressSanitizer catches writes past
// it), and the `offset` elements before it hold a canary that must survive every call.

template <class T>
class buffer {
 public:
  buffer(std::size_t offset, std::size_t n)
      : offset_(offset), n_(n), storage_(std::make_unique<T[]>(offset + n)) {
    for (std::size_t i = 0; i < offset; ++i)
      storage_[i] = canary();
  }
  std::span<T> span() { return {storage_.get() + offset_, n_}; }
  // The whole allocation, for deliberately bad spans.
  T* base() { return storage_.get(); }
  std::size_t allocated() const { return offset_ + n_; }
  bool canary_intact() const {
    for (std::size_t i = 0; i < offset_; ++i) {
      if (std::bit_cast<bits_t<T>>(storage_[i]) != std::bit_cast<bits_t<T>>(canary()))
        return false;
    }
    return true;
  }

 private:
  static T canary() { return from_bits<T>(bits_t<T>(0x5a5a5a5a5a5a5a5au)); }
  std::size_t offset_;
  std::size_t n_;
  std::unique_ptr<T[]> storage_;
};

// ---------------------------------------------------------------------------------------------
// The limits at +-inf, per output (the sign of a zero is not specified).

template <class T, std::size_t M>
struct limits {
  std::array<T, M> f_neg, f_pos, d_neg, d_pos;
  int f_neg_ulps = 0;  // delu's -1/b is computed in double, then rounded to T
};

template <class T>
bool close_to(T got, T expected, int ulps) {
  if (std::isnan(got) || std::isnan(expected))
    return false;
  if (std::isinf(expected) || ulps == 0)
    return got == expected;
  const T magnitude = std::fabs(expected);
  const T ulp = std::nextafter(magnitude, std::numeric_limits<T>::infinity()) - magnitude;
  return std::fabs(got - expected) <= T(ulps) * ulp;
}

template <class T>
limits<T, 1> saturating() {  // gelu, silu, mish, softplus, squareplus: 0 and x
  constexpr T inf = std::numeric_limits<T>::infinity();
  return {{T(0)}, {inf}, {T(0)}, {T(1)}};
}

template <class T>
limits<T, 1> leaky_limits(T alpha) {
  constexpr T inf = std::numeric_limits<T>::infinity();
  const T f_neg = alpha > 0 ? -inf : alpha < 0 ? inf : T(0);
  return {{f_neg}, {inf}, {alpha}, {T(1)}};
}

// ---------------------------------------------------------------------------------------------
// How the kernels are called

enum class alias { separate, in_place_x, in_place_dy };

struct plan {
  std::size_t n;
  std::size_t offset;
  alias forward_alias, derivative_alias, backward_alias;
  int misuse;  // 0: none, 1: wrong output size, 2: output partly overlapping the input
};

alias pick_alias(unsigned b, bool allow_dy) {
  switch (b % (allow_dy ? 3 : 2)) {
    case 0:
      return alias::separate;
    case 1:
      return alias::in_place_x;
    default:
      return alias::in_place_dy;
  }
}

plan read_plan(reader& in, std::size_t multiple) {
  plan p{};
  std::size_t n = in.byte();
  if (in.byte() % 4 == 0)
    n += 256 * (in.byte() % 4);  // up to ~1000 elements now and then
  p.n = multiple > 0 ? (n / 8) * multiple : n;
  p.offset = in.byte() % 17;
  const unsigned modes = in.byte();
  p.forward_alias = pick_alias(modes, false);
  p.derivative_alias = pick_alias(modes >> 1, false);
  p.backward_alias = pick_alias(modes >> 2, true);
  const std::uint8_t misuse = in.byte();
  p.misuse = misuse < 224 ? 0 : 1 + misuse % 2;
  return p;
}

std::string describe_plan(const plan& p) {
  auto name = [](alias a) {
    return a == alias::separate     ? "separate"
           : a == alias::in_place_x ? "in place over x"
                                    : "in place over dy";
  };
  std::string text = std::string("forward ") + name(p.forward_alias) + ", derivative " +
                     name(p.derivative_alias) + ", backward " + name(p.backward_alias);
  if (p.misuse == 1)
    text += ", misuse: wrong size";
  if (p.misuse == 2)
    text += ", misuse: partial overlap";
  return text;
}

template <class F>
std::array<typename F::value_type, F::outputs> scalar_forward(const F& f,
                                                              typename F::value_type x) {
  if constexpr (F::outputs == 1) {
    return {f(x)};
  } else {
    return f(x);
  }
}
template <class F>
std::array<typename F::value_type, F::outputs> scalar_derivative(const F& f,
                                                                 typename F::value_type x) {
  if constexpr (F::outputs == 1) {
    return {f.derivative(x)};
  } else {
    return f.derivative(x);
  }
}

// Misuse of the kernels: each call throws and writes nothing.
template <class F>
void check_misuse(const context& c, const F& f, const plan& p,
                  const std::vector<typename F::value_type>& x) {
  using T = typename F::value_type;
  constexpr std::size_t m = F::outputs;
  const std::size_t n = x.size();
  const std::vector<T> dy(m * n, T(1));
  if (p.misuse == 1) {
    const std::size_t wrong = n % 2 == 0 ? m * n + 1 : m * n - 1;
    buffer<T> y(p.offset, wrong);
    expect_throw(c, "forward with a wrong output size",
                 [&] { rectify::forward(f, std::span<const T>(x), y.span()); });
    expect_throw(c, "derivative with a wrong output size",
                 [&] { rectify::derivative(f, std::span<const T>(x), y.span()); });
    buffer<T> dx(p.offset, n + 1);
    expect_throw(c, "backward with a wrong dx size", [&] {
      rectify::backward(f, std::span<const T>(x), std::span<const T>(dy), dx.span());
    });
    if (n > 0) {
      expect_throw(c, "backward with a wrong dy size", [&] {
        rectify::backward(f, std::span<const T>(x), std::span<const T>(dy).first(m * n - 1),
                          dx.span().first(n));
      });
    }
    if (!y.canary_intact() || !dx.canary_intact())
      failure(c, "a rejected call wrote before its output span");
    return;
  }
  if (n < 2)
    return;
  // The output starts one element into x.
  buffer<T> storage(0, m * n + 1);
  std::copy(x.begin(), x.end(), storage.base());
  const std::span<const T> xs(storage.base(), n);
  const std::span<T> y(storage.base() + 1, m * n);
  const std::vector<T> before(storage.base(), storage.base() + storage.allocated());
  expect_throw(c, "forward with a partly overlapping output", [&] { rectify::forward(f, xs, y); });
  expect_throw(c, "derivative with a partly overlapping output",
               [&] { rectify::derivative(f, xs, y); });
  expect_throw(c, "backward with dx partly overlapping x", [&] {
    rectify::backward(f, xs, std::span<const T>(dy), std::span<T>(storage.base() + 1, n));
  });
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (!same_bits(before[i], storage.base()[i]))
      failure(c, "a rejected call wrote to its output");
  }
}

// ---------------------------------------------------------------------------------------------
// The checks on one functor (every one but prelu_per_channel)

template <class F>
void check_kernels(context c, const F& f, const limits<typename F::value_type, F::outputs>& lim,
                   reader& in) {
  using T = typename F::value_type;
  constexpr std::size_t m = F::outputs;
  const plan p = read_plan(in, 0);
  const std::size_t n = p.n;
  c.n = n;
  c.offset = p.offset;
  c.mode = describe_plan(p);
  std::vector<T> x(n), dy(m * n);
  for (T& v : x)
    v = value<T>(in);
  for (T& v : dy)
    v = value<T>(in);
  if (p.misuse != 0) {
    check_misuse(c, f, p, x);
    return;
  }

  buffer<T> x_buffer(p.offset, n);
  std::copy(x.begin(), x.end(), x_buffer.span().begin());
  buffer<T> dy_buffer(p.offset, m * n);
  std::copy(dy.begin(), dy.end(), dy_buffer.span().begin());
  const std::span<const T> xs = x_buffer.span();
  const std::span<const T> dys = dy_buffer.span();

  buffer<T> y(p.offset, m * n);
  if (p.forward_alias == alias::in_place_x) {
    std::copy(x.begin(), x.end(), y.span().begin());
    rectify::forward(f, std::span<const T>(y.span().first(n)), y.span());
  } else {
    rectify::forward(f, xs, y.span());
  }
  buffer<T> d(p.offset, m * n);
  if (p.derivative_alias == alias::in_place_x) {
    std::copy(x.begin(), x.end(), d.span().begin());
    rectify::derivative(f, std::span<const T>(d.span().first(n)), d.span());
  } else {
    rectify::derivative(f, xs, d.span());
  }
  std::span<const T> dx;
  buffer<T> dx_separate(p.offset, n);
  buffer<T> x_overwritten(p.offset, n);
  buffer<T> dy_overwritten(p.offset, m * n);
  if (p.backward_alias == alias::in_place_x) {
    std::copy(x.begin(), x.end(), x_overwritten.span().begin());
    rectify::backward(f, std::span<const T>(x_overwritten.span()), dys, x_overwritten.span());
    dx = x_overwritten.span();
  } else if (p.backward_alias == alias::in_place_dy) {
    std::copy(dy.begin(), dy.end(), dy_overwritten.span().begin());
    rectify::backward(f, xs, std::span<const T>(dy_overwritten.span()),
                      dy_overwritten.span().first(n));
    dx = dy_overwritten.span().first(n);
  } else {
    rectify::backward(f, xs, dys, dx_separate.span());
    dx = dx_separate.span();
  }

  for (auto* b : {&x_buffer, &dy_buffer, &y, &d, &dx_separate, &x_overwritten, &dy_overwritten}) {
    if (!b->canary_intact())
      failure(c, "a kernel wrote before its output span");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!same_bits(xs[i], x[i]))
      failure(c, "forward, derivative or backward modified its input x");
  }
  for (std::size_t i = 0; i < m * n; ++i) {
    if (!same_bits(dys[i], dy[i]))
      failure(c, "backward modified its input dy");
  }

  for (std::size_t i = 0; i < n; ++i) {
    const T xi = x[i];
    const auto fs = scalar_forward(f, xi);
    const auto ds = scalar_derivative(f, xi);
    for (std::size_t k = 0; k < m; ++k) {
      expect_same(c, "forward", k * n + i, xi, y.span()[k * n + i], fs[k]);
      expect_same(c, "derivative", k * n + i, xi, d.span()[k * n + i], ds[k]);
    }
    // dx = sum over outputs of dy_k * f_k'(x), each product rounded, summed left to right.
    T expected = dy[i] * ds[0];
    for (std::size_t k = 1; k < m; ++k) {
      const T term = dy[k * n + i] * ds[k];
      expected = expected + term;
    }
    expect_same(c, "backward", i, xi, dx[i], expected);

    if (std::isnan(xi)) {
      for (std::size_t k = 0; k < m; ++k) {
        if (!std::isnan(fs[k]) || !std::isnan(ds[k]))
          failure(c, "NaN in did not give NaN out, at index " + std::to_string(i));
      }
      if (!std::isnan(dx[i]))
        failure(c, "backward: NaN x did not give NaN dx, at index " + std::to_string(i));
    } else if (std::isinf(xi)) {
      const bool pos = xi > 0;
      for (std::size_t k = 0; k < m; ++k) {
        const T f_lim = pos ? lim.f_pos[k] : lim.f_neg[k];
        const T d_lim = pos ? lim.d_pos[k] : lim.d_neg[k];
        if (!close_to(fs[k], f_lim, pos ? 0 : lim.f_neg_ulps)) {
          failure(c, "f(" + describe_bits(xi) + ")[" + std::to_string(k) +
                         "] = " + describe_bits(fs[k]) + ", the limit is " + describe_bits(f_lim));
        }
        if (!close_to(ds[k], d_lim, 0)) {
          failure(c, "f'(" + describe_bits(xi) + ")[" + std::to_string(k) +
                         "] = " + describe_bits(ds[k]) + ", the limit is " + describe_bits(d_lim));
        }
      }
    } else {
      for (std::size_t k = 0; k < m; ++k) {
        if (std::isnan(fs[k]) || std::isnan(ds[k])) {
          failure(c, "finite x = " + describe_bits(xi) + " gives f = " + describe_bits(fs[k]) +
                         ", f' = " + describe_bits(ds[k]));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// prelu_per_channel: one alpha per channel over a (channels x inner) layout

template <class T>
void check_per_channel(context c, reader& in) {
  const std::size_t channels = in.byte() % 9;
  std::vector<T> alpha(channels);
  bool alphas_finite = true;
  for (T& a : alpha) {
    a = parameter<T>(in).value_or(T(0.25));
    alphas_finite = alphas_finite && std::isfinite(a);
    c.function += " " + describe_bits(a);
  }
  const auto made = construct(
      c, channels > 0, [&] { return rectify::prelu_per_channel<T>(std::span<const T>(alpha)); });
  if (!made)
    return;
  const rectify::prelu_per_channel<T>& f = *made;
  plan p = read_plan(in, channels);
  const bool ragged = in.byte() >= 240;
  if (ragged)
    p.n += 1;
  const std::size_t n = p.n;
  c.n = n;
  c.offset = p.offset;
  c.mode = describe_plan(p);
  std::vector<T> x(n), dy(n);
  for (T& v : x)
    v = value<T>(in);
  for (T& v : dy)
    v = value<T>(in);

  buffer<T> x_buffer(p.offset, n);
  std::copy(x.begin(), x.end(), x_buffer.span().begin());
  const std::span<const T> xs = x_buffer.span();
  buffer<T> y(p.offset, n);
  buffer<T> d(p.offset, n);
  buffer<T> dx(p.offset, n);
  buffer<T> dalpha(p.offset, channels);
  if (!alphas_finite || n % channels != 0) {
    expect_throw(c, "prelu_per_channel forward", [&] { rectify::forward(f, xs, y.span()); });
    expect_throw(c, "prelu_per_channel derivative", [&] { rectify::derivative(f, xs, d.span()); });
    expect_throw(c, "prelu_per_channel backward", [&] {
      rectify::backward(f, xs, std::span<const T>(dy), dx.span(), dalpha.span());
    });
    return;
  }

  if (p.forward_alias == alias::in_place_x) {
    std::copy(x.begin(), x.end(), y.span().begin());
    rectify::forward(f, std::span<const T>(y.span()), y.span());
  } else {
    rectify::forward(f, xs, y.span());
  }
  if (p.derivative_alias == alias::in_place_x) {
    std::copy(x.begin(), x.end(), d.span().begin());
    rectify::derivative(f, std::span<const T>(d.span()), d.span());
  } else {
    rectify::derivative(f, xs, d.span());
  }
  buffer<T> dy_buffer(p.offset, n);
  std::copy(dy.begin(), dy.end(), dy_buffer.span().begin());
  if (p.backward_alias == alias::in_place_x) {
    std::copy(x.begin(), x.end(), dx.span().begin());
    rectify::backward(f, std::span<const T>(dx.span()), std::span<const T>(dy_buffer.span()),
                      dx.span(), dalpha.span());
  } else if (p.backward_alias == alias::in_place_dy) {
    std::copy(dy.begin(), dy.end(), dx.span().begin());
    rectify::backward(f, xs, std::span<const T>(dx.span()), dx.span(), dalpha.span());
  } else {
    rectify::backward(f, xs, std::span<const T>(dy_buffer.span()), dx.span(), dalpha.span());
  }
  for (auto* b : {&x_buffer, &y, &d, &dx, &dalpha, &dy_buffer}) {
    if (!b->canary_intact())
      failure(c, "a kernel wrote before its output span");
  }

  const std::size_t inner = n / channels;
  const T max = std::numeric_limits<T>::max();
  for (std::size_t ch = 0; ch < channels; ++ch) {
    const rectify::prelu<T> g(alpha[ch]);
    const limits<T, 1> lim = leaky_limits(alpha[ch]);
    // dalpha: the exact sum of the rounded terms, and the bound on the error of any summation
    // order (at most inner + 64 additions, each off by half an ulp of a partial sum).
    bool nan = false, pos_inf = false, neg_inf = false;
    long double sum = 0, magnitude = 0;
    for (std::size_t j = 0; j < inner; ++j) {
      const std::size_t i = ch * inner + j;
      const T xi = x[i];
      const T fe = g(xi), de = g.derivative(xi);
      expect_same(c, "forward", i, xi, y.span()[i], fe);
      expect_same(c, "derivative", i, xi, d.span()[i], de);
      expect_same(c, "backward", i, xi, dx.span()[i], T(dy[i] * de));
      if (std::isnan(xi) && (!std::isnan(fe) || !std::isnan(de) || !std::isnan(dx.span()[i])))
        failure(c, "NaN in did not give NaN out, at index " + std::to_string(i));
      if (std::isinf(xi)) {
        const bool pos = xi > 0;
        if (!close_to(fe, pos ? lim.f_pos[0] : lim.f_neg[0], 0) ||
            !close_to(de, pos ? lim.d_pos[0] : lim.d_neg[0], 0)) {
          failure(c, "wrong limit at x = " + describe_bits(xi) + ": f = " + describe_bits(fe) +
                         ", f' = " + describe_bits(de));
        }
      }
      const T term = dy[i] * g.alpha_derivative(xi);
      nan = nan || std::isnan(term);
      pos_inf = pos_inf || term == std::numeric_limits<T>::infinity();
      neg_inf = neg_inf || term == -std::numeric_limits<T>::infinity();
      if (std::isfinite(term)) {
        sum += term;
        magnitude += std::fabs(static_cast<long double>(term));
      }
    }
    const T got = dalpha.span()[ch];
    const std::string where = "dalpha[" + std::to_string(ch) + "] = " + describe_bits(got);
    if (nan || (pos_inf && neg_inf)) {
      if (!std::isnan(got))
        failure(c, where + ", expected NaN");
    } else if (pos_inf || neg_inf) {
      if (got != (pos_inf ? max * 2 : -max * 2))
        failure(c, where + ", expected an infinity");
    } else {
      const long double u = std::numeric_limits<T>::epsilon() / 2;
      const long double bound = (inner + 64) * u * magnitude;
      // Partial sums beyond max may overflow in some summation orders: no check there.
      if (magnitude + bound < max && !(std::fabs(got - sum) <= bound)) {
        failure(c, where + ", the exact sum is " + std::to_string(double(sum)) + " +- " +
                       std::to_string(double(bound)));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Choosing the function and its parameters

template <class T>
std::string show(const char* name, std::optional<T> v) {
  return std::string(name) + " = " + (v ? describe_bits(*v) : std::string("default"));
}

template <class T>
void run(reader& in, unsigned which) {
  constexpr T inf = std::numeric_limits<T>::infinity();
  context c;
  c.type = sizeof(T) == 4 ? "float" : "double";
  auto finite = [](T v) { return std::isfinite(v); };
  switch (which % 14) {
    case 0:
      c.function = "relu";
      check_kernels(c, rectify::relu<T>{}, limits<T, 1>{{T(0)}, {inf}, {T(0)}, {T(1)}}, in);
      return;
    case 1:
    case 2: {
      const auto a = parameter<T>(in);
      const bool leaky = which % 14 == 1;
      const T alpha = a.value_or(leaky ? T(0.01) : T(0.25));
      c.function = std::string(leaky ? "leaky_relu" : "prelu") + " " + show("alpha", a);
      if (leaky) {
        const auto f = construct(c, finite(alpha), [&] {
          return a ? rectify::leaky_relu<T>(*a) : rectify::leaky_relu<T>();
        });
        if (f)
          check_kernels(c, *f, leaky_limits(alpha), in);
      } else {
        const auto f = construct(c, finite(alpha),
                                 [&] { return a ? rectify::prelu<T>(*a) : rectify::prelu<T>(); });
        if (f)
          check_kernels(c, *f, leaky_limits(alpha), in);
      }
      return;
    }
    case 3:
      c.function = "crelu";
      // crelu'(x) = [H(x), -H(-x)]
      check_kernels(c, rectify::crelu<T>{},
                    limits<T, 2>{{T(0), inf}, {inf, T(0)}, {T(0), T(-1)}, {T(1), T(0)}}, in);
      return;
    case 4: {
      const auto a = parameter<T>(in);
      const T alpha = a.value_or(T(1));
      c.function = "elu " + show("alpha", a);
      const auto f = construct(c, finite(alpha) && alpha >= 0,
                               [&] { return a ? rectify::elu<T>(*a) : rectify::elu<T>(); });
      if (f)
        check_kernels(c, *f, limits<T, 1>{{-alpha}, {inf}, {T(0)}, {T(1)}}, in);
      return;
    }
    case 5:
      c.function = "gelu";
      check_kernels(c, rectify::gelu<T>{}, saturating<T>(), in);
      return;
    case 6:
      c.function = "gelu tanh";
      check_kernels(c, rectify::gelu<T>{rectify::gelu_approximation::tanh}, saturating<T>(), in);
      return;
    case 7:
      c.function = "silu";
      check_kernels(c, rectify::silu<T>{}, saturating<T>(), in);
      return;
    case 8:
      c.function = "mish";
      check_kernels(c, rectify::mish<T>{}, saturating<T>(), in);
      return;
    case 9: {
      const auto k = parameter<T>(in);
      c.function = "softplus " + show("k", k);
      const T kv = k.value_or(T(1));
      const auto f = construct(c, finite(kv) && kv > 0, [&] {
        return k ? rectify::softplus<T>(*k) : rectify::softplus<T>();
      });
      if (f)
        check_kernels(c, *f, saturating<T>(), in);
      return;
    }
    case 10: {
      const auto b = parameter<T>(in);
      c.function = "squareplus " + show("b", b);
      const T bv = b.value_or(T(4));
      const auto f = construct(c, finite(bv) && bv >= 0, [&] {
        return b ? rectify::squareplus<T>(*b) : rectify::squareplus<T>();
      });
      if (f)
        check_kernels(c, *f, saturating<T>(), in);
      return;
    }
    case 11:    // delu with xc solved
    case 12: {  // delu with xc given
      const auto a = parameter<T>(in);
      const auto b = parameter<T>(in);
      const bool given = which % 14 == 12;
      const auto xc = given ? parameter<T>(in) : std::nullopt;
      const T av = a.value_or(T(1)), bv = b.value_or(T(2));
      const T xcv = xc.value_or(T(1));
      c.function = "delu " + show("a", a) + ", " + show("b", b) +
                   (given ? ", " + show("xc", std::optional<T>(xcv)) : std::string());
      const bool valid =
          finite(av) && av > 0 && finite(bv) && bv > 0 && (given ? finite(xcv) : av < bv);
      const auto f = construct(c, valid, [&] {
        return given ? rectify::delu<T>(av, bv, xcv) : rectify::delu<T>(av, bv);
      });
      if (!f)
        return;
      const T f_neg = static_cast<T>(-1.0L / static_cast<long double>(bv));
      check_kernels(c, *f, limits<T, 1>{{f_neg}, {inf}, {T(0)}, {T(1)}, 1}, in);
      return;
    }
    case 13:
      c.function = "prelu_per_channel alpha =";
      check_per_channel<T>(c, in);
      return;
    default:
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  reader in(data, size);
  const unsigned which = in.byte();
  const unsigned type = in.byte();
  if (type % 2 == 0) {
    run<float>(in, which);
  } else {
    run<double>(in, which);
  }
  return 0;
}
