// mote -> ONNX -> mote (ExportOnnx, then ImportOnnx): the imported model has
// the same layers' parameters and batchnorm statistics bit for bit, and the
// same outputs bit for bit, for the seed network and the convolutional test
// models of onnx_export_models.h. (The importer does not read Transpose or
// Squeeze, which the export writes around recurrent layers, batchnorm over
// sequences and a Flatten read by other layers than Dense: those models do
// not come back yet.)
#include <gtest/gtest.h>

#include <cmath>

#include <string>
#include <vector>

#include "export_test_util.h"  // RandomizeModel, PrepareForExport: test/export/
#include "mote/onnx_export.h"
#include "mote/onnx_import.h"
#include "mote/zoo.h"
#include "onnx_export_models.h"

namespace mote {
namespace {

constexpr size_t kBatch = 3;

void CheckRoundTrip(void (*build)(Model&)) {
  Model model;
  build(model);
  ASSERT_TRUE(testing::PrepareForExport(model, kBatch).ok());
  testing::RandomizeModel(model, 5);
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(ExportOnnx(model, OnnxExportOptions(), &bytes).ok());
  OnnxImportOptions options;
  options.batch_size = kBatch;
  Model back;
  OnnxImportReport report;
  const Status s = ImportOnnx(bytes.data(), bytes.size(), options, &back, &report);
  ASSERT_TRUE(s.ok()) << s.message() << " at " << report.failed_node;
  // Every parameter and statistic, under the same layer name, bit for bit.
  for (const ParamInfo& p : model.param_infos()) {
    const std::string layer = p.name.substr(0, p.name.rfind('/')), param = p.name.substr(p.name.rfind('/') + 1);
    const NodeId node = back.find(layer);
    ASSERT_GE(node, 0) << layer;
    const float* got = back.node_param(node, param.c_str());
    ASSERT_NE(got, nullptr) << p.name;
    for (size_t i = 0; i < p.size; ++i) ASSERT_EQ(got[i], model.params()[p.offset + i]) << p.name << "[" << i << "]";
  }
  for (const StateInfo& st : model.state_infos()) {
    const std::string layer = st.name.substr(0, st.name.rfind('/')), state = st.name.substr(st.name.rfind('/') + 1);
    const float* got = back.node_state(back.find(layer), state.c_str());
    ASSERT_NE(got, nullptr) << st.name;
    for (size_t i = 0; i < st.size; ++i) ASSERT_EQ(got[i], model.state()[st.offset + i]) << st.name;
  }
  // The same outputs for the same (channels-last) inputs.
  ASSERT_EQ(back.input_size(0), model.input_size(0));
  ASSERT_EQ(back.output_size(0), model.output_size(0));
  Rng rng(9);
  std::vector<float> x(kBatch * model.input_size(0)), want(kBatch * model.output_size(0)), got(want.size());
  for (float& v : x) v = rng.Uniform(-1.0f, 1.0f);
  // Inference Forward runs every layer as it is: bit for bit.
  const float* in = x.data();
  ASSERT_TRUE(model.Forward(&in, kBatch, false).ok());
  want.assign(model.output(0), model.output(0) + want.size());
  ASSERT_TRUE(back.Forward(&in, kBatch, false).ok());
  got.assign(back.output(0), back.output(0) + got.size());
  EXPECT_EQ(got, want);
  // Predict fuses Conv2D/Dense -> BatchNorm -> ReLU where nothing sits between
  // them; the import drops Dropout and noise (no ONNX node), so it may fuse
  // where the original does not: the same values to rounding.
  ASSERT_TRUE(model.Predict(x.data(), x.size(), kBatch, want.data(), want.size()).ok());
  ASSERT_TRUE(back.Predict(x.data(), x.size(), kBatch, got.data(), got.size()).ok());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5f * (1.0f + std::fabs(want[i]))) << i;
}

TEST(OnnxRoundTrip, SeedNetworkComesBackTheSame) {
  if (!OnnxSupported() || !OnnxImportAvailable()) GTEST_SKIP() << "mote built without ONNX";
  CheckRoundTrip([](Model& m) { ASSERT_TRUE(BuildSeedNetwork(m).ok()); });
}

TEST(OnnxRoundTrip, ConvolutionalModelsComeBackTheSame) {
  if (!OnnxSupported() || !OnnxImportAvailable()) GTEST_SKIP() << "mote built without ONNX";
  size_t checked = 0;
  for (const testing::NamedModel& m : testing::OnnxExportModels()) {
    const std::string name = m.name;
    if (name != "conv_stack" && name != "every_kind") continue;
    SCOPED_TRACE(name);
    CheckRoundTrip(m.build);
    ++checked;
  }
  EXPECT_EQ(checked, 2u);
}

}  // namespace
}  // namespace mote
