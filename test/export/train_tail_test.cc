// On-device training of an exported trainable tail (issue 16):
// mote_rt_train_step's update equals the training library's update of the
// same dense layer on the same examples (scalar backend: bit-identical; the
// build's default backend: within 1e-5) for every optimizer the runtime
// offers, also in batch-accumulation mode; the arena covers training
// exactly; bad use returns a status and changes nothing; the loader refuses
// broken train records; the tail record a port stores refuses broken or
// stale copies; inspect reports the training blocks and step cost.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "mote/export.h"
#include "mote/inspect.h"
#include "mote/kernels.h"
#include "mote/layers.h"
#include "mote/loss.h"
#include "mote/model.h"
#include "mote/optimizers.h"
#include "mote/rng.h"
#include "mote/rt.h"
#include "mote/transfer.h"
#include "export_test_util.h"

namespace mote {
namespace {

constexpr size_t kIn = 12, kHidden = 9, kClasses = 4;

struct Aligned {
  explicit Aligned(size_t n) : bytes(n) { data = static_cast<uint8_t*>(std::aligned_alloc(16, (n + 15) / 16 * 16 + 16)); }
  ~Aligned() { std::free(data); }
  uint8_t* data;
  size_t bytes;
};

std::unique_ptr<Optimizer> MakeOptimizer(MoteOptimizerType type) {
  switch (type) {
    case MOTE_OPTIMIZER_MOMENTUM: return std::make_unique<Momentum>(0.8f, false);
    case MOTE_OPTIMIZER_NESTEROV: return std::make_unique<Momentum>(0.8f, true);
    case MOTE_OPTIMIZER_ADAM: return std::make_unique<Adam>(0.9f, 0.999f, 1e-8f);
    default: return std::make_unique<Sgd>();
  }
}

// Input [12] -> Dense(9) -> ReLU -> Dense(4) "logits", random weights.
void BuildModel(Model& model, MoteOptimizerType optimizer, uint64_t seed, size_t max_batch = 1) {
  const NodeId x = model.Input(Shape(kIn));
  model.Add(std::make_unique<Dense>(kHidden), {x}, "hidden");
  model.Add(std::make_unique<ReLU>(), {}, "relu");
  model.Add(std::make_unique<Dense>(kClasses), {}, "logits");
  model.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  model.SetOptimizer(MakeOptimizer(optimizer));
  ASSERT_TRUE(model.Prepare(max_batch).ok());
  testing::RandomizeModel(model, seed);
}

// The library's copy of the tail alone: Input [9] -> Dense(4) "logits".
void BuildTail(Model& source, Model& tail, MoteOptimizerType optimizer, size_t max_batch = 1) {
  const NodeId x = tail.Input(Shape(kHidden));
  tail.Add(std::make_unique<Dense>(kClasses), {x}, "logits");
  tail.SetLoss(std::make_unique<SoftmaxCrossEntropy>());
  tail.SetOptimizer(MakeOptimizer(optimizer));
  ASSERT_TRUE(tail.Prepare(max_batch).ok());
  ASSERT_TRUE(CopyWeightsByName(source, tail, {"logits"}).ok());
}

// The tail's kernel then bias (then the hidden layer's bias with the
// bias-only option), as mote_rt_read_trainable lays them out.
std::vector<float> TailParams(Model& tail, bool with_hidden_bias = false, bool with_hidden_kernel = false) {
  std::vector<float> v;
  std::vector<const char*> names = {"logits/kernel", "logits/bias"};
  if (with_hidden_bias) names.push_back("hidden/bias");
  if (with_hidden_kernel) names.push_back("hidden/kernel");
  for (const char* name : names)
    for (const ParamInfo& p : tail.param_infos())
      if (p.name == name) v.insert(v.end(), tail.params() + p.offset, tail.params() + p.offset + p.size);
  return v;
}

ExportOptions TrainingOptions(MoteOptimizerType optimizer, float lr) {
  ExportOptions o;
  o.training.trainable_layers = 1;
  o.training.optimizer = optimizer;
  o.training.learning_rate = lr;
  o.training.momentum = 0.8f;
  return o;
}

// The test model (BuildModel) exported twice: plain, and with its last dense
// layer trainable with `optimizer` at learning rate 0.1.
void ExportPlainAndTrainable(Model& model, MoteOptimizerType optimizer, uint64_t seed, std::vector<uint8_t>* plain,
                             std::vector<uint8_t>* trainable) {
  BuildModel(model, optimizer, seed);
  ASSERT_TRUE(ExportModel(model, ExportOptions{}, plain).ok());
  ASSERT_TRUE(ExportModel(model, TrainingOptions(optimizer, 0.1f), trainable).ok());
}

// The runtime's parameters against the library's after `what` number `n`
// (a step or an update): bit for bit, or within 1e-5.
void ExpectSameParams(const std::vector<float>& got, const std::vector<float>& want, bool exact, const char* what,
                      int n) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (exact) {
      ASSERT_EQ(std::memcmp(&got[i], &want[i], 4), 0) << what << " " << n << " param " << i << ": " << got[i]
                                                       << " vs " << want[i];
    } else {
      ASSERT_NEAR(got[i], want[i], 1e-5f) << what << " " << n << " param " << i;
    }
  }
}

struct Loaded {
  std::unique_ptr<Aligned> bytes, arena;
  mote_rt_model m{};
  size_t need = 0;
  mote_rt_status Load(const std::vector<uint8_t>& file) {
    bytes = std::make_unique<Aligned>(file.size());
    std::memcpy(bytes->data, file.data(), file.size());
    const mote_rt_status s = mote_rt_arena_bytes(bytes->data, file.size(), &need);
    if (s != MOTE_RT_OK) return s;
    arena = std::make_unique<Aligned>(need);
    return mote_rt_model_init(&m, bytes->data, file.size(), arena->data, need);
  }
  float* input() {
    mote_rt_tensor t;
    EXPECT_EQ(mote_rt_input(&m, 0, &t), MOTE_RT_OK);
    return static_cast<float*>(t.data);
  }
  // The tail's input in the arena after a forward pass.
  const float* tail_input() const {
    const MoteTensorRecord& x = m.tensors[m.ops[m.train->op].inputs[0]];
    return reinterpret_cast<const float*>(m.arena + x.offset);
  }
  std::vector<float> params() const {
    std::vector<float> v(mote_rt_trainable_bytes(&m) / 4);
    EXPECT_EQ(mote_rt_read_trainable(&m, v.data(), v.size() * 4), MOTE_RT_OK);
    return v;
  }
};

// Trains runtime and library side by side; returns the largest difference
// of the parameters (0 = bit-identical, checked bit by bit).
void CompareWithLibrary(MoteOptimizerType optimizer, bool int8, bool exact) {
  Model model;
  BuildModel(model, optimizer, 7);
  ExportOptions options = TrainingOptions(optimizer, 0.05f);
  Rng rng(11);
  std::vector<float> calibration(64 * kIn);
  for (float& v : calibration) v = rng.Uniform(-1.0f, 1.0f);
  if (int8) {
    options.int8 = true;
    options.calibration = {calibration.data()};
    options.calibration_count = 64;
  }
  std::vector<uint8_t> file;
  ASSERT_TRUE(ExportModel(model, options, &file).ok());
  Loaded rt;
  ASSERT_EQ(rt.Load(file), MOTE_RT_OK);
  ASSERT_NE(rt.m.train, nullptr);
  EXPECT_EQ(rt.m.ops[rt.m.train->op].type, MOTE_OP_DENSE);
  if (int8) {
    EXPECT_EQ(rt.m.ops[rt.m.train->op - 1].type, MOTE_OP_DEQUANTIZE);
  }
  Model tail;
  BuildTail(model, tail, optimizer);
  ASSERT_EQ(rt.params(), TailParams(tail));  // the initial weights
  for (int step = 0; step < 25; ++step) {
    float* x = rt.input();
    for (size_t i = 0; i < kIn; ++i) x[i] = rng.Uniform(-1.0f, 1.0f);
    const int32_t label = int32_t(rng.Below(kClasses));
    float rt_loss = 0.0f, lib_loss = 0.0f;
    if (step == 12) {  // a new learning rate half way
      ASSERT_EQ(mote_rt_set_learning_rate(&rt.m, 0.02f), MOTE_RT_OK);
    }
    const float lr = step >= 12 ? 0.02f : 0.05f;
    ASSERT_EQ(mote_rt_train_step(&rt.m, uint32_t(label), &rt_loss), MOTE_RT_OK);
    std::vector<float> h(rt.tail_input(), rt.tail_input() + kHidden);
    ASSERT_TRUE(tail.TrainStep(h.data(), Targets{&label, nullptr}, 1, lr, &lib_loss).ok());
    ASSERT_NO_FATAL_FAILURE(ExpectSameParams(rt.params(), TailParams(tail), exact, "step", step));
    if (exact) {
      EXPECT_EQ(rt_loss, lib_loss);
    } else {
      EXPECT_NEAR(rt_loss, lib_loss, 1e-5f);
    }
  }
  EXPECT_EQ(rt.m.steps, 25u);
}

class TrainTail : public ::testing::TestWithParam<MoteOptimizerType> {};

TEST_P(TrainTail, ScalarBackendBitIdenticalToLibrary) {
  const Backend before = ActiveBackend();
  ASSERT_TRUE(SetBackend(Backend::kScalar).ok());
  CompareWithLibrary(GetParam(), false, true);
  CompareWithLibrary(GetParam(), true, true);
  ASSERT_TRUE(SetBackend(before).ok());
}

TEST_P(TrainTail, DefaultBackendWithin1e5OfLibrary) {
  CompareWithLibrary(GetParam(), false, false);
  CompareWithLibrary(GetParam(), true, false);
}

INSTANTIATE_TEST_SUITE_P(Optimizers, TrainTail,
                         ::testing::Values(MOTE_OPTIMIZER_SGD, MOTE_OPTIMIZER_MOMENTUM, MOTE_OPTIMIZER_NESTEROV,
                                           MOTE_OPTIMIZER_ADAM));

// Batch accumulation: K runtime steps (set_batch_size(K)) against one
// library step on the same K examples as a batch; the weights change only on
// every K-th example.
void CompareBatchWithLibrary(MoteOptimizerType optimizer, uint32_t batch, bool exact) {
  Model model;
  BuildModel(model, optimizer, 21);
  std::vector<uint8_t> file;
  ASSERT_TRUE(ExportModel(model, TrainingOptions(optimizer, 0.05f), &file).ok());
  Loaded rt;
  ASSERT_EQ(rt.Load(file), MOTE_RT_OK);
  ASSERT_EQ(rt.m.batch_size, 1u);
  ASSERT_EQ(mote_rt_set_batch_size(&rt.m, batch), MOTE_RT_OK);
  Model tail;
  BuildTail(model, tail, optimizer, batch);
  Rng rng(batch);
  for (int update = 0; update < 4; ++update) {
    std::vector<float> h;
    std::vector<int32_t> labels;
    const std::vector<float> before = rt.params();
    for (uint32_t i = 0; i < batch; ++i) {
      float* x = rt.input();
      for (size_t j = 0; j < kIn; ++j) x[j] = rng.Uniform(-1.0f, 1.0f);
      labels.push_back(int32_t(rng.Below(kClasses)));
      ASSERT_EQ(mote_rt_train_step(&rt.m, uint32_t(labels.back()), nullptr), MOTE_RT_OK);
      h.insert(h.end(), rt.tail_input(), rt.tail_input() + kHidden);
      if (i + 1 < batch) {
        EXPECT_EQ(rt.m.accumulated, i + 1);
        ASSERT_EQ(rt.params(), before) << "the weights changed before the batch was complete";
      }
    }
    EXPECT_EQ(rt.m.accumulated, 0u);
    float lib_loss = 0.0f;
    ASSERT_TRUE(tail.TrainStep(h.data(), Targets{labels.data(), nullptr}, batch, 0.05f, &lib_loss).ok());
    ASSERT_NO_FATAL_FAILURE(ExpectSameParams(rt.params(), TailParams(tail), exact, "update", update));
  }
  EXPECT_EQ(rt.m.steps, 4u);  // one optimizer step per batch (Adam's t)
}

TEST_P(TrainTail, BatchAccumulationEqualsLibraryBatchStep) {
  const Backend before = ActiveBackend();
  ASSERT_TRUE(SetBackend(Backend::kScalar).ok());
  CompareBatchWithLibrary(GetParam(), 5, true);
  CompareBatchWithLibrary(GetParam(), 2, true);
  ASSERT_TRUE(SetBackend(before).ok());
  CompareBatchWithLibrary(GetParam(), 5, false);
}

// Bias-only option: the tail and the bias of the dense layer feeding it
// train, its weights stay. The library trains the whole model and gets the
// hidden kernel back after every step, which is the same trajectory (every
// optimizer's update is per parameter).
// With two trainable layers (`layers` 2) nothing is frozen: the library
// trains the whole model.
void CompareBiasOptionWithLibrary(MoteOptimizerType optimizer, uint32_t batch, bool exact, size_t layers = 1) {
  const bool two = layers == 2;
  Model model;
  BuildModel(model, optimizer, 31);
  ExportOptions options = TrainingOptions(optimizer, 0.05f);
  options.training.bias_layers = 1;
  options.training.trainable_layers = layers;
  std::vector<uint8_t> file;
  ASSERT_TRUE(ExportModel(model, options, &file).ok());
  Loaded rt;
  ASSERT_EQ(rt.Load(file), MOTE_RT_OK);
  ASSERT_EQ(rt.m.train->bias_units, kHidden);
  ASSERT_EQ(rt.m.train->feed_inputs, two ? kIn : 0u);
  ASSERT_EQ(mote_rt_trainable_bytes(&rt.m), (kClasses * kHidden + kClasses + kHidden + (two ? kHidden * kIn : 0)) * 4);
  ASSERT_EQ(mote_rt_set_batch_size(&rt.m, batch), MOTE_RT_OK);
  Model lib;
  BuildModel(lib, optimizer, 31, batch);
  ASSERT_TRUE(CopyWeightsByName(model, lib, {"hidden", "logits"}).ok());
  const ParamInfo* kernel = nullptr;
  for (const ParamInfo& p : lib.param_infos())
    if (p.name == "hidden/kernel") kernel = &p;
  ASSERT_NE(kernel, nullptr);
  const std::vector<float> frozen(lib.params() + kernel->offset, lib.params() + kernel->offset + kernel->size);
  ASSERT_EQ(rt.params(), TailParams(lib, true, two));
  Rng rng(17);
  for (int update = 0; update < 8; ++update) {
    std::vector<float> xs;
    std::vector<int32_t> labels;
    for (uint32_t i = 0; i < batch; ++i) {
      float* x = rt.input();
      for (size_t j = 0; j < kIn; ++j) {
        x[j] = rng.Uniform(-1.0f, 1.0f);
        xs.push_back(x[j]);
      }
      labels.push_back(int32_t(rng.Below(kClasses)));
      ASSERT_EQ(mote_rt_train_step(&rt.m, uint32_t(labels.back()), nullptr), MOTE_RT_OK);
    }
    float lib_loss = 0.0f;
    ASSERT_TRUE(lib.TrainStep(xs.data(), Targets{labels.data(), nullptr}, batch, 0.05f, &lib_loss).ok());
    if (!two) std::copy(frozen.begin(), frozen.end(), lib.mutable_params().data() + kernel->offset);
    ASSERT_NO_FATAL_FAILURE(ExpectSameParams(rt.params(), TailParams(lib, true, two), exact, "update", update));
  }
  // The hidden bias (and kernel) moved.
  const std::vector<float> trained = rt.params(), initial = TailParams(model, true, two);
  const size_t hidden = kHidden + (two ? kHidden * kIn : 0);
  EXPECT_NE(std::vector<float>(trained.end() - hidden, trained.end()),
            std::vector<float>(initial.end() - hidden, initial.end()));
}

TEST(TrainTailBiasOption, Int8ExportKeepsTheBiasLayerFloatAndBadUseIsRefused) {
  Model model;
  BuildModel(model, MOTE_OPTIMIZER_SGD, 8);
  ExportOptions o = TrainingOptions(MOTE_OPTIMIZER_SGD, 0.1f);
  o.training.bias_layers = 1;
  Rng rng(2);
  std::vector<float> calibration(32 * kIn);
  for (float& v : calibration) v = rng.Uniform(-1.0f, 1.0f);
  o.int8 = true;
  o.calibration = {calibration.data()};
  o.calibration_count = 32;
  std::vector<uint8_t> file;
  ASSERT_TRUE(ExportModel(model, o, &file).ok());
  Loaded rt;
  ASSERT_EQ(rt.Load(file), MOTE_RT_OK);
  const MoteTrainRecord& r = *rt.m.train;
  ASSERT_EQ(r.bias_units, kHidden);
  EXPECT_EQ(rt.m.ops[r.bias_op].type, MOTE_OP_DENSE);
  EXPECT_EQ(rt.m.tensors[rt.m.ops[r.bias_op].inputs[0]].dtype, MOTE_DTYPE_F32);
  EXPECT_EQ(rt.m.tensors[rt.m.ops[r.bias_op].output].dtype, MOTE_DTYPE_F32);
  // The arena covers the option exactly; inspect counts its parameters and MACs.
  Aligned small(rt.need - 1);
  mote_rt_model tight{};
  EXPECT_EQ(mote_rt_model_init(&tight, rt.bytes->data, file.size(), small.data, rt.need - 1), MOTE_RT_ARENA_TOO_SMALL);
  InspectReport report;
  ASSERT_TRUE(InspectModel(file.data(), file.size(), &report).ok());
  EXPECT_EQ(report.trainable_params, kClasses * kHidden + kClasses + kHidden);
  EXPECT_EQ(report.train_scratch_bytes, (kClasses + kHidden) * 4);
  EXPECT_EQ(report.train_step_macs, report.macs + 2 * kClasses * kHidden);
  const std::vector<float> before = rt.params();
  float* x = rt.input();
  for (size_t i = 0; i < kIn; ++i) x[i] = 0.3f;
  ASSERT_EQ(mote_rt_train_step(&rt.m, 1, nullptr), MOTE_RT_OK);
  EXPECT_NE(rt.params(), before);
  // More than one bias layer, or none to train: refused at export.
  o.training.bias_layers = 2;
  EXPECT_EQ(ExportModel(model, o, &file).code(), StatusCode::kUnsupported);
  Model flat;  // Input -> Dense "logits": no layer feeds the tail
  const NodeId in = flat.Input(Shape(kIn));
  flat.Add(std::make_unique<Dense>(kClasses), {in}, "logits");
  ASSERT_TRUE(testing::PrepareForExport(flat, 1).ok());
  ExportOptions f = TrainingOptions(MOTE_OPTIMIZER_SGD, 0.1f);
  f.training.bias_layers = 1;
  EXPECT_EQ(ExportModel(flat, f, &file).code(), StatusCode::kUnsupported);
  f.training.bias_layers = 0;
  f.training.trainable_layers = 2;
  EXPECT_EQ(ExportModel(flat, f, &file).code(), StatusCode::kUnsupported);
}

TEST_P(TrainTail, BiasOptionEqualsLibraryWithFrozenWeights) {
  const Backend before = ActiveBackend();
  ASSERT_TRUE(SetBackend(Backend::kScalar).ok());
  CompareBiasOptionWithLibrary(GetParam(), 1, true);
  CompareBiasOptionWithLibrary(GetParam(), 3, true);
  ASSERT_TRUE(SetBackend(before).ok());
  CompareBiasOptionWithLibrary(GetParam(), 1, false);
}

TEST_P(TrainTail, TwoTrainableLayersEqualLibrary) {
  const Backend before = ActiveBackend();
  ASSERT_TRUE(SetBackend(Backend::kScalar).ok());
  CompareBiasOptionWithLibrary(GetParam(), 1, true, 2);
  CompareBiasOptionWithLibrary(GetParam(), 3, true, 2);
  ASSERT_TRUE(SetBackend(before).ok());
  CompareBiasOptionWithLibrary(GetParam(), 1, false, 2);
}

TEST(TrainTailBatch, BadBatchSizesAndRefusedExamples) {
  Model model;
  std::vector<uint8_t> plain, file;
  ASSERT_NO_FATAL_FAILURE(ExportPlainAndTrainable(model, MOTE_OPTIMIZER_SGD, 4, &plain, &file));
  Loaded a, b;
  ASSERT_EQ(a.Load(plain), MOTE_RT_OK);
  ASSERT_EQ(b.Load(file), MOTE_RT_OK);
  EXPECT_EQ(mote_rt_set_batch_size(&a.m, 4), MOTE_RT_NOT_TRAINABLE);
  mote_rt_model zero{};
  EXPECT_EQ(mote_rt_set_batch_size(&zero, 4), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_set_batch_size(&b.m, 0), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_set_batch_size(&b.m, 65536), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(b.m.batch_size, 1u);
  ASSERT_EQ(mote_rt_set_batch_size(&b.m, 3), MOTE_RT_OK);
  const std::vector<float> before = b.params();
  // The forward pass may reuse the input's bytes: write every input before a step.
  auto fill = [&](float v) {
    float* x = b.input();
    for (size_t i = 0; i < kIn; ++i) x[i] = v;
  };
  fill(0.5f);
  ASSERT_EQ(mote_rt_train_step(&b.m, 1, nullptr), MOTE_RT_OK);
  // A NaN example and a bad label are not counted.
  fill(0.5f);
  b.input()[0] = NAN;
  EXPECT_EQ(mote_rt_train_step(&b.m, 1, nullptr), MOTE_RT_NOT_FINITE);
  fill(0.5f);
  EXPECT_EQ(mote_rt_train_step(&b.m, kClasses, nullptr), MOTE_RT_BAD_LABEL);
  EXPECT_EQ(b.m.accumulated, 1u);
  // Setting the batch size drops the pending gradients.
  ASSERT_EQ(mote_rt_set_batch_size(&b.m, 2), MOTE_RT_OK);
  EXPECT_EQ(b.m.accumulated, 0u);
  fill(0.5f);
  ASSERT_EQ(mote_rt_train_step(&b.m, 1, nullptr), MOTE_RT_OK);
  EXPECT_EQ(b.params(), before);
  // An update that would overflow drops the batch and keeps the weights.
  fill(1e30f);
  ASSERT_EQ(mote_rt_set_learning_rate(&b.m, 3e38f), MOTE_RT_OK);
  EXPECT_EQ(mote_rt_train_step(&b.m, 1, nullptr), MOTE_RT_NOT_FINITE);
  EXPECT_EQ(b.m.accumulated, 0u);
  EXPECT_EQ(b.params(), before);
  EXPECT_EQ(b.m.steps, 0u);
}

// The tail record a port keeps in flash: a round trip restores the tail bit
// for bit; an erased page, a torn or corrupted record and a record of
// another model are refused and change nothing.
TEST(TrainTailRecord, RoundTripAndEveryBrokenRecordIsRefused) {
  Model model;
  std::vector<uint8_t> plain, file, other_file;
  ASSERT_NO_FATAL_FAILURE(ExportPlainAndTrainable(model, MOTE_OPTIMIZER_SGD, 6, &plain, &file));
  ASSERT_TRUE(ExportModel(model, TrainingOptions(MOTE_OPTIMIZER_SGD, 0.2f), &other_file).ok());
  Loaded a, tuned, fresh, other;
  ASSERT_EQ(a.Load(plain), MOTE_RT_OK);
  ASSERT_EQ(tuned.Load(file), MOTE_RT_OK);
  ASSERT_EQ(fresh.Load(file), MOTE_RT_OK);
  ASSERT_EQ(other.Load(other_file), MOTE_RT_OK);
  const uint32_t bytes = mote_rt_tail_record_bytes(&tuned.m);
  ASSERT_EQ(bytes, MOTE_RT_TAIL_RECORD_HEADER_BYTES + mote_rt_trainable_bytes(&tuned.m));
  EXPECT_EQ(mote_rt_tail_record_bytes(&a.m), 0u);
  for (int step = 0; step < 3; ++step) {
    float* x = tuned.input();
    for (size_t i = 0; i < kIn; ++i) x[i] = 0.1f * float(i);
    ASSERT_EQ(mote_rt_train_step(&tuned.m, 2, nullptr), MOTE_RT_OK);
  }
  std::vector<uint8_t> page(4096, 0xFF);  // a whole erased flash page
  const std::vector<float> initial = fresh.params();
  EXPECT_EQ(mote_rt_load_tail_record(&fresh.m, page.data(), page.size()), MOTE_RT_BAD_MAGIC);
  EXPECT_EQ(mote_rt_save_tail_record(&tuned.m, page.data(), bytes - 1), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_save_tail_record(&a.m, page.data(), page.size()), MOTE_RT_NOT_TRAINABLE);
  EXPECT_EQ(mote_rt_save_tail_record(&tuned.m, nullptr, page.size()), MOTE_RT_BAD_ARGUMENT);
  ASSERT_EQ(mote_rt_save_tail_record(&tuned.m, page.data(), page.size()), MOTE_RT_OK);
  uint32_t magic;
  std::memcpy(&magic, page.data(), 4);
  EXPECT_EQ(magic, MOTE_RT_TAIL_RECORD_MAGIC);
  // Broken copies, each refused with its status, the fresh tail untouched.
  auto broken = [&](size_t at, uint8_t flip) {
    std::vector<uint8_t> copy = page;
    copy[at] ^= flip;
    return mote_rt_load_tail_record(&fresh.m, copy.data(), copy.size());
  };
  EXPECT_EQ(broken(0, 0x01), MOTE_RT_BAD_MAGIC);
  EXPECT_EQ(broken(4, 0x01), MOTE_RT_OTHER_MODEL);   // model CRC
  EXPECT_EQ(broken(8, 0x04), MOTE_RT_OTHER_MODEL);   // length
  EXPECT_EQ(broken(12, 0x01), MOTE_RT_BAD_CHECKSUM);  // data CRC
  EXPECT_EQ(broken(bytes - 1, 0x80), MOTE_RT_BAD_CHECKSUM);
  std::vector<uint8_t> torn = page;  // the write stopped half way: the rest still erased
  std::fill(torn.begin() + bytes / 2, torn.end(), 0xFF);
  EXPECT_EQ(mote_rt_load_tail_record(&fresh.m, torn.data(), torn.size()), MOTE_RT_BAD_CHECKSUM);
  EXPECT_EQ(mote_rt_load_tail_record(&fresh.m, page.data(), bytes - 1), MOTE_RT_TRUNCATED);
  EXPECT_EQ(mote_rt_load_tail_record(&fresh.m, page.data(), 8), MOTE_RT_TRUNCATED);
  EXPECT_EQ(mote_rt_load_tail_record(&other.m, page.data(), page.size()), MOTE_RT_OTHER_MODEL);
  EXPECT_EQ(mote_rt_load_tail_record(&a.m, page.data(), page.size()), MOTE_RT_NOT_TRAINABLE);
  EXPECT_EQ(fresh.params(), initial);
  // A record with a NaN parameter and a consistent CRC: refused by write_trainable's check.
  std::vector<uint8_t> nan_page = page;
  const float nan = NAN;
  std::memcpy(nan_page.data() + MOTE_RT_TAIL_RECORD_HEADER_BYTES, &nan, 4);
  const uint32_t crc = mote_rt_crc32(nan_page.data() + MOTE_RT_TAIL_RECORD_HEADER_BYTES, bytes - 16);
  std::memcpy(nan_page.data() + 12, &crc, 4);
  EXPECT_EQ(mote_rt_load_tail_record(&fresh.m, nan_page.data(), nan_page.size()), MOTE_RT_NOT_FINITE);
  EXPECT_EQ(fresh.params(), initial);
  // The good record restores the tuned tail bit for bit, and its outputs.
  ASSERT_EQ(mote_rt_load_tail_record(&fresh.m, page.data(), page.size()), MOTE_RT_OK);
  EXPECT_EQ(fresh.params(), tuned.params());
  EXPECT_NE(fresh.params(), initial);
}

TEST(TrainTailArena, CoversTrainingExactlyAndOldModelsAreUnchanged) {
  Model model;
  std::vector<uint8_t> plain, trainable;
  ASSERT_NO_FATAL_FAILURE(ExportPlainAndTrainable(model, MOTE_OPTIMIZER_MOMENTUM, 3, &plain, &trainable));
  Loaded a, b;
  ASSERT_EQ(a.Load(plain), MOTE_RT_OK);
  ASSERT_EQ(b.Load(trainable), MOTE_RT_OK);
  EXPECT_EQ(a.m.train, nullptr);
  EXPECT_EQ(reinterpret_cast<const MoteModelHeader*>(plain.data())->flags & MOTE_MODEL_FLAG_TRAINABLE, 0u);
  // params + grads + velocity (3 x 40 floats = 3 x 160 bytes) + dlogits (16 bytes) at least.
  const size_t params_bytes = (kClasses * kHidden + kClasses) * 4;
  EXPECT_EQ(b.m.train->params_bytes, params_bytes);
  EXPECT_GE(b.need, a.need + 3 * params_bytes + kClasses * 4);
  // One byte less is refused.
  Aligned small(b.need - 1);
  mote_rt_model m{};
  EXPECT_EQ(mote_rt_model_init(&m, b.bytes->data, trainable.size(), small.data, b.need - 1),
            MOTE_RT_ARENA_TOO_SMALL);
  // Same outputs before any step.
  float* xa = a.input();
  float* xb = b.input();
  for (size_t i = 0; i < kIn; ++i) xa[i] = xb[i] = 0.1f * float(i) - 0.5f;
  ASSERT_EQ(mote_rt_invoke(&a.m), MOTE_RT_OK);
  ASSERT_EQ(mote_rt_invoke(&b.m), MOTE_RT_OK);
  mote_rt_tensor ya, yb;
  ASSERT_EQ(mote_rt_output(&a.m, 0, &ya), MOTE_RT_OK);
  ASSERT_EQ(mote_rt_output(&b.m, 0, &yb), MOTE_RT_OK);
  EXPECT_EQ(std::memcmp(ya.data, yb.data, ya.bytes), 0);
  // A step changes the outputs of the next invoke.
  ASSERT_EQ(mote_rt_train_step(&b.m, 1, nullptr), MOTE_RT_OK);
  ASSERT_EQ(mote_rt_invoke(&b.m), MOTE_RT_OK);
  EXPECT_NE(std::memcmp(ya.data, yb.data, ya.bytes), 0);
}

TEST(TrainTailInspect, ReportsTheTrainingArenaParametersAndStepCost) {
  Model model;
  std::vector<uint8_t> plain, trainable;
  ASSERT_NO_FATAL_FAILURE(ExportPlainAndTrainable(model, MOTE_OPTIMIZER_MOMENTUM, 3, &plain, &trainable));
  InspectReport r;
  ASSERT_TRUE(InspectModel(plain.data(), plain.size(), &r).ok());
  EXPECT_EQ(r.trainable_op, -1);
  EXPECT_EQ(FormatInspectText(r).find("training:"), std::string::npos);
  EXPECT_NE(FormatInspectJson(r).find("\"training\":null"), std::string::npos);
  ASSERT_TRUE(InspectModel(trainable.data(), trainable.size(), &r).ok());
  Loaded b;
  ASSERT_EQ(b.Load(trainable), MOTE_RT_OK);
  const uint64_t params = kClasses * kHidden + kClasses;
  EXPECT_EQ(r.trainable_op, int(b.m.train->op));
  EXPECT_EQ(r.optimizer, "momentum");
  EXPECT_EQ(r.trainable_params, params);
  EXPECT_EQ(r.train_params_bytes, params * 4);
  EXPECT_EQ(r.train_grads_bytes, params * 4);
  EXPECT_EQ(r.train_state_bytes, params * 4);  // the velocity
  EXPECT_EQ(r.train_scratch_bytes, kClasses * 4);
  EXPECT_EQ(r.macs, uint64_t(kIn * kHidden + kHidden * kClasses));
  EXPECT_EQ(r.train_step_macs, r.macs + kHidden * kClasses);
  EXPECT_EQ(r.arena_bytes, b.need);
  const std::string text = FormatInspectText(r);
  EXPECT_NE(text.find("momentum, 40 trainable parameters"), std::string::npos) << text;
  EXPECT_NE(text.find("MACs per training step " + std::to_string(r.train_step_macs)), std::string::npos);
  const std::string json = FormatInspectJson(r);
  EXPECT_NE(json.find("\"trainable_params\":40"), std::string::npos) << json;
  EXPECT_NE(json.find("\"train_arena_bytes\":" + std::to_string(3 * params * 4 + kClasses * 4)), std::string::npos);
  EXPECT_EQ(json.back(), '}');
}

TEST(TrainTailBadUse, RefusedWithAStatusAndNothingChanges) {
  Model model;
  std::vector<uint8_t> plain, trainable;
  ASSERT_NO_FATAL_FAILURE(ExportPlainAndTrainable(model, MOTE_OPTIMIZER_SGD, 5, &plain, &trainable));
  Loaded a, b;
  ASSERT_EQ(a.Load(plain), MOTE_RT_OK);
  ASSERT_EQ(b.Load(trainable), MOTE_RT_OK);
  float lr = 0.0f;
  // No trainable tail.
  EXPECT_EQ(mote_rt_train_step(&a.m, 0, nullptr), MOTE_RT_NOT_TRAINABLE);
  EXPECT_EQ(mote_rt_set_learning_rate(&a.m, 0.1f), MOTE_RT_NOT_TRAINABLE);
  EXPECT_EQ(mote_rt_get_learning_rate(&a.m, &lr), MOTE_RT_NOT_TRAINABLE);
  EXPECT_EQ(mote_rt_trainable_bytes(&a.m), 0u);
  float buffer[64];
  EXPECT_EQ(mote_rt_read_trainable(&a.m, buffer, sizeof(buffer)), MOTE_RT_NOT_TRAINABLE);
  EXPECT_EQ(mote_rt_write_trainable(&a.m, buffer, sizeof(buffer)), MOTE_RT_NOT_TRAINABLE);
  // Not initialised.
  mote_rt_model zero{};
  EXPECT_EQ(mote_rt_train_step(&zero, 0, nullptr), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_trainable_bytes(&zero), 0u);
  ASSERT_EQ(mote_rt_get_learning_rate(&b.m, &lr), MOTE_RT_OK);
  EXPECT_EQ(lr, 0.1f);
  const std::vector<float> before = b.params();
  float* x = b.input();
  for (size_t i = 0; i < kIn; ++i) x[i] = 0.25f;
  // Label out of range.
  EXPECT_EQ(mote_rt_train_step(&b.m, kClasses, nullptr), MOTE_RT_BAD_LABEL);
  EXPECT_EQ(mote_rt_train_step(&b.m, 0xFFFFFFFFu, nullptr), MOTE_RT_BAD_LABEL);
  // A NaN input: NaN loss, the weights stay.
  x[3] = NAN;
  float loss = 0.0f;
  EXPECT_EQ(mote_rt_train_step(&b.m, 1, &loss), MOTE_RT_NOT_FINITE);
  EXPECT_TRUE(std::isnan(loss));
  // A huge input: finite loss, but the update would overflow to infinity.
  for (size_t i = 0; i < kIn; ++i) x[i] = 1e30f;
  ASSERT_EQ(mote_rt_set_learning_rate(&b.m, 1e30f), MOTE_RT_OK);
  const mote_rt_status huge = mote_rt_train_step(&b.m, 1, &loss);
  EXPECT_EQ(huge, MOTE_RT_NOT_FINITE);
  EXPECT_EQ(b.params(), before);
  EXPECT_EQ(b.m.steps, 0u);
  // Learning rates.
  EXPECT_EQ(mote_rt_set_learning_rate(&b.m, -1.0f), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_set_learning_rate(&b.m, NAN), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_set_learning_rate(&b.m, INFINITY), MOTE_RT_BAD_ARGUMENT);
  // Reading / writing the tail.
  std::vector<float> p = b.params();
  ASSERT_EQ(p.size(), kClasses * kHidden + kClasses);
  EXPECT_EQ(mote_rt_read_trainable(&b.m, p.data(), p.size() * 4 - 1), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_write_trainable(&b.m, p.data(), p.size() * 4 - 4), MOTE_RT_BAD_ARGUMENT);
  EXPECT_EQ(mote_rt_write_trainable(&b.m, nullptr, p.size() * 4), MOTE_RT_BAD_ARGUMENT);
  p[5] = NAN;
  EXPECT_EQ(mote_rt_write_trainable(&b.m, p.data(), p.size() * 4), MOTE_RT_NOT_FINITE);
  EXPECT_EQ(b.params(), before);
  p[5] = 2.5f;
  ASSERT_EQ(mote_rt_write_trainable(&b.m, p.data(), p.size() * 4), MOTE_RT_OK);
  EXPECT_EQ(b.params(), p);
}

// Rewrites the train record of a trainable file and its CRC.
std::vector<uint8_t> WithRecord(std::vector<uint8_t> file, void (*edit)(MoteTrainRecord&, const MoteModelHeader&)) {
  MoteModelHeader h;
  std::memcpy(&h, file.data(), sizeof(h));
  const size_t at = h.op_table_offset + size_t(h.op_count) * sizeof(MoteOpRecord);
  MoteTrainRecord r;
  std::memcpy(&r, file.data() + at, sizeof(r));
  edit(r, h);
  std::memcpy(file.data() + at, &r, sizeof(r));
  h.crc32 = mote_rt_crc32(file.data() + 12, h.file_bytes - 12);
  std::memcpy(file.data(), &h, sizeof(h));
  return file;
}

TEST(TrainTailLoader, RefusesBrokenTrainRecords) {
  Model model;
  BuildModel(model, MOTE_OPTIMIZER_ADAM, 9);
  std::vector<uint8_t> file;
  ExportOptions o = TrainingOptions(MOTE_OPTIMIZER_ADAM, 0.01f);
  ASSERT_TRUE(ExportModel(model, o, &file).ok());
  struct Case {
    void (*edit)(MoteTrainRecord&, const MoteModelHeader&);
    mote_rt_status want;
  };
  const Case cases[] = {
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.op = 0; }, MOTE_RT_BAD_PARAMS},  // hidden has a ReLU
      {[](MoteTrainRecord& r, const MoteModelHeader& h) { r.op = uint16_t(h.op_count); }, MOTE_RT_BAD_PARAMS},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.optimizer = 9; }, MOTE_RT_UNKNOWN_OP},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.loss = 0; }, MOTE_RT_UNKNOWN_OP},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.learning_rate = NAN; }, MOTE_RT_BAD_PARAMS},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.label_smoothing = 1.0f; }, MOTE_RT_BAD_PARAMS},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.hyper[2] = 0.0f; }, MOTE_RT_BAD_PARAMS},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.feed_inputs = 12; }, MOTE_RT_BAD_PARAMS},  // no units
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.feed_weights = 1; }, MOTE_RT_BAD_PARAMS},
      {[](MoteTrainRecord& r, const MoteModelHeader&) {
         r.bias_units = 9;
         r.feed_weights = 2;
       },
       MOTE_RT_BAD_PARAMS},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.bias_op = 1; }, MOTE_RT_BAD_PARAMS},  // no units
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.bias_units = 9; }, MOTE_RT_BAD_SHAPE},  // blocks too small
      {[](MoteTrainRecord& r, const MoteModelHeader&) {
         r.bias_units = 9;
         r.bias_op = r.op;
       },
       MOTE_RT_BAD_PARAMS},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.params_bytes += 16; }, MOTE_RT_BAD_SHAPE},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.state_bytes = r.params_bytes; }, MOTE_RT_BAD_SHAPE},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.scratch_bytes = 4; }, MOTE_RT_BAD_SHAPE},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.grads_offset += 8; }, MOTE_RT_BAD_OFFSET},
      {[](MoteTrainRecord& r, const MoteModelHeader& h) { r.state_offset = h.arena_bytes; }, MOTE_RT_BAD_OFFSET},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.grads_offset = r.params_offset; }, MOTE_RT_BAD_OFFSET},
      {[](MoteTrainRecord& r, const MoteModelHeader&) { r.scratch_offset = 0xFFFFFFF0u; }, MOTE_RT_BAD_OFFSET},
  };
  Loaded ok;
  ASSERT_EQ(ok.Load(file), MOTE_RT_OK);
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    Loaded bad;
    EXPECT_EQ(bad.Load(WithRecord(file, cases[i].edit)), cases[i].want) << "case " << i;
  }
  // A block moved over another block or an activation (something lives at 0).
  Loaded over;
  EXPECT_EQ(over.Load(WithRecord(file, [](MoteTrainRecord& r, const MoteModelHeader&) { r.scratch_offset = 0; })),
            MOTE_RT_BAD_OFFSET);
  // The flag without room for the record.
  std::vector<uint8_t> cut = file;
  MoteModelHeader h;
  std::memcpy(&h, cut.data(), sizeof(h));
  h.op_table_offset = h.file_bytes - uint32_t(h.op_count) * 64;  // the record would start at file_bytes
  h.crc32 = 0;
  std::memcpy(cut.data(), &h, sizeof(h));
  h.crc32 = mote_rt_crc32(cut.data() + 12, h.file_bytes - 12);
  std::memcpy(cut.data(), &h, sizeof(h));
  Loaded truncated;
  EXPECT_NE(truncated.Load(cut), MOTE_RT_OK);
}

TEST(TrainTailExport, RefusesWhatItCannotTrain) {
  Model model;
  BuildModel(model, MOTE_OPTIMIZER_SGD, 1);
  std::vector<uint8_t> file;
  ExportOptions o = TrainingOptions(MOTE_OPTIMIZER_SGD, 0.1f);
  o.training.trainable_layers = 3;
  EXPECT_EQ(ExportModel(model, o, &file).code(), StatusCode::kUnsupported);
  o = TrainingOptions(MOTE_OPTIMIZER_SGD, -1.0f);
  EXPECT_EQ(ExportModel(model, o, &file).code(), StatusCode::kInvalidArgument);
  o = TrainingOptions(MOTE_OPTIMIZER_MOMENTUM, 0.1f);
  o.training.momentum = 1.0f;
  EXPECT_EQ(ExportModel(model, o, &file).code(), StatusCode::kInvalidArgument);
  // A model ending in a ReLU: no logits to train on.
  Model relu_end;
  const NodeId x = relu_end.Input(Shape(kIn));
  relu_end.Add(std::make_unique<Dense>(kClasses), {x}, "logits");
  relu_end.Add(std::make_unique<ReLU>(), {}, "relu");
  ASSERT_TRUE(testing::PrepareForExport(relu_end, 1).ok());
  EXPECT_EQ(ExportModel(relu_end, TrainingOptions(MOTE_OPTIMIZER_SGD, 0.1f), &file).code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace mote
