// DENSE against naive loops: f32 with the fused clamp (input read flat from an
// image-shaped tensor) in both weight layouts ([Cout][F] and the host's
// input-major [F][Cout], inputs half zero), int8 with per-channel
// requantization, which the fp32 host layout's flag does not apply to, and in
// the int8 host layout (channel blocks, weight sums).
#include <gtest/gtest.h>

#include <algorithm>

#include "mote/kernels.h"
#include "op_test_util.h"

namespace mote {
namespace testing {
namespace {

TEST(OpDenseTest, F32MatchesNaiveLoops) {
  for (const bool input_major : {false, true})
  for (uint32_t cout : {1u, 3u, 17u, 50u}) {
    SCOPED_TRACE(input_major ? "input-major weights" : "[Cout][F] weights");
    const uint32_t f = 2 * 3 * 5;
    auto x = RandomF32(f, 1);
    const auto w = RandomF32(cout * f, 2), b = RandomF32(cout, 3);
    for (float& v : x) v = std::max(v, 0.0f);  // a ReLU's output: about half zero
    std::vector<float> stored = w;
    if (input_major)
      for (uint32_t j = 0; j < cout; ++j)
        for (uint32_t p = 0; p < f; ++p) stored[p * cout + j] = w[j * f + p];
    GraphBuilder g;
    const uint16_t xi = g.Act(MOTE_DTYPE_F32, {2, 3, 5});
    const uint16_t yi = g.Act(MOTE_DTYPE_F32, {cout});
    MoteOpRecord& op = g.Op(MOTE_OP_DENSE,
                            {xi, g.ConstF32(input_major ? std::vector<uint32_t>{f, cout} : std::vector<uint32_t>{cout, f},
                                            stored),
                             g.ConstF32({cout}, b)},
                            yi);
    op.act_min = 0.0f;
    if (input_major) op.params[0] = MOTE_DENSE_WEIGHTS_INPUT_MAJOR;
    std::vector<float> got;
    ASSERT_NO_FATAL_FAILURE(RunOnce(g.Build({xi}, {yi}), x, &got));
    for (uint32_t j = 0; j < cout; ++j) {
      float acc = b[j];
      for (uint32_t p = 0; p < f; ++p) acc += x[p] * w[j * f + p];
      EXPECT_NEAR(got[j], std::max(acc, 0.0f), 1e-5f) << j;
    }
  }
}

TEST(OpDenseTest, Int8MatchesIntegerReference) {
  const uint32_t f = 37, cout = 11;
  const int32_t zp_out = -10;
  const auto x = RandomI8(f, 4), w = RandomI8(cout * f, 5, -127, 127);
  std::vector<int32_t> bias(cout), requant(2 * cout);
  for (uint32_t j = 0; j < cout; ++j) {
    bias[j] = int32_t(j * 97) - 500;
    QuantizeMultiplier(0.004 * (j + 1), &requant[j], &requant[cout + j]);
  }
  GraphBuilder g;
  const uint16_t xi = g.Act(MOTE_DTYPE_I8, {f}, 0.5f, 0);
  const uint16_t yi = g.Act(MOTE_DTYPE_I8, {cout}, 0.5f, zp_out);
  MoteOpRecord& op = g.OpI8(
      MOTE_OP_DENSE, {xi, g.ConstI8({cout, f}, w), g.ConstI32({cout}, bias), g.ConstI32({2 * cout}, requant)}, yi);
  op.act_max = 100.0f;
  std::vector<int8_t> got;
  ASSERT_NO_FATAL_FAILURE(RunOnce(g.Build({xi}, {yi}), x, &got));
  op.params[0] = MOTE_DENSE_WEIGHTS_INPUT_MAJOR;  // an fp32 layout only
  LoadedModel refused;
  EXPECT_EQ(refused.Load(g.Build({xi}, {yi})), MOTE_RT_BAD_PARAMS);
  for (uint32_t j = 0; j < cout; ++j) {
    int64_t acc = bias[j];
    for (uint32_t p = 0; p < f; ++p) acc += int32_t(x[p]) * w[j * f + p];
    EXPECT_EQ(got[j], ReferenceRequant(acc, requant[j], requant[cout + j], zp_out, -128, 100)) << j;
  }
}

// The host layout of an int8 dense op (MOTE_DENSE_WEIGHT_SUMS |
// MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS): the weights packed in channel blocks
// (a partial last block and chunk), the bias followed by the weight sums; the
// same bytes as the integer reference. The loader refuses the blocks without
// the sums, a wrong sum, row-major dims under the flag and the flag on fp32.
TEST(OpDenseTest, Int8ChannelBlocksMatchIntegerReference) {
  const uint32_t f = 131, cout = 11;
  const int32_t zp_out = -10;
  const auto x = RandomI8(f, 6), w = RandomI8(cout * f, 7, -127, 127);
  std::vector<int32_t> bias(2 * cout), requant(2 * cout);
  for (uint32_t j = 0; j < cout; ++j) {
    bias[j] = int32_t(j * 97) - 500;
    for (uint32_t p = 0; p < f; ++p) bias[cout + j] += w[j * f + p];
    QuantizeMultiplier(0.004 * (j + 1), &requant[j], &requant[cout + j]);
  }
  std::vector<int8_t> packed(mote::kernels::I8DenseBlockBytes(cout, f));
  mote::kernels::PackI8DenseBlocks(cout, f, w.data(), f, packed.data());
  const std::vector<uint32_t> block_dims = {3, 3, 4, 64};  // 11 channels in 3 blocks, 131 taps in 3 chunks
  ASSERT_EQ(packed.size(), 3u * 3 * 4 * 64);
  const auto build = [&](int32_t layout, const std::vector<uint32_t>& dims, const std::vector<int8_t>& weights,
                         const std::vector<int32_t>& b) {
    GraphBuilder g;
    const uint16_t xi = g.Act(MOTE_DTYPE_I8, {f}, 0.5f, 0);
    const uint16_t yi = g.Act(MOTE_DTYPE_I8, {cout}, 0.5f, zp_out);
    MoteOpRecord& op = g.OpI8(MOTE_OP_DENSE,
                              {xi, g.ConstI8(dims, weights), g.ConstI32({uint32_t(b.size())}, b),
                               g.ConstI32({2 * cout}, requant)},
                              yi);
    op.act_max = 100.0f;
    op.params[0] = layout;
    return g.Build({xi}, {yi});
  };
  const int32_t blocks = MOTE_DENSE_WEIGHT_SUMS | MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS;
  std::vector<int8_t> got;
  ASSERT_NO_FATAL_FAILURE(RunOnce(build(blocks, block_dims, packed, bias), x, &got));
  for (uint32_t j = 0; j < cout; ++j) {
    int64_t acc = bias[j];
    for (uint32_t p = 0; p < f; ++p) acc += int32_t(x[p]) * w[j * f + p];
    EXPECT_EQ(got[j], ReferenceRequant(acc, requant[j], requant[cout + j], zp_out, -128, 100)) << j;
  }
  std::vector<int32_t> bad_sum = bias;
  bad_sum[2 * cout - 1] += 1;
  const std::vector<int32_t> bias_only(bias.begin(), bias.begin() + cout);
  LoadedModel refused;
  EXPECT_EQ(refused.Load(build(blocks, block_dims, packed, bad_sum)), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(refused.Load(build(MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS, block_dims, packed, bias_only)), MOTE_RT_BAD_PARAMS);
  EXPECT_EQ(refused.Load(build(blocks, {cout, f}, w, bias)), MOTE_RT_BAD_SHAPE);
  EXPECT_EQ(refused.Load(build(blocks, {3, 3, 64, 4}, packed, bias)), MOTE_RT_BAD_SHAPE);
  LoadedModel rows;  // the row layout with the sums still loads
  EXPECT_EQ(rows.Load(build(MOTE_DENSE_WEIGHT_SUMS, {cout, f}, w, bias)), MOTE_RT_OK);
}

}  // namespace
}  // namespace testing
}  // namespace mote
