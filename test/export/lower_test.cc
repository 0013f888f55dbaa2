// LowerModel (src/export/lower.cc): which ops a model becomes, the folded
// batchnorm values, fusion only where it is exact, clear errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>

#include "export_test_util.h"
#include "mote/export.h"
#include "mote/layers.h"
#include "mote/lowering.h"
#include "mote/zoo.h"

namespace mote {
namespace {

using testing::Floats;
using testing::OpTypes;
using testing::PrepareForExport;
using testing::RandomizeModel;

constexpr float kInf = std::numeric_limits<float>::infinity();

std::unique_ptr<Conv2D> SameConv(size_t filters, bool bias) {
  Conv2DOptions o;
  o.padding = Padding::kSame;
  o.use_bias = bias;
  return std::make_unique<Conv2D>(filters, 3, 3, o);
}

TEST(LowerTest, SeedNetworkFoldsEveryBatchNormAndFusesEveryReLU) {
  Model model;
  ASSERT_TRUE(BuildSeedNetwork(model).ok());
  ASSERT_TRUE(model.Prepare(4).ok());
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  const std::vector<MoteOpType> want = {MOTE_OP_CONV2D, MOTE_OP_CONV2D, MOTE_OP_CONV2D,
                                        MOTE_OP_RESHAPE, MOTE_OP_DENSE, MOTE_OP_DENSE};
  EXPECT_EQ(OpTypes(g), want);
  EXPECT_EQ(g.ops[0].name, "conv1+bn1+act1");
  EXPECT_EQ(g.ops[4].name, "dense1+bn4+act4");
  for (int i : {0, 1, 2, 4}) {
    EXPECT_EQ(g.ops[size_t(i)].activation, MOTE_ACT_RELU);
    EXPECT_EQ(g.ops[size_t(i)].act_min, 0.0f);
    EXPECT_EQ(g.ops[size_t(i)].act_max, kInf);
  }
  EXPECT_EQ(g.ops[5].activation, MOTE_ACT_NONE);
  EXPECT_EQ(g.ops[5].act_min, -kInf);
  // conv1: 5x5 stride 2 "same" on 28x28 -> 14x14x10, pad 1 before (TensorFlow's rule).
  const ExportOp& c1 = g.ops[0];
  EXPECT_EQ(std::vector<int32_t>(c1.params, c1.params + 6), (std::vector<int32_t>{5, 5, 2, 2, 1, 1}));
  EXPECT_EQ(g.tensors[size_t(c1.inputs[1])].dims, (std::vector<uint32_t>{10, 5, 5, 1}));
  EXPECT_EQ(g.tensors[size_t(c1.output)].dims, (std::vector<uint32_t>{14, 14, 10}));
  EXPECT_EQ(g.tensors[size_t(g.ops[3].output)].dims, (std::vector<uint32_t>{3920}));
  EXPECT_EQ(g.tensors[size_t(g.outputs[0])].dims, (std::vector<uint32_t>{10}));
  ASSERT_EQ(g.inputs.size(), 1u);
  EXPECT_EQ(g.tensors[size_t(g.inputs[0])].dims, (std::vector<uint32_t>{28, 28, 1}));
}

TEST(LowerTest, FoldedWeightsAndBiasFollowTheFormula) {
  Model model;
  model.Input(Shape(5, 5, 2));
  model.Add(SameConv(3, true), {}, "conv");
  model.Add(std::make_unique<BatchNorm>(), {}, "bn");
  ASSERT_TRUE(PrepareForExport(model, 2).ok());
  RandomizeModel(model, 3);
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  ASSERT_EQ(OpTypes(g), std::vector<MoteOpType>{MOTE_OP_CONV2D});
  const NodeId conv = model.find("conv"), bn = model.find("bn");
  const float* w = model.node_param(conv, "kernel");
  const float* b = model.node_param(conv, "bias");
  const float* gamma = model.node_param(bn, "gamma");
  const float* beta = model.node_param(bn, "beta");
  const float* mean = model.node_state(bn, "moving_mean");
  const float* var = model.node_state(bn, "moving_variance");
  const std::vector<float> fw = Floats(g.tensors[size_t(g.ops[0].inputs[1])]);
  const std::vector<float> fb = Floats(g.tensors[size_t(g.ops[0].inputs[2])]);
  ASSERT_EQ(fw.size(), 3u * 18);
  ASSERT_EQ(fb.size(), 3u);
  for (size_t o = 0; o < 3; ++o) {
    const double scale = double(gamma[o]) / std::sqrt(double(var[o]) + 1e-3);
    for (size_t k = 0; k < 18; ++k) EXPECT_FLOAT_EQ(fw[o * 18 + k], float(w[o * 18 + k] * scale));
    EXPECT_FLOAT_EQ(fb[o], float((double(b[o]) - mean[o]) * scale + beta[o]));
  }
}

TEST(LowerTest, IdentityLayersVanishAndFoldingSeesThroughThem) {
  Model model;
  model.Input(Shape(6));
  model.Add(std::make_unique<Dense>(4), {}, "dense");
  model.Add(std::make_unique<Dropout>(0.5f), {}, "drop");
  model.Add(std::make_unique<BatchNorm>(), {}, "bn");
  model.Add(std::make_unique<GaussianNoise>(0.1f), {}, "noise");
  model.Add(std::make_unique<ReLU>(), {}, "relu");
  model.Add(std::make_unique<Softmax>(), {}, "softmax");
  ASSERT_TRUE(PrepareForExport(model, 2).ok());
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  EXPECT_EQ(OpTypes(g), (std::vector<MoteOpType>{MOTE_OP_DENSE, MOTE_OP_SOFTMAX}));
  EXPECT_EQ(g.ops[0].name, "dense+bn+relu");
  EXPECT_EQ(g.ops[0].act_min, 0.0f);
  // The tensor remembers the last node it stands for (calibration reads it).
  EXPECT_EQ(g.tensors[size_t(g.ops[0].output)].source, model.find("relu"));
}

TEST(LowerTest, BatchNormOnAnInputBecomesAChannelAffine) {
  Model model;
  model.Input(Shape(4, 4, 3));
  model.Add(std::make_unique<BatchNorm>(), {}, "bn");
  model.Add(std::make_unique<ReLU>(), {}, "relu");
  ASSERT_TRUE(PrepareForExport(model, 1).ok());
  RandomizeModel(model, 5);
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  ASSERT_EQ(OpTypes(g), std::vector<MoteOpType>{MOTE_OP_CHANNEL_AFFINE});
  EXPECT_EQ(g.ops[0].act_min, 0.0f);  // the ReLU fused into the affine
  const NodeId bn = model.find("bn");
  const std::vector<float> scale = Floats(g.tensors[size_t(g.ops[0].inputs[1])]);
  const std::vector<float> shift = Floats(g.tensors[size_t(g.ops[0].inputs[2])]);
  ASSERT_EQ(scale.size(), 3u);
  for (size_t c = 0; c < 3; ++c) {
    const double s = double(model.node_param(bn, "gamma")[c]) / std::sqrt(double(model.node_state(bn, "moving_variance")[c]) + 1e-3);
    EXPECT_FLOAT_EQ(scale[c], float(s));
    EXPECT_FLOAT_EQ(shift[c], float(model.node_param(bn, "beta")[c] - model.node_state(bn, "moving_mean")[c] * s));
  }
}

TEST(LowerTest, NoFusionIntoAnOutputOthersRead) {
  // conv feeds both the batchnorm and the add: folding would change what the add sees.
  Model model;
  const NodeId x = model.Input(Shape(4, 4, 2));
  const NodeId conv = model.Add(SameConv(2, true), {x}, "conv");
  const NodeId bn = model.Add(std::make_unique<BatchNorm>(), {conv}, "bn");
  model.Add(std::make_unique<Add>(), {conv, bn}, "add");
  model.Add(std::make_unique<ReLU>(), {}, "relu");
  ASSERT_TRUE(PrepareForExport(model, 1).ok());
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  EXPECT_EQ(OpTypes(g), (std::vector<MoteOpType>{MOTE_OP_CONV2D, MOTE_OP_CHANNEL_AFFINE, MOTE_OP_ADD}));
  EXPECT_EQ(g.ops[0].act_min, -kInf);
  EXPECT_EQ(g.ops[2].name, "add+relu");
  EXPECT_EQ(g.ops[2].act_min, 0.0f);
}

TEST(LowerTest, ReLUWithNothingToFuseIntoClampsThroughAnIdentityAffine) {
  Model model;
  model.Input(Shape(4, 4, 2));
  model.Add(std::make_unique<MaxPool2D>(2, 2, 2, 2), {}, "pool");
  model.Add(std::make_unique<ReLU>(), {}, "relu");
  model.Add(std::make_unique<GlobalAveragePool>(), {}, "gap");
  ASSERT_TRUE(PrepareForExport(model, 1).ok());
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  EXPECT_EQ(OpTypes(g), (std::vector<MoteOpType>{MOTE_OP_MAX_POOL2D, MOTE_OP_CHANNEL_AFFINE, MOTE_OP_GLOBAL_AVG_POOL}));
  EXPECT_EQ(std::vector<int32_t>(g.ops[0].params, g.ops[0].params + 6), (std::vector<int32_t>{2, 2, 2, 2, 0, 0}));
  EXPECT_EQ(Floats(g.tensors[size_t(g.ops[1].inputs[1])]), std::vector<float>(2, 1.0f));
  EXPECT_EQ(Floats(g.tensors[size_t(g.ops[1].inputs[2])]), std::vector<float>(2, 0.0f));
  EXPECT_EQ(g.ops[1].act_min, 0.0f);
  EXPECT_EQ(g.tensors[size_t(g.outputs[0])].dims, std::vector<uint32_t>{2});
}

// A layer defined outside the library: a ReLU that lowers to a standalone
// clamped affine instead of fusing.
class UnfusedReLU final : public Layer {
 public:
  const char* type() const override { return "UnfusedReLU"; }
  Status Plan(PlanContext& ctx, Shape* output_shape) override {
    *output_shape = ctx.input_shape(0);
    return Status::Ok();
  }
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs&) override {}
  void Backward(const BackwardArgs&) override {}
  Status Lower(LoweringContext& ctx) const override {
    const uint32_t c = uint32_t(ctx.input_shape(0).dim(0));
    const int scale = ctx.AddFloatConstant(ctx.node_name() + "/scale", {c}, std::vector<float>(c, 1.0f));
    const int shift = ctx.AddFloatConstant(ctx.node_name() + "/shift", {c}, std::vector<float>(c, 0.0f));
    ExportOp* op;
    MOTE_TRY(ctx.Emit(MOTE_OP_CHANNEL_AFFINE, {ctx.input(0), scale, shift}, &op));
    op->act_min = 0.0f;
    return Status::Ok();
  }
};

TEST(LowerTest, ALayerOutsideTheLibraryLowersItself) {
  Model model;
  model.Input(Shape(4));
  model.Add(std::make_unique<Dense>(3), {}, "dense");
  model.Add(std::make_unique<UnfusedReLU>(), {}, "clamp");
  ASSERT_TRUE(PrepareForExport(model, 1).ok());
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  EXPECT_EQ(OpTypes(g), (std::vector<MoteOpType>{MOTE_OP_DENSE, MOTE_OP_CHANNEL_AFFINE}));
  EXPECT_EQ(g.ops[1].name, "clamp");
  EXPECT_EQ(g.ops[1].act_min, 0.0f);
  EXPECT_EQ(g.tensors[size_t(g.ops[1].output)].dims, std::vector<uint32_t>{3});
}

TEST(LowerTest, TiedLayersExportTheSharedWeights) {
  Model model;
  model.Input(Shape(3));
  model.Add(std::make_unique<Dense>(3), {}, "first");
  model.Add(std::make_unique<Dense>(3), {}, "second");
  ASSERT_TRUE(model.TieParameters("second", "first").ok());
  ASSERT_TRUE(PrepareForExport(model, 1).ok());
  RandomizeModel(model, 4);
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  ASSERT_EQ(g.ops.size(), 2u);
  const std::vector<float> w0 = Floats(g.tensors[size_t(g.ops[0].inputs[1])]);
  EXPECT_EQ(w0, Floats(g.tensors[size_t(g.ops[1].inputs[1])]));
  const float* source = model.node_param(model.find("first"), "kernel");
  EXPECT_EQ(w0, std::vector<float>(source, source + 9));
}

// A layer outside the library without a Lower hook: the runtime has no op for it.
class NoRuntimeOp final : public Layer {
 public:
  const char* type() const override { return "NoRuntimeOp"; }
  Status Plan(PlanContext& ctx, Shape* output_shape) override {
    *output_shape = ctx.input_shape(0);
    return Status::Ok();
  }
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs&) override {}
  void Backward(const BackwardArgs&) override {}
};

TEST(LowerTest, LayersWithoutARuntimeOpAreNamed) {
  Model model;
  model.Input(Shape(3));
  model.Add(std::make_unique<Dense>(3), {}, "dense");
  model.Add(std::make_unique<NoRuntimeOp>(), {}, "leaky");
  ASSERT_TRUE(PrepareForExport(model, 1).ok());
  ExportGraph g;
  ExportReport report;
  const Status s = LowerModel(model, &g, &report);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_STREQ(s.message(), "export: a layer the runtime has no op for");
  EXPECT_EQ(report.failed_node, "leaky");
  EXPECT_EQ(report.failed_layer_type, "NoRuntimeOp");
  EXPECT_TRUE(g.ops.empty());
}

TEST(LowerTest, NeedsAPreparedModel) {
  Model model;
  model.Input(Shape(3));
  model.Add(std::make_unique<Dense>(3));
  ExportGraph g;
  EXPECT_EQ(LowerModel(model, &g).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LowerModel(model, nullptr).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
