// Built against an installed rectify (find_package): a few values through the umbrella header,
// checked, so that the test fails if the package hands out wrong headers.
#include <cstdio>
#include <vector>

#include <rectify/rectify.hpp>

int main() {
  const std::vector<float> x = {-1.0f, 0.0f, 2.0f};
  std::vector<float> y(x.size());
  rectify::forward(rectify::relu<float>{}, x, y);
  const double g = rectify::gelu<double>{}(1.0);  // Phi(1) = 0.841344746...
  std::printf("find_package consumer: relu = %g %g %g, gelu(1) = %.6f\n", y[0], y[1], y[2], g);
  const bool ok = y[0] == 0 && y[1] == 0 && y[2] == 2 && g > 0.841344 && g < 0.841345;
  return ok ? 0 : 1;
}
