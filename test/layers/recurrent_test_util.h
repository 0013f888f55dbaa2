// Shared by the SimpleRNN / LSTM / GRU tests: an independent double-precision
// reference of a recurrent layer's forward pass, written straight from the
// formulas (naive loops, no kernels), and the checks every cell runs.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include "layer_checks.h"
#include "mote/layers/recurrent.h"

namespace mote {
namespace testing {

struct RecurrentRef {
  size_t units, features, gates;
  const std::vector<float>& kernel;     // [G*H][F]
  const std::vector<float>& recurrent;  // [G*H][H]
  const std::vector<float>* bias;       // [G*H] or null

  // sum_k recurrent[g*H + j][k] * v[k]
  double RecurrentDot(size_t g, size_t j, const std::vector<double>& v) const {
    double s = 0;
    for (size_t k = 0; k < units; ++k) s += double(recurrent[(g * units + j) * units + k]) * v[k];
    return s;
  }
  // One step: xb[g*H + j] = U_g x + b_g; h (in: h_{t-1}, out: h_t), c the
  // cell's own carried state (zeros at the start, H values).
  using Cell = std::function<void(const RecurrentRef& ref, const std::vector<double>& xb, std::vector<double>& h,
                                  std::vector<double>& c)>;

  // Output [N, H] (last state) or [N, T, H] for input [N, T, F].
  std::vector<double> Run(const std::vector<float>& x, size_t batch, size_t steps, bool sequences,
                          const Cell& cell) const {
    std::vector<double> out;
    for (size_t b = 0; b < batch; ++b) {
      std::vector<double> h(units, 0.0), c(units, 0.0), xb(gates * units);
      for (size_t t = 0; t < steps; ++t) {
        for (size_t r = 0; r < gates * units; ++r) {
          double s = bias ? double((*bias)[r]) : 0.0;
          for (size_t f = 0; f < features; ++f) s += double(kernel[r * features + f]) * x[(b * steps + t) * features + f];
          xb[r] = s;
        }
        cell(*this, xb, h, c);
        if (sequences || t + 1 == steps) out.insert(out.end(), h.begin(), h.end());
      }
    }
    return out;
  }
};

inline double RefSigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// Parameter shapes and roles, output shapes of both modes.
template <typename L>
void ExpectRecurrentShapes(size_t gates) {
  RecurrentOptions last;
  L layer(4, last);
  LayerHarness h(layer, {Shape(2, 5, 3)});
  ASSERT_TRUE(h.status().ok()) << h.status().message();
  EXPECT_EQ(h.output_shape(), Shape(2, 4));
  ASSERT_EQ(h.params.size(), 3u);
  EXPECT_EQ(h.params[0].name, "kernel");
  EXPECT_EQ(h.params[0].shape, Shape(gates * 4, 3));
  EXPECT_EQ(h.params[0].role, ParamRole::kWeight);
  EXPECT_EQ(h.params[1].name, "recurrent_kernel");
  EXPECT_EQ(h.params[1].shape, Shape(gates * 4, 4));
  EXPECT_EQ(h.params[1].role, ParamRole::kWeight);
  EXPECT_EQ(h.params[2].name, "bias");
  EXPECT_EQ(h.params[2].shape, Shape(gates * 4));
  EXPECT_EQ(h.params[2].role, ParamRole::kBias);

  RecurrentOptions seq;
  seq.return_sequences = true;
  seq.use_bias = false;
  L layer2(4, seq);
  LayerHarness h2(layer2, {Shape(2, 5, 3)});
  ASSERT_TRUE(h2.status().ok());
  EXPECT_EQ(h2.output_shape(), Shape(2, 5, 4));
  EXPECT_EQ(h2.params.size(), 2u);
}

// Forward against the reference on every backend, both output modes, with and
// without bias, sizes off the SIMD widths.
template <typename L>
void ExpectMatchesReference(size_t gates, const RecurrentRef::Cell& cell) {
  const size_t batch = 3, steps = 6, features = 5, units = 7;
  for (bool sequences : {false, true})
    for (bool bias : {true, false}) {
      RecurrentOptions o;
      o.return_sequences = sequences;
      o.use_bias = bias;
      L layer(units, o);
      LayerHarness h(layer, {Shape(batch, steps, features)}, 5);
      ASSERT_TRUE(h.status().ok()) << h.status().message();
      RecurrentRef ref{units, features, gates, h.params[0].values, h.params[1].values,
                       bias ? &h.params[2].values : nullptr};
      const std::vector<double> want = ref.Run(h.inputs[0], batch, steps, sequences, cell);
      ASSERT_EQ(want.size(), h.output.size());
      for (const auto& c : BackendCases()) {
        SCOPED_TRACE(c.name + (sequences ? " sequences" : " last") + (bias ? " bias" : " no bias"));
        ScopedBackend backend(c);
        h.Forward(false);
        for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(h.output[i], want[i], 2e-6) << i;
      }
    }
}

// Finite-difference checks of input and parameter gradients over 6 steps,
// both output modes, with and without bias, and a batch smaller than planned.
template <typename L>
void ExpectRecurrentGradients() {
  for (bool sequences : {false, true})
    for (bool bias : {true, false}) {
      SCOPED_TRACE(std::string(sequences ? "sequences" : "last") + (bias ? " bias" : " no bias"));
      RecurrentOptions o;
      o.return_sequences = sequences;
      o.use_bias = bias;
      L layer(5, o);
      LayerHarness h(layer, {Shape(2, 6, 3)}, 11);
      ExpectGradientsMatch(h);
      auto make = [o] { return std::unique_ptr<Layer>(new L(5, o)); };
      ExpectSmallerBatchMatches(make, {Shape(4, 6, 3)}, 3, true);
    }
}

template <typename L>
void ExpectRecurrentPlanErrors() {
  L zero_units(0);
  EXPECT_EQ(PlanCode(zero_units, {Shape(2, 3, 4)}), StatusCode::kInvalidArgument);
  L layer(3);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 12)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 3, 4, 1)}), StatusCode::kShapeMismatch);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 0, 4)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 3, 0)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(2, 3, 4), Shape(2, 3, 4)}), StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanCode(layer, {Shape(size_t(1) << 40, size_t(1) << 20, 4)}), StatusCode::kOutOfRange);
  LayerHarness h(layer, {Shape(2, 12)});
  EXPECT_STREQ(h.status().message(), "recurrent layer: input must have rank 3 [N, T, features]");
}

}  // namespace testing
}  // namespace mote
