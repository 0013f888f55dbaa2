// int8 quantization (src/export/quantize.cc): the numeric helpers exactly,
// calibration ranges, and the graph it makes of the seed network.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "export_test_util.h"
#include "mote/export.h"
#include "mote/layers.h"
#include "mote/zoo.h"

namespace mote {
namespace {

using testing::OpTypes;
using testing::PrepareForExport;
using testing::RandomizeModel;
using testing::Values;

TEST(QuantizeTest, MultiplierAndShiftInTheFormatsRanges) {
  int32_t m = 0, s = 0;
  ASSERT_TRUE(QuantizeMultiplier(0.5, &m, &s).ok());
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(s, 31);
  ASSERT_TRUE(QuantizeMultiplier(1.0, &m, &s).ok());
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(s, 30);
  // Just below a power of two: the mantissa rounds up to 2^31 and renormalises.
  ASSERT_TRUE(QuantizeMultiplier(0.25 * (1.0 - 1e-12), &m, &s).ok());
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(s, 32);
  for (double real : {0.0123, 0.9999, 3.7, 1e-6, 1000.0}) {
    ASSERT_TRUE(QuantizeMultiplier(real, &m, &s).ok());
    EXPECT_GE(m, 1 << 30);
    EXPECT_GE(s, 1);
    EXPECT_LE(s, 62);
    EXPECT_NEAR(double(m) * std::ldexp(1.0, -s), real, real * 1e-9);
  }
  EXPECT_EQ(QuantizeMultiplier(0.0, &m, &s).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(QuantizeMultiplier(-1.0, &m, &s).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(QuantizeMultiplier(std::ldexp(1.0, 30), &m, &s).code(), StatusCode::kOutOfRange);
  ASSERT_TRUE(QuantizeMultiplier(std::ldexp(1.0, -40), &m, &s).ok());  // below 2^-32: the smallest
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(s, 62);
}

TEST(QuantizeTest, ActivationParamsCoverTheRangeAndZeroExactly) {
  float scale;
  int32_t zp;
  ChooseActivationParams(-1.0f, 3.0f, &scale, &zp);
  EXPECT_FLOAT_EQ(scale, 4.0f / 255);
  EXPECT_EQ(zp, -64);  // -128 + 1 / scale = -64.25 -> -64
  ChooseActivationParams(0.0f, 6.0f, &scale, &zp);  // ReLU outputs: 0 is q = -128
  EXPECT_FLOAT_EQ(scale, 6.0f / 255);
  EXPECT_EQ(zp, -128);
  ChooseActivationParams(-2.0f, -1.0f, &scale, &zp);  // widened to include 0: 0 is q = 127
  EXPECT_FLOAT_EQ(scale, 2.0f / 255);
  EXPECT_EQ(zp, 127);
  ChooseActivationParams(0.0f, 0.0f, &scale, &zp);  // nothing but zeros
  EXPECT_EQ(scale, 1.0f);
  EXPECT_EQ(zp, 0);
}

TEST(QuantizeTest, CalibrationRecordsEveryActivationsRange) {
  Model model;
  model.Input(Shape(2));
  model.Add(std::make_unique<Dense>(2), {}, "dense");
  model.Add(std::make_unique<ReLU>(), {}, "relu");
  ASSERT_TRUE(PrepareForExport(model, 2).ok());
  // y = relu([x0 - x1, 2 x0]) (bias 0).
  const float w[4] = {1, -1, 2, 0};
  float* p = const_cast<float*>(model.node_param(model.find("dense"), "kernel"));
  std::copy(w, w + 4, p);
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  const float x[10] = {1, 2, 3, -1, -2, 0.5f, 0.25f, 0.25f, 4, 1};  // 5 examples: 3 batches of <= 2
  std::vector<std::pair<float, float>> ranges;
  ASSERT_TRUE(CalibrateRanges(model, g, {x}, 5, &ranges).ok());
  const auto in = ranges[size_t(g.inputs[0])], out = ranges[size_t(g.outputs[0])];
  EXPECT_EQ(in.first, -2.0f);
  EXPECT_EQ(in.second, 4.0f);
  EXPECT_EQ(out.first, 0.0f);
  EXPECT_EQ(out.second, 8.0f);
  EXPECT_EQ(CalibrateRanges(model, g, {}, 5, &ranges).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CalibrateRanges(model, g, {x}, 0, &ranges).code(), StatusCode::kInvalidArgument);
}

TEST(QuantizeTest, SeedNetworkBecomesInt8BetweenAQuantizeAndADequantize) {
  Model model;
  ASSERT_TRUE(BuildSeedNetwork(model).ok());
  ASSERT_TRUE(model.Prepare(8).ok());
  RandomizeModel(model, 9);
  Rng rng(4);
  std::vector<float> images(8 * 784);
  for (float& v : images) v = rng.Uniform(0.0f, 1.0f);
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  std::vector<std::pair<float, float>> ranges;
  ASSERT_TRUE(CalibrateRanges(model, g, {images.data()}, 8, &ranges).ok());
  ASSERT_TRUE(QuantizeGraph(ranges, &g).ok());
  const std::vector<MoteOpType> want = {MOTE_OP_QUANTIZE, MOTE_OP_CONV2D, MOTE_OP_CONV2D, MOTE_OP_CONV2D,
                                        MOTE_OP_RESHAPE, MOTE_OP_DENSE, MOTE_OP_DENSE, MOTE_OP_DEQUANTIZE};
  ASSERT_EQ(OpTypes(g), want);
  EXPECT_TRUE(g.int8);
  EXPECT_EQ(g.tensors[size_t(g.inputs[0])].dtype, MOTE_DTYPE_F32);
  EXPECT_EQ(g.tensors[size_t(g.outputs[0])].dtype, MOTE_DTYPE_F32);
  for (size_t i = 1; i <= 6; ++i) {
    const ExportOp& op = g.ops[i];
    const ExportTensor& y = g.tensors[size_t(op.output)];
    EXPECT_EQ(y.dtype, MOTE_DTYPE_I8);
    EXPECT_GT(y.scale, 0.0f);
    if (op.type == MOTE_OP_RESHAPE) {
      EXPECT_EQ(y.scale, g.tensors[size_t(op.inputs[0])].scale);
      continue;
    }
    ASSERT_EQ(op.inputs.size(), 4u);
    const ExportTensor& w = g.tensors[size_t(op.inputs[1])];
    const ExportTensor& b = g.tensors[size_t(op.inputs[2])];
    const ExportTensor& rq = g.tensors[size_t(op.inputs[3])];
    EXPECT_EQ(w.dtype, MOTE_DTYPE_I8);
    EXPECT_EQ(b.dtype, MOTE_DTYPE_I32);
    EXPECT_EQ(rq.dtype, MOTE_DTYPE_I32);
    const size_t channels = b.elements();
    EXPECT_EQ(rq.elements(), 2 * channels);
    // Symmetric per channel: each channel reaches +-127 exactly.
    const std::vector<int8_t> q = Values<int8_t>(w);
    const size_t k = q.size() / channels;
    for (size_t c = 0; c < channels; ++c) {
      int peak = 0;
      for (size_t j = 0; j < k; ++j) peak = std::max(peak, std::abs(int(q[c * k + j])));
      EXPECT_EQ(peak, 127) << op.name << " channel " << c;
    }
    const std::vector<int32_t> table = Values<int32_t>(rq);
    for (size_t c = 0; c < channels; ++c) {
      EXPECT_GE(table[c], 1 << 30);
      EXPECT_GE(table[channels + c], 1);
      EXPECT_LE(table[channels + c], 62);
    }
    // ReLU ops clamp at the output zero point, the logits do not clamp.
    if (op.activation == MOTE_ACT_RELU) {
      EXPECT_EQ(op.act_min, float(std::max(-128, y.zero_point)));
    } else {
      EXPECT_EQ(op.act_min, -128.0f);
    }
    EXPECT_EQ(op.act_max, 127.0f);
  }
  // Only the tensors the int8 graph uses remain (the float weights are gone).
  for (const ExportTensor& t : g.tensors)
    if (t.kind == MOTE_TENSOR_CONSTANT) {
      EXPECT_NE(t.dtype, MOTE_DTYPE_F32) << t.name;
    }
}

// A diverged model (a NaN or infinite weight or bias) is refused with a
// message saying so, before any value is rounded (llround(NaN) is undefined).
TEST(QuantizeTest, RefusesNonFiniteParameters) {
  for (const float bad : {std::nanf(""), INFINITY, -INFINITY})
    for (const ParamRole role : {ParamRole::kWeight, ParamRole::kBias}) {
      Model model;
      ASSERT_TRUE(BuildSeedNetwork(model).ok());
      ASSERT_TRUE(model.Prepare(4).ok());
      RandomizeModel(model, 9);
      std::vector<float> images(4 * 784, 0.5f);
      ExportGraph g;
      ASSERT_TRUE(LowerModel(model, &g).ok());
      std::vector<std::pair<float, float>> ranges;
      ASSERT_TRUE(CalibrateRanges(model, g, {images.data()}, 4, &ranges).ok());
      // The last parameter of that role (the logits' weight or bias) in the lowered graph.
      size_t poisoned = 0;
      for (size_t t = 0; t < g.tensors.size(); ++t) {
        const ExportTensor& x = g.tensors[t];
        if (x.kind == MOTE_TENSOR_CONSTANT && (x.dims.size() == 1) == (role == ParamRole::kBias)) poisoned = t;
      }
      std::memcpy(g.tensors[poisoned].data.data(), &bad, sizeof(bad));
      const Status s = QuantizeGraph(ranges, &g);
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
      EXPECT_NE(std::strstr(s.message(), "NaN or infinite"), nullptr) << s.message();
      EXPECT_FALSE(g.int8);
    }
}

TEST(QuantizeTest, FloatOnlyOpsGetDequantizedInputs) {
  Model model;
  model.Input(Shape(6));
  model.Add(std::make_unique<Dense>(4), {}, "dense");
  model.Add(std::make_unique<Softmax>(), {}, "softmax");
  ASSERT_TRUE(PrepareForExport(model, 2).ok());
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  const float x[12] = {1, 2, 3, 4, 5, 6, -1, -2, -3, 0, 1, 2};
  std::vector<std::pair<float, float>> ranges;
  ASSERT_TRUE(CalibrateRanges(model, g, {x}, 2, &ranges).ok());
  ASSERT_TRUE(QuantizeGraph(ranges, &g).ok());
  EXPECT_EQ(OpTypes(g), (std::vector<MoteOpType>{MOTE_OP_QUANTIZE, MOTE_OP_DENSE, MOTE_OP_DEQUANTIZE, MOTE_OP_SOFTMAX}));
  EXPECT_EQ(g.tensors[size_t(g.outputs[0])].dtype, MOTE_DTYPE_F32);
  EXPECT_EQ(QuantizeGraph(ranges, &g).code(), StatusCode::kInvalidArgument);  // twice
}

// Parameters given (a quantized ONNX model's) replace calibration: the
// activations keep them, the kernel becomes exactly its integers (-128
// included), and what cannot be represented is refused with its name.
TEST(QuantizeTest, FixedParametersAreUsedAsGiven) {
  Model model;
  model.Input(Shape(2), "input");
  const NodeId dense = model.Add(std::make_unique<Dense>(2), {}, "dense");
  ASSERT_TRUE(PrepareForExport(model, 1).ok());
  float* kernel = const_cast<float*>(model.node_param(dense, "kernel"));  // [units][features]
  const float k[4] = {0.1f * 3, 0.1f * -128, 0.25f * 127, 0.25f * -7};
  std::memcpy(kernel, k, sizeof(k));
  FixedQuantization fixed;
  fixed.activations = {{"input", 0.5f, 3}, {"dense", 0.25f, -10}};
  fixed.weights = {{"dense", {0.1f, 0.25f}}};
  auto quantize = [&](const FixedQuantization& f, ExportGraph* g) {
    EXPECT_TRUE(LowerModel(model, g).ok());
    return QuantizeGraph({}, f, model, g);
  };
  ExportGraph g;
  const Status ok = quantize(fixed, &g);
  ASSERT_TRUE(ok.ok()) << ok.message();
  ASSERT_EQ(OpTypes(g), (std::vector<MoteOpType>{MOTE_OP_QUANTIZE, MOTE_OP_DENSE, MOTE_OP_DEQUANTIZE}));
  const ExportOp& op = g.ops[1];
  EXPECT_EQ(g.tensors[size_t(op.inputs[0])].scale, 0.5f);
  EXPECT_EQ(g.tensors[size_t(op.inputs[0])].zero_point, 3);
  EXPECT_EQ(g.tensors[size_t(op.output)].scale, 0.25f);
  EXPECT_EQ(g.tensors[size_t(op.output)].zero_point, -10);
  const ExportTensor& w = g.tensors[size_t(op.inputs[1])];
  ASSERT_EQ(w.data.size(), 4u);
  EXPECT_EQ(std::vector<int8_t>(w.data.begin(), w.data.end()), (std::vector<int8_t>{3, -128, 127, -7}));

  FixedQuantization missing = fixed;
  missing.activations.pop_back();
  ExportGraph g2;
  Status s = quantize(missing, &g2);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("'dense'"), std::string::npos) << s.message();
  FixedQuantization off_grid = fixed;
  off_grid.weights[0].scales = {0.1f, 0.3f};
  s = quantize(off_grid, &g2);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(std::string(s.message()).find("dense/kernel"), std::string::npos) << s.message();
  FixedQuantization bad_zero_point = fixed;
  bad_zero_point.activations[0].zero_point = 200;  // uint8, not converted
  EXPECT_EQ(quantize(bad_zero_point, &g2).code(), StatusCode::kInvalidArgument);
  FixedQuantization unknown = fixed;
  unknown.activations[0].node = "nothing";
  EXPECT_EQ(quantize(unknown, &g2).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mote
