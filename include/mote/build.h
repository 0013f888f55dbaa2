// Keras-like model construction: every layer, loss and optimizer as a small
// value with its options set by name, so a network reads as a list.
//
//   using namespace mote;  // then layers::X, as Keras's layers.X
//   Model model;
//   Status s = Sequential(model, {28, 28, 1},
//       layers::Conv2D(10).kernel(5).stride(2).same().no_bias(), layers::BatchNorm(), layers::ReLU(),
//       layers::Flatten(), layers::Dense(10).name("logits"));
//   model.SetLoss(losses::SoftmaxCrossEntropy());
//   model.SetOptimizer(optimizers::Momentum(0.9f).nesterov());
//
// A spec only records options; Model::Add(spec) (or Sequential) makes the
// layer, so specs can be kept, copied and reused. The layers themselves are
// the classes of include/mote/layers/ (mote::Conv2D, ...): a spec makes
// exactly what the class constructor would with the same options, so the
// same seed gives the same parameters either way. Defaults are the layer
// classes' (Conv2D: stride 1, valid padding, bias, He normal; Dense: bias,
// Glorot uniform; pools: stride = pool size, as in Keras). Conv2D's kernel
// has no default (as in Keras): without .kernel() Prepare fails.
//
// The specs live in mote::layers (and mote::losses, mote::optimizers)
// because their names are the layer classes' names: write layers::Conv2D
// (with `using namespace mote`), not `using namespace mote::layers`, which
// makes Conv2D ambiguous.
#pragma once
#include <stddef.h>

#include <memory>
#include <string>
#include <utility>

#include "mote/layers.h"
#include "mote/loss.h"
#include "mote/model.h"
#include "mote/optimizers.h"
#include "mote/status.h"

namespace mote {

// What Model::Add(const LayerSpec&) takes: makes one layer, named
// layer_name() in the model (empty: "<type>_<index>").
class LayerSpec {
 public:
  virtual ~LayerSpec() = default;
  virtual std::unique_ptr<Layer> Make() const = 0;
  const std::string& layer_name() const { return name_; }

 protected:
  std::string name_;
};

namespace layers {

// Fluent setters return Self& so calls chain on a temporary.
template <class Self>
class Spec : public LayerSpec {
 public:
  Self& name(std::string name) {
    name_ = std::move(name);
    return self();
  }

 protected:
  Self& self() { return static_cast<Self&>(*this); }
};

// Padding and strides shared by the windowed layers (convolutions, pools).
template <class Self>
class WindowSpec : public Spec<Self> {
 public:
  Self& stride(size_t s) { return stride(s, s); }
  Self& stride(size_t h, size_t w) {
    stride_h_ = h;
    stride_w_ = w;
    return this->self();
  }
  Self& same() {  // TensorFlow's "same": output = ceil(input / stride)
    padding_ = Padding::kSame;
    return this->self();
  }
  Self& valid() {
    padding_ = Padding::kValid;
    return this->self();
  }
  Self& pad(size_t h, size_t w) {  // explicit zeros on each side
    padding_ = Padding::kExplicit;
    pad_h_ = h;
    pad_w_ = w;
    return this->self();
  }

 protected:
  size_t stride_h_ = 1, stride_w_ = 1;
  Padding padding_ = Padding::kValid;
  size_t pad_h_ = 0, pad_w_ = 0;
};

// Bias and initializer shared by the convolutions, and their Conv2DOptions.
template <class Self>
class ConvSpec : public WindowSpec<Self> {
 public:
  Self& no_bias() {
    use_bias_ = false;
    return this->self();
  }
  Self& init(const InitSpec& init) {
    init_ = init;
    return this->self();
  }

 protected:
  Conv2DOptions conv_options() const {
    Conv2DOptions o;
    o.stride_h = this->stride_h_;
    o.stride_w = this->stride_w_;
    o.padding = this->padding_;
    o.pad_h = this->pad_h_;
    o.pad_w = this->pad_w_;
    o.use_bias = use_bias_;
    o.init = init_;
    return o;
  }

 private:
  bool use_bias_ = true;
  InitSpec init_ = Conv2DOptions{}.init;
};

class Conv2D final : public ConvSpec<Conv2D> {
 public:
  explicit Conv2D(size_t filters) : filters_(filters) {}
  Conv2D& kernel(size_t k) { return kernel(k, k); }
  Conv2D& kernel(size_t h, size_t w) {
    kernel_h_ = h;
    kernel_w_ = w;
    return *this;
  }
  std::unique_ptr<Layer> Make() const override {
    return std::make_unique<mote::Conv2D>(filters_, kernel_h_, kernel_w_, conv_options());
  }

 private:
  size_t filters_, kernel_h_ = 0, kernel_w_ = 0;  // kernel() is required: Prepare refuses 0
};

class DepthwiseConv2D final : public ConvSpec<DepthwiseConv2D> {
 public:
  explicit DepthwiseConv2D(size_t kernel) : kernel_h_(kernel), kernel_w_(kernel) {}
  DepthwiseConv2D(size_t kernel_h, size_t kernel_w) : kernel_h_(kernel_h), kernel_w_(kernel_w) {}
  std::unique_ptr<Layer> Make() const override {
    return std::make_unique<mote::DepthwiseConv2D>(kernel_h_, kernel_w_, conv_options());
  }

 private:
  size_t kernel_h_, kernel_w_;
};

// Pools: the stride defaults to the pool size (Keras), not 1.
template <class Self, class LayerClass>
class PoolSpec : public WindowSpec<Self> {
 public:
  PoolSpec(size_t pool_h, size_t pool_w) : pool_h_(pool_h), pool_w_(pool_w) {
    this->stride_h_ = pool_h;
    this->stride_w_ = pool_w;
  }
  std::unique_ptr<Layer> Make() const override {
    return std::make_unique<LayerClass>(pool_h_, pool_w_, this->stride_h_, this->stride_w_, this->padding_,
                                        this->pad_h_, this->pad_w_);
  }

 private:
  size_t pool_h_, pool_w_;
};

class MaxPool2D final : public PoolSpec<MaxPool2D, mote::MaxPool2D> {
 public:
  explicit MaxPool2D(size_t pool) : PoolSpec(pool, pool) {}
  MaxPool2D(size_t pool_h, size_t pool_w) : PoolSpec(pool_h, pool_w) {}
};

class AvgPool2D final : public PoolSpec<AvgPool2D, mote::AvgPool2D> {
 public:
  explicit AvgPool2D(size_t pool) : PoolSpec(pool, pool) {}
  AvgPool2D(size_t pool_h, size_t pool_w) : PoolSpec(pool_h, pool_w) {}
};

class Dense final : public Spec<Dense> {
 public:
  explicit Dense(size_t units) : units_(units) {}
  Dense& no_bias() {
    use_bias_ = false;
    return *this;
  }
  Dense& init(const InitSpec& init) {
    init_ = init;
    return *this;
  }
  std::unique_ptr<Layer> Make() const override { return std::make_unique<mote::Dense>(units_, use_bias_, init_); }

 private:
  size_t units_;
  bool use_bias_ = true;
  InitSpec init_{};
};

class BatchNorm final : public Spec<BatchNorm> {
 public:
  BatchNorm& momentum(float m) {
    o_.momentum = m;
    return *this;
  }
  BatchNorm& epsilon(float e) {
    o_.epsilon = e;
    return *this;
  }
  BatchNorm& no_scale() {  // gamma fixed at 1
    o_.scale = false;
    return *this;
  }
  BatchNorm& no_center() {  // beta fixed at 0
    o_.center = false;
    return *this;
  }
  std::unique_ptr<Layer> Make() const override { return std::make_unique<mote::BatchNorm>(o_); }

 private:
  BatchNormOptions o_{};
};

// Layers without options (or with one obvious one).
template <class LayerClass>
class PlainSpec final : public Spec<PlainSpec<LayerClass>> {
 public:
  std::unique_ptr<Layer> Make() const override { return std::make_unique<LayerClass>(); }
};
using ReLU = PlainSpec<mote::ReLU>;
using Sigmoid = PlainSpec<mote::Sigmoid>;
using Tanh = PlainSpec<mote::Tanh>;
using Softmax = PlainSpec<mote::Softmax>;
using Flatten = PlainSpec<mote::Flatten>;
using GlobalAveragePool = PlainSpec<mote::GlobalAveragePool>;
using Add = PlainSpec<mote::Add>;  // two inputs: Model::Add(Add(), {a, b})

class LeakyReLU final : public Spec<LeakyReLU> {
 public:
  LeakyReLU& alpha(float a) {
    alpha_ = a;
    return *this;
  }
  std::unique_ptr<Layer> Make() const override { return std::make_unique<mote::LeakyReLU>(alpha_); }

 private:
  float alpha_ = 0.01f;
};

// mote::Dropout takes the keep probability, Keras's Dropout the drop rate:
// the spec takes either, by name, so neither reading is a trap.
class Dropout final : public Spec<Dropout> {
 public:
  Dropout& rate(float drop) {
    keep_ = 1.0f - drop;
    return *this;
  }
  Dropout& keep(float keep) {
    keep_ = keep;
    return *this;
  }
  std::unique_ptr<Layer> Make() const override { return std::make_unique<mote::Dropout>(keep_); }

 private:
  float keep_ = 0.5f;
};

class GaussianNoise final : public Spec<GaussianNoise> {
 public:
  explicit GaussianNoise(float stddev) : stddev_(stddev) {}
  std::unique_ptr<Layer> Make() const override { return std::make_unique<mote::GaussianNoise>(stddev_); }

 private:
  float stddev_;
};

// Recurrent layers: input [T, F] per example.
template <class Self>
class RecurrentSpec : public Spec<Self> {
 public:
  explicit RecurrentSpec(size_t units) : units_(units) {}
  Self& return_sequences() {  // every state [T, units] instead of the last [units]
    o_.return_sequences = true;
    return this->self();
  }
  Self& no_bias() {
    o_.use_bias = false;
    return this->self();
  }
  Self& kernel_init(const InitSpec& init) {
    o_.kernel_init = init;
    return this->self();
  }
  Self& recurrent_init(const InitSpec& init) {
    o_.recurrent_init = init;
    return this->self();
  }

 protected:
  size_t units_;
  RecurrentOptions o_{};
};

class SimpleRNN final : public RecurrentSpec<SimpleRNN> {
 public:
  using RecurrentSpec::RecurrentSpec;
  std::unique_ptr<Layer> Make() const override { return std::make_unique<mote::SimpleRNN>(units_, o_); }
};

class GRU final : public RecurrentSpec<GRU> {
 public:
  using RecurrentSpec::RecurrentSpec;
  std::unique_ptr<Layer> Make() const override { return std::make_unique<mote::GRU>(units_, o_); }
};

class LSTM final : public RecurrentSpec<LSTM> {
 public:
  using RecurrentSpec::RecurrentSpec;
  LSTM& forget_bias(float b) {
    forget_bias_ = b;
    return *this;
  }
  std::unique_ptr<Layer> Make() const override { return std::make_unique<mote::LSTM>(units_, o_, forget_bias_); }

 private:
  float forget_bias_ = 1.0f;
};

}  // namespace layers

// A plain stack: an input of per-example shape `input` (e.g. {28, 28, 1}),
// then each layer fed by the one before, in order. `model` must be empty
// (kInvalidArgument otherwise). Shape errors surface at Prepare, as with
// Model::Add.
template <class... Specs>
Status Sequential(Model& model, const Shape& input, const Specs&... layer_specs) {
  static_assert(sizeof...(Specs) > 0, "Sequential needs at least one layer");
  if (model.node_count() != 0) return InvalidArgument("Sequential: the model must be empty");
  model.Input(input);
  const LayerSpec* specs[] = {&static_cast<const LayerSpec&>(layer_specs)...};
  for (const LayerSpec* spec : specs) model.Add(*spec);
  return Status::Ok();
}

// Losses and optimizers: each converts to the std::unique_ptr that
// Model::SetLoss / SetOptimizer take.
namespace losses {

class SoftmaxCrossEntropy {
 public:
  SoftmaxCrossEntropy& label_smoothing(float eps) {
    eps_ = eps;
    return *this;
  }
  operator std::unique_ptr<Loss>() const { return std::make_unique<mote::SoftmaxCrossEntropy>(eps_); }

 private:
  float eps_ = 0.0f;
};

class MeanSquaredError {
 public:
  operator std::unique_ptr<Loss>() const { return std::make_unique<mote::MeanSquaredError>(); }
};

class BinaryCrossEntropy {
 public:
  operator std::unique_ptr<Loss>() const { return std::make_unique<mote::BinaryCrossEntropy>(); }
};

}  // namespace losses

namespace optimizers {

class Sgd {
 public:
  operator std::unique_ptr<Optimizer>() const { return std::make_unique<mote::Sgd>(); }
};

class Momentum {
 public:
  explicit Momentum(float momentum = 0.9f) : momentum_(momentum) {}
  Momentum& nesterov() {
    nesterov_ = true;
    return *this;
  }
  operator std::unique_ptr<Optimizer>() const { return std::make_unique<mote::Momentum>(momentum_, nesterov_); }

 private:
  float momentum_;
  bool nesterov_ = false;
};

// Names as in Keras (beta_1, beta_2, epsilon); include/mote/optim/adam.h
// calls them rho1, rho2, delta after the book.
class Adam {
 public:
  Adam& beta_1(float b) {
    rho1_ = b;
    return *this;
  }
  Adam& beta_2(float b) {
    rho2_ = b;
    return *this;
  }
  Adam& epsilon(float e) {
    delta_ = e;
    return *this;
  }
  Adam& weight_decay(float w) {  // AdamW's decoupled decay
    weight_decay_ = w;
    return *this;
  }
  operator std::unique_ptr<Optimizer>() const {
    return std::make_unique<mote::Adam>(rho1_, rho2_, delta_, weight_decay_);
  }

 private:
  float rho1_ = 0.9f, rho2_ = 0.999f, delta_ = 1e-8f, weight_decay_ = 0.0f;
};

class RmsProp {
 public:
  RmsProp& rho(float r) {
    rho_ = r;
    return *this;
  }
  RmsProp& epsilon(float e) {
    delta_ = e;
    return *this;
  }
  RmsProp& momentum(float m) {  // > 0: the Nesterov variant (Algorithm 8.6)
    momentum_ = m;
    return *this;
  }
  operator std::unique_ptr<Optimizer>() const { return std::make_unique<mote::RmsProp>(rho_, delta_, momentum_); }

 private:
  float rho_ = 0.9f, delta_ = 1e-6f, momentum_ = 0.0f;
};

class AdaGrad {
 public:
  AdaGrad& epsilon(float e) {
    delta_ = e;
    return *this;
  }
  operator std::unique_ptr<Optimizer>() const { return std::make_unique<mote::AdaGrad>(delta_); }

 private:
  float delta_ = 1e-7f;
};

}  // namespace optimizers
}  // namespace mote
