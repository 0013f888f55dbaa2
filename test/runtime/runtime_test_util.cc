#include "runtime_test_util.h"

#include <math.h>

namespace mote {
namespace testing {
namespace {

uint32_t Align16(uint64_t v) { return uint32_t((v + 15) & ~uint64_t(15)); }

uint32_t BytesOf(MoteDType dtype, const std::vector<uint32_t>& dims) {
  uint64_t n = dtype == MOTE_DTYPE_I8 ? 1 : 4;
  for (uint32_t d : dims) n *= d;
  return uint32_t(n);
}

void Check(const Status& s) {
  if (!s.ok()) abort();  // a broken test model is a bug in the test
}

}  // namespace

uint16_t GraphBuilder::ActAt(MoteDType dtype, std::vector<uint32_t> dims, uint32_t offset, float scale,
                             int32_t zero_point) {
  uint16_t id;
  Check(writer_.AddActivation(dtype, dims, offset, scale, zero_point, &id));
  return id;
}

uint16_t GraphBuilder::Act(MoteDType dtype, std::vector<uint32_t> dims, float scale, int32_t zero_point) {
  return ActAt(dtype, dims, Reserve(BytesOf(dtype, dims)), scale, zero_point);
}

uint32_t GraphBuilder::Reserve(uint32_t bytes) {
  const uint32_t offset = arena_;
  arena_ = Align16(uint64_t(arena_) + bytes);
  return offset;
}

uint16_t GraphBuilder::ConstF32(std::vector<uint32_t> dims, const std::vector<float>& values) {
  uint16_t id;
  Check(writer_.AddConstant(MOTE_DTYPE_F32, dims, values.data(), values.size() * 4, &id));
  return id;
}
uint16_t GraphBuilder::ConstI8(std::vector<uint32_t> dims, const std::vector<int8_t>& values) {
  uint16_t id;
  Check(writer_.AddConstant(MOTE_DTYPE_I8, dims, values.data(), values.size(), &id));
  return id;
}
uint16_t GraphBuilder::ConstI32(std::vector<uint32_t> dims, const std::vector<int32_t>& values) {
  uint16_t id;
  Check(writer_.AddConstant(MOTE_DTYPE_I32, dims, values.data(), values.size() * 4, &id));
  return id;
}

MoteOpRecord& GraphBuilder::Op(MoteOpType type, std::initializer_list<uint16_t> inputs, uint16_t output) {
  ops_.push_back(ModelWriter::Op(type, inputs, output));
  return ops_.back();
}

MoteOpRecord& GraphBuilder::OpI8(MoteOpType type, std::initializer_list<uint16_t> inputs, uint16_t output) {
  MoteOpRecord& op = Op(type, inputs, output);
  op.act_min = -128.0f;
  op.act_max = 127.0f;
  return op;
}

std::vector<uint8_t> GraphBuilder::Build(std::initializer_list<uint16_t> inputs,
                                         std::initializer_list<uint16_t> outputs, int64_t arena_delta) {
  ModelWriter w = writer_;
  for (const MoteOpRecord& op : ops_) Check(w.AddOp(op));
  for (uint16_t id : inputs) Check(w.AddInput(id));
  for (uint16_t id : outputs) Check(w.AddOutput(id));
  w.SetArenaBytes(uint32_t(int64_t(arena_) + arena_delta));
  std::vector<uint8_t> bytes;
  Check(w.Finish(&bytes));
  return bytes;
}

mote_rt_status LoadedModel::Load(const std::vector<uint8_t>& model, size_t arena_len) {
  bytes_ = AlignedBytes(model.data(), model.size());
  if (arena_len == SIZE_MAX) {
    size_t need = 0;
    const mote_rt_status s = mote_rt_arena_bytes(bytes_.data(), bytes_.size(), &need);
    if (s != MOTE_RT_OK) return s;
    arena_len = need;
  }
  arena_ = AlignedBytes(arena_len);
  return mote_rt_model_init(&m_, bytes_.data(), bytes_.size(), arena_.data(), arena_.size());
}

void* LoadedModel::InputData(uint32_t i) {
  mote_rt_tensor t;
  if (mote_rt_input(&m_, i, &t) != MOTE_RT_OK) abort();
  return t.data;
}
const void* LoadedModel::OutputData(uint32_t i) {
  mote_rt_tensor t;
  if (mote_rt_output(&m_, i, &t) != MOTE_RT_OK) abort();
  return t.data;
}
size_t LoadedModel::OutputBytes(uint32_t i) {
  mote_rt_tensor t;
  if (mote_rt_output(&m_, i, &t) != MOTE_RT_OK) abort();
  return t.bytes;
}

std::vector<float> RandomF32(size_t n, uint32_t seed, float lo, float hi) {
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761u + 1;
  for (float& x : v) {
    s = s * 1664525u + 1013904223u;
    x = lo + (hi - lo) * float(s >> 8) / float(1u << 24);
  }
  return v;
}

std::vector<int8_t> RandomI8(size_t n, uint32_t seed, int lo, int hi) {
  std::vector<int8_t> v(n);
  uint32_t s = seed * 2654435761u + 7;
  for (int8_t& x : v) {
    s = s * 1664525u + 1013904223u;
    x = int8_t(lo + int((s >> 8) % uint32_t(hi - lo + 1)));
  }
  return v;
}

int32_t ReferenceRequant(int64_t acc, int32_t multiplier, int32_t shift, int32_t zero_point, int32_t lo, int32_t hi) {
  const int64_t v = (acc * multiplier + (int64_t(1) << (shift - 1))) >> shift;
  const int64_t q = v + zero_point;
  return int32_t(q < lo ? lo : (q > hi ? hi : q));
}

void QuantizeMultiplier(double real, int32_t* multiplier, int32_t* shift) {
  int e = 0;
  const double f = frexp(real, &e);  // real = f * 2^e, f in [0.5, 1)
  int64_t m = llround(f * double(int64_t(1) << 31));
  int32_t s = 31 - e;
  if (m == (int64_t(1) << 31)) {
    m /= 2;
    --s;
  }
  *multiplier = int32_t(m);
  *shift = s;
}

std::vector<uint8_t> TinyF32Model() {
  GraphBuilder b;
  const uint16_t x = b.Act(MOTE_DTYPE_F32, {8, 8, 2});
  const uint16_t conv = b.Act(MOTE_DTYPE_F32, {8, 8, 4});
  MoteOpRecord& c = b.Op(MOTE_OP_CONV2D,
                         {x, b.ConstF32({4, 3, 3, 2}, RandomF32(72, 1)), b.ConstF32({4}, RandomF32(4, 2))}, conv);
  const int32_t conv_params[] = {3, 3, 1, 1, 1, 1, 5};
  memcpy(c.params, conv_params, sizeof(conv_params));
  c.act_min = 0.0f;
  c.activation = MOTE_ACT_RELU;
  c.scratch_bytes = 5 * 18 * 4;
  c.scratch_offset = b.Reserve(c.scratch_bytes);
  const uint16_t dw = b.Act(MOTE_DTYPE_F32, {8, 8, 4});
  MoteOpRecord& d = b.Op(MOTE_OP_DEPTHWISE_CONV2D,
                         {conv, b.ConstF32({3, 3, 4}, RandomF32(36, 3)), b.ConstF32({4}, RandomF32(4, 4))}, dw);
  memcpy(d.params, conv_params, 6 * sizeof(int32_t));
  const uint16_t sum = b.Act(MOTE_DTYPE_F32, {8, 8, 4});
  b.Op(MOTE_OP_ADD, {conv, dw}, sum);
  const uint16_t affine = b.Act(MOTE_DTYPE_F32, {8, 8, 4});
  b.Op(MOTE_OP_CHANNEL_AFFINE, {sum, b.ConstF32({4}, RandomF32(4, 5)), b.ConstF32({4}, RandomF32(4, 6))}, affine)
      .act_min = 0.0f;
  const uint16_t pooled = b.Act(MOTE_DTYPE_F32, {4, 4, 4});
  const int32_t max_params[] = {2, 2, 2, 2, 0, 0};
  memcpy(b.Op(MOTE_OP_MAX_POOL2D, {affine}, pooled).params, max_params, sizeof(max_params));
  const uint16_t avg = b.Act(MOTE_DTYPE_F32, {4, 4, 4});
  const int32_t avg_params[] = {3, 3, 1, 1, 1, 1};
  memcpy(b.Op(MOTE_OP_AVG_POOL2D, {pooled}, avg).params, avg_params, sizeof(avg_params));
  const uint16_t flat = b.ActAt(MOTE_DTYPE_F32, {64}, b.tensor(avg).offset);
  b.Op(MOTE_OP_RESHAPE, {avg}, flat);
  const uint16_t logits = b.Act(MOTE_DTYPE_F32, {10});
  b.Op(MOTE_OP_DENSE, {flat, b.ConstF32({10, 64}, RandomF32(640, 7)), b.ConstF32({10}, RandomF32(10, 8))}, logits);
  const uint16_t probs = b.Act(MOTE_DTYPE_F32, {10});
  b.Op(MOTE_OP_SOFTMAX, {logits}, probs);
  const uint16_t gap = b.Act(MOTE_DTYPE_F32, {4});
  b.Op(MOTE_OP_GLOBAL_AVG_POOL, {pooled}, gap);
  return b.Build({x}, {probs, gap});
}

std::vector<uint8_t> TinyI8Model() {
  GraphBuilder b;
  const float s_in = 1.0f / 64, s_conv = 1.0f / 16;
  const uint16_t x = b.Act(MOTE_DTYPE_F32, {6, 6, 3});
  const uint16_t q = b.Act(MOTE_DTYPE_I8, {6, 6, 3}, s_in, 3);
  b.OpI8(MOTE_OP_QUANTIZE, {x}, q);
  std::vector<int32_t> requant4(8);
  for (int c = 0; c < 4; ++c) QuantizeMultiplier(s_in * (0.01 + 0.002 * c) / s_conv, &requant4[c], &requant4[4 + c]);
  const uint16_t conv = b.Act(MOTE_DTYPE_I8, {6, 6, 4}, s_conv, -5);
  MoteOpRecord& c = b.OpI8(MOTE_OP_CONV2D,
                           {q, b.ConstI8({4, 3, 3, 3}, RandomI8(108, 1)), b.ConstI32({4}, {100, -200, 300, 0}),
                            b.ConstI32({8}, requant4)},
                           conv);
  const int32_t conv_params[] = {3, 3, 1, 1, 1, 1, 4};
  memcpy(c.params, conv_params, sizeof(conv_params));
  c.act_min = -5.0f;  // ReLU: clamp at the zero point
  c.scratch_bytes = 4 * 27;
  c.scratch_offset = b.Reserve(c.scratch_bytes);
  const uint16_t dw = b.Act(MOTE_DTYPE_I8, {6, 6, 4}, s_conv, 2);
  memcpy(b.OpI8(MOTE_OP_DEPTHWISE_CONV2D,
                {conv, b.ConstI8({3, 3, 4}, RandomI8(36, 2)), b.ConstI32({4}, {10, 20, -30, 40}),
                 b.ConstI32({8}, requant4)},
                dw)
             .params,
         conv_params, 6 * sizeof(int32_t));
  const uint16_t sum = b.Act(MOTE_DTYPE_I8, {6, 6, 4}, s_conv * 2, 1);
  MoteOpRecord& add = b.OpI8(MOTE_OP_ADD, {conv, dw}, sum);
  QuantizeMultiplier(0.5, &add.params[0], &add.params[1]);
  QuantizeMultiplier(0.5, &add.params[2], &add.params[3]);
  const uint16_t pooled = b.Act(MOTE_DTYPE_I8, {3, 3, 4}, s_conv * 2, 1);
  const int32_t max_params[] = {2, 2, 2, 2, 0, 0};
  memcpy(b.OpI8(MOTE_OP_MAX_POOL2D, {sum}, pooled).params, max_params, sizeof(max_params));
  const uint16_t avg = b.Act(MOTE_DTYPE_I8, {3, 3, 4}, s_conv * 2, 1);
  const int32_t avg_params[] = {2, 2, 1, 1, 1, 1};
  memcpy(b.OpI8(MOTE_OP_AVG_POOL2D, {pooled}, avg).params, avg_params, sizeof(avg_params));
  const uint16_t flat = b.ActAt(MOTE_DTYPE_I8, {36}, b.tensor(avg).offset, s_conv * 2, 1);
  b.OpI8(MOTE_OP_RESHAPE, {avg}, flat);
  std::vector<int32_t> requant10(20);
  for (int j = 0; j < 10; ++j) QuantizeMultiplier(0.003 + 0.0001 * j, &requant10[j], &requant10[10 + j]);
  const uint16_t logits = b.Act(MOTE_DTYPE_I8, {10}, 0.1f, 0);
  b.OpI8(MOTE_OP_DENSE,
         {flat, b.ConstI8({10, 36}, RandomI8(360, 3)), b.ConstI32({10}, std::vector<int32_t>(10, 50)),
          b.ConstI32({20}, requant10)},
         logits);
  const uint16_t out = b.Act(MOTE_DTYPE_F32, {10});
  b.Op(MOTE_OP_DEQUANTIZE, {logits}, out);
  const uint16_t gap = b.Act(MOTE_DTYPE_I8, {4}, s_conv * 2, 1);
  b.OpI8(MOTE_OP_GLOBAL_AVG_POOL, {pooled}, gap);
  return b.Build({x}, {out, gap}, 0);
}

}  // namespace testing
}  // namespace mote
