// ModelWriter: the file layout of model_format.h (header fields, 16-aligned
// tables and data, constants copied, CRC equal to zlib's) and refusal of
// records it cannot encode.
#include "mote/model_writer.h"

#include <gtest/gtest.h>
#include <string.h>
#include <zlib.h>

#include <cmath>
#include <vector>

#include "mote/rt.h"

namespace mote {
namespace {

template <class T>
T ReadAt(const std::vector<uint8_t>& bytes, size_t offset) {
  T v;
  memcpy(&v, bytes.data() + offset, sizeof(T));
  return v;
}

// x [4] -> dense(3) -> y [3]
struct DenseModel {
  ModelWriter w;
  uint16_t x, wt, b, y;
  std::vector<float> weights = std::vector<float>(12), bias = {0.5f, -1.0f, 2.0f};
  DenseModel() {
    for (int i = 0; i < 12; ++i) weights[i] = 0.25f * float(i) - 1.0f;
    EXPECT_TRUE(w.AddActivation(MOTE_DTYPE_F32, {4}, 0, 0.0f, 0, &x).ok());
    EXPECT_TRUE(w.AddConstant(MOTE_DTYPE_F32, {3, 4}, weights.data(), 48, &wt).ok());
    EXPECT_TRUE(w.AddConstant(MOTE_DTYPE_F32, {3}, bias.data(), 12, &b).ok());
    EXPECT_TRUE(w.AddActivation(MOTE_DTYPE_F32, {3}, 16, 0.0f, 0, &y).ok());
    MoteOpRecord op = ModelWriter::Op(MOTE_OP_DENSE, {x, wt, b}, y);
    op.act_min = 0.0f;
    EXPECT_TRUE(w.AddOp(op).ok());
    EXPECT_TRUE(w.AddInput(x).ok());
    EXPECT_TRUE(w.AddOutput(y).ok());
    w.SetArenaBytes(32);
  }
};

TEST(ModelWriterTest, LaysOutHeaderTablesAndAlignedData) {
  DenseModel d;
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(d.w.Finish(&bytes).ok());
  MoteModelHeader h;
  memcpy(&h, bytes.data(), sizeof(h));
  EXPECT_EQ(h.magic, MOTE_MODEL_MAGIC);
  EXPECT_EQ(memcmp(bytes.data(), "MOTE", 4), 0);
  EXPECT_EQ(h.version, MOTE_MODEL_VERSION);
  EXPECT_EQ(h.file_bytes, bytes.size());
  EXPECT_EQ(h.file_bytes % 16, 0u);
  EXPECT_EQ(h.header_bytes, 64u);
  EXPECT_EQ(h.tensor_count, 4u);
  EXPECT_EQ(h.tensor_table_offset, 64u);
  EXPECT_EQ(h.op_count, 1u);
  EXPECT_EQ(h.op_table_offset, 64u + 4 * 48);
  EXPECT_EQ(h.arena_bytes, 32u);
  EXPECT_EQ(h.input_count, 1);
  EXPECT_EQ(h.output_count, 1);
  EXPECT_EQ(h.inputs[0], d.x);
  EXPECT_EQ(h.outputs[0], d.y);
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(h.inputs[i], MOTE_MODEL_NO_TENSOR);
    EXPECT_EQ(h.outputs[i], MOTE_MODEL_NO_TENSOR);
  }
  // CRC over [12, file_bytes), as zlib computes it.
  EXPECT_EQ(h.crc32, uint32_t(crc32(0, bytes.data() + 12, uInt(bytes.size() - 12))));

  const auto w = ReadAt<MoteTensorRecord>(bytes, 64 + d.wt * 48);
  EXPECT_EQ(w.kind, MOTE_TENSOR_CONSTANT);
  EXPECT_EQ(w.rank, 2);
  EXPECT_EQ(w.dims[0], 3u);
  EXPECT_EQ(w.dims[1], 4u);
  EXPECT_EQ(w.dims[2], 1u);
  EXPECT_EQ(w.dims[3], 1u);
  EXPECT_EQ(w.bytes, 48u);
  EXPECT_EQ(w.offset % 16, 0u);
  EXPECT_GE(w.offset, h.op_table_offset + 64);
  EXPECT_EQ(memcmp(bytes.data() + w.offset, d.weights.data(), 48), 0);
  const auto b = ReadAt<MoteTensorRecord>(bytes, 64 + d.b * 48);
  EXPECT_EQ(b.offset % 16, 0u);
  EXPECT_GE(b.offset, w.offset + 48);
  EXPECT_EQ(memcmp(bytes.data() + b.offset, d.bias.data(), 12), 0);
  const auto y = ReadAt<MoteTensorRecord>(bytes, 64 + d.y * 48);
  EXPECT_EQ(y.kind, MOTE_TENSOR_ACTIVATION);
  EXPECT_EQ(y.offset, 16u);

  const auto op = ReadAt<MoteOpRecord>(bytes, h.op_table_offset);
  EXPECT_EQ(op.type, MOTE_OP_DENSE);
  EXPECT_EQ(op.input_count, 3);
  EXPECT_EQ(op.inputs[3], MOTE_MODEL_NO_TENSOR);
  EXPECT_EQ(op.act_min, 0.0f);
  EXPECT_TRUE(std::isinf(op.act_max));
}

TEST(ModelWriterTest, CrcMatchesZlib) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7 + (i >> 3));
  for (size_t len : {0, 1, 3, 17, 1000})
    EXPECT_EQ(mote_rt_crc32(data.data(), len), uint32_t(crc32(0, data.data(), uInt(len)))) << len;
  EXPECT_EQ(mote_rt_crc32("123456789", 9), 0xCBF43926u);  // the standard check value
}

TEST(ModelWriterTest, RefusesWhatItCannotEncode) {
  ModelWriter w;
  uint16_t id = 0;
  const float data[4] = {};
  // 3: the one value past the known dtypes that MoteDType can hold (its
  // values fit 2 bits; a larger one would be undefined behaviour to form).
  EXPECT_FALSE(w.AddConstant(MoteDType(3), {4}, data, 16, &id).ok());
  EXPECT_FALSE(w.AddConstant(MOTE_DTYPE_F32, {}, data, 4, &id).ok());
  EXPECT_FALSE(w.AddConstant(MOTE_DTYPE_F32, {1, 1, 1, 1, 1}, data, 4, &id).ok());
  EXPECT_FALSE(w.AddConstant(MOTE_DTYPE_F32, {4, 0}, data, 0, &id).ok());
  EXPECT_FALSE(w.AddConstant(MOTE_DTYPE_F32, {4}, data, 12, &id).ok());  // bytes != 4 * 4
  EXPECT_FALSE(w.AddConstant(MOTE_DTYPE_F32, {4}, nullptr, 16, &id).ok());
  EXPECT_FALSE(w.AddConstant(MOTE_DTYPE_F32, {65536, 65536}, data, 16, &id).ok());  // > 4 GiB
  EXPECT_FALSE(w.AddActivation(MOTE_DTYPE_F32, {4}, 8, 0.0f, 0, &id).ok());        // misaligned
  EXPECT_FALSE(w.AddActivation(MOTE_DTYPE_F32, {4}, 0, 0.5f, 0, &id).ok());        // f32 with a scale
  EXPECT_FALSE(w.AddActivation(MOTE_DTYPE_I8, {4}, 0, 0.0f, 0, &id).ok());         // int8 without one
  EXPECT_FALSE(w.AddActivation(MOTE_DTYPE_I8, {4}, 0, 0.5f, 128, &id).ok());
  EXPECT_EQ(w.tensor_count(), 0u);  // failed calls add nothing

  ASSERT_TRUE(w.AddActivation(MOTE_DTYPE_I8, {4}, 0, 0.5f, -3, &id).ok());
  EXPECT_EQ(id, 0);
  EXPECT_FALSE(w.AddOp(ModelWriter::Op(MOTE_OP_RESHAPE, {1}, 0)).ok());  // no tensor 1
  EXPECT_FALSE(w.AddOp(ModelWriter::Op(MOTE_OP_RESHAPE, {0}, 1)).ok());
  EXPECT_FALSE(w.AddInput(1).ok());
  std::vector<uint8_t> bytes;
  EXPECT_FALSE(w.Finish(&bytes).ok());  // no inputs / outputs yet
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(w.AddInput(0).ok());
  EXPECT_FALSE(w.AddInput(0).ok());  // at most 4
  ASSERT_TRUE(w.AddOutput(0).ok());
  EXPECT_TRUE(w.Finish(&bytes).ok());
  EXPECT_FALSE(w.Finish(nullptr).ok());
}

}  // namespace
}  // namespace mote
