// Export end to end (src/export/*, run by src/runtime): exported models give
// the training library's inference outputs on the runtime, the planned arena
// is exactly what the runtime needs, int8 agrees with fp32, C array and
// inspect report what the file holds.
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

#include "export_models.h"
#include "export_test_util.h"
#include "mote/data.h"
#include "mote/export.h"
#include "mote/host_runtime.h"
#include "mote/inspect.h"
#include "mote/layers.h"
#include "mote/rt.h"
#include "mote/zoo.h"

namespace mote {
namespace {

using testing::PrepareForExport;
using testing::RandomizeModel;
using testing::SameConv;

// Largest |library - runtime| over `count` random examples in [-1, 1).
double MaxDifference(Model& model, const std::vector<uint8_t>& bytes, size_t count, uint64_t seed) {
  HostRuntime rt;
  const Status loaded = rt.Load(bytes.data(), bytes.size());
  EXPECT_TRUE(loaded.ok()) << loaded.message();
  const size_t in = model.input_size(), out = model.output_size();
  EXPECT_EQ(rt.input_elements(), in);
  EXPECT_EQ(rt.output_elements(), out);
  Rng rng(seed);
  std::vector<float> x(count * in), want(count * out), got(count * out);
  for (float& v : x) v = rng.Uniform(-1.0f, 1.0f);
  for (size_t i = 0; i < count; i += model.max_batch())
    EXPECT_TRUE(model.Predict(x.data() + i * in, x.size() - i * in, std::min(model.max_batch(), count - i),
                              want.data() + i * out, want.size() - i * out).ok());
  EXPECT_TRUE(rt.RunBatch(x.data(), x.size(), count, got.data(), got.size()).ok());
  double diff = 0;
  for (size_t i = 0; i < want.size(); ++i) diff = std::max(diff, std::fabs(double(want[i]) - got[i]));
  return diff;
}

std::vector<uint8_t> Export(Model& model, ExportOptions options = ExportOptions{}) {
  std::vector<uint8_t> bytes;
  ExportReport report;
  const Status s = ExportModel(model, options, &bytes, &report);
  EXPECT_TRUE(s.ok()) << s.message() << " " << report.failed_node;
  EXPECT_EQ(report.model_bytes, bytes.size());
  return bytes;
}

// int8 export calibrated on `count` examples drawn uniformly from [-1, 1].
std::vector<uint8_t> ExportInt8OnRandomInputs(Model& model, size_t count, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> calibration(count * model.input_size(0));
  for (float& v : calibration) v = rng.Uniform(-1.0f, 1.0f);
  ExportOptions options;
  options.int8 = true;
  options.calibration = {calibration.data()};
  options.calibration_count = count;
  return Export(model, options);
}


// A diverged model is not exported, fp32 or int8: NaN or infinity in a weight,
// a bias or a batchnorm statistic (folded into the weights).
TEST(ExportTest, RefusesNonFiniteParameters) {
  for (const bool int8 : {false, true})
    for (const bool in_state : {false, true}) {
      Model model;
      ASSERT_TRUE(BuildSeedNetwork(model).ok());
      ASSERT_TRUE(model.Prepare(4).ok());
      RandomizeModel(model, 3);
      Model::Writer values = in_state ? model.mutable_state() : model.mutable_params();
      values[in_state ? 1 : model.param_infos()[model.param_infos().size() / 2].offset] = in_state ? std::nanf("") : INFINITY;
      std::vector<float> calibration(4 * 784, 0.5f);
      ExportOptions options;
      options.int8 = int8;
      options.calibration = {calibration.data()};
      options.calibration_count = 4;
      std::vector<uint8_t> bytes;
      const Status s = ExportModel(model, options, &bytes);
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << int8 << in_state;
      EXPECT_NE(std::strstr(s.message(), "NaN or infinite"), nullptr) << s.message();
    }
}

TEST(ExportTest, FoldedConvBatchNormReLUMatchesTheLayerByLayerForward) {
  Model model;
  model.Input(Shape(7, 6, 3));
  model.Add(SameConv(4, 3, 2, true), {}, "conv");
  model.Add(std::make_unique<BatchNorm>(), {}, "bn");
  model.Add(std::make_unique<ReLU>(), {}, "relu");
  ASSERT_TRUE(PrepareForExport(model, 4).ok());
  RandomizeModel(model, 21);
  const std::vector<uint8_t> bytes = Export(model);
  EXPECT_LE(MaxDifference(model, bytes, 16, 1), 1e-5);
}

TEST(ExportTest, EveryLoweredLayerKindMatchesTheLibrary) {
  // Standalone BN, pools, dense + BN, softmax, a ReLU with nothing to fuse into.
  Model model;
  model.Input(Shape(8, 8, 2));
  model.Add(std::make_unique<BatchNorm>(), {}, "bn0");
  model.Add(SameConv(6, 3, 1, false), {}, "conv");
  model.Add(std::make_unique<MaxPool2D>(2, 2, 2, 2), {}, "max");
  model.Add(std::make_unique<ReLU>(), {}, "relu");
  model.Add(std::make_unique<AvgPool2D>(3, 3, 1, 1, Padding::kSame), {}, "avg");
  model.Add(std::make_unique<Dropout>(0.5f), {}, "drop");
  model.Add(std::make_unique<Flatten>(), {}, "flat");
  model.Add(std::make_unique<Dense>(7), {}, "dense");
  model.Add(std::make_unique<BatchNorm>(), {}, "bn1");
  model.Add(std::make_unique<Softmax>(), {}, "softmax");
  ASSERT_TRUE(PrepareForExport(model, 4).ok());
  RandomizeModel(model, 5);
  EXPECT_LE(MaxDifference(model, Export(model), 12, 2), 1e-5);
}

TEST(ExportTest, DepthwiseWithFoldedBatchNormMatchesTheLibrary) {
  Model model;
  model.Input(Shape(7, 7, 5));
  Conv2DOptions o;
  o.padding = Padding::kSame;
  o.stride_h = o.stride_w = 2;
  model.Add(std::make_unique<DepthwiseConv2D>(3, 3, o), {}, "dw");
  model.Add(std::make_unique<BatchNorm>(), {}, "bn");
  model.Add(std::make_unique<ReLU>(), {}, "relu");
  model.Add(SameConv(4, 1, 1, true), {}, "pointwise");
  ASSERT_TRUE(PrepareForExport(model, 4).ok());
  RandomizeModel(model, 13);
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  ASSERT_EQ(testing::OpTypes(g), (std::vector<MoteOpType>{MOTE_OP_DEPTHWISE_CONV2D, MOTE_OP_CONV2D}));
  EXPECT_EQ(g.ops[0].name, "dw+bn+relu");
  EXPECT_LE(MaxDifference(model, Export(model), 12, 4), 1e-5);
  // int8: per-channel weights along the depthwise kernel's last axis; the
  // result stays within a few quantization steps of the library's.
  const std::vector<uint8_t> bytes = ExportInt8OnRandomInputs(model, 16, 6);
  EXPECT_LE(MaxDifference(model, bytes, 12, 4), 0.15);  // outputs span about +-3 (a wrong channel axis: ~1)
}

// A bounded ReLU (max_value, ReLU6) is the fused op's clamp [0, max_value]:
// into a conv, and on its own (after a pool) through CHANNEL_AFFINE; fp32
// exact, int8 within a quantization step or two.
TEST(ExportTest, BoundedReLUIsTheFusedClampFp32AndInt8) {
  Model model;
  model.Input(Shape(6, 6, 2));
  model.Add(SameConv(4, 3, 1, true), {}, "conv");
  model.Add(std::make_unique<ReLU>(0.5f), {}, "relu_half");
  model.Add(std::make_unique<MaxPool2D>(2, 2, 2, 2), {}, "pool");
  model.Add(std::make_unique<ReLU>(0.375f), {}, "relu_alone");
  model.Add(std::make_unique<Flatten>(), {}, "flat");
  model.Add(std::make_unique<Dense>(5), {}, "dense");
  model.Add(std::make_unique<ReLU>(6.0f), {}, "relu6");
  model.Add(std::make_unique<Dense>(3), {}, "logits");
  ASSERT_TRUE(PrepareForExport(model, 4).ok());
  RandomizeModel(model, 17);
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  ASSERT_EQ(testing::OpTypes(g), (std::vector<MoteOpType>{MOTE_OP_CONV2D, MOTE_OP_MAX_POOL2D, MOTE_OP_CHANNEL_AFFINE,
                                                           MOTE_OP_RESHAPE, MOTE_OP_DENSE, MOTE_OP_DENSE}));
  EXPECT_EQ(g.ops[0].name, "conv+relu_half");
  EXPECT_EQ(g.ops[0].act_min, 0.0f);
  EXPECT_EQ(g.ops[0].act_max, 0.5f);
  EXPECT_EQ(g.ops[0].activation, MOTE_ACT_RELU);
  EXPECT_EQ(g.ops[2].act_max, 0.375f);
  EXPECT_EQ(g.ops[4].act_max, 6.0f);
  EXPECT_EQ(g.ops[4].activation, MOTE_ACT_RELU6);
  // The library's outputs do clip: inputs of +-1 through these weights pass 0.5.
  Rng rng(3);
  std::vector<float> x(4 * 72);
  for (float& v : x) v = rng.Uniform(-1.0f, 1.0f);
  std::vector<float> y(4 * 3);
  ASSERT_TRUE(model.Predict(x.data(), x.size(), 4, y.data(), y.size()).ok());
  const float* clipped = model.node_output(model.find("relu_half"));
  EXPECT_EQ(*std::max_element(clipped, clipped + 4 * 144), 0.5f);
  EXPECT_LE(MaxDifference(model, Export(model), 12, 8), 1e-5);
  EXPECT_LE(MaxDifference(model, ExportInt8OnRandomInputs(model, 16, 9), 12, 8), 0.05);
}

// Sigmoid, Tanh and LeakyReLU become their runtime ops (nothing fused):
// fp32 as the library; int8 runs them in float between dequantize and
// quantize, within a few quantization steps.
TEST(ExportTest, SigmoidTanhLeakyReLUOpsMatchTheLibrary) {
  Model model;
  model.Input(Shape(5, 4, 3));
  model.Add(SameConv(4, 3, 1, true), {}, "conv");
  model.Add(std::make_unique<LeakyReLU>(0.15f), {}, "leaky");
  model.Add(std::make_unique<Flatten>(), {}, "flat");
  model.Add(std::make_unique<Dense>(6), {}, "dense");
  model.Add(std::make_unique<Tanh>(), {}, "tanh");
  model.Add(std::make_unique<Dense>(3), {}, "logits");
  model.Add(std::make_unique<Sigmoid>(), {}, "sigmoid");
  ASSERT_TRUE(PrepareForExport(model, 4).ok());
  RandomizeModel(model, 23);
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  ASSERT_EQ(testing::OpTypes(g),
            (std::vector<MoteOpType>{MOTE_OP_CONV2D, MOTE_OP_LEAKY_RELU, MOTE_OP_RESHAPE, MOTE_OP_DENSE, MOTE_OP_TANH,
                                     MOTE_OP_DENSE, MOTE_OP_SIGMOID}));
  float alpha = 0;
  std::memcpy(&alpha, &g.ops[1].params[0], sizeof(alpha));
  EXPECT_EQ(alpha, 0.15f);
  EXPECT_LE(MaxDifference(model, Export(model), 12, 10), 1e-5);
  EXPECT_LE(MaxDifference(model, ExportInt8OnRandomInputs(model, 16, 11), 12, 10), 0.05);
}

// x -> conv-bn-relu -> conv-bn, + x's conv branch -> relu -> global pool -> dense.
void BuildResidual(Model& model) {
  const NodeId x = model.Input(Shape(6, 6, 3));
  const NodeId a = model.Add(SameConv(4, 3, 1, true), {x}, "stem");
  const NodeId r = model.Add(std::make_unique<ReLU>(), {a}, "stem_relu");
  model.Add(SameConv(4, 3, 1, false), {r}, "c1");
  model.Add(std::make_unique<BatchNorm>(), {}, "bn1");
  model.Add(std::make_unique<ReLU>(), {}, "relu1");
  model.Add(SameConv(4, 3, 1, false), {}, "c2");
  const NodeId b = model.Add(std::make_unique<BatchNorm>(), {}, "bn2");
  model.Add(std::make_unique<Add>(), {r, b}, "add");
  model.Add(std::make_unique<ReLU>(), {}, "add_relu");
  model.Add(std::make_unique<GlobalAveragePool>(), {}, "gap");
  model.Add(std::make_unique<Dense>(3), {}, "head");
}

TEST(ExportTest, ResidualAddMatchesTheLibrary) {
  Model model;
  BuildResidual(model);
  ASSERT_TRUE(PrepareForExport(model, 4).ok());
  RandomizeModel(model, 8);
  ExportGraph g;
  ASSERT_TRUE(LowerModel(model, &g).ok());
  EXPECT_EQ(testing::OpTypes(g), (std::vector<MoteOpType>{MOTE_OP_CONV2D, MOTE_OP_CONV2D, MOTE_OP_CONV2D, MOTE_OP_ADD,
                                                         MOTE_OP_GLOBAL_AVG_POOL, MOTE_OP_DENSE}));
  EXPECT_LE(MaxDifference(model, Export(model), 12, 3), 1e-5);
}

TEST(ExportTest, SeveralInputsAndOutputsKeepTheirOrder) {
  // out0 = relu(dense_a(a) + dense_b(b)), out1 = dense_a(a) (also read by the add: not fused).
  Model model;
  const NodeId a = model.Input(Shape(4), "a");
  const NodeId b = model.Input(Shape(5), "b");
  const NodeId da = model.Add(std::make_unique<Dense>(3), {a}, "dense_a");
  const NodeId db = model.Add(std::make_unique<Dense>(3), {b}, "dense_b");
  model.Add(std::make_unique<Add>(), {da, db}, "add");
  const NodeId out = model.Add(std::make_unique<ReLU>(), {}, "relu");
  ASSERT_TRUE(model.SetOutputs({out, da}).ok());
  ASSERT_TRUE(PrepareForExport(model, 2).ok());
  RandomizeModel(model, 17);
  const std::vector<uint8_t> bytes = Export(model);
  HostRuntime rt;
  ASSERT_TRUE(rt.Load(bytes.data(), bytes.size()).ok());
  ASSERT_EQ(mote_rt_input_count(&rt.model()), 2u);
  ASSERT_EQ(mote_rt_output_count(&rt.model()), 2u);
  const float xa[4] = {0.5f, -1.0f, 0.25f, 2.0f}, xb[5] = {-0.5f, 1.0f, 0.75f, -2.0f, 0.1f};
  const float* inputs[2] = {xa, xb};
  ASSERT_TRUE(model.Forward(inputs, 1, false).ok());
  mote_rt_tensor t;
  for (uint32_t i = 0; i < 2; ++i) {
    ASSERT_EQ(mote_rt_input(&rt.model(), i, &t), MOTE_RT_OK);
    ASSERT_EQ(t.bytes, (i == 0 ? 4u : 5u) * 4);
    std::memcpy(t.data, inputs[i], t.bytes);
  }
  ASSERT_EQ(mote_rt_invoke(&rt.model()), MOTE_RT_OK);
  for (uint32_t i = 0; i < 2; ++i) {
    ASSERT_EQ(mote_rt_output(&rt.model(), i, &t), MOTE_RT_OK);
    ASSERT_EQ(t.bytes, 3u * 4);
    for (size_t k = 0; k < 3; ++k) EXPECT_NEAR(static_cast<const float*>(t.data)[k], model.output(int(i))[k], 1e-6);
  }
  // int8: calibrated on both inputs; outputs within a few quantization steps.
  ExportOptions options;
  options.int8 = true;
  options.calibration = {xa, xb};
  options.calibration_count = 1;
  const std::vector<uint8_t> q = Export(model, options);
  HostRuntime rq;
  ASSERT_TRUE(rq.Load(q.data(), q.size()).ok());
  for (uint32_t i = 0; i < 2; ++i) {
    ASSERT_EQ(mote_rt_input(&rq.model(), i, &t), MOTE_RT_OK);
    std::memcpy(t.data, inputs[i], t.bytes);
  }
  ASSERT_EQ(mote_rt_invoke(&rq.model()), MOTE_RT_OK);
  for (uint32_t i = 0; i < 2; ++i) {
    ASSERT_EQ(mote_rt_output(&rq.model(), i, &t), MOTE_RT_OK);
    ASSERT_EQ(t.dtype, MOTE_DTYPE_F32);
    for (size_t k = 0; k < 3; ++k) EXPECT_NEAR(static_cast<const float*>(t.data)[k], model.output(int(i))[k], 0.05);
  }
}

TEST(ExportTest, ThePlannedArenaIsExactlyWhatTheRuntimeNeeds) {
  Model model;
  BuildResidual(model);
  ASSERT_TRUE(PrepareForExport(model, 1).ok());
  for (bool int8 : {false, true}) {
    ExportOptions options;
    std::vector<float> calibration(4 * 108, 0.5f);
    if (int8) {
      options.int8 = true;
      options.calibration = {calibration.data()};
      options.calibration_count = 4;
    }
    std::vector<uint8_t> bytes = Export(model, options);
    size_t need = 0;
    ASSERT_EQ(mote_rt_arena_bytes(bytes.data(), bytes.size(), &need), MOTE_RT_OK);
    const MoteModelHeader* h = reinterpret_cast<const MoteModelHeader*>(bytes.data());
    EXPECT_EQ(need, h->arena_bytes);
    // Aligned copies; the arena exactly `need` bytes, then one less.
    std::unique_ptr<uint8_t, void (*)(void*)> m(static_cast<uint8_t*>(std::aligned_alloc(16, bytes.size())), std::free);
    std::memcpy(m.get(), bytes.data(), bytes.size());
    std::unique_ptr<uint8_t, void (*)(void*)> arena(static_cast<uint8_t*>(std::aligned_alloc(16, (need + 15) / 16 * 16)),
                                                   std::free);
    mote_rt_model rt;
    EXPECT_EQ(mote_rt_model_init(&rt, m.get(), bytes.size(), arena.get(), need), MOTE_RT_OK);
    EXPECT_EQ(mote_rt_invoke(&rt), MOTE_RT_OK);
    EXPECT_EQ(mote_rt_model_init(&rt, m.get(), bytes.size(), arena.get(), need - 1), MOTE_RT_ARENA_TOO_SMALL);
  }
}

// ---- the seed network on Fashion-MNIST ------------------------------------------

// The network's size, a type parameter: test names end in /FullSize or
// /Narrow (same layers and kernel paths at 1/18 of the multiply-adds; the only
// size that emulated test stages run, see test/meson.build).
struct FullSize {
  static SeedNetworkOptions Options() { return SeedNetworkOptions{}; }
};
struct Narrow {
  static SeedNetworkOptions Options() { return NarrowSeedNetworkOptions(); }
};
struct SizeNames {
  template <typename Size>
  static std::string GetName(int) {
    return std::is_same<Size, Narrow>::value ? "Narrow" : "FullSize";
  }
};

template <typename Size>
class SeedNetworkExport : public ::testing::Test {
 protected:
  // 100 training images, 200 compared in fp32 (MOTE_EXPORT_COMPARE=N: N, at
  // most every image after the training ones; the native suite's
  // full-test-set run), 100 in int8.
  static constexpr size_t kTrain = 100, kBatch = 50, kCompareInt8 = 100;

  // Trains a seed network briefly on the first kTrain test images (fast
  // batchnorm momentum, so its statistics are real after two steps), then
  // keeps the library's logits of the compared images after them.
  static void SetUpTestSuite() {
    test_ = new Dataset;
    if (!LoadFashionMnist(kFashionMnistDir, nullptr, test_).ok()) return;
    model_ = new Model;
    SeedNetworkOptions o = Size::Options();
    o.batchnorm_momentum = 0.5f;
    ASSERT_TRUE(BuildSeedNetwork(*model_, o).ok());
    ASSERT_TRUE(model_->Prepare(kBatch).ok());
    for (size_t step = 0; step < kTrain / kBatch; ++step) {
      Targets t;
      t.labels = test_->labels.data() + step * kBatch;
      ASSERT_TRUE(model_->TrainStep(test_->item(step * kBatch), t, kBatch, 0.05f).ok());
    }
    const char* env = std::getenv("MOTE_EXPORT_COMPARE");
    compare_ = std::min<size_t>(env ? std::strtoul(env, nullptr, 10) : 200, test_->size() - kTrain);
    compare_ = std::max(compare_, kCompareInt8);
    logits_ = new std::vector<float>(compare_ * 10);
    for (size_t b = 0; b < compare_; b += kBatch) {
      const size_t rows = std::min(kBatch, compare_ - b);
      ASSERT_TRUE(model_->Predict(test_->item(kTrain + b), rows * 784, rows, logits_->data() + b * 10, rows * 10).ok());
    }
  }
  static void TearDownTestSuite() {
    delete model_;
    delete test_;
    delete logits_;
    model_ = nullptr;
    test_ = nullptr;
    logits_ = nullptr;
  }
  void SetUp() override {
    if (model_ == nullptr) GTEST_SKIP() << "Fashion-MNIST is not installed (" << kFashionMnistDir << ")";
  }

  // Runtime outputs against the library's logits on the first `count` compared images.
  // *ties: images whose library logits have their top two within `tie`
  // (argmax flips there are numerical noise, not disagreement).
  void Compare(const std::vector<uint8_t>& bytes, size_t count, double* max_diff, size_t* agree,
               size_t* ties = nullptr, float tie = 0.0f) {
    HostRuntime rt;
    ASSERT_TRUE(rt.Load(bytes.data(), bytes.size()).ok());
    std::vector<float> got(10);
    *max_diff = 0;
    *agree = 0;
    if (ties != nullptr) *ties = 0;
    for (size_t i = 0; i < count; ++i) {
      ASSERT_TRUE(rt.Run(test_->item(kTrain + i), 784, got.data(), got.size()).ok());
      const float* w = logits_->data() + i * 10;
      for (size_t c = 0; c < 10; ++c) *max_diff = std::max(*max_diff, std::fabs(double(w[c]) - got[c]));
      const size_t top = size_t(std::max_element(w, w + 10) - w);
      const bool same = top == size_t(std::max_element(got.begin(), got.end()) - got.begin());
      *agree += same;
      float second = -INFINITY;
      for (size_t c = 0; c < 10; ++c)
        if (c != top) second = std::max(second, w[c]);
      if (!same && ties != nullptr && w[top] - second <= tie) ++*ties;
    }
  }

  static Model* model_;
  static Dataset* test_;
  static std::vector<float>* logits_;
  static size_t compare_;
};
template <typename Size>
Model* SeedNetworkExport<Size>::model_ = nullptr;
template <typename Size>
Dataset* SeedNetworkExport<Size>::test_ = nullptr;
template <typename Size>
std::vector<float>* SeedNetworkExport<Size>::logits_ = nullptr;
template <typename Size>
size_t SeedNetworkExport<Size>::compare_ = 0;

using Sizes = ::testing::Types<FullSize, Narrow>;
TYPED_TEST_SUITE(SeedNetworkExport, Sizes, SizeNames);

TYPED_TEST(SeedNetworkExport, Fp32OutputsEqualTheLibrarysWithin1e4) {
  Model& model = *this->model_;
  const size_t compare = this->compare_;
  // The statistics moved away from their initial values: folding is exercised.
  const float* var = model.node_state(model.find("bn3"), "moving_variance");
  EXPECT_GT(std::fabs(var[0] - 1.0f), 1e-3f);
  const std::vector<uint8_t> bytes = Export(model);
  double diff = 0;
  size_t agree = 0;
  size_t ties = 0;
  this->Compare(bytes, compare, &diff, &agree, &ties, 2e-4f);
  EXPECT_LE(diff, 1e-4);
  // Every argmax agrees, but where the briefly trained model's top two
  // logits are within the 1e-4 tolerance of each other (a backend's rounding
  // may then flip it; 1 image in 9900 with Highway AVX-512).
  EXPECT_EQ(agree + ties, compare);
  InspectReport report;
  ASSERT_TRUE(InspectModel(bytes.data(), bytes.size(), &report).ok());
  std::printf("seed network fp32: model %llu bytes, arena %llu bytes, max |logit diff| %.3g, argmax agreement "
              "%zu / %zu (%zu near-ties flipped)\n",
              (unsigned long long)report.model_bytes, (unsigned long long)report.arena_bytes, diff, agree, compare,
              ties);
}

TYPED_TEST(SeedNetworkExport, Int8AgreesWithFp32OnMostImages) {
  constexpr size_t kTrain = TestFixture::kTrain, kCompareInt8 = TestFixture::kCompareInt8;
  ExportOptions options;
  options.int8 = true;
  options.calibration = {this->test_->item(0)};
  options.calibration_count = kTrain;
  const std::vector<uint8_t> bytes = Export(*this->model_, options);
  double diff = 0;
  size_t agree = 0;
  this->Compare(bytes, kCompareInt8, &diff, &agree);
  EXPECT_GE(agree, kCompareInt8 * 9 / 10);
  InspectReport report;
  ASSERT_TRUE(InspectModel(bytes.data(), bytes.size(), &report).ok());
  EXPECT_TRUE(report.int8);
  std::printf("seed network int8: model %llu bytes, arena %llu bytes, argmax agreement with fp32 %zu / %zu, "
              "max |logit diff| %.3g\n",
              (unsigned long long)report.model_bytes, (unsigned long long)report.arena_bytes, agree, kCompareInt8, diff);
}

// ---- C array ----------------------------------------------------------------------

TEST(CArrayTest, HoldsTheSameBytesAligned) {
  const std::vector<uint8_t> bytes = {0x4d, 0x4f, 0x54, 0x45, 0x00, 0xff, 0x10, 0x01, 0x02, 0x03, 0x04, 0x05,
                                      0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b};
  std::string header, source;
  ASSERT_TRUE(WriteCArray("seed_model", "seed_model.h", bytes, &header, &source).ok());
  EXPECT_NE(header.find("extern const unsigned char seed_model[];"), std::string::npos);
  EXPECT_NE(header.find("extern const unsigned int seed_model_len;"), std::string::npos);
  EXPECT_NE(source.find("#include \"seed_model.h\""), std::string::npos);
  EXPECT_NE(source.find("aligned(16)"), std::string::npos);
  EXPECT_NE(source.find("seed_model_len = 18u;"), std::string::npos);
  // Parse the hex back.
  std::vector<uint8_t> parsed;
  for (size_t p = source.find("0x"); p != std::string::npos; p = source.find("0x", p + 2))
    parsed.push_back(uint8_t(std::strtoul(source.c_str() + p, nullptr, 16)));
  EXPECT_EQ(parsed, bytes);
  EXPECT_EQ(WriteCArray("9lives", "x.h", bytes, &header, &source).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteCArray("a-b", "x.h", bytes, &header, &source).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteCArray("ok", "x.h", {}, &header, &source).code(), StatusCode::kInvalidArgument);
}

// ---- inspect ------------------------------------------------------------------------

TEST(InspectTest, ReportsShapesMacsParametersAndTotals) {
  Model model;
  ASSERT_TRUE(BuildSeedNetwork(model).ok());
  ASSERT_TRUE(model.Prepare(2).ok());
  const std::vector<uint8_t> bytes = Export(model);
  InspectReport r;
  ASSERT_TRUE(InspectModel(bytes.data(), bytes.size(), &r).ok());
  ASSERT_EQ(r.ops.size(), 6u);
  EXPECT_EQ(r.ops[0].op, "conv2d");
  EXPECT_EQ(r.ops[0].shape, (std::vector<uint32_t>{14, 14, 10}));
  EXPECT_EQ(r.ops[0].macs, 14u * 14 * 10 * 25);
  EXPECT_EQ(r.ops[0].param_bytes, (250u + 10) * 4);  // folded weights + the new bias
  EXPECT_EQ(r.ops[0].activation, "relu");
  EXPECT_EQ(r.ops[3].op, "reshape");
  EXPECT_EQ(r.ops[3].macs, 0u);
  EXPECT_EQ(r.ops[5].op, "dense");
  EXPECT_EQ(r.ops[5].macs, 500u);
  EXPECT_EQ(r.ops[5].activation, "none");
  EXPECT_EQ(r.model_bytes, bytes.size());
  EXPECT_EQ(r.runtime_state_bytes, sizeof(mote_rt_model));
  uint64_t macs = 0;
  for (const InspectOp& o : r.ops) macs += o.macs;
  EXPECT_EQ(r.macs, macs);
  EXPECT_EQ(r.macs, 14u * 14 * 10 * 25 + 7 * 7 * 40 * 250 + 7 * 7 * 80 * 1000 + 3920 * 50 + 500);
  r.runtime_text_bytes = 6000;
  const std::string text = FormatInspectText(r);
  EXPECT_NE(text.find("conv2d"), std::string::npos);
  EXPECT_NE(text.find("runtime .text 6000 B"), std::string::npos);
  const std::string json = FormatInspectJson(r);
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
  EXPECT_NE(json.find("\"arena_bytes\":" + std::to_string(r.arena_bytes)), std::string::npos);
  EXPECT_NE(json.find("\"runtime_text_bytes\":6000"), std::string::npos);
  // Damaged bytes: the loader's verdict.
  std::vector<uint8_t> bad = bytes;
  bad[100] ^= 1;
  EXPECT_EQ(InspectModel(bad.data(), bad.size(), &r).code(), StatusCode::kCorruptData);
}

TEST(InspectTest, Int8OpsShowTheirQuantization) {
  Model model;
  BuildResidual(model);
  ASSERT_TRUE(PrepareForExport(model, 4).ok());
  RandomizeModel(model, 2);
  const std::vector<uint8_t> bytes = ExportInt8OnRandomInputs(model, 8, 3);
  InspectReport r;
  ASSERT_TRUE(InspectModel(bytes.data(), bytes.size(), &r).ok());
  EXPECT_TRUE(r.int8);
  EXPECT_EQ(r.ops.front().op, "quantize");
  EXPECT_EQ(r.ops.back().op, "dequantize");
  const InspectOp& conv = r.ops[1];
  EXPECT_EQ(conv.op, "conv2d");
  EXPECT_EQ(conv.dtype, MOTE_DTYPE_I8);
  EXPECT_GT(conv.scale, 0.0f);
  // Weight scales recovered from the requantization table: max|w| / 127 of the stem's channels.
  const float* w = model.node_param(model.find("stem"), "kernel");
  float lo = 1e30f, hi = 0;
  for (size_t c = 0; c < 4; ++c) {
    float m = 0;
    for (size_t k = 0; k < 27; ++k) m = std::max(m, std::fabs(w[c * 27 + k]));
    lo = std::min(lo, m / 127);
    hi = std::max(hi, m / 127);
  }
  EXPECT_NEAR(conv.weight_scale_min, lo, lo * 1e-5);
  EXPECT_NEAR(conv.weight_scale_max, hi, hi * 1e-5);
  EXPECT_NE(FormatInspectJson(r).find("\"zero_point\":"), std::string::npos);
}

TEST(InspectTest, RuntimeTextFromANumberOrASizeReport) {
  int64_t text = 0;
  ASSERT_TRUE(ParseRuntimeText("7424", &text).ok());
  EXPECT_EQ(text, 7424);
  const std::string path = ::testing::TempDir() + "mote_export_size_" + std::to_string(getpid()) + ".txt";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("   text\t   data\t    bss\t    dec\t    hex\tfilename\n"
             "   1200\t      0\t      0\t   1200\t    4b0\tloader.o (ex libmote_runtime.a)\n"
             "    800\t      4\t      0\t    804\t    324\top_conv2d.o (ex libmote_runtime.a)\n",
             f);
  std::fclose(f);
  ASSERT_TRUE(ParseRuntimeText(path, &text).ok());
  EXPECT_EQ(text, 2000);
  f = std::fopen(path.c_str(), "a");  // size -t: the totals line counts, not the sum
  ASSERT_NE(f, nullptr);
  std::fputs("   2100\t      4\t      0\t   2104\t    838\t(TOTALS)\n", f);
  std::fclose(f);
  ASSERT_TRUE(ParseRuntimeText(path, &text).ok());
  EXPECT_EQ(text, 2100);
  std::remove(path.c_str());
  EXPECT_EQ(ParseRuntimeText(path, &text).code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace mote
