// RECTIFY_INLINE: forced inlining for the small helpers on the hot path of the span kernels.
//
// Left to itself, GCC's inliner keeps some of them (exp_normal, divide, logistic, exp_times) as
// calls or not depending on how large their caller has grown, so an unrelated change to one
// function moved another's speed by up to 2x (float elu' 0.6 <-> 1.0 elements/ns, AVX-512): a
// call passes every batch through memory. Forced, they are inlined everywhere, and each
// functor's per-batch math is one straight body; the rare paths (exp_times_accurate, the
// subnormal branches) stay out of line.
//
// RECTIFY_INLINE_LAMBDA does the same for the lambdas that hold the per-batch body of a
// where_needed (detail/math.hpp): GCC inlines callees first, so a body lambda grows with every
// helper forced into it and was then kept as a call per batch once the translation unit had
// grown (float softplus forward 0.82x, measured, after an unrelated derivative got longer).
//
// Not in sanitizer builds, which only test: there forced inlining made the instrumented
// test programs several times slower to compile, for no benefit.
#pragma once

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RECTIFY_SANITIZED_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define RECTIFY_SANITIZED_BUILD 1
#endif
#endif

#if (defined(__GNUC__) || defined(__clang__)) && !defined(RECTIFY_SANITIZED_BUILD)
#define RECTIFY_INLINE [[gnu::always_inline]] inline
#define RECTIFY_INLINE_LAMBDA __attribute__((always_inline))
#else
#define RECTIFY_INLINE inline
#define RECTIFY_INLINE_LAMBDA
#endif
