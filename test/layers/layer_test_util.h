// LayerHarness: plans, binds and runs ONE layer outside a Model, and checks
// its gradients against central finite differences of the scalar
//   L = sum_i output[i] * probe[i]          (probe: fixed random weights)
// with respect to every input element and every parameter.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "mote/init.h"
#include "mote/layer.h"
#include "mote/rng.h"
#include "mote/threads.h"

namespace mote {
namespace testing {

class LayerHarness : public PlanContext, public BindContext {
 public:
  struct Block {
    std::string name;
    Shape shape;
    ParamRole role = ParamRole::kWeight;
    std::vector<float> values, grads;
  };

  // input_shapes carry the batch as dim 0. Inputs, parameters and the probe
  // are filled with uniform values in [-1, 1) from `seed`.
  LayerHarness(Layer& layer, std::vector<Shape> input_shapes, uint64_t seed = 1)
      : layer_(layer), input_shapes_(std::move(input_shapes)), rng_(seed), layer_rng_(seed + 99) {
    status_ = layer_.Plan(*this, &output_shape_);
    if (!status_.ok()) return;
    for (const Shape& s : input_shapes_) {
      inputs.emplace_back(s.elements());
      input_grads.emplace_back(s.elements());
      for (float& v : inputs.back()) v = rng_.Uniform(-1.0f, 1.0f);
    }
    output.resize(output_shape_.elements());
    output_grad.resize(output.size());
    probe.resize(output.size());
    for (float& v : probe) v = rng_.Uniform(-1.0f, 1.0f);
    for (Block& p : params)
      for (float& v : p.values) v = rng_.Uniform(-1.0f, 1.0f);
    scratch_.resize(scratch_floats_ + 16);
    layer_.Bind(*this);
  }

  const Status& status() const { return status_; }
  const Shape& output_shape() const { return output_shape_; }
  size_t batch() const { return input_shapes_.empty() ? 1 : input_shapes_[0].dim(0); }

  // Runs Forward with the layer RNG reset, so dropout masks repeat;
  // `predict` as in ForwardArgs (inference only).
  void Forward(bool training, size_t batch_override = 0, bool predict = false) {
    std::vector<const float*> in;
    for (auto& v : inputs) in.push_back(v.data());
    layer_rng_.Seed(12345);
    ForwardArgs args{batch_override ? batch_override : batch(), in.data(), output.data(), training, &layer_rng_,
                     AlignedScratch()};
    args.predict = predict;
    SetPool(&args.pool, &args.worker_scratch, &args.worker_stride);
    layer_.Forward(args);
  }
  // Backward with output_grad = probe (dL/dout of the probe loss); param grads
  // are zeroed first (layers add into them).
  void Backward(bool want_input_grads = true) {
    for (Block& p : params) std::fill(p.grads.begin(), p.grads.end(), 0.0f);
    output_grad = probe;
    std::vector<const float*> in;
    std::vector<float*> in_grads;
    for (size_t i = 0; i < inputs.size(); ++i) {
      in.push_back(inputs[i].data());
      in_grads.push_back(want_input_grads ? input_grads[i].data() : nullptr);
    }
    BackwardArgs args{batch(), in.data(), output.data(), output_grad.data(), in_grads.data(), AlignedScratch()};
    SetPool(&args.pool, &args.worker_scratch, &args.worker_stride);
    layer_.Backward(args);
  }

  double ProbeLoss(bool training) {
    Forward(training);
    double l = 0;
    for (size_t i = 0; i < output.size(); ++i) l += double(output[i]) * probe[i];
    return l;
  }

  // Largest |analytic - numeric| / max(1, |numeric|) over every input element
  // and every parameter (at most `max_per_tensor` entries each, spread evenly).
  struct GradCheck {
    double max_input_error = 0, max_param_error = 0;
    std::string worst;
  };
  GradCheck CheckGradients(bool training, float eps = 1e-2f, size_t max_per_tensor = 200) {
    GradCheck result;
    Forward(training);
    Backward(true);
    std::vector<std::vector<float>> analytic_inputs = input_grads;
    std::vector<std::vector<float>> analytic_params;
    for (Block& p : params) analytic_params.push_back(p.grads);
    auto check = [&](std::vector<float>& values, const std::vector<float>& analytic, const std::string& what,
                     double* max_error) {
      const size_t stride = std::max<size_t>(1, values.size() / max_per_tensor);
      for (size_t i = 0; i < values.size(); i += stride) {
        const float saved = values[i];
        values[i] = saved + eps;
        const double plus = ProbeLoss(training);
        values[i] = saved - eps;
        const double minus = ProbeLoss(training);
        values[i] = saved;
        const double numeric = (plus - minus) / (2.0 * eps);
        const double error = std::fabs(analytic[i] - numeric) / std::max(1.0, std::fabs(numeric));
        if (error > *max_error) {
          *max_error = error;
          result.worst = what + "[" + std::to_string(i) + "] analytic " + std::to_string(analytic[i]) +
                         " numeric " + std::to_string(numeric);
        }
      }
    };
    for (size_t i = 0; i < inputs.size(); ++i)
      check(inputs[i], analytic_inputs[i], "input" + std::to_string(i), &result.max_input_error);
    for (size_t p = 0; p < params.size(); ++p)
      check(params[p].values, analytic_params[p], params[p].name, &result.max_param_error);
    return result;
  }

  std::vector<std::vector<float>> inputs, input_grads;
  std::vector<float> output, output_grad, probe;
  std::vector<Block> params, states, buffers;

  // ---- PlanContext ----
  int input_count() const override { return int(input_shapes_.size()); }
  const Shape& input_shape(int i) const override { return input_shapes_[size_t(i)]; }
  size_t max_batch() const override { return batch(); }
  ParamHandle AddParam(const char* name, const Shape& shape, ParamRole role, const InitSpec&, size_t,
                       size_t) override {
    Block b;
    b.name = name;
    b.shape = shape;
    b.role = role;
    b.values.resize(shape.elements());
    b.grads.resize(shape.elements());
    params.push_back(std::move(b));
    return ParamHandle{int(params.size()) - 1};
  }
  BufferHandle AddState(const char* name, size_t floats, float initial) override {
    Block b;
    b.name = name;
    b.values.assign(floats, initial);
    states.push_back(std::move(b));
    return BufferHandle{int(states.size()) - 1};
  }
  BufferHandle AddBuffer(size_t floats) override {
    Block b;
    b.values.resize(floats);
    buffers.push_back(std::move(b));
    return BufferHandle{int(buffers.size()) - 1};
  }
  void RequestScratch(size_t floats) override { scratch_floats_ = std::max(scratch_floats_, floats); }
  void RequestWorkerScratch(size_t floats) override { worker_floats_ = std::max(worker_floats_, floats); }
  // Runs Forward / Backward with `pool` (null: serially, the default).
  void UsePool(ThreadPool* pool) {
    pool_ = pool;
    worker_stride_ = (worker_floats_ + 15) / 16 * 16;
    worker_scratch_.assign(pool ? pool->threads() * worker_stride_ + 16 : 0, 0.0f);
  }

  // ---- BindContext ----
  float* param(ParamHandle h) const override { return const_cast<float*>(params[size_t(h.index)].values.data()); }
  float* grad(ParamHandle h) const override { return const_cast<float*>(params[size_t(h.index)].grads.data()); }
  float* state(BufferHandle h) const override { return const_cast<float*>(states[size_t(h.index)].values.data()); }
  float* buffer(BufferHandle h) const override {
    return const_cast<float*>(buffers[size_t(h.index)].values.data());
  }

 private:
  void SetPool(ThreadPool** pool, float** scratch, size_t* stride) {
    if (pool_ == nullptr) return;
    const uintptr_t p = reinterpret_cast<uintptr_t>(worker_scratch_.data());
    *pool = pool_;
    *scratch = worker_scratch_.data() + ((64 - p % 64) % 64) / sizeof(float);
    *stride = worker_stride_;
  }
  float* AlignedScratch() {
    const uintptr_t p = reinterpret_cast<uintptr_t>(scratch_.data());
    return scratch_.data() + ((64 - p % 64) % 64) / sizeof(float);
  }

  Layer& layer_;
  std::vector<Shape> input_shapes_;
  Rng rng_, layer_rng_;
  Status status_;
  Shape output_shape_;
  size_t scratch_floats_ = 0;
  std::vector<float> scratch_;
  ThreadPool* pool_ = nullptr;
  size_t worker_floats_ = 0, worker_stride_ = 0;
  std::vector<float> worker_scratch_;
};

// A layer's Forward (training or not) and Backward with pools of 1, 2, 3 and
// 8 threads give the pool-less run's outputs, states, parameter and input
// gradients bit for bit. `make` returns a new layer of the case; `what`
// names the case in failures.
template <class MakeLayer>
void ExpectSameResultsForEveryThreadCount(const MakeLayer& make, const std::vector<Shape>& shapes, bool training,
                                          const std::string& what) {
  std::vector<std::vector<float>> reference;
  for (size_t threads : {0, 1, 2, 3, 8}) {
    auto layer = make();
    LayerHarness h(*layer, shapes, 7);
    ASSERT_TRUE(h.status().ok()) << what;
    std::unique_ptr<ThreadPool> pool(threads ? new ThreadPool(threads) : nullptr);
    h.UsePool(pool.get());
    h.Forward(training);
    h.Backward(true);
    std::vector<std::vector<float>> got = {h.output};
    for (const std::vector<float>& g : h.input_grads) got.push_back(g);
    for (const LayerHarness::Block& p : h.params) got.push_back(p.grads);
    for (const LayerHarness::Block& st : h.states) got.push_back(st.values);
    if (threads == 0) {
      reference = got;
      continue;
    }
    ASSERT_EQ(got.size(), reference.size()) << what;
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].size(), reference[i].size()) << what;
      EXPECT_EQ(std::memcmp(got[i].data(), reference[i].data(), got[i].size() * sizeof(float)), 0)
          << what << ", " << threads << " threads, tensor " << i;
    }
  }
}

}  // namespace testing
}  // namespace mote
