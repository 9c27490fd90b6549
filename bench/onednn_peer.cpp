// The oneDNN 2.6 peer: eltwise forward (inference) and backward primitives on a 1-D f32 tensor.
// oneDNN has no derivative-only primitive, so it competes in forward and backward only; it has
// no f64 eltwise on CPU, so float only. Its algorithms and their parameters in 2.6:
//   relu (alpha = negative slope: leaky_relu, prelu), elu (alpha), gelu_erf, gelu_tanh,
//   swish (alpha scales the sigmoid's argument: 1 is silu), mish, soft_relu (alpha and beta
//   are ignored in 2.6: ln(1 + e^x), i.e. softplus with k = 1).
// Nothing for crelu, squareplus or delu.
//
// A primitive and its memory objects are made once per size on the first call, which the
// runner makes before its timed loop; a timed call only points the memory at the buffers and
// executes. The primitives run on one thread: OMP_NUM_THREADS=1 (tools/bench) and, when the
// benchmark is linked with OpenMP, omp_set_num_threads(1) here.
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include <oneapi/dnnl/dnnl.hpp>
#ifdef RECTIFY_BENCH_OPENMP
#include <omp.h>
#endif

#include "peers.hpp"

namespace rectify_bench {
namespace {

using dnnl::algorithm;
using dnnl::memory;

struct onednn_state {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
};

struct prepared {
  dnnl::primitive primitive;
  memory src, dst;  // forward: x -> y; backward: x (src), dy (dst)
  memory diff_src;  // backward only: dx
  std::unordered_map<int, memory> args;
};

memory::desc vector_desc(std::size_t n) {
  return {{static_cast<memory::dim>(n)}, memory::data_type::f32, memory::format_tag::a};
}

class eltwise {
 public:
  eltwise(std::shared_ptr<onednn_state> state, algorithm alg, float alpha)
      : state_(std::move(state)), alg_(alg), alpha_(alpha) {}

  void forward(const float* x, float* y, std::size_t n) {
    prepared& p = forward_for(n);
    p.src.set_data_handle(const_cast<float*>(x));
    p.dst.set_data_handle(y);
    p.primitive.execute(state_->stream, p.args);
    state_->stream.wait();
  }

  void backward(const float* x, const float* dy, float* dx, std::size_t n) {
    prepared& p = backward_for(n);
    p.src.set_data_handle(const_cast<float*>(x));
    p.dst.set_data_handle(const_cast<float*>(dy));
    p.diff_src.set_data_handle(dx);
    p.primitive.execute(state_->stream, p.args);
    state_->stream.wait();
  }

 private:
  dnnl::eltwise_forward::primitive_desc forward_desc(dnnl::prop_kind kind, std::size_t n) const {
    return {{kind, alg_, vector_desc(n), alpha_, 0.0f}, state_->engine};
  }

  prepared& forward_for(std::size_t n) {
    auto it = forward_.find(n);
    if (it != forward_.end())
      return it->second;
    const auto pd = forward_desc(dnnl::prop_kind::forward_inference, n);
    prepared p{dnnl::eltwise_forward(pd),
               memory(pd.src_desc(), state_->engine, nullptr),
               memory(pd.dst_desc(), state_->engine, nullptr),
               memory(),
               {}};
    p.args = {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_DST, p.dst}};
    return forward_.emplace(n, std::move(p)).first->second;
  }

  prepared& backward_for(std::size_t n) {
    auto it = backward_.find(n);
    if (it != backward_.end())
      return it->second;
    const auto hint = forward_desc(dnnl::prop_kind::forward_training, n);
    const dnnl::eltwise_backward::primitive_desc pd(
        {alg_, vector_desc(n), vector_desc(n), alpha_, 0.0f}, state_->engine, hint);
    prepared p{dnnl::eltwise_backward(pd),
               memory(pd.src_desc(), state_->engine, nullptr),
               memory(pd.diff_dst_desc(), state_->engine, nullptr),
               memory(pd.diff_src_desc(), state_->engine, nullptr),
               {}};
    p.args = {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_DIFF_DST, p.dst}, {DNNL_ARG_DIFF_SRC, p.diff_src}};
    return backward_.emplace(n, std::move(p)).first->second;
  }

  std::shared_ptr<onednn_state> state_;
  algorithm alg_;
  float alpha_;
  std::unordered_map<std::size_t, prepared> forward_, backward_;
};

kernels<float> eltwise_kernels(const std::shared_ptr<onednn_state>& state, algorithm alg,
                               float alpha) {
  auto op = std::make_shared<eltwise>(state, alg, alpha);
  return {[op](const float* x, float* y, std::size_t n) { op->forward(x, y, n); }, nullptr,
          [op](const float* x, const float* dy, float* dx, std::size_t n) {
            op->backward(x, dy, dx, n);
          }};
}

void single_thread() {
#ifdef RECTIFY_BENCH_OPENMP
  omp_set_num_threads(1);
#endif
}

}  // namespace

kernel_table<float> onednn_kernels() {
  single_thread();
  auto state = std::make_shared<onednn_state>();
  return {{"relu", eltwise_kernels(state, algorithm::eltwise_relu, 0.0f)},
          {"leaky_relu", eltwise_kernels(state, algorithm::eltwise_relu, float(leaky_alpha))},
          {"prelu", eltwise_kernels(state, algorithm::eltwise_relu, float(prelu_alpha))},
          {"elu", eltwise_kernels(state, algorithm::eltwise_elu, float(elu_alpha))},
          {"gelu", eltwise_kernels(state, algorithm::eltwise_gelu_erf, 0.0f)},
          {"gelu_tanh", eltwise_kernels(state, algorithm::eltwise_gelu_tanh, 0.0f)},
          {"silu", eltwise_kernels(state, algorithm::eltwise_swish, 1.0f)},
          {"mish", eltwise_kernels(state, algorithm::eltwise_mish, 0.0f)},
          {"softplus", eltwise_kernels(state, algorithm::eltwise_soft_relu, 0.0f)}};
}

std::string onednn_context() {
  single_thread();
  const dnnl::version_t* v = dnnl::version();
  std::string isa;
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::avx512_core:
      isa = "avx512_core";
      break;
    case dnnl::cpu_isa::avx512_core_vnni:
      isa = "avx512_core_vnni";
      break;
    case dnnl::cpu_isa::avx512_core_bf16:
      isa = "avx512_core_bf16";
      break;
    case dnnl::cpu_isa::avx2:
      isa = "avx2";
      break;
    default:
      isa = "other (" + std::to_string(static_cast<int>(dnnl::get_effective_cpu_isa())) + ")";
  }
  std::string threads = "unknown";
#ifdef RECTIFY_BENCH_OPENMP
  threads = std::to_string(omp_get_max_threads());
#endif
  return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
         std::to_string(v->patch) + ", ISA " + isa + ", OpenMP threads " + threads;
}

}  // namespace rectify_bench
