// quickstart: the first demonstration of "A Gentle Introduction to the Rectified Linear Unit",
// with rectify instead of Python's max(0.0, x), then the same function on a whole span.
#include <cstdio>
#include <vector>

#include <rectify/rectify.hpp>

int main() {
  // The tutorial's rectified(x) = max(0.0, x) is rectify::relu: positive values pass unchanged
  // whatever their size, zero and negative values are snapped to 0.0.
  const rectify::relu<double> rectified;
  for (double x : {1.0, 1000.0, 0.0, -1.0, -1000.0}) {
    std::printf("rectified(%.1f) is %.1f\n", x, rectified(x));
  }

  // A layer's activations come as an array: the span kernels run the same function over all of
  // them with SIMD (a std::vector converts to std::span). Output and input may be the same
  // memory; here they are separate so the inputs can be printed beside the results.
  const std::vector<float> x = {-2.0f, -1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 2.0f};
  std::vector<float> y(x.size());
  std::vector<float> d(x.size());
  const rectify::relu<float> relu;
  rectify::forward(relu, x, y);
  rectify::derivative(relu, x, d);  // the slope: 0 for x <= 0 (relu'(0) = 0), 1 for x > 0

  std::printf("\n%6s %8s %8s\n", "x", "relu", "relu'");
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::printf("%6.1f %8.1f %8.1f\n", x[i], y[i], d[i]);
  }

  // The same three calls work for every activation; gelu, for instance, is smooth at 0.
  const rectify::gelu<float> gelu;
  rectify::forward(gelu, x, y);
  rectify::derivative(gelu, x, d);
  std::printf("\n%6s %8s %8s\n", "x", "gelu", "gelu'");
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::printf("%6.1f %8.4f %8.4f\n", x[i], y[i], d[i]);
  }
  return 0;
}
