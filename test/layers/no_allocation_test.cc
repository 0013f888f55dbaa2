// Layer Forward / Backward allocate nothing (the rule: fixed allocation after
// Prepare), on every backend, at the planned batch and a smaller one. Plan and
// Bind may allocate (they run while a model is prepared).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "allocation_counter.h"
#include "layer_checks.h"
#include "mote/layers.h"

namespace mote {
namespace {

using testing::AllocationScope;
using testing::BackendCases;
using testing::LayerHarness;
using testing::ScopedBackend;

struct Case {
  std::string name;
  std::function<std::unique_ptr<Layer>()> make;
  std::vector<Shape> shapes;
};

std::vector<Case> Cases() {
  Conv2DOptions same;
  same.padding = Padding::kSame;
  same.stride_h = same.stride_w = 2;
  RecurrentOptions sequences;
  sequences.return_sequences = true;
  return {
      {"SimpleRNN", [] { return std::unique_ptr<Layer>(new SimpleRNN(5)); }, {Shape(4, 6, 3)}},
      {"LSTM", [] { return std::unique_ptr<Layer>(new LSTM(5)); }, {Shape(4, 6, 3)}},
      {"LSTM sequences", [sequences] { return std::unique_ptr<Layer>(new LSTM(5, sequences)); }, {Shape(4, 6, 3)}},
      {"GRU", [] { return std::unique_ptr<Layer>(new GRU(5)); }, {Shape(4, 6, 3)}},
      {"GRU sequences", [sequences] { return std::unique_ptr<Layer>(new GRU(5, sequences)); }, {Shape(4, 6, 3)}},
      {"Dense", [] { return std::unique_ptr<Layer>(new Dense(7)); }, {Shape(4, 3, 3, 2)}},
      {"Conv2D same", [same] { return std::unique_ptr<Layer>(new Conv2D(5, 3, 3, same)); }, {Shape(4, 7, 6, 3)}},
      {"Conv2D 1x1", [] { return std::unique_ptr<Layer>(new Conv2D(5, 1, 1)); }, {Shape(4, 3, 3, 4)}},
      {"DepthwiseConv2D same", [same] { return std::unique_ptr<Layer>(new DepthwiseConv2D(3, 3, same)); },
       {Shape(4, 7, 6, 19)}},
      {"MaxPool2D", [] { return std::unique_ptr<Layer>(new MaxPool2D(3, 3, 2, 2, Padding::kSame)); },
       {Shape(4, 5, 5, 3)}},
      {"AvgPool2D", [] { return std::unique_ptr<Layer>(new AvgPool2D(2, 2, 1, 1)); }, {Shape(4, 5, 5, 3)}},
      {"GlobalAveragePool", [] { return std::unique_ptr<Layer>(new GlobalAveragePool()); }, {Shape(4, 3, 3, 5)}},
      {"Flatten", [] { return std::unique_ptr<Layer>(new Flatten()); }, {Shape(4, 2, 2, 3)}},
      {"Add", [] { return std::unique_ptr<Layer>(new Add()); }, {Shape(4, 6), Shape(4, 6)}},
      {"ReLU", [] { return std::unique_ptr<Layer>(new ReLU()); }, {Shape(4, 9)}},
      {"LeakyReLU", [] { return std::unique_ptr<Layer>(new LeakyReLU()); }, {Shape(4, 9)}},
      {"Tanh", [] { return std::unique_ptr<Layer>(new Tanh()); }, {Shape(4, 9)}},
      {"Sigmoid", [] { return std::unique_ptr<Layer>(new Sigmoid()); }, {Shape(4, 9)}},
      {"Softmax", [] { return std::unique_ptr<Layer>(new Softmax()); }, {Shape(4, 9)}},
  };
}

TEST(LayersNoAllocationTest, ForwardAndBackward) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    std::unique_ptr<Layer> layer = c.make();
    LayerHarness h(*layer, c.shapes);
    ASSERT_TRUE(h.status().ok()) << h.status().message();
    h.Forward(true);  // first kernel calls may set up the backend table
    h.Backward(true);
    std::vector<const float*> in;
    std::vector<float*> in_grads;
    for (size_t i = 0; i < h.inputs.size(); ++i) {
      in.push_back(h.inputs[i].data());
      in_grads.push_back(h.input_grads[i].data());
    }
    std::vector<float> scratch(size_t(1) << 20);
    Rng rng(3);
    for (const auto& b : BackendCases()) {
      SCOPED_TRACE(b.name);
      ScopedBackend backend(b);
      for (size_t batch : {h.batch(), size_t(1)}) {
        ForwardArgs fwd{batch, in.data(), h.output.data(), true, &rng, scratch.data()};
        BackwardArgs bwd{batch, in.data(), h.output.data(), h.probe.data(), in_grads.data(), scratch.data()};
        AllocationScope scope;
        layer->Forward(fwd);
        layer->Backward(bwd);
        fwd.training = false;
        layer->Forward(fwd);
        fwd.predict = true;  // Conv2D and Dense: the row path
        layer->Forward(fwd);
        fwd.params_version = 1;  // Conv2D: packs its weights in panels, then reads the kept ones
        layer->Forward(fwd);
        layer->Forward(fwd);
        fwd.predict = false;
        fwd.params_version = 0;
        EXPECT_EQ(scope.count(), 0u) << "batch " << batch;
      }
    }
  }
}

}  // namespace
}  // namespace mote
