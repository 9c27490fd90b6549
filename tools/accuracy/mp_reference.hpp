// The MPFR reference: the same definitions evaluated at `prec` bits (160 by default), used to
// measure the double functions and to validate the double reference of the float check.
// Each MPFR operation is correctly rounded, so only cancellation and overflow could spoil a
// result; the forms below avoid both (the exponent range is widened to MPFR's maximum, and
// ln(1+e^t), sigma(t) and squareplus's left branch use the stable forms of reference.hpp).
// The two terms of a cancelling derivative are computed separately, which keeps their sum
// accurate to 2^-150 of the larger term: the unit its error is measured in there.
#pragma once

#include <mpfr.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "functions.hpp"

namespace accuracy::mp {

// One thread's MPFR state: the result, the larger-term magnitude and scratch values.
class context {
 public:
  explicit context(mpfr_prec_t prec) {
    mpfr_set_emin(mpfr_get_emin_min());
    mpfr_set_emax(mpfr_get_emax_max());
    mpfr_inits2(prec, v, term, x, s, sn, a, b, c, sp, sqrt_2_over_pi, inv_sqrt_2pi, inv_sqrt2,
                kappa, static_cast<mpfr_ptr>(nullptr));
    mpfr_const_pi(a, MPFR_RNDN);
    mpfr_ui_div(sqrt_2_over_pi, 2, a, MPFR_RNDN);
    mpfr_sqrt(sqrt_2_over_pi, sqrt_2_over_pi, MPFR_RNDN);
    mpfr_mul_ui(inv_sqrt_2pi, a, 2, MPFR_RNDN);
    mpfr_rec_sqrt(inv_sqrt_2pi, inv_sqrt_2pi, MPFR_RNDN);
    mpfr_set_ui(inv_sqrt2, 2, MPFR_RNDN);
    mpfr_rec_sqrt(inv_sqrt2, inv_sqrt2, MPFR_RNDN);
    mpfr_set_str(kappa, "0.044715", 10, MPFR_RNDN);
  }
  ~context() {
    mpfr_clears(v, term, x, s, sn, a, b, c, sp, sqrt_2_over_pi, inv_sqrt_2pi, inv_sqrt2, kappa,
                static_cast<mpfr_ptr>(nullptr));
  }
  context(const context&) = delete;
  context& operator=(const context&) = delete;

  // Sets v to f (or f') of output k at x, and term to the larger |term| of a cancelling
  // derivative (else 0). x must be finite.
  void evaluate(fn f, const params& p, direction d, int k, double x0) {
    mpfr_set_d(x, x0, MPFR_RNDN);
    mpfr_set_zero(term, 1);
    switch (f) {
      case fn::relu:
      case fn::leaky_relu:
      case fn::prelu:
      case fn::crelu:
        piecewise(f, p, d, k, x0);
        return;
      case fn::elu:
        if (x0 > 0) {
          set_identity_or_one(d);
          return;
        }
        if (d == forward)
          mpfr_expm1(v, x, MPFR_RNDN);
        else
          mpfr_exp(v, x, MPFR_RNDN);
        mpfr_mul_d(v, v, p.p1, MPFR_RNDN);
        return;
      case fn::gelu:
        // Phi(x) = erfc(-x/sqrt2)/2 into s.
        mpfr_mul(s, x, inv_sqrt2, MPFR_RNDN);
        mpfr_neg(s, s, MPFR_RNDN);
        mpfr_erfc(s, s, MPFR_RNDN);
        mpfr_div_2ui(s, s, 1, MPFR_RNDN);
        if (d == forward) {
          mpfr_mul(v, x, s, MPFR_RNDN);
          return;
        }
        // x*phi(x) = x*e^(-x^2/2)/sqrt(2pi) into a.
        mpfr_sqr(a, x, MPFR_RNDN);
        mpfr_div_2ui(a, a, 1, MPFR_RNDN);
        mpfr_neg(a, a, MPFR_RNDN);
        mpfr_exp(a, a, MPFR_RNDN);
        mpfr_mul(a, a, inv_sqrt_2pi, MPFR_RNDN);
        mpfr_mul(a, a, x, MPFR_RNDN);
        sum_of_terms();
        return;
      case fn::gelu_tanh:
        // 2u = 2*sqrt(2/pi)*x*(1 + kappa*x^2) into c; then s = sigma(2u), sn = sigma(-2u).
        mpfr_sqr(a, x, MPFR_RNDN);
        mpfr_mul(c, a, kappa, MPFR_RNDN);
        mpfr_add_ui(c, c, 1, MPFR_RNDN);
        mpfr_mul(c, c, x, MPFR_RNDN);
        mpfr_mul(c, c, sqrt_2_over_pi, MPFR_RNDN);
        mpfr_mul_2ui(c, c, 1, MPFR_RNDN);
        sigmoid(c);
        if (d == forward) {
          mpfr_mul(v, x, s, MPFR_RNDN);
          return;
        }
        // x * 2*sqrt(2/pi)*(1 + 3*kappa*x^2) * s * sn into a (sigmoid used a).
        mpfr_sqr(a, x, MPFR_RNDN);
        mpfr_mul(a, a, kappa, MPFR_RNDN);
        mpfr_mul_ui(a, a, 3, MPFR_RNDN);
        mpfr_add_ui(a, a, 1, MPFR_RNDN);
        mpfr_mul(a, a, sqrt_2_over_pi, MPFR_RNDN);
        mpfr_mul_2ui(a, a, 1, MPFR_RNDN);
        mpfr_mul(a, a, x, MPFR_RNDN);
        mpfr_mul(a, a, sn, MPFR_RNDN);
        mpfr_mul(a, a, s, MPFR_RNDN);
        sum_of_terms();
        return;
      case fn::silu:
        sigmoid(x);
        if (d == forward) {
          mpfr_mul(v, x, s, MPFR_RNDN);
          return;
        }
        mpfr_mul(a, x, s, MPFR_RNDN);
        mpfr_mul(a, a, sn, MPFR_RNDN);
        sum_of_terms();
        return;
      case fn::mish:
        softplus(sp, x);
        if (d == forward) {
          mpfr_tanh(v, sp, MPFR_RNDN);
          mpfr_mul(v, v, x, MPFR_RNDN);
          return;
        }
        sigmoid(x);
        mpfr_sech(a, sp, MPFR_RNDN);
        mpfr_sqr(a, a, MPFR_RNDN);
        mpfr_mul(a, a, s, MPFR_RNDN);
        mpfr_mul(a, a, x, MPFR_RNDN);
        mpfr_tanh(s, sp, MPFR_RNDN);
        sum_of_terms();
        return;
      case fn::softplus:
        mpfr_mul_d(sp, x, p.p1, MPFR_RNDN);  // exact: 53 + 53 bits < prec
        if (d == forward) {
          softplus(v, sp);
          mpfr_div_d(v, v, p.p1, MPFR_RNDN);
        } else {
          sigmoid(sp);
          mpfr_set(v, s, MPFR_RNDN);
        }
        return;
      case fn::squareplus:
        mpfr_sqr(a, x, MPFR_RNDN);
        mpfr_add_d(a, a, p.p1, MPFR_RNDN);
        mpfr_sqrt(a, a, MPFR_RNDN);  // s
        if (x0 > 0) {
          if (d == forward) {
            mpfr_add(v, x, a, MPFR_RNDN);
          } else {
            mpfr_div(v, x, a, MPFR_RNDN);
            mpfr_add_ui(v, v, 1, MPFR_RNDN);
          }
          mpfr_div_2ui(v, v, 1, MPFR_RNDN);
          return;
        }
        // (b/2)/(s + |x|), and that over s for f'.
        mpfr_sub(c, a, x, MPFR_RNDN);
        mpfr_d_div(v, p.p1, c, MPFR_RNDN);
        mpfr_div_2ui(v, v, 1, MPFR_RNDN);
        if (d == derivative)
          mpfr_div(v, v, a, MPFR_RNDN);
        return;
      case fn::delu:
        if (x0 > p.xc) {
          set_identity_or_one(d);
          return;
        }
        mpfr_mul_d(c, x, p.p1, MPFR_RNDN);
        if (d == forward) {
          mpfr_expm1(v, c, MPFR_RNDN);
          mpfr_div_d(v, v, p.p2, MPFR_RNDN);
        } else {
          mpfr_exp(v, c, MPFR_RNDN);
          mpfr_mul_d(v, v, p.p1, MPFR_RNDN);
          mpfr_div_d(v, v, p.p2, MPFR_RNDN);
        }
        return;
    }
  }

  mpfr_t v, term;

 private:
  void set_identity_or_one(direction d) {
    if (d == forward)
      mpfr_set(v, x, MPFR_RNDN);
    else
      mpfr_set_ui(v, 1, MPFR_RNDN);
  }
  void piecewise(fn f, const params& p, direction d, int k, double x0) {
    const double t = f == fn::crelu && k == 1 ? -x0 : x0;
    const double sign = f == fn::crelu && k == 1 ? -1.0 : 1.0;
    const double below = f == fn::leaky_relu || f == fn::prelu ? p.p1 : 0.0;
    if (t > 0) {
      set_identity_or_one(d);
      if (d == forward && sign < 0)
        mpfr_neg(v, v, MPFR_RNDN);  // relu(-x) = -x for x < 0
      if (d == derivative && sign < 0)
        mpfr_neg(v, v, MPFR_RNDN);  // crelu' second output: -H(-x)
      return;
    }
    if (d == forward) {
      mpfr_set_d(v, t, MPFR_RNDN);
      mpfr_mul_d(v, v, below, MPFR_RNDN);
    } else {
      mpfr_set_d(v, below, MPFR_RNDN);
    }
  }
  // s = sigma(t), sn = sigma(-t), from e^-|t| <= 1. Uses a and b.
  void sigmoid(const mpfr_t t) {
    mpfr_abs(a, t, MPFR_RNDN);
    mpfr_neg(a, a, MPFR_RNDN);
    mpfr_exp(a, a, MPFR_RNDN);
    mpfr_add_ui(b, a, 1, MPFR_RNDN);
    if (mpfr_sgn(t) >= 0) {
      mpfr_ui_div(s, 1, b, MPFR_RNDN);
      mpfr_div(sn, a, b, MPFR_RNDN);
    } else {
      mpfr_div(s, a, b, MPFR_RNDN);
      mpfr_ui_div(sn, 1, b, MPFR_RNDN);
    }
  }
  // out = ln(1 + e^t) = max(t, 0) + log1p(e^-|t|). Uses c.
  void softplus(mpfr_t out, const mpfr_t t) {
    mpfr_abs(c, t, MPFR_RNDN);
    mpfr_neg(c, c, MPFR_RNDN);
    mpfr_exp(c, c, MPFR_RNDN);
    mpfr_log1p(c, c, MPFR_RNDN);
    if (mpfr_sgn(t) > 0)
      mpfr_add(out, c, t, MPFR_RNDN);
    else
      mpfr_set(out, c, MPFR_RNDN);
  }
  // v = s + a, term = max(|s|, |a|).
  void sum_of_terms() {
    mpfr_add(v, s, a, MPFR_RNDN);
    if (mpfr_cmpabs(s, a) >= 0)
      mpfr_abs(term, s, MPFR_RNDN);
    else
      mpfr_abs(term, a, MPFR_RNDN);
  }

  mpfr_t x, s, sn, a, b, c, sp;
  mpfr_t sqrt_2_over_pi, inv_sqrt_2pi, inv_sqrt2, kappa;
};

}  // namespace accuracy::mp
