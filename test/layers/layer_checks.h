// Checks shared by the layer tests (on top of LayerHarness):
//  - PlanCode: the StatusCode Plan returns for given input shapes;
//  - BackendCases: scalar plus every SIMD path, to run known-output tests on each;
//  - ExpectSmallerBatchMatches: a layer planned for a larger batch, run at a
//    smaller one, gives the results of a layer planned for exactly that batch
//    and leaves the rows past the batch untouched.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "kernels/kernel_test_util.h"
#include "layer_test_util.h"
#include "mote/layer.h"
#include "mote/layers/conv2d.h"

namespace mote {
namespace testing {

inline StatusCode PlanCode(Layer& layer, std::vector<Shape> shapes) {
  LayerHarness h(layer, std::move(shapes));
  return h.status().code();
}

inline std::vector<BackendCase> BackendCases() { return AllCases(); }

// Convolution options in one call (Conv2D and DepthwiseConv2D tests).
inline Conv2DOptions Opts(size_t sh, size_t sw, Padding padding, size_t ph = 0, size_t pw = 0, bool bias = true) {
  Conv2DOptions o;
  o.stride_h = sh;
  o.stride_w = sw;
  o.padding = padding;
  o.pad_h = ph;
  o.pad_w = pw;
  o.use_bias = bias;
  return o;
}

inline Shape WithBatch(const Shape& s, size_t n) {
  switch (s.rank()) {
    case 1: return Shape(n);
    case 2: return Shape(n, s.dim(1));
    case 3: return Shape(n, s.dim(1), s.dim(2));
    default: return Shape(n, s.dim(1), s.dim(2), s.dim(3));
  }
}

// Sets every input element to a value at least `margin` away from 0 and
// from every other element's magnitude pattern: v = sign * (margin + k * step),
// shuffled by the harness RNG order. Keeps finite differences off ReLU kinks
// and max-pool ties.
inline void SpreadInputs(LayerHarness& h, float margin = 0.05f, float step = 0.031f) {
  size_t k = 0;
  for (auto& in : h.inputs)
    for (float& v : in) {
      const float sign = v < 0 ? -1.0f : 1.0f;
      v = sign * (margin + step * float((k * 7919) % 97));
      ++k;
    }
}

// `make` returns a fresh std::unique_ptr<Layer> configured identically.
template <typename Make>
void ExpectSmallerBatchMatches(Make make, const std::vector<Shape>& max_shapes, size_t batch,
                               bool training = false) {
  SCOPED_TRACE("batch " + std::to_string(batch) + " of " + std::to_string(max_shapes[0].dim(0)));
  std::unique_ptr<Layer> big = make(), small = make();
  LayerHarness hb(*big, max_shapes);
  std::vector<Shape> small_shapes;
  for (const Shape& s : max_shapes) small_shapes.push_back(WithBatch(s, batch));
  LayerHarness hs(*small, small_shapes);
  ASSERT_TRUE(hb.status().ok()) << hb.status().message();
  ASSERT_TRUE(hs.status().ok()) << hs.status().message();
  ASSERT_EQ(hb.params.size(), hs.params.size());
  for (size_t p = 0; p < hb.params.size(); ++p) hs.params[p].values = hb.params[p].values;
  for (size_t i = 0; i < hb.inputs.size(); ++i)
    std::copy(hb.inputs[i].begin(), hb.inputs[i].begin() + long(hs.inputs[i].size()), hs.inputs[i].begin());
  std::copy(hb.probe.begin(), hb.probe.begin() + long(hs.probe.size()), hs.probe.begin());
  hs.Forward(training);
  hs.Backward(true);

  const float kSentinel = 1234.5f;
  std::fill(hb.output.begin(), hb.output.end(), kSentinel);
  hb.Forward(training, batch);
  for (size_t i = 0; i < hb.output.size(); ++i) {
    if (i < hs.output.size()) {
      ASSERT_NEAR(hb.output[i], hs.output[i], 1e-5f * std::max(1.0f, std::fabs(hs.output[i]))) << "output " << i;
    } else {
      ASSERT_EQ(hb.output[i], kSentinel) << "output row past the batch written, element " << i;
    }
  }

  // Backward at the smaller batch, by hand (LayerHarness::Backward uses the planned batch).
  std::vector<float> output_grad = hb.probe;
  std::vector<const float*> in;
  std::vector<float*> in_grads;
  for (size_t i = 0; i < hb.inputs.size(); ++i) {
    std::fill(hb.input_grads[i].begin(), hb.input_grads[i].end(), kSentinel);
    in.push_back(hb.inputs[i].data());
    in_grads.push_back(hb.input_grads[i].data());
  }
  for (auto& p : hb.params) std::fill(p.grads.begin(), p.grads.end(), 0.0f);
  std::vector<float> scratch((size_t(1) << 20) + 16);
  float* aligned = scratch.data() + ((64 - reinterpret_cast<uintptr_t>(scratch.data()) % 64) % 64) / sizeof(float);
  BackwardArgs args{batch, in.data(), hb.output.data(), output_grad.data(), in_grads.data(), aligned};
  big->Backward(args);
  for (size_t i = 0; i < hb.inputs.size(); ++i)
    for (size_t j = 0; j < hb.input_grads[i].size(); ++j) {
      if (j < hs.input_grads[i].size()) {
        ASSERT_NEAR(hb.input_grads[i][j], hs.input_grads[i][j],
                    1e-5f * std::max(1.0f, std::fabs(hs.input_grads[i][j])))
            << "input grad " << i << "[" << j << "]";
      } else {
        ASSERT_EQ(hb.input_grads[i][j], kSentinel) << "input grad row past the batch written";
      }
    }
  for (size_t p = 0; p < hb.params.size(); ++p)
    for (size_t j = 0; j < hb.params[p].grads.size(); ++j)
      ASSERT_NEAR(hb.params[p].grads[j], hs.params[p].grads[j], 1e-4f * std::max(1.0f, std::fabs(hs.params[p].grads[j])))
          << hb.params[p].name << "[" << j << "]";
}

// Runs the gradient check and reports the errors it measured.
inline void ExpectGradientsMatch(LayerHarness& h, bool training = false, double tolerance = 1e-3) {
  ASSERT_TRUE(h.status().ok()) << h.status().message();
  const LayerHarness::GradCheck g = h.CheckGradients(training);
  ::testing::Test::RecordProperty("max_input_error", std::to_string(g.max_input_error));
  ::testing::Test::RecordProperty("max_param_error", std::to_string(g.max_param_error));
  std::printf("    grad check: max input error %.3g, max param error %.3g\n", g.max_input_error,
              g.max_param_error);
  EXPECT_LE(g.max_input_error, tolerance) << g.worst;
  EXPECT_LE(g.max_param_error, tolerance) << g.worst;
}

}  // namespace testing
}  // namespace mote
