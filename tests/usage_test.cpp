// The README's usage, compiled with nothing but <rectify/rectify.hpp> (no test framework), plus
// one generated translation unit per public header (see CMakeLists.txt): every header must
// compile on its own. Exits non-zero if a value is wrong.
#include <rectify/rectify.hpp>

#include <cstdio>
#include <vector>

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAILED: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  rectify::relu<float> f;
  const float x = -1.5f;
  const float y = f(x);
  const float d = f.derivative(x);
  const auto yb = f(xsimd::batch<float>(2.0f));
  expect(y == 0.0f && d == 0.0f && yb.get(0) == 2.0f, "relu scalar and batch");

  rectify::leaky_relu<float> lr{0.02f};
  expect(lr(-1.0f) == -0.02f, "leaky_relu{0.02}(-1)");
  rectify::gelu<double> g{rectify::gelu_approximation::tanh};
  expect(g(0.0) == 0.0 && g.derivative(0.0) == 0.5, "gelu tanh at 0");
  rectify::delu<float> dl{1.0f, 2.0f};
  expect(dl.xc() > 1.2564f && dl.xc() < 1.2565f, "delu xc");

  std::vector<float> xs = {-2.0f, -0.5f, 0.0f, 0.5f, 2.0f};
  std::vector<float> ys(xs.size()), ds(xs.size()), dys(xs.size(), 1.0f), dxs(xs.size());
  // std::vector converts to the spans.
  rectify::forward(f, xs, ys);
  rectify::derivative(f, xs, ds);
  rectify::backward(f, xs, dys, dxs);
  expect(ys[4] == 2.0f && ys[0] == 0.0f && ds[3] == 1.0f && dxs[1] == 0.0f, "span kernels");
  rectify::forward<xsimd::sse2>(f, xs, ys);
  expect(ys[4] == 2.0f, "explicit arch");

  rectify::crelu<float> cr;
  std::vector<float> y2(2 * xs.size());
  rectify::forward(cr, xs, y2);
  expect(y2[0] == 0.0f && y2[5] == 2.0f && y2[4] == 2.0f, "crelu layout");

  std::printf("usage: %s\n", failures == 0 ? "ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
