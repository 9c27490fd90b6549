// train: a small multilayer perceptron learns two interleaved spirals, from scratch, with every
// hidden activation and its gradient computed by rectify's span kernels:
//
//   rectify::forward(f, z, a)          a = f(z) over a whole layer of a whole mini-batch
//   rectify::backward(f, z, da, dz)    dz = da * f'(z), the chain rule through the activation
//
// It measures three claims of the seeds (docs/examples.md shows a run):
//   1. Deep nets: with 10 hidden layers, gradients reach the first layers under ReLU with He
//      initialization but vanish under sigmoid and tanh, which then train far worse.
//   2. Dying ReLU: too high a learning rate pushes ReLU units into the region where they output
//      0 for every input and receive no gradient; leaky ReLU and ELU keep a gradient there.
//   3. A table of test accuracy for every activation on the same network and data.
//
// Everything is seeded, so a run prints the same numbers every time on the same machine.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <rectify/rectify.hpp>

namespace {

// ---------------------------------------------------------------------------------------------
// Random numbers. The standard distributions may differ between standard libraries, so the few
// needed are written here on top of splitmix64, whose output is fully specified.
class random {
 public:
  explicit random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1), from the top 24 bits (exactly representable as float).
  float uniform() { return float(next() >> 40) * 0x1p-24f; }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal by Box-Muller (1 - u keeps the logarithm's argument in (0, 1]).
  float normal() {
    const double u = 1.0 - double(uniform());
    const double v = double(uniform());
    return float(std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * v));
  }
  std::size_t below(std::size_t n) { return std::size_t(next() % n); }

 private:
  std::uint64_t state_;
};

// ---------------------------------------------------------------------------------------------
// The data: two spirals of 1.5 turns, one the other turned by half a turn, with a little noise.
// No straight or gently curved boundary separates them, so the net must learn a winding one.
struct dataset {
  std::vector<float> x;      // n points, (x0, x1) each, in [-1, 1]^2
  std::vector<float> label;  // n labels, 0 or 1
  std::size_t size() const { return label.size(); }
};

dataset spirals(std::size_t n, std::uint64_t seed) {
  random rng(seed);
  dataset d;
  for (std::size_t i = 0; i < n; ++i) {
    const int cls = int(i % 2);
    const float t = rng.uniform(0.05f, 1.0f);  // distance from the centre
    const float angle =
        3.0f * std::numbers::pi_v<float> * t + (cls ? std::numbers::pi_v<float> : 0);
    d.x.push_back(t * std::cos(angle) + 0.02f * rng.normal());
    d.x.push_back(t * std::sin(angle) + 0.02f * rng.normal());
    d.label.push_back(float(cls));
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// An activation as the network sees it: a forward pass over a span of pre-activations z, and
// the backward pass dz = da * f'(z). For rectify's functors both are one span-kernel call.
enum class init { he, xavier };

struct activation {
  std::string name;
  std::function<void(std::span<const float> z, std::span<float> a)> forward;
  std::function<void(std::span<const float> z, std::span<const float> da, std::span<float> dz)>
      backward;
  // f'(z) itself, used only to find units that get no gradient at all.
  std::function<void(std::span<const float> z, std::span<float> d)> derivative;
  init weights = init::he;
};

template <class F>
activation from_rectify(std::string name, F f) {
  return {std::move(name),
          [f](std::span<const float> z, std::span<float> a) { rectify::forward(f, z, a); },
          [f](std::span<const float> z, std::span<const float> da, std::span<float> dz) {
            rectify::backward(f, z, da, dz);
          },
          [f](std::span<const float> z, std::span<float> d) { rectify::derivative(f, z, d); },
          init::he};
}

// The two classic saturating activations rectify does not provide. The logistic sigmoid is
// softplus's derivative, so rectify computes it; tanh comes from <cmath>.
activation sigmoid() {
  const rectify::softplus<float> softplus;
  auto forward = [softplus](std::span<const float> z, std::span<float> a) {
    rectify::derivative(softplus, z, a);
  };
  auto derivative = [softplus](std::span<const float> z, std::span<float> d) {
    rectify::derivative(softplus, z, d);  // d = s, then s' = s * (1 - s)
    for (float& s : d)
      s = s * (1 - s);
  };
  auto backward = [derivative](std::span<const float> z, std::span<const float> da,
                               std::span<float> dz) {
    derivative(z, dz);
    for (std::size_t i = 0; i < dz.size(); ++i)
      dz[i] *= da[i];
  };
  return {"sigmoid", forward, backward, derivative, init::xavier};
}

activation hyperbolic_tangent() {
  auto forward = [](std::span<const float> z, std::span<float> a) {
    for (std::size_t i = 0; i < z.size(); ++i)
      a[i] = std::tanh(z[i]);
  };
  auto derivative = [](std::span<const float> z, std::span<float> d) {
    for (std::size_t i = 0; i < z.size(); ++i) {
      const float t = std::tanh(z[i]);
      d[i] = 1 - t * t;
    }
  };
  auto backward = [derivative](std::span<const float> z, std::span<const float> da,
                               std::span<float> dz) {
    derivative(z, dz);
    for (std::size_t i = 0; i < dz.size(); ++i)
      dz[i] *= da[i];
  };
  return {"tanh", forward, backward, derivative, init::xavier};
}

// ---------------------------------------------------------------------------------------------
// A fully connected layer z = a W + b on a mini-batch. W is stored input-major (in x out) so
// that the inner loops of the forward pass and of dW run over contiguous memory.
struct layer {
  std::size_t in = 0, out = 0;
  std::vector<float> w, b;            // parameters
  std::vector<float> dw, db;          // gradients of the mean loss
  std::vector<float> w_step, b_step;  // momentum

  layer(std::size_t in_, std::size_t out_)
      : in(in_),
        out(out_),
        w(in * out),
        b(out),
        dw(in * out),
        db(out),
        w_step(in * out),
        b_step(out) {}

  // He et al. (2015): variance 2/fan_in, for rectifiers. Xavier as the tutorial gives it for
  // sigmoid and tanh: uniform in +-1/sqrt(fan_in).
  void initialize(init kind, random& rng) {
    const float fan_in = float(in);
    for (float& v : w) {
      v = kind == init::he ? std::sqrt(2.0f / fan_in) * rng.normal()
                           : rng.uniform(-1.0f, 1.0f) / std::sqrt(fan_in);
    }
  }

  // z (batch x out) = a (batch x in) W + b
  void forward(std::span<const float> a, std::span<float> z, std::size_t batch) const {
    for (std::size_t s = 0; s < batch; ++s) {
      float* zs = &z[s * out];
      for (std::size_t o = 0; o < out; ++o)
        zs[o] = b[o];
      for (std::size_t i = 0; i < in; ++i) {
        const float ai = a[s * in + i];
        const float* wi = &w[i * out];
        for (std::size_t o = 0; o < out; ++o)
          zs[o] += ai * wi[o];
      }
    }
  }

  // From dz (batch x out): dW = a^T dz, db = column sums of dz, and, if da is not empty,
  // da = dz W^T, the gradient handed to the layer below.
  void backward(std::span<const float> a, std::span<const float> dz, std::span<float> da,
                std::size_t batch) {
    std::fill(dw.begin(), dw.end(), 0.0f);
    std::fill(db.begin(), db.end(), 0.0f);
    for (std::size_t s = 0; s < batch; ++s) {
      const float* dzs = &dz[s * out];
      for (std::size_t o = 0; o < out; ++o)
        db[o] += dzs[o];
      for (std::size_t i = 0; i < in; ++i) {
        const float ai = a[s * in + i];
        float* dwi = &dw[i * out];
        for (std::size_t o = 0; o < out; ++o)
          dwi[o] += ai * dzs[o];
      }
      if (!da.empty()) {
        for (std::size_t i = 0; i < in; ++i) {
          const float* wi = &w[i * out];
          float sum = 0;
          for (std::size_t o = 0; o < out; ++o)
            sum += wi[o] * dzs[o];
          da[s * in + i] = sum;
        }
      }
    }
  }

  // Stochastic gradient descent with momentum 0.9.
  void step(float learning_rate) {
    for (std::size_t k = 0; k < w.size(); ++k) {
      w_step[k] = 0.9f * w_step[k] - learning_rate * dw[k];
      w[k] += w_step[k];
    }
    for (std::size_t k = 0; k < b.size(); ++k) {
      b_step[k] = 0.9f * b_step[k] - learning_rate * db[k];
      b[k] += b_step[k];
    }
  }

  float gradient_norm() const {
    double sum = 0;
    for (float g : dw)
      sum += double(g) * g;
    return float(std::sqrt(sum));
  }
};

// ---------------------------------------------------------------------------------------------
// The network: 2 inputs, `depth` hidden layers of `width` units with the activation, and one
// output logit p = sigmoid(logit) = P(class 1), trained on the mean binary cross-entropy.
class network {
 public:
  network(std::size_t depth, std::size_t width, activation act, std::uint64_t seed)
      : act_(std::move(act)) {
    random rng(seed);
    std::size_t in = 2;
    for (std::size_t l = 0; l < depth; ++l) {
      layers_.emplace_back(in, width);
      layers_.back().initialize(act_.weights, rng);
      in = width;
    }
    layers_.emplace_back(in, 1);
    layers_.back().initialize(init::xavier, rng);
  }

  std::size_t hidden_layers() const { return layers_.size() - 1; }
  const layer& hidden(std::size_t l) const { return layers_[l]; }

  // Runs a batch forward, keeping every layer's input a[l] and pre-activation z[l] for the
  // backward pass. Returns the logits.
  std::span<const float> forward(std::span<const float> x, std::size_t batch) {
    a_.resize(layers_.size());
    z_.resize(layers_.size());
    a_[0].assign(x.begin(), x.begin() + std::ptrdiff_t(batch * 2));
    for (std::size_t l = 0; l < layers_.size(); ++l) {
      z_[l].resize(batch * layers_[l].out);
      layers_[l].forward(a_[l], z_[l], batch);
      if (l + 1 < layers_.size()) {
        a_[l + 1].resize(z_[l].size());
        act_.forward(z_[l], a_[l + 1]);
      }
    }
    return z_.back();
  }

  // Backpropagation of the mean cross-entropy of the last forward pass; returns that loss.
  float backward(std::span<const float> labels, std::size_t batch) {
    const std::vector<float>& logits = z_.back();
    std::vector<float> dz(batch), da;
    double loss = 0;
    for (std::size_t s = 0; s < batch; ++s) {
      // loss = log(1 + e^-logit) for class 1, log(1 + e^logit) for class 0; d/dlogit = p - y.
      const float signed_logit = labels[s] > 0.5f ? -logits[s] : logits[s];
      loss += std::log1p(std::exp(-std::fabs(signed_logit))) + std::max(signed_logit, 0.0f);
      const float p = 1 / (1 + std::exp(-logits[s]));
      dz[s] = (p - labels[s]) / float(batch);
    }
    for (std::size_t l = layers_.size(); l-- > 0;) {
      da.assign(l > 0 ? a_[l].size() : 0, 0.0f);
      layers_[l].backward(a_[l], dz, da, batch);
      if (l > 0) {
        dz.resize(da.size());
        act_.backward(z_[l - 1], da, dz);  // through the activation that made a_[l]
      }
    }
    return float(loss / double(batch));
  }

  void step(float learning_rate) {
    for (layer& l : layers_)
      l.step(learning_rate);
  }

  // One pass over the training set in shuffled mini-batches; returns the mean loss.
  float epoch(const dataset& d, std::size_t batch, float learning_rate, random& rng) {
    order_.resize(d.size());
    for (std::size_t i = 0; i < order_.size(); ++i)
      order_[i] = i;
    for (std::size_t i = order_.size(); i > 1; --i)
      std::swap(order_[i - 1], order_[rng.below(i)]);
    double total = 0;
    std::vector<float> x, y;
    for (std::size_t start = 0; start < d.size(); start += batch) {
      const std::size_t n = std::min(batch, d.size() - start);
      x.clear();
      y.clear();
      for (std::size_t k = start; k < start + n; ++k) {
        x.push_back(d.x[2 * order_[k]]);
        x.push_back(d.x[2 * order_[k] + 1]);
        y.push_back(d.label[order_[k]]);
      }
      forward(x, n);
      total += double(backward(y, n)) * double(n);
      step(learning_rate);
    }
    return float(total / double(d.size()));
  }

  float accuracy(const dataset& d) {
    const std::span<const float> logits = forward(d.x, d.size());
    std::size_t right = 0;
    for (std::size_t s = 0; s < d.size(); ++s)
      right += (logits[s] > 0) == (d.label[s] > 0.5f);
    return float(right) / float(d.size());
  }

  // Over a whole data set, the fraction of hidden units whose pre-activation is <= 0 for every
  // point (for ReLU: the unit outputs 0 for every input), and the fraction whose derivative is
  // 0 for every point (no gradient ever reaches the unit's weights: the unit is dead).
  std::pair<float, float> inactive_and_dead(const dataset& d) {
    forward(d.x, d.size());
    std::size_t units = 0, inactive = 0, dead = 0;
    std::vector<float> slope;
    for (std::size_t l = 0; l < hidden_layers(); ++l) {
      const std::size_t width = layers_[l].out;
      slope.resize(z_[l].size());
      act_.derivative(z_[l], slope);
      for (std::size_t u = 0; u < width; ++u) {
        bool always_negative = true, never_slope = true;
        for (std::size_t s = 0; s < d.size(); ++s) {
          always_negative = always_negative && z_[l][s * width + u] <= 0;
          never_slope = never_slope && slope[s * width + u] == 0;
        }
        ++units;
        inactive += always_negative;
        dead += never_slope;
      }
    }
    return {float(inactive) / float(units), float(dead) / float(units)};
  }

  // The gradient norm of each hidden layer's weights for the mean loss over the data set.
  std::vector<float> gradient_norms(const dataset& d) {
    forward(d.x, d.size());
    backward(d.label, d.size());
    std::vector<float> norms;
    for (std::size_t l = 0; l < hidden_layers(); ++l)
      norms.push_back(layers_[l].gradient_norm());
    return norms;
  }

 private:
  activation act_;
  std::vector<layer> layers_;
  std::vector<std::vector<float>> a_, z_;
  std::vector<std::size_t> order_;
};

struct result {
  float train_loss;
  float test_accuracy;
};

result train(network& net, const dataset& train_set, const dataset& test_set, std::size_t epochs,
             float learning_rate, std::uint64_t seed) {
  random rng(seed);
  float loss = 0;
  for (std::size_t e = 0; e < epochs; ++e)
    loss = net.epoch(train_set, 32, learning_rate, rng);
  return {loss, net.accuracy(test_set)};
}

// The activations compared, each with its default parameters.
std::vector<activation> all_activations() {
  return {from_rectify("relu", rectify::relu<float>{}),
          from_rectify("leaky_relu", rectify::leaky_relu<float>{}),
          from_rectify("elu", rectify::elu<float>{}),
          from_rectify("gelu", rectify::gelu<float>{}),
          from_rectify("silu", rectify::silu<float>{}),
          from_rectify("mish", rectify::mish<float>{}),
          from_rectify("softplus", rectify::softplus<float>{}),
          from_rectify("squareplus", rectify::squareplus<float>{}),
          from_rectify("delu", rectify::delu<float>{}),
          sigmoid(),
          hyperbolic_tangent()};
}

activation by_name(const std::string& name) {
  for (activation& a : all_activations()) {
    if (a.name == name)
      return a;
  }
  throw std::invalid_argument("no activation " + name);
}

}  // namespace

int main() {
  const auto start = std::chrono::steady_clock::now();
  const dataset train_set = spirals(1000, 1);
  const dataset test_set = spirals(1000, 2);
  const std::uint64_t init_seed = 42, shuffle_seed = 7;

  // 1. Vanishing gradients in a deep net ---------------------------------------------------
  constexpr std::size_t deep = 10, deep_width = 32, deep_epochs = 60;
  constexpr float deep_rate = 0.01f;
  std::printf("1. A deep net: %zu hidden layers of %zu units, SGD lr %.2f, %zu epochs\n", deep,
              deep_width, double(deep_rate), deep_epochs);
  std::printf("   gradient norm of each hidden layer's weights at initialization:\n");
  std::printf("   %-8s", "layer");
  for (std::size_t l = 1; l <= deep; ++l)
    std::printf(" %8zu", l);
  std::printf(" | test accuracy after training\n");
  for (const char* name : {"relu", "sigmoid", "tanh"}) {
    network net(deep, deep_width, by_name(name), init_seed);
    const std::vector<float> norms = net.gradient_norms(train_set);
    std::printf("   %-8s", name);
    for (float g : norms)
      std::printf(" %8.1e", double(g));
    const result r = train(net, train_set, test_set, deep_epochs, deep_rate, shuffle_seed);
    std::printf(" | %5.1f%%\n", 100.0 * r.test_accuracy);
  }

  // 2. Dying ReLU -----------------------------------------------------------------------------
  // A few epochs at a learning rate ten times too high, then ordinary training. A ReLU unit
  // pushed to input <= 0 for every point gets no gradient and can never come back; leaky ReLU
  // and ELU still pass a gradient there, so training can revive their units.
  constexpr std::size_t depth = 3, width = 32, epochs = 100, burst_epochs = 3;
  constexpr float rate = 0.05f, too_high = 0.5f;
  std::printf(
      "\n2. Dying units: %zu hidden layers of %zu units; %zu epochs at lr %.2f (too high), "
      "then %zu at lr %.2f\n",
      depth, width, burst_epochs, double(too_high), epochs, double(rate));
  std::printf(
      "   inactive: input <= 0 for every training point (ReLU outputs 0 for all of them)\n");
  std::printf("   dead:     derivative 0 for every training point (no gradient reaches it)\n");
  std::printf("   %-11s | %-19s | %-19s | %s\n", "", "after lr too high", "after training",
              "test acc");
  std::printf("   %-11s | %9s %9s | %9s %9s |\n", "activation", "inactive", "dead", "inactive",
              "dead");
  for (const char* name : {"relu", "leaky_relu", "elu"}) {
    network net(depth, width, by_name(name), init_seed);
    train(net, train_set, test_set, burst_epochs, too_high, shuffle_seed);
    const auto [inactive_burst, dead_burst] = net.inactive_and_dead(train_set);
    const result r = train(net, train_set, test_set, epochs, rate, shuffle_seed + 1);
    const auto [inactive, dead] = net.inactive_and_dead(train_set);
    std::printf("   %-11s | %8.1f%% %8.1f%% | %8.1f%% %8.1f%% | %7.1f%%\n", name,
                100.0 * inactive_burst, 100.0 * dead_burst, 100.0 * inactive, 100.0 * dead,
                100.0 * r.test_accuracy);
  }

  // 3. Every activation on the same task ------------------------------------------------------
  std::printf("\n3. Test accuracy: %zu hidden layers of %zu units, SGD lr %.2f, %zu epochs\n",
              depth, width, double(rate), epochs);
  std::printf("   %-11s %10s %9s\n", "activation", "train loss", "test acc");
  for (const activation& act : all_activations()) {
    network net(depth, width, act, init_seed);
    const result r = train(net, train_set, test_set, epochs, rate, shuffle_seed);
    std::printf("   %-11s %10.4f %8.1f%%\n", act.name.c_str(), double(r.train_loss),
                100.0 * r.test_accuracy);
  }

  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("\ntotal time %.1f s\n", elapsed.count());
  return 0;
}
