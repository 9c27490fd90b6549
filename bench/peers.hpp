// What every implementation in the benchmark (rectify and its peers) hands to the runner: for
// each function it has, a forward, a derivative and a backward on raw arrays of n inputs. A
// function with several outputs per input (crelu: 2) writes and reads them as consecutive blocks
// of n, as rectify's span kernels do. A peer that lacks a function (or a direction) leaves it
// out, and the runner registers nothing for it.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>

namespace rectify_bench {

template <class T>
struct kernels {
  std::function<void(const T* x, T* y, std::size_t n)> forward;
  std::function<void(const T* x, T* d, std::size_t n)> derivative;
  std::function<void(const T* x, const T* dy, T* dx, std::size_t n)> backward;
};

// Function name (as in bench names: relu, leaky_relu, ..., gelu, gelu_tanh, ...) -> kernels.
template <class T>
using kernel_table = std::map<std::string, kernels<T>>;

// The parameters every implementation uses: rectify's defaults (SPEC.md).
inline constexpr double leaky_alpha = 0.01;
inline constexpr double prelu_alpha = 0.25;
inline constexpr double elu_alpha = 1.0;
inline constexpr double softplus_k = 1.0;
inline constexpr double squareplus_b = 4.0;
inline constexpr double delu_a = 1.0;
inline constexpr double delu_b = 2.0;
// delu's default xc for a = 1, b = 2: the positive root of (e^x - 1)/2 = x.
inline constexpr double delu_xc = 1.2564312086261697;

// The hand-written std:: loops, built with the benchmark's own flags (loops.cpp).
template <class T>
kernel_table<T> plain_loops();
// The same loops compiled with -O3 -ffast-math, so GCC may call glibc's libmvec.
template <class T>
kernel_table<T> fast_math_loops();
// Eigen 3.4 array expressions (eigen_peer.cpp), when Eigen is found.
template <class T>
kernel_table<T> eigen_kernels();
// oneDNN eltwise primitives (onednn_peer.cpp), float only, when oneDNN is found.
kernel_table<float> onednn_kernels();
// A description of how oneDNN runs here (ISA, threads), for the benchmark's context.
std::string onednn_context();

}  // namespace rectify_bench
