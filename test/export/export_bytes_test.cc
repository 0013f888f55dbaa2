// ExportModel's bytes are pinned: the CRC-32 and size of the files exported
// from deterministic models (fixed seeds) must not change when the export
// code is reorganised. A deliberate format or lowering change updates the
// numbers here, in the same commit that explains why.
//
// int8 calibration runs the model forward; it runs on the scalar backend,
// which rounds the same on every target, so the numbers hold everywhere.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "export_models.h"
#include "export_test_util.h"
#include "mote/export.h"
#include "mote/kernels.h"
#include "mote/layers.h"
#include "mote/rt.h"
#include "mote/zoo.h"

namespace mote {
namespace {

using testing::BuildEveryKind;
using testing::PrepareForExport;
using testing::RandomizeModel;

struct Pinned {
  uint32_t crc;
  size_t bytes;
};

// Exports `model` (fp32, or int8 calibrated on 16 inputs uniform in [-1, 1))
// on the scalar backend and returns the file's CRC and size.
Pinned ExportedBytes(Model& model, bool int8) {
  const Backend before = ActiveBackend();
  EXPECT_TRUE(SetBackend(Backend::kScalar).ok());
  Rng rng(99);
  std::vector<float> calibration(16 * model.input_size(0));
  for (float& v : calibration) v = rng.Uniform(-1.0f, 1.0f);
  ExportOptions options;
  if (int8) {
    options.int8 = true;
    options.calibration = {calibration.data()};
    options.calibration_count = 16;
  }
  std::vector<uint8_t> bytes;
  ExportReport report;
  const Status s = ExportModel(model, options, &bytes, &report);
  EXPECT_TRUE(s.ok()) << s.message() << " " << report.failed_node;
  EXPECT_TRUE(SetBackend(before).ok());
  const Pinned got = {mote_rt_crc32(bytes.data(), bytes.size()), bytes.size()};
  std::printf("    crc 0x%08x, %zu bytes\n", unsigned(got.crc), got.bytes);
  return got;
}

void ExpectPinned(Model& model, bool int8, Pinned want) {
  const Pinned got = ExportedBytes(model, int8);
  EXPECT_EQ(got.crc, want.crc) << std::hex << "got 0x" << got.crc;
  EXPECT_EQ(got.bytes, want.bytes);
}

TEST(ExportBytesTest, SeedNetwork) {
  Model model;
  ASSERT_TRUE(BuildSeedNetwork(model).ok());
  ASSERT_TRUE(model.Prepare(4).ok());
  RandomizeModel(model, 1);
  // Conv scratch: fp32 tiles of 1024 bytes (the large conv one kernel row at a
  // time), int8 a pair of rows each padded to 4 bytes; so new offsets.
  ExpectPinned(model, false, {0xcbb6b915u, 1149056});
  // int8 calibration runs the library's forward on 16 inputs, where the third
  // conv takes Winograd F(4x4, 5x5) (src/layers/conv2d_winograd.cc): its
  // rounding moved the activation ranges, so the scales (0xf2c6ae57 before).
  ExpectPinned(model, true, {0xe3af57e2u, 290800});
}

TEST(ExportBytesTest, EveryLayerKind) {
  Model model;
  BuildEveryKind(model);
  ASSERT_TRUE(PrepareForExport(model, 4).ok());
  RandomizeModel(model, 2);
  ExpectPinned(model, false, {0x44dc8e4au, 2128});
  ExpectPinned(model, true, {0x6e371a31u, 2240});
}

TEST(ExportBytesTest, SequenceNetworks) {
  const SequenceCell cells[] = {SequenceCell::kSimpleRnn, SequenceCell::kLstm, SequenceCell::kGru};
  const Pinned want[] = {{0x3526cbdau, 2128}, {0x39e37cdau, 5680}, {0xfc321eafu, 4496}};
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    Model model;
    SequenceNetworkOptions o;
    o.cell = cells[i];
    o.units = 8;
    ASSERT_TRUE(BuildSequenceNetwork(model, o).ok());
    ASSERT_TRUE(model.Prepare(4).ok());
    RandomizeModel(model, uint64_t(3 + i));
    ExpectPinned(model, false, want[i]);
  }
}

}  // namespace
}  // namespace mote
