// Models shared by the export tests, the pinned exported-bytes test and the
// fuzz corpus writer (no gtest here: test/fuzz/fuzz_corpus links without it).
#pragma once
#include <memory>

#include "mote/layers.h"
#include "mote/model.h"

namespace mote {
namespace testing {

inline std::unique_ptr<Conv2D> SameConv(size_t filters, size_t k, size_t stride, bool bias) {
  Conv2DOptions o;
  o.padding = Padding::kSame;
  o.stride_h = o.stride_w = stride;
  o.use_bias = bias;
  return std::make_unique<Conv2D>(filters, k, k, o);
}

// Every layer kind the runtime has an op for, folded and unfolded batchnorm,
// fused and standalone ReLU, identity layers, a residual add.
inline void BuildEveryKind(Model& model) {
  const NodeId x = model.Input(Shape(8, 8, 3));
  model.Add(std::make_unique<BatchNorm>(), {x}, "bn0");
  model.Add(std::make_unique<ReLU>(), {}, "relu0");
  Conv2DOptions dw;
  dw.padding = Padding::kSame;
  model.Add(std::make_unique<DepthwiseConv2D>(3, 3, dw), {}, "dw");
  model.Add(std::make_unique<BatchNorm>(), {}, "dw_bn");
  const NodeId a = model.Add(std::make_unique<ReLU>(), {}, "dw_relu");
  model.Add(SameConv(3, 3, 1, false), {a}, "c1");
  model.Add(std::make_unique<GaussianNoise>(0.1f), {}, "noise");
  const NodeId b = model.Add(std::make_unique<BatchNorm>(), {}, "c1_bn");
  model.Add(std::make_unique<Add>(), {a, b}, "add");
  model.Add(std::make_unique<ReLU>(), {}, "add_relu");
  model.Add(std::make_unique<MaxPool2D>(2, 2, 2, 2), {}, "max");
  const NodeId p = model.Add(std::make_unique<AvgPool2D>(3, 3, 1, 1, Padding::kSame), {}, "avg");
  model.Add(std::make_unique<GlobalAveragePool>(), {p}, "gap");
  model.Add(std::make_unique<Dropout>(0.5f), {}, "drop");
  model.Add(std::make_unique<Dense>(6), {}, "dense");
  model.Add(std::make_unique<BatchNorm>(), {}, "dense_bn");
  model.Add(std::make_unique<Softmax>(), {}, "softmax");
}

}  // namespace testing
}  // namespace mote
