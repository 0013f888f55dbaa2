// The host layout (ExportOptions::host_layout, src/export/host_layout.cc):
// every conv flagged MOTE_CONV2D_WEIGHTS_PANELS (int8 with kernel rows not of
// whole 4-byte groups: MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS; int8: with
// MOTE_CONV2D_WEIGHTS_TAP_SUMS) with
// panel-shaped weights and whole-row im2col tiles or a padded input, fp32
// dense weights input-major, the planned arena exactly what the runtime needs,
// fp32 outputs the library's, int8 outputs bit-identical to the default
// layout's on every backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "export_models.h"
#include "export_test_util.h"
#include "mote/export.h"
#include "mote/host_runtime.h"
#include "mote/inspect.h"
#include "mote/kernels.h"
#include "mote/rt.h"

namespace mote {
namespace {

using testing::PrepareForExport;
using testing::RandomizeModel;
using testing::SameConv;

// Convs with 1 panel and a partial one (20 channels), a pointwise conv (read
// in place), stride 2, taps not a multiple of 4, then a dense head.
void BuildConvStack(Model& model) {
  model.Input(Shape(9, 7, 3));
  model.Add(SameConv(20, 3, 1, true), {}, "c1");
  model.Add(std::make_unique<ReLU>(), {}, "r1");
  model.Add(SameConv(17, 5, 2, false), {}, "c2");
  model.Add(std::make_unique<BatchNorm>(), {}, "bn");
  model.Add(SameConv(33, 1, 1, true), {}, "pointwise");
  model.Add(std::make_unique<Flatten>(), {}, "flat");
  model.Add(std::make_unique<Dense>(6), {}, "dense");
}

std::vector<uint8_t> Export(Model& model, bool host, bool int8, const std::vector<float>& calibration,
                            size_t max_tile_bytes) {
  ExportOptions options;
  options.host_layout = host;
  options.max_tile_bytes = max_tile_bytes;
  if (int8) {
    options.int8 = true;
    options.calibration = {calibration.data()};
    options.calibration_count = calibration.size() / model.input_size();
  }
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(ExportModel(model, options, &bytes).ok());
  return bytes;
}

std::vector<float> RunExported(const std::vector<uint8_t>& bytes, const std::vector<float>& x, size_t count) {
  HostRuntime rt;
  EXPECT_TRUE(rt.Load(bytes.data(), bytes.size()).ok());
  std::vector<float> y(count * rt.output_elements());
  EXPECT_TRUE(rt.RunBatch(x.data(), x.size(), count, y.data(), y.size()).ok());
  return y;
}

const MoteOpRecord* Ops(const std::vector<uint8_t>& bytes) {
  const MoteModelHeader* h = reinterpret_cast<const MoteModelHeader*>(bytes.data());
  return reinterpret_cast<const MoteOpRecord*>(bytes.data() + h->op_table_offset);
}

class HostLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BuildConvStack(model_);
    ASSERT_TRUE(PrepareForExport(model_, 4).ok());
    RandomizeModel(model_, 31);
    Rng rng(32);
    x_.resize(kCount * model_.input_size());
    for (float& v : x_) v = rng.Uniform(-1.0f, 1.0f);
  }
  static constexpr size_t kCount = 12;
  Model model_;
  std::vector<float> x_;
};

TEST_F(HostLayoutTest, ConvsArePackedAndTheArenaIsExact) {
  for (const bool int8 : {false, true}) {
    SCOPED_TRACE(int8 ? "int8" : "fp32");
    const std::vector<uint8_t> bytes = Export(model_, true, int8, x_, 65536);
    const MoteModelHeader* h = reinterpret_cast<const MoteModelHeader*>(bytes.data());
    size_t need = 0;
    ASSERT_EQ(mote_rt_arena_bytes(bytes.data(), bytes.size(), &need), MOTE_RT_OK);
    EXPECT_EQ(need, h->arena_bytes);
    HostRuntime rt;
    ASSERT_TRUE(rt.Load(bytes.data(), bytes.size()).ok());
    int convs = 0, denses = 0;
    const mote_rt_model& m = rt.model();
    for (uint32_t i = 0; i < h->op_count; ++i) {
      const MoteOpRecord& op = Ops(bytes)[i];
      if (op.type == MOTE_OP_DENSE) {  // fp32: [F][Cout]; int8: channel blocks, its weight sums after the bias
        ++denses;
        const MoteTensorRecord& w = m.tensors[op.inputs[1]];
        EXPECT_EQ(op.params[0], int8 ? MOTE_DENSE_WEIGHT_SUMS | MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS
                                     : MOTE_DENSE_WEIGHTS_INPUT_MAJOR);
        EXPECT_EQ(w.rank, int8 ? 4u : 2u);
        EXPECT_EQ(w.dims[int8 ? 0 : 1], int8 ? 2u : 6u);  // 6 channels: 2 blocks of 4
        EXPECT_EQ(m.tensors[op.inputs[2]].bytes, (int8 ? 2u : 1u) * 6 * 4);  // int8: the bias, the weight sums
      }
      if (op.type != MOTE_OP_CONV2D) continue;
      ++convs;
      // int8 c1's kernel rows (3 x 3 channels) are padded to 12 taps; c2's
      // (5 x 20) are whole groups of 4 and the pointwise conv has one.
      // int8: every conv's bias followed by its tap sums (the loader checks
      // them against the weights).
      EXPECT_EQ(op.params[7],
                (int8 && convs == 1 ? MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS : MOTE_CONV2D_WEIGHTS_PANELS) |
                    (int8 ? MOTE_CONV2D_WEIGHTS_TAP_SUMS : 0));
      const MoteTensorRecord& w = m.tensors[op.inputs[1]];
      const MoteTensorRecord& y = m.tensors[op.output];
      const uint32_t kernel = op.params[0];
      EXPECT_EQ(m.tensors[op.inputs[2]].bytes, (int8 ? 1 + (kernel + 1) * (kernel + 1) : 1) * y.dims[2] * 4);
      EXPECT_EQ(w.dims[0], kernels::PanelCount(y.dims[2]));
      EXPECT_EQ(w.dims[2], kernels::kPanelChannels);
      EXPECT_EQ(w.dims[3], int8 ? 4u : 1u);
      if (int8) {
        EXPECT_EQ(w.dims[1], convs == 1 ? 3u * 12 / 4 : convs == 2 ? 5u * 100 / 4 : 5u);
      }
      EXPECT_GE(op.params[6], 1);  // whole rows, int8 too (the default layout's int8 tile is 2 rows)
    }
    EXPECT_EQ(convs, 3);
    EXPECT_EQ(denses, 1);
  }
}

// inspect's MACs come from the op's window and input, not the weights' dims.
TEST_F(HostLayoutTest, InspectCountsTheSameMacs) {
  for (const bool int8 : {false, true}) {
    const std::vector<uint8_t> plain = Export(model_, false, int8, x_, 1024), host = Export(model_, true, int8, x_, 1024);
    InspectReport want, got;
    ASSERT_TRUE(InspectModel(plain.data(), plain.size(), &want).ok());
    ASSERT_TRUE(InspectModel(host.data(), host.size(), &got).ok());
    ASSERT_EQ(got.ops.size(), want.ops.size());
    for (size_t i = 0; i < got.ops.size(); ++i) EXPECT_EQ(got.ops[i].macs, want.ops[i].macs) << i;
    EXPECT_EQ(got.macs, want.macs);
  }
}

TEST_F(HostLayoutTest, Fp32MatchesTheDefaultLayout) {
  for (const size_t tile : {size_t(1), size_t(500), size_t(65536)}) {  // one row per tile .. every row
    SCOPED_TRACE(tile);
    const std::vector<float> want = RunExported(Export(model_, false, false, x_, 65536), x_, kCount);
    const std::vector<float> got = RunExported(Export(model_, true, false, x_, tile), x_, kCount);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5f * (1.0f + std::fabs(want[i]))) << i;
  }
}

TEST_F(HostLayoutTest, Int8BitIdenticalToTheDefaultLayoutOnEveryBackend) {
  const Backend before = ActiveBackend();
  const std::vector<uint8_t> plain = Export(model_, false, true, x_, 1024);
  for (const size_t tile : {size_t(1), size_t(100), size_t(65536)}) {
    // Calibrate on the backend `plain` was calibrated on: the ranges (and so
    // the scales) depend on the library's fp32 rounding (FMA on aarch64).
    ASSERT_TRUE(SetBackend(before).ok());
    const std::vector<uint8_t> host = Export(model_, true, true, x_, tile);
    for (const Backend backend : {Backend::kScalar, Backend::kHwy, Backend::kXsimd}) {
      if (!SetBackend(backend).ok()) continue;
      SCOPED_TRACE(std::string(BackendName(backend)) + " tile " + std::to_string(tile));
      const std::vector<float> want = RunExported(plain, x_, kCount), got = RunExported(host, x_, kCount);
      ASSERT_EQ(got.size(), want.size());
      EXPECT_NE(*std::min_element(want.begin(), want.end()), *std::max_element(want.begin(), want.end()));
      for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << i;
    }
  }
  ASSERT_TRUE(SetBackend(before).ok());
}

// Convs whose kernel columns are whole groups of 4 input channels and wide
// enough for the VNNI kernel's column-by-column tiles (3x3 on 8 channels to
// 66, 5x5 on 68 to 72, each with a class of 7 output rows): the
// host layout, which skips the left / right padding's taps there, still
// gives the default layout's bytes on every backend.
TEST(HostLayoutColumnsTest, Int8PaddingColumnsSkippedBitIdentical) {
  Model model;
  model.Input(Shape(11, 7, 8));
  model.Add(SameConv(66, 3, 1, true), {}, "wide");
  model.Add(std::make_unique<ReLU>(), {}, "r1");
  model.Add(SameConv(68, 1, 1, true), {}, "pointwise");
  model.Add(std::make_unique<ReLU>(), {}, "r2");
  model.Add(SameConv(72, 5, 1, false), {}, "five");
  model.Add(std::make_unique<Flatten>(), {}, "flat");
  model.Add(std::make_unique<Dense>(5), {}, "dense");
  ASSERT_TRUE(PrepareForExport(model, 4).ok());
  RandomizeModel(model, 33);
  Rng rng(34);
  constexpr size_t kCount = 6;
  std::vector<float> x(kCount * model.input_size());
  for (float& v : x) v = rng.Uniform(-1.0f, 1.0f);
  const Backend before = ActiveBackend();
  const std::vector<uint8_t> plain = Export(model, false, true, x, 1024);
  const std::vector<uint8_t> host = Export(model, true, true, x, 65536);
  // The planner gave the 3x3 and 5x5 convs the scratch for their columns
  // (the runtime skips columns only then): the padded input (16-aligned),
  // two [Cout] int32 rows of sums, a kernel column range per output column.
  const MoteModelHeader* h = reinterpret_cast<const MoteModelHeader*>(host.data());
  int planned = 0;
  for (uint32_t i = 0; i < h->op_count; ++i) {
    const MoteOpRecord& op = Ops(host)[i];
    if (op.type == MOTE_OP_CONV2D && op.params[0] > 1) {
      const bool three = op.params[0] == 3;
      const uint32_t padded = uint32_t(op.params[0] + 10) * uint32_t(op.params[1] + 6) * (three ? 8u : 68u);
      EXPECT_EQ(op.scratch_bytes, (padded + 15) / 16 * 16 + 8u * (three ? 66u : 72u) + 2u * 7u) << i;
      ++planned;
    }
  }
  EXPECT_EQ(planned, 2);
  for (const Backend backend : {Backend::kScalar, Backend::kHwy, Backend::kXsimd}) {
    if (!SetBackend(backend).ok()) continue;
    SCOPED_TRACE(BackendName(backend));
    const std::vector<float> want = RunExported(plain, x, kCount), got = RunExported(host, x, kCount);
    ASSERT_EQ(got.size(), want.size());
    EXPECT_NE(*std::min_element(want.begin(), want.end()), *std::max_element(want.begin(), want.end()));
    for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << i;
  }
  ASSERT_TRUE(SetBackend(before).ok());
}

// Each conv's tap sums and each dense's weight sums are checked against the
// weights at load: any one entry changed (row 0 or column 0's zeros, a sum)
// refuses the file, so a file's sums cannot change a result.
TEST_F(HostLayoutTest, Int8WeightSumsAreCheckedAtLoad) {
  std::vector<uint8_t> bytes = Export(model_, true, true, x_, 65536);
  const MoteModelHeader* h = reinterpret_cast<const MoteModelHeader*>(bytes.data());
  const auto load = [](const std::vector<uint8_t>& b) {
    std::vector<uint8_t> arena(1 << 20);
    mote_rt_model m;
    return mote_rt_model_init(&m, b.data(), b.size(), arena.data(), arena.size());
  };
  ASSERT_EQ(load(bytes), MOTE_RT_OK);
  const auto corrupt = [&](uint32_t offset) {
    std::vector<uint8_t> bad = bytes;
    int32_t v;
    std::memcpy(&v, &bad[offset], 4);
    v += 1;
    std::memcpy(&bad[offset], &v, 4);
    MoteModelHeader* bh = reinterpret_cast<MoteModelHeader*>(bad.data());
    bh->crc32 = mote_rt_crc32(bad.data() + 12, bh->file_bytes - 12);
    return bad;
  };
  const MoteTensorRecord* tensors = reinterpret_cast<const MoteTensorRecord*>(bytes.data() + h->tensor_table_offset);
  int checked = 0;
  for (uint32_t i = 0; i < h->op_count; ++i) {
    const MoteOpRecord& op = Ops(bytes)[i];
    if (op.type == MOTE_OP_DENSE) {  // the weight sums (row 1 of the bias) likewise: its last channel's
      ASSERT_EQ(op.params[0], MOTE_DENSE_WEIGHT_SUMS | MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS);
      const MoteTensorRecord& bias = tensors[op.inputs[2]];
      EXPECT_EQ(load(corrupt(bias.offset + bias.bytes - 4)), MOTE_RT_BAD_PARAMS);
      ++checked;
      // A weight of the last channel (5, in block 1) changed: its sum no longer
      // holds. The padding (channel 6 of that block) is never read.
      const MoteTensorRecord& w = tensors[op.inputs[1]];
      const uint32_t features = w.dims[1] * 64;
      EXPECT_EQ(load(corrupt(w.offset + uint32_t(kernels::I8DenseBlockIndex(5, 0, features)))), MOTE_RT_BAD_PARAMS);
      EXPECT_EQ(load(corrupt(w.offset + uint32_t(kernels::I8DenseBlockIndex(6, 0, features)))), MOTE_RT_OK);
      ++checked;
    }
    if (op.type != MOTE_OP_CONV2D) continue;
    ASSERT_NE(op.params[7] & MOTE_CONV2D_WEIGHTS_TAP_SUMS, 0);
    const MoteTensorRecord& bias = tensors[op.inputs[2]];
    const uint32_t cout = tensors[op.output].dims[2], kw = uint32_t(op.params[1]);
    // Entries: (0, 1) of channel 0 (a zero), (1, 1) of the last channel, the
    // table's last (all taps) of channel 1.
    const uint32_t rows = bias.bytes / 4 / cout;
    for (const uint32_t entry : {(1 + 1) * cout, (1 + kw + 2) * cout - 1, (rows - 1) * cout + 1}) {
      EXPECT_EQ(load(corrupt(bias.offset + 4 * entry)), MOTE_RT_BAD_PARAMS) << "op " << i << " entry " << entry;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 3 * 3 + 2);
}

}  // namespace
}  // namespace mote
