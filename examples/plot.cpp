// plot: draws every rectify function and its derivative as an SVG chart, using only the standard
// library. The curves are computed by rectify's span kernels (rectify::forward and
// rectify::derivative over 401 points). Usage: plot <output directory>
//
// tools/plots rebuilds this program and regenerates docs/images/ with it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <rectify/rectify.hpp>

namespace {

constexpr double x_min = -4, x_max = 4;
constexpr std::size_t points = 401;  // x = -4, -3.98, ..., 4: 0 is a sample, so kinks are sharp

std::vector<double> inputs() {
  std::vector<double> x(points);
  for (std::size_t i = 0; i < points; ++i)
    x[i] = x_min + (x_max - x_min) * double(i) / double(points - 1);
  return x;
}

// One curve of a chart: forward values are drawn solid, derivatives dashed, in the same colour
// for the same parameter setting.
struct series {
  std::string label;
  std::vector<double> y;
  int colour;
  bool dashed;
};

// f and f' of one functor, over the chart's inputs, by the span kernels.
template <class F>
void add(std::vector<series>& out, const F& f, const std::string& setting, int colour,
         bool with_derivative = true) {
  const std::vector<double> x = inputs();
  std::vector<double> y(x.size()), d(x.size());
  rectify::forward(f, x, y);
  rectify::derivative(f, x, d);
  const std::string suffix = setting.empty() ? "" : ", " + setting;
  out.push_back({"f(x)" + suffix, y, colour, false});
  if (with_derivative)
    out.push_back({"f\u2032(x)" + suffix, d, colour, true});
}

// ---------------------------------------------------------------------------------------------
// The SVG chart: a plot area with grid, ticks and labels, and the legend on the right.
const char* const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                               "#8c564b", "#e377c2", "#17becf", "#000000"};
constexpr int black = 8;

constexpr double width = 720, height = 420;
constexpr double left = 60, right = 520, top = 40, bottom = 370;  // the plot area

// A tick step of 1, 2 or 5 times a power of ten giving at most about 8 ticks over `span`.
double tick_step(double span) {
  const double raw = span / 8;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * power >= raw)
      return m * power;
  }
  return 10 * power;
}

std::string number(double v) {
  if (std::fabs(v) < 1e-12)
    v = 0;  // no "-0"
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// XML-escapes the few characters that labels may hold.
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

void write_chart(const std::filesystem::path& file, const std::string& title,
                 const std::vector<series>& curves) {
  // The y range covers every curve, widened to whole ticks.
  double lo = 0, hi = 1;
  for (const series& s : curves) {
    for (double v : s.y) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  const double y_step = tick_step(hi - lo);
  const double tick_lo = std::floor(lo / y_step) * y_step;
  const double tick_hi = std::ceil(hi / y_step) * y_step;
  // A little room around the outer ticks, so a curve on the last tick is not drawn on the frame.
  const double y_lo = tick_lo - 0.03 * (tick_hi - tick_lo);
  const double y_hi = tick_hi + 0.03 * (tick_hi - tick_lo);
  const double x_step = 1;

  auto px = [](double x) { return left + (x - x_min) / (x_max - x_min) * (right - left); };
  auto py = [&](double y) { return bottom - (y - y_lo) / (y_hi - y_lo) * (bottom - top); };

  std::ostringstream svg;
  svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << ' ' << height << "\" font-family=\"sans-serif\" "
      << "font-size=\"13\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << (left + right) / 2 << "\" y=\"24\" text-anchor=\"middle\" "
      << "font-size=\"16\">" << escape(title) << "</text>\n";

  // Grid lines and tick labels; the axes x = 0 and y = 0 darker.
  for (double x = x_min; x <= x_max + 1e-9; x += x_step) {
    svg << "<line x1=\"" << px(x) << "\" y1=\"" << top << "\" x2=\"" << px(x) << "\" y2=\""
        << bottom << "\" stroke=\"" << (std::fabs(x) < 1e-9 ? "#888" : "#e5e5e5") << "\"/>\n"
        << "<text x=\"" << px(x) << "\" y=\"" << bottom + 18 << "\" text-anchor=\"middle\">"
        << number(x) << "</text>\n";
  }
  for (double y = tick_lo; y <= tick_hi + y_step * 1e-6; y += y_step) {
    svg << "<line x1=\"" << left << "\" y1=\"" << py(y) << "\" x2=\"" << right << "\" y2=\""
        << py(y) << "\" stroke=\"" << (std::fabs(y) < y_step * 1e-6 ? "#888" : "#e5e5e5")
        << "\"/>\n"
        << "<text x=\"" << left - 6 << "\" y=\"" << py(y) + 4 << "\" text-anchor=\"end\">"
        << number(y) << "</text>\n";
  }
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << right - left << "\" height=\""
      << bottom - top << "\" fill=\"none\" stroke=\"#444\"/>\n"
      << "<text x=\"" << (left + right) / 2 << "\" y=\"" << bottom + 40
      << "\" text-anchor=\"middle\">x</text>\n";

  // The curves, clipped to the plot area.
  svg << "<clipPath id=\"area\"><rect x=\"" << left << "\" y=\"" << top << "\" width=\""
      << right - left << "\" height=\"" << bottom - top << "\"/></clipPath>\n";
  const std::vector<double> x = inputs();
  for (const series& s : curves) {
    if (s.y.empty())
      continue;  // a note in the legend, not a curve
    svg << "<polyline clip-path=\"url(#area)\" fill=\"none\" stroke-width=\"2\" stroke=\""
        << palette[s.colour] << "\"" << (s.dashed ? " stroke-dasharray=\"6 4\"" : "")
        << " points=\"";
    for (std::size_t i = 0; i < x.size(); ++i) {
      char xy[48];
      std::snprintf(xy, sizeof xy, "%.2f,%.2f ", px(x[i]), py(s.y[i]));
      svg << xy;
    }
    svg << "\"/>\n";
  }

  // The legend: a short line in the curve's style, then its label.
  double ly = top + 10;
  for (const series& s : curves) {
    if (s.y.empty()) {
      svg << "<text x=\"" << right + 16 << "\" y=\"" << ly + 4 << "\">" << escape(s.label)
          << "</text>\n";
      ly += 20;
      continue;
    }
    svg << "<line x1=\"" << right + 16 << "\" y1=\"" << ly << "\" x2=\"" << right + 46 << "\" y2=\""
        << ly << "\" stroke-width=\"2\" stroke=\"" << palette[s.colour] << "\""
        << (s.dashed ? " stroke-dasharray=\"6 4\"" : "") << "/>\n"
        << "<text x=\"" << right + 52 << "\" y=\"" << ly + 4 << "\">" << escape(s.label)
        << "</text>\n";
    ly += 20;
  }
  svg << "</svg>\n";

  std::ofstream out(file);
  out << svg.str();
  if (!out)
    throw std::runtime_error("cannot write " + file.string());
  std::printf("wrote %s\n", file.string().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output directory>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  using T = double;

  auto chart = [&](const std::string& name, const std::string& title, auto fill) {
    std::vector<series> curves;
    fill(curves);
    write_chart(dir / (name + ".svg"), title, curves);
  };

  chart("relu", "relu(x) = max(0, x)", [](auto& c) { add(c, rectify::relu<T>{}, "", 0); });
  chart("leaky_relu", "leaky_relu(x) = x if x > 0, else \u03b1x", [](auto& c) {
    add(c, rectify::leaky_relu<T>{0.01}, "\u03b1 = 0.01", 0);
    add(c, rectify::leaky_relu<T>{0.1}, "\u03b1 = 0.1", 1);
    add(c, rectify::leaky_relu<T>{0.3}, "\u03b1 = 0.3", 2);
  });
  chart("prelu", "prelu(x) = x if x > 0, else \u03b1x (\u03b1 learned)", [](auto& c) {
    const rectify::prelu<T> f;  // alpha = 0.25
    add(c, f, "\u03b1 = 0.25", 0);
    // The gradient a trainer uses to learn alpha.
    const std::vector<double> x = inputs();
    std::vector<double> da(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
      da[i] = f.alpha_derivative(x[i]);
    c.push_back({"\u2202f/\u2202\u03b1", da, 3, true});
  });
  chart("crelu", "crelu(x) = [relu(x), relu(\u2212x)]", [](auto& c) {
    // crelu's span forward writes its two outputs one after the other: [relu(x) | relu(-x)].
    const std::vector<double> x = inputs();
    std::vector<double> y(2 * x.size()), d(2 * x.size());
    rectify::forward(rectify::crelu<T>{}, x, y);
    rectify::derivative(rectify::crelu<T>{}, x, d);
    const auto half = [&](const std::vector<double>& v, std::size_t k) {
      return std::vector<double>(v.begin() + std::ptrdiff_t(k * x.size()),
                                 v.begin() + std::ptrdiff_t((k + 1) * x.size()));
    };
    c.push_back({"relu(x)", half(y, 0), 0, false});
    c.push_back({"d/dx relu(x)", half(d, 0), 0, true});
    c.push_back({"relu(\u2212x)", half(y, 1), 1, false});
    c.push_back({"d/dx relu(\u2212x)", half(d, 1), 1, true});
  });
  chart("elu", "elu(x) = x if x > 0, else \u03b1(e\u02e3 \u2212 1)", [](auto& c) {
    add(c, rectify::elu<T>{0.5}, "\u03b1 = 0.5", 0);
    add(c, rectify::elu<T>{1}, "\u03b1 = 1", 1);
    add(c, rectify::elu<T>{2}, "\u03b1 = 2", 2);
  });
  chart("gelu", "gelu(x) = x\u03a6(x), exact and tanh approximation", [](auto& c) {
    add(c, rectify::gelu<T>{}, "exact", 0);
    add(c, rectify::gelu<T>{rectify::gelu_approximation::tanh}, "tanh", 1);
    // The two forms overlap at this scale; the legend says by how little they differ.
    double gap = 0;
    for (std::size_t i = 0; i < points; ++i)
      gap = std::max(gap, std::fabs(c[0].y[i] - c[2].y[i]));
    char text[32];
    std::snprintf(text, sizeof text, "= %.1e", gap);
    c.push_back({"max |exact \u2212 tanh|", {}, 0, false});
    c.push_back({text, {}, 0, false});
  });
  chart("silu", "silu(x) = x\u03c3(x)", [](auto& c) { add(c, rectify::silu<T>{}, "", 0); });
  chart("mish", "mish(x) = x tanh(softplus(x))",
        [](auto& c) { add(c, rectify::mish<T>{}, "", 0); });
  chart("softplus", "softplus(x) = ln(1 + e\u1d4f\u02e3)/k", [](auto& c) {
    add(c, rectify::softplus<T>{0.5}, "k = 0.5", 0);
    add(c, rectify::softplus<T>{1}, "k = 1", 1);
    add(c, rectify::softplus<T>{4}, "k = 4", 2);
  });
  chart("squareplus", "squareplus(x) = (x + \u221a(x\u00b2 + b))/2", [](auto& c) {
    add(c, rectify::squareplus<T>{0}, "b = 0", 0);
    add(c, rectify::squareplus<T>{1}, "b = 1", 1);
    add(c, rectify::squareplus<T>{4}, "b = 4", 2);
  });
  chart("delu", "delu(x) = x if x > x\u1d9c, else (e\u1d43\u02e3 \u2212 1)/b", [](auto& c) {
    const rectify::delu<T> standard;  // a = 1, b = 2
    const rectify::delu<T> steeper{2, 3};
    add(c, standard, "a = 1, b = 2", 0);
    add(c, steeper, "a = 2, b = 3", 1);
  });
  chart("overview", "Smooth variants against ReLU", [](auto& c) {
    add(c, rectify::relu<T>{}, "", black, false);  // the reference, in black
    add(c, rectify::elu<T>{}, "", 1, false);
    add(c, rectify::gelu<T>{}, "", 2, false);
    add(c, rectify::silu<T>{}, "", 3, false);
    add(c, rectify::mish<T>{}, "", 4, false);
    add(c, rectify::softplus<T>{}, "", 5, false);
    add(c, rectify::squareplus<T>{}, "", 6, false);
    add(c, rectify::delu<T>{}, "", 0, false);
    const char* const names[] = {"relu", "elu",      "gelu",       "silu",
                                 "mish", "softplus", "squareplus", "delu"};
    for (std::size_t k = 0; k < c.size(); ++k)
      c[k].label = names[k];
  });
  return 0;
}
