// MPFR references. Every formula below is chosen so that MPFR evaluates it without cancellation
// (no difference of nearly equal quantities other than the ones noted as harmless), so at 160
// bits the reference is accurate to far better than 2^-100 relative, in the tails too. MPFR's
// exponent range (about 2^±2^30) is so wide that nothing overflows for finite double inputs
// except e^x for x > 7e8, which every formula avoids.
#include "reference.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <stdexcept>
#include <type_traits>

namespace rectify_test {

namespace {

constexpr mpfr_rnd_t rnd = MPFR_RNDN;

std::string format_parameter(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}

}  // namespace

std::string family_tag(family f) {
  switch (f) {
    case family::relu:
      return "relu";
    case family::leaky_relu:
    case family::prelu:
      return "leaky_relu";
    case family::elu:
      return "elu";
    case family::gelu:
    case family::gelu_tanh:
      return "gelu";
    case family::silu:
      return "silu";
    case family::mish:
      return "mish";
    case family::softplus:
      return "softplus";
    case family::squareplus:
      return "squareplus";
    case family::delu:
      return "delu";
  }
  return "?";
}

std::vector<std::string> all_family_tags() {
  return {"relu", "leaky_relu", "elu", "gelu", "silu", "mish", "softplus", "squareplus", "delu"};
}

std::string config::name() const {
  switch (fam) {
    case family::relu:
      return "relu";
    case family::leaky_relu:
      return "leaky_relu(alpha=" + format_parameter(p[0]) + ")";
    case family::prelu:
      return "prelu(alpha=" + format_parameter(p[0]) + ")";
    case family::elu:
      return "elu(alpha=" + format_parameter(p[0]) + ")";
    case family::gelu:
      return "gelu";
    case family::gelu_tanh:
      return "gelu(tanh)";
    case family::silu:
      return "silu";
    case family::mish:
      return "mish";
    case family::softplus:
      return "softplus(k=" + format_parameter(p[0]) + ")";
    case family::squareplus:
      return "squareplus(b=" + format_parameter(p[0]) + ")";
    case family::delu:
      return "delu(a=" + format_parameter(p[0]) + ",b=" + format_parameter(p[1]) +
             ",xc=" + format_parameter(p[2]) + ")";
  }
  return "?";
}

std::string config::id() const {
  std::string out;
  for (char ch : name()) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-')
      out += ch;
    else if (ch == '(' || ch == ',')
      out += '_';
  }
  return out;
}

bool config::exact() const {
  return fam == family::relu || fam == family::leaky_relu || fam == family::prelu;
}

bool config::cancelling_derivative() const {
  return fam == family::gelu || fam == family::gelu_tanh || fam == family::silu ||
         fam == family::mish;
}

std::vector<double> config::kinks() const {
  switch (fam) {
    case family::relu:
    case family::leaky_relu:
    case family::prelu:
    case family::elu:
      return {0.0};
    case family::squareplus:
      return p[0] == 0 ? std::vector<double>{0.0} : std::vector<double>{};
    case family::delu:
      return {p[2]};
    default:
      return {};
  }
}

template <class T>
T delu_default_xc(T a, T b) {
  if (!(a < b))
    throw std::invalid_argument("delu_default_xc: needs a < b");
  // g(t) = expm1(a t)/b - t is convex with g(0) = 0 and g'(0) < 0: Newton's method started
  // right of the positive root descends to it monotonically.
  mpfr_t t, g, dg, tmp;
  mpfr_inits2(256, t, g, dg, tmp, static_cast<mpfr_ptr>(nullptr));
  auto eval = [&] {
    mpfr_mul_d(tmp, t, double(a), rnd);
    mpfr_expm1(g, tmp, rnd);
    mpfr_div_d(g, g, double(b), rnd);
    mpfr_sub(g, g, t, rnd);
    mpfr_exp(dg, tmp, rnd);
    mpfr_mul_d(dg, dg, double(a), rnd);
    mpfr_div_d(dg, dg, double(b), rnd);
    mpfr_sub_ui(dg, dg, 1, rnd);
  };
  mpfr_set_ui(t, 1, rnd);
  for (eval(); mpfr_sgn(g) <= 0; eval())
    mpfr_mul_2ui(t, t, 1, rnd);
  for (int i = 0; i < 400; ++i) {
    eval();
    mpfr_div(tmp, g, dg, rnd);
    if (mpfr_sgn(tmp) <= 0)
      break;
    mpfr_sub(t, t, tmp, rnd);
  }
  T result;
  if constexpr (std::is_same_v<T, float>)
    result = mpfr_get_flt(t, rnd);
  else
    result = mpfr_get_d(t, rnd);
  mpfr_clears(t, g, dg, tmp, static_cast<mpfr_ptr>(nullptr));
  return result;
}
template float delu_default_xc<float>(float, float);
template double delu_default_xc<double>(double, double);

template <class T>
std::vector<config> accuracy_configs(const std::string& tag) {
  auto v = [](double x) { return double(T(x)); };
  if (tag == "relu")
    return {{family::relu}};
  if (tag == "leaky_relu") {
    return {{family::leaky_relu, {v(0.01)}},
            {family::leaky_relu, {v(0.2)}},
            {family::prelu, {v(0.25)}},
            {family::prelu, {v(0.1)}}};
  }
  if (tag == "elu")
    return {{family::elu, {v(1)}}, {family::elu, {v(0.5)}}};
  if (tag == "gelu")
    return {{family::gelu}, {family::gelu_tanh}};
  if (tag == "silu")
    return {{family::silu}};
  if (tag == "mish")
    return {{family::mish}};
  if (tag == "softplus")
    return {{family::softplus, {v(1)}}, {family::softplus, {v(3.5)}}};
  if (tag == "squareplus") {
    // b = 2^70 is beyond the lanes' range (b in [2^-60, 2^60], squareplus.hpp): float evaluates
    // it in double, double in hi + lo sums.
    return {{family::squareplus, {v(4)}},
            {family::squareplus, {v(0.5)}},
            {family::squareplus, {v(0)}},
            {family::squareplus, {v(0x1p70)}}};
  }
  if (tag == "delu") {
    return {{family::delu, {v(1), v(2), double(delu_default_xc<T>(T(1), T(2)))}},
            {family::delu, {v(1.5), v(3), double(delu_default_xc<T>(T(1.5), T(3)))}},
            {family::delu, {v(2), v(1), v(0.7)}}};
  }
  throw std::invalid_argument("accuracy_configs: unknown family " + tag);
}
template std::vector<config> accuracy_configs<float>(const std::string&);
template std::vector<config> accuracy_configs<double>(const std::string&);

// ---------------------------------------------------------------------------------------------

struct mpfr_reference::impl {
  static constexpr int temporaries = 8;
  mpfr_t t[temporaries];
  mpfr_t sqrt2, two_sqrt_2_over_pi, kappa, inv_sqrt_2pi;
  mpfr_t xp, xm, fp, fm, h, scale;

  explicit impl(mpfr_prec_t p) {
    for (auto& v : t)
      mpfr_init2(v, p);
    for (mpfr_ptr v : {&sqrt2[0], &two_sqrt_2_over_pi[0], &kappa[0], &inv_sqrt_2pi[0], &xp[0],
                       &xm[0], &fp[0], &fm[0], &h[0], &scale[0], &cdf_x[0], &cdf_value[0]}) {
      mpfr_init2(v, p);
    }
    mpfr_sqrt_ui(sqrt2, 2, rnd);
    // 2*sqrt(2/pi), the slope of 2u in gelu(tanh); 0.044715 from its decimal string.
    mpfr_const_pi(t[0], rnd);
    mpfr_ui_div(t[0], 2, t[0], rnd);
    mpfr_sqrt(two_sqrt_2_over_pi, t[0], rnd);
    mpfr_mul_2ui(two_sqrt_2_over_pi, two_sqrt_2_over_pi, 1, rnd);
    mpfr_set_str(kappa, "0.044715", 10, rnd);
    // 1/sqrt(2 pi)
    mpfr_const_pi(t[0], rnd);
    mpfr_mul_2ui(t[0], t[0], 1, rnd);
    mpfr_rec_sqrt(inv_sqrt_2pi, t[0], rnd);
  }
  ~impl() {
    for (auto& v : t)
      mpfr_clear(v);
    for (mpfr_ptr v : {&sqrt2[0], &two_sqrt_2_over_pi[0], &kappa[0], &inv_sqrt_2pi[0], &xp[0],
                       &xm[0], &fp[0], &fm[0], &h[0], &scale[0], &cdf_x[0], &cdf_value[0]}) {
      mpfr_clear(v);
    }
  }

  // out = 1/(1 + e^-y): a sum of positive numbers and a quotient, no cancellation for any y;
  // e^-y overflowing to +inf in MPFR (y < -7e8) gives the right limit 0.
  static void sigmoid(mpfr_ptr out, mpfr_srcptr y, mpfr_ptr tmp) {
    mpfr_neg(tmp, y, rnd);
    mpfr_exp(tmp, tmp, rnd);
    mpfr_add_ui(tmp, tmp, 1, rnd);
    mpfr_ui_div(out, 1, tmp, rnd);
  }
  // out = 1/(1 + e^y) = sigma(-y)
  static void sigmoid_negated(mpfr_ptr out, mpfr_srcptr y, mpfr_ptr tmp) {
    mpfr_exp(tmp, y, rnd);
    mpfr_add_ui(tmp, tmp, 1, rnd);
    mpfr_ui_div(out, 1, tmp, rnd);
  }
  // out = ln(1 + e^y); for y > 0 as y + ln(1 + e^-y), so e^y never overflows.
  static void softplus1(mpfr_ptr out, mpfr_srcptr y, mpfr_ptr tmp) {
    if (mpfr_sgn(y) > 0) {
      mpfr_neg(tmp, y, rnd);
      mpfr_exp(tmp, tmp, rnd);
      mpfr_log1p(tmp, tmp, rnd);
      mpfr_add(out, y, tmp, rnd);
    } else {
      mpfr_exp(tmp, y, rnd);
      mpfr_log1p(out, tmp, rnd);
    }
  }
  // out = Phi(x). With z = |x|/sqrt2: x >= 0: (1 + erf z)/2, a sum of positives;
  // x < 0: erfc(z)/2, and (1 - erf z)/2 for z < 1 where erf z < 0.85 cancels at most 3 bits
  // (MPFR's erfc is slow there, its erf fast).
  // The last Phi computed, reused when forward and derivative are taken at the same x (MPFR's
  // erfc is most of the gelu references' cost).
  mpfr_t cdf_x, cdf_value;
  bool cdf_valid = false;

  void normal_cdf(mpfr_ptr out, mpfr_srcptr x, mpfr_ptr z) {
    if (cdf_valid && mpfr_get_prec(x) <= mpfr_get_prec(cdf_x) && mpfr_equal_p(x, cdf_x)) {
      mpfr_set(out, cdf_value, rnd);
      return;
    }
    normal_cdf_uncached(out, x, z);
    if (mpfr_get_prec(x) <= mpfr_get_prec(cdf_x)) {
      mpfr_set(cdf_x, x, rnd);
      mpfr_set(cdf_value, out, rnd);
      cdf_valid = true;
    }
  }
  void normal_cdf_uncached(mpfr_ptr out, mpfr_srcptr x, mpfr_ptr z) {
    mpfr_abs(z, x, rnd);
    mpfr_div(z, z, sqrt2, rnd);
    if (mpfr_sgn(x) >= 0) {
      mpfr_erf(out, z, rnd);
      mpfr_add_ui(out, out, 1, rnd);
    } else if (mpfr_cmp_ui(z, 1) < 0) {
      mpfr_erf(out, z, rnd);
      mpfr_ui_sub(out, 1, out, rnd);
    } else {
      mpfr_erfc(out, z, rnd);
    }
    mpfr_div_2ui(out, out, 1, rnd);
  }
  // out = phi(x) = e^(-x^2/2)/sqrt(2 pi)
  void normal_pdf(mpfr_ptr out, mpfr_srcptr x) {
    mpfr_sqr(out, x, rnd);
    mpfr_div_2ui(out, out, 1, rnd);
    mpfr_neg(out, out, rnd);
    mpfr_exp(out, out, rnd);
    mpfr_mul(out, out, inv_sqrt_2pi, rnd);
  }
  // out = 2u = 2 sqrt(2/pi) x (1 + 0.044715 x^2), the same value as 2 sqrt(2/pi)(x + k x^3).
  void tanh_argument(mpfr_ptr out, mpfr_srcptr x, mpfr_ptr tmp) {
    mpfr_sqr(tmp, x, rnd);
    mpfr_mul(tmp, tmp, kappa, rnd);
    mpfr_add_ui(tmp, tmp, 1, rnd);
    mpfr_mul(tmp, tmp, x, rnd);
    mpfr_mul(out, tmp, two_sqrt_2_over_pi, rnd);
  }

  void forward(const config& c, mpfr_srcptr x, mpfr_ptr out) {
    const bool positive = mpfr_sgn(x) > 0;
    switch (c.fam) {
      case family::relu:
        if (positive)
          mpfr_set(out, x, rnd);
        else
          mpfr_set_zero(out, 1);
        return;
      case family::leaky_relu:
      case family::prelu:
        if (positive)
          mpfr_set(out, x, rnd);
        else
          mpfr_mul_d(out, x, c.p[0], rnd);
        return;
      case family::elu:
        if (positive) {
          mpfr_set(out, x, rnd);
        } else {
          mpfr_expm1(t[0], x, rnd);
          mpfr_mul_d(out, t[0], c.p[0], rnd);
        }
        return;
      case family::gelu:
        normal_cdf(t[0], x, t[1]);
        mpfr_mul(out, x, t[0], rnd);
        return;
      case family::gelu_tanh:
        // (x/2)(1 + tanh u) = x sigma(2u): no 1 + tanh cancellation for x << 0.
        tanh_argument(t[0], x, t[1]);
        sigmoid(t[2], t[0], t[1]);
        mpfr_mul(out, x, t[2], rnd);
        return;
      case family::silu:
        sigmoid(t[0], x, t[1]);
        mpfr_mul(out, x, t[0], rnd);
        return;
      case family::mish:
        softplus1(t[0], x, t[1]);
        mpfr_tanh(t[0], t[0], rnd);
        mpfr_mul(out, x, t[0], rnd);
        return;
      case family::softplus:
        mpfr_mul_d(t[0], x, c.p[0], rnd);
        softplus1(t[1], t[0], t[2]);
        mpfr_div_d(out, t[1], c.p[0], rnd);
        return;
      case family::squareplus:
        // s = sqrt(x^2 + b). x >= 0: (x + s)/2. x < 0: (s - |x|)/2 = (b/2)/(s + |x|).
        mpfr_sqr(t[0], x, rnd);
        mpfr_add_d(t[0], t[0], c.p[0], rnd);
        mpfr_sqrt(t[0], t[0], rnd);
        if (mpfr_sgn(x) >= 0) {
          mpfr_add(out, x, t[0], rnd);
          mpfr_div_2ui(out, out, 1, rnd);
        } else if (c.p[0] == 0) {
          mpfr_set_zero(out, 1);
        } else {
          mpfr_sub(t[1], t[0], x, rnd);
          mpfr_d_div(out, c.p[0] / 2, t[1], rnd);
        }
        return;
      case family::delu:
        if (mpfr_cmp_d(x, c.p[2]) > 0) {
          mpfr_set(out, x, rnd);
        } else {
          mpfr_mul_d(t[0], x, c.p[0], rnd);
          mpfr_expm1(t[0], t[0], rnd);
          mpfr_div_d(out, t[0], c.p[1], rnd);
        }
        return;
    }
  }

  // out = f'(x); scale (if given) = max(|term1|, |term2|, |f'|) for the cancelling derivatives,
  // else |f'|.
  void derivative(const config& c, mpfr_srcptr x, mpfr_ptr out, mpfr_ptr sc) {
    const bool positive = mpfr_sgn(x) > 0;
    // The two terms of a cancelling derivative end in t[6] and t[7].
    bool two_terms = false;
    switch (c.fam) {
      case family::relu:
        mpfr_set_ui(out, positive ? 1 : 0, rnd);
        break;
      case family::leaky_relu:
      case family::prelu:
        if (positive)
          mpfr_set_ui(out, 1, rnd);
        else
          mpfr_set_d(out, c.p[0], rnd);
        break;
      case family::elu:
        if (positive) {
          mpfr_set_ui(out, 1, rnd);
        } else {
          mpfr_exp(t[0], x, rnd);
          mpfr_mul_d(out, t[0], c.p[0], rnd);
        }
        break;
      case family::gelu:
        // Phi(x) + x phi(x)
        normal_cdf(t[6], x, t[0]);
        normal_pdf(t[7], x);
        mpfr_mul(t[7], t[7], x, rnd);
        two_terms = true;
        break;
      case family::gelu_tanh:
        // d/dx x sigma(2u) = sigma(2u) + x (2u)' sigma(2u) sigma(-2u),
        // (2u)' = 2 sqrt(2/pi)(1 + 3*0.044715 x^2).
        tanh_argument(t[0], x, t[1]);
        sigmoid(t[6], t[0], t[1]);
        sigmoid_negated(t[2], t[0], t[1]);
        mpfr_sqr(t[3], x, rnd);
        mpfr_mul(t[3], t[3], kappa, rnd);
        mpfr_mul_ui(t[3], t[3], 3, rnd);
        mpfr_add_ui(t[3], t[3], 1, rnd);
        mpfr_mul(t[3], t[3], two_sqrt_2_over_pi, rnd);
        mpfr_mul(t[7], t[3], x, rnd);
        mpfr_mul(t[7], t[7], t[6], rnd);
        mpfr_mul(t[7], t[7], t[2], rnd);
        two_terms = true;
        break;
      case family::silu:
        // sigma(x) + x sigma(x) sigma(-x)
        sigmoid(t[6], x, t[0]);
        sigmoid_negated(t[1], x, t[0]);
        mpfr_mul(t[7], t[6], t[1], rnd);
        mpfr_mul(t[7], t[7], x, rnd);
        two_terms = true;
        break;
      case family::mish:
        // tanh(sp) + x sigma(x) sech^2(sp): sech^2 directly, never 1 - tanh^2.
        softplus1(t[0], x, t[1]);
        mpfr_tanh(t[6], t[0], rnd);
        mpfr_sech(t[2], t[0], rnd);
        mpfr_sqr(t[2], t[2], rnd);
        sigmoid(t[3], x, t[1]);
        mpfr_mul(t[7], t[3], t[2], rnd);
        mpfr_mul(t[7], t[7], x, rnd);
        two_terms = true;
        break;
      case family::softplus:
        mpfr_mul_d(t[0], x, c.p[0], rnd);
        sigmoid(out, t[0], t[1]);
        break;
      case family::squareplus: {
        // x > 0: (1 + x/s)/2. x < 0: (1 - |x|/s)/2 = (b/2)/(s (s + |x|)). x = 0: 1/2, or 0
        // for b = 0 (relu's convention at the kink).
        const double b = c.p[0];
        if (mpfr_zero_p(x)) {
          mpfr_set_d(out, b == 0 ? 0.0 : 0.5, rnd);
          break;
        }
        mpfr_sqr(t[0], x, rnd);
        mpfr_add_d(t[0], t[0], b, rnd);
        mpfr_sqrt(t[0], t[0], rnd);
        if (positive) {
          mpfr_div(t[1], x, t[0], rnd);
          mpfr_add_ui(t[1], t[1], 1, rnd);
          mpfr_div_2ui(out, t[1], 1, rnd);
        } else if (b == 0) {
          mpfr_set_zero(out, 1);
        } else {
          mpfr_sub(t[1], t[0], x, rnd);
          mpfr_mul(t[1], t[1], t[0], rnd);
          mpfr_d_div(out, b / 2, t[1], rnd);
        }
        break;
      }
      case family::delu:
        if (mpfr_cmp_d(x, c.p[2]) > 0) {
          mpfr_set_ui(out, 1, rnd);
        } else {
          mpfr_mul_d(t[0], x, c.p[0], rnd);
          mpfr_exp(t[0], t[0], rnd);
          mpfr_mul_d(t[0], t[0], c.p[0], rnd);
          mpfr_div_d(out, t[0], c.p[1], rnd);
        }
        break;
    }
    if (two_terms)
      mpfr_add(out, t[6], t[7], rnd);
    if (sc != nullptr) {
      mpfr_abs(sc, out, rnd);
      if (two_terms) {
        mpfr_abs(t[6], t[6], rnd);
        mpfr_abs(t[7], t[7], rnd);
        mpfr_max(sc, sc, t[6], rnd);
        mpfr_max(sc, sc, t[7], rnd);
      }
    }
  }
};

namespace {

void to_double_double(mpfr_srcptr v, mpfr_ptr tmp, double& hi, double& lo) {
  hi = mpfr_get_d(v, rnd);
  if (!std::isfinite(hi) || hi == 0) {
    lo = 0;
    return;
  }
  mpfr_sub_d(tmp, v, hi, rnd);
  lo = mpfr_get_d(tmp, rnd);
}

}  // namespace

mpfr_reference::mpfr_reference(mpfr_prec_t precision)
    : precision_(precision), impl_(std::make_unique<impl>(precision)) {}
mpfr_reference::~mpfr_reference() = default;

void mpfr_reference::forward(const config& c, mpfr_srcptr x, mpfr_ptr out) {
  impl_->forward(c, x, out);
}
void mpfr_reference::derivative(const config& c, mpfr_srcptr x, mpfr_ptr out, mpfr_ptr scale) {
  impl_->derivative(c, x, out, scale);
}

mpfr_reference::value mpfr_reference::forward(const config& c, double x) {
  impl& m = *impl_;
  mpfr_set_d(m.xp, x, rnd);
  m.forward(c, m.xp, m.fp);
  value v{};
  to_double_double(m.fp, m.fm, v.hi, v.lo);
  v.scale = std::fabs(v.hi);
  return v;
}

mpfr_reference::value mpfr_reference::derivative(const config& c, double x) {
  impl& m = *impl_;
  mpfr_set_d(m.xp, x, rnd);
  m.derivative(c, m.xp, m.fp, m.scale);
  value v{};
  to_double_double(m.fp, m.fm, v.hi, v.lo);
  v.scale = mpfr_get_d(m.scale, MPFR_RNDU);
  return v;
}

namespace {

// (F(x+h) - F(x-h))/(2h) with h = 2^-80 |x|, evaluated with m's temporaries.
void central_difference(mpfr_reference::impl& m, const config& c, double x, mpfr_ptr out) {
  mpfr_set_d(m.h, std::fabs(x), rnd);
  mpfr_div_2ui(m.h, m.h, 80, rnd);
  mpfr_set_d(m.xp, x, rnd);
  mpfr_add(m.xp, m.xp, m.h, rnd);
  mpfr_set_d(m.xm, x, rnd);
  mpfr_sub(m.xm, m.xm, m.h, rnd);
  m.forward(c, m.xp, m.fp);
  m.forward(c, m.xm, m.fm);
  mpfr_sub(m.fp, m.fp, m.fm, rnd);
  mpfr_div(m.fp, m.fp, m.h, rnd);
  mpfr_div_2ui(out, m.fp, 1, rnd);
}

}  // namespace

mpfr_reference::value mpfr_reference::finite_difference(const config& c, double x) {
  impl& m = *impl_;
  if (x == 0)
    throw std::invalid_argument("finite_difference: x must not be 0");
  // F(x +- h) are rounded to the working precision p, so the difference carries an error of
  // about 2^-p |F| / (h |F'|) relative to F'. Where F is far larger than x F' (elu(-300) ~ -1,
  // elu'(-300) ~ e^-300), p must grow with log2(|F| / |x F'|) to keep that below 2^-120.
  mpfr_set_d(m.xp, x, rnd);
  m.forward(c, m.xp, m.fp);
  m.derivative(c, m.xp, m.fm, m.scale);  // m.scale: the scale errors are measured against
  mpfr_prec_t needed = 200 + 80;
  if (!mpfr_zero_p(m.fp) && !mpfr_zero_p(m.scale)) {
    const long gap = long(mpfr_get_exp(m.fp)) - long(mpfr_get_exp(m.scale)) - std::ilogb(x);
    needed += std::max(0L, gap);
  }
  value v{};
  v.scale = mpfr_get_d(m.scale, MPFR_RNDU);
  if (needed <= precision_) {
    central_difference(m, c, x, m.scale);
    to_double_double(m.scale, m.fm, v.hi, v.lo);
  } else {
    impl wide(needed);
    central_difference(wide, c, x, wide.scale);
    to_double_double(wide.scale, wide.fm, v.hi, v.lo);
  }
  v.scale = std::max(v.scale, std::fabs(v.hi));
  return v;
}

// ---------------------------------------------------------------------------------------------

template <class T>
std::vector<T> grid_inputs() {
  constexpr int steps = 1 << 17;
  std::vector<T> out;
  out.reserve(steps + 1 + 81);
  for (int i = 0; i <= steps; ++i)
    out.push_back(static_cast<T>(-20.0 + 40.0 * double(i) / double(steps)));
  for (int k = -40; k <= 40; ++k)
    out.push_back(static_cast<T>(0.5 * k));
  return out;
}
template std::vector<float> grid_inputs<float>();
template std::vector<double> grid_inputs<double>();

template <class T>
std::vector<T> sample_inputs(std::size_t n) {
  using U = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
  std::mt19937_64 random(std::is_same_v<T, float> ? 0x5eed0f10a7ull : 0x5eed0d0ab1eull);
  std::vector<T> out;
  out.reserve(n);
  while (out.size() < n) {
    const U bits = static_cast<U>(random());
    T x;
    std::memcpy(&x, &bits, sizeof x);
    if (std::isfinite(x))
      out.push_back(x);
  }
  return out;
}
template std::vector<float> sample_inputs<float>(std::size_t);
template std::vector<double> sample_inputs<double>(std::size_t);

std::size_t sample_count() {
  if (const char* env = std::getenv("RECTIFY_TEST_SAMPLES")) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(env, &end, 10);
    if (end != env && *end == '\0')
      return static_cast<std::size_t>(n);
    std::fprintf(stderr, "RECTIFY_TEST_SAMPLES=%s is not a number; using 1000000\n", env);
  }
  return 1000000;
}

template <class T>
reference_table compute_references(const config& c, const std::vector<T>& inputs) {
  mpfr_reference ref(160);
  reference_table t;
  const std::size_t n = inputs.size();
  t.forward_hi.resize(n);
  t.forward_lo.resize(n);
  t.derivative_hi.resize(n);
  t.derivative_lo.resize(n);
  if (c.cancelling_derivative())
    t.derivative_scale.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto f = ref.forward(c, double(inputs[i]));
    const auto d = ref.derivative(c, double(inputs[i]));
    t.forward_hi[i] = f.hi;
    t.forward_lo[i] = f.lo;
    t.derivative_hi[i] = d.hi;
    t.derivative_lo[i] = d.lo;
    if (c.cancelling_derivative())
      t.derivative_scale[i] = d.scale;
  }
  return t;
}
template reference_table compute_references<float>(const config&, const std::vector<float>&);
template reference_table compute_references<double>(const config&, const std::vector<double>&);

// ---------------------------------------------------------------------------------------------
// Table files: a header (magic, element count, a hash of the inputs) and the arrays. A table
// made for other inputs (another RECTIFY_TEST_SAMPLES, another version of the grid) is not
// used.

namespace {

constexpr char magic[8] = {'R', 'E', 'C', 'T', 'R', 'E', 'F', '1'};

template <class T>
std::uint64_t hash_inputs(const std::vector<T>& inputs) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  const auto* bytes = reinterpret_cast<const unsigned char*>(inputs.data());
  for (std::size_t i = 0; i < inputs.size() * sizeof(T); ++i) {
    h ^= bytes[i];
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

template <class T>
std::string table_path(const std::string& dir, const config& c, const std::string& set) {
  return dir + "/" + c.id() + (std::is_same_v<T, float> ? ".float." : ".double.") + set + ".ref";
}
template std::string table_path<float>(const std::string&, const config&, const std::string&);
template std::string table_path<double>(const std::string&, const config&, const std::string&);

template <class T>
void save_table(const std::string& path, const std::vector<T>& inputs, const reference_table& t) {
  // Written to a temporary name and renamed, so a reader never sees half a table.
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    const std::uint64_t header[3] = {inputs.size(), hash_inputs(inputs),
                                     t.derivative_scale.empty() ? 0u : 1u};
    out.write(magic, sizeof magic);
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    auto write = [&out](const std::vector<double>& v) {
      out.write(reinterpret_cast<const char*>(v.data()),
                static_cast<std::streamsize>(v.size() * sizeof(double)));
    };
    write(t.forward_hi);
    write(t.forward_lo);
    write(t.derivative_hi);
    write(t.derivative_lo);
    write(t.derivative_scale);
    if (!out)
      throw std::runtime_error("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot rename " + temporary + " to " + path);
}
template void save_table<float>(const std::string&, const std::vector<float>&,
                                const reference_table&);
template void save_table<double>(const std::string&, const std::vector<double>&,
                                 const reference_table&);

template <class T>
bool load_table(const std::string& path, const std::vector<T>& inputs, reference_table& t) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  char m[8];
  std::uint64_t header[3];
  in.read(m, sizeof m);
  in.read(reinterpret_cast<char*>(header), sizeof header);
  if (!in || std::memcmp(m, magic, sizeof m) != 0 || header[0] != inputs.size() ||
      header[1] != hash_inputs(inputs)) {
    return false;
  }
  const std::size_t n = inputs.size();
  auto read = [&in](std::vector<double>& v, std::size_t count) {
    v.resize(count);
    in.read(reinterpret_cast<char*>(v.data()),
            static_cast<std::streamsize>(count * sizeof(double)));
  };
  read(t.forward_hi, n);
  read(t.forward_lo, n);
  read(t.derivative_hi, n);
  read(t.derivative_lo, n);
  read(t.derivative_scale, header[2] ? n : 0);
  return bool(in);
}
template bool load_table<float>(const std::string&, const std::vector<float>&, reference_table&);
template bool load_table<double>(const std::string&, const std::vector<double>&, reference_table&);

template <class T>
reference_table obtain_references(const config& c, const std::string& set,
                                  const std::vector<T>& inputs, bool* computed) {
  reference_table t;
  if (const char* dir = std::getenv("RECTIFY_REFERENCE_DIR")) {
    if (load_table(table_path<T>(dir, c, set), inputs, t)) {
      if (computed)
        *computed = false;
      return t;
    }
  }
  if (computed)
    *computed = true;
  return compute_references(c, inputs);
}
template reference_table obtain_references<float>(const config&, const std::string&,
                                                  const std::vector<float>&, bool*);
template reference_table obtain_references<double>(const config&, const std::string&,
                                                   const std::vector<double>&, bool*);

}  // namespace rectify_test
