// Built with rectify added as a subdirectory: one family header on its own, and a check of the
// values, so that the test fails if the subproject's target hands out wrong headers.
#include <cstdio>
#include <vector>

#include <rectify/elu.hpp>

int main() {
  const rectify::elu<double> elu;
  const std::vector<double> x = {-1.0, 0.0, 2.0};
  std::vector<double> dx(x.size());
  rectify::backward(elu, x, std::vector<double>(x.size(), 1.0), dx);  // dx = elu'(x)
  std::printf("add_subdirectory consumer: elu(-1) = %.6f, elu' = %.6f %g %g\n", elu(-1.0), dx[0],
              dx[1], dx[2]);
  // elu(-1) = e^-1 - 1, elu'(-1) = e^-1, elu'(0) = alpha = 1, elu'(2) = 1.
  const bool ok = elu(-1.0) > -0.632121 && elu(-1.0) < -0.632120 && dx[0] > 0.367879 &&
                  dx[0] < 0.367880 && dx[1] == 1 && dx[2] == 1;
  return ok ? 0 : 1;
}
