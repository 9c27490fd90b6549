// rectify_reference_tables DIR FAMILY [float|double]: computes the MPFR reference tables of one
// family's accuracy configurations (float and double, grid and sample) into DIR. Run by ctest as a
// fixture, so the three arch variants of the tests read the references instead of each
// recomputing them (MPFR is most of the suite's time).
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "reference.hpp"

namespace {

// A table is kept only if it is newer than this program (whose reference code made it).
std::filesystem::file_time_type program_time;

template <class T>
void generate(const std::string& dir, const std::string& tag) {
  for (const auto& c : rectify_test::accuracy_configs<T>(tag)) {
    if (c.exact())
      continue;  // computed in the tests themselves, it is cheap
    for (const std::string set : {"grid", "sample"}) {
      const auto start = std::chrono::steady_clock::now();
      const std::vector<T> x = set == "grid"
                                   ? rectify_test::grid_inputs<T>()
                                   : rectify_test::sample_inputs<T>(rectify_test::sample_count());
      const std::string path = rectify_test::table_path<T>(dir, c, set);
      rectify_test::reference_table t;
      if (std::filesystem::exists(path) && std::filesystem::last_write_time(path) > program_time &&
          rectify_test::load_table(path, x, t)) {
        std::printf("%s: up to date\n", path.c_str());
        continue;
      }
      t = rectify_test::compute_references(c, x);
      rectify_test::save_table(path, x, t);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("%s: %zu points in %.1f s\n", path.c_str(), x.size(), seconds);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s DIR FAMILY [float|double]\n", argv[0]);
    return 2;
  }
  const std::string type = argc == 4 ? argv[3] : "";
  try {
    program_time = std::filesystem::last_write_time(argv[0]);
    std::filesystem::create_directories(argv[1]);
    if (type != "double")
      generate<float>(argv[1], argv[2]);
    if (type != "float")
      generate<double>(argv[1], argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
