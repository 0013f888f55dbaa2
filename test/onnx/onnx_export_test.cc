// ExportOnnx (include/mote/onnx_export.h), read back with the generated
// ONNX classes: the seed network's nodes, attributes and initializers (the
// weights permuted to ONNX's layouts, exactly), metadata and batch option,
// refusals naming the layer, file writing. onnx_export_check.py checks the
// models of onnx_export_models.h with python3-onnx and a forward pass.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "export_test_util.h"  // RandomizeModel, PrepareForExport: test/export/
#include "mote/describe.h"
#include "mote/layers.h"
#include "mote/onnx_export.h"
#include "mote/zoo.h"
#include "onnx_export_models.h"

#if MOTE_HAVE_ONNX
#define ONNX_ML 1
#include <onnx/onnx_pb.h>
#endif

namespace mote {
namespace {

using testing::PrepareForExport;
using testing::RandomizeModel;

#if MOTE_HAVE_ONNX

onnx::ModelProto Export(const Model& model, const OnnxExportOptions& options = OnnxExportOptions()) {
  std::vector<uint8_t> bytes;
  OnnxExportReport report;
  const Status s = ExportOnnx(model, options, &bytes, &report);
  EXPECT_TRUE(s.ok()) << s.message();
  onnx::ModelProto proto;
  EXPECT_TRUE(proto.ParseFromArray(bytes.data(), int(bytes.size())));
  EXPECT_EQ(report.nodes, size_t(proto.graph().node_size()));
  EXPECT_EQ(report.initializers, size_t(proto.graph().initializer_size()));
  return proto;
}

const onnx::TensorProto* Initializer(const onnx::ModelProto& m, const std::string& name) {
  for (const onnx::TensorProto& t : m.graph().initializer())
    if (t.name() == name) return &t;
  return nullptr;
}

const onnx::AttributeProto* Attribute(const onnx::NodeProto& n, const std::string& name) {
  for (const onnx::AttributeProto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

class SeedNetworkOnnx : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(BuildSeedNetwork(model_).ok());
    ASSERT_TRUE(model_.Prepare(2).ok());
    RandomizeModel(model_, 3);
  }
  Model model_;
};

TEST_F(SeedNetworkOnnx, NodesInTheTrainingGraphsOrderWithBatchnormKept) {
  const onnx::ModelProto m = Export(model_);
  EXPECT_EQ(m.ir_version(), kOnnxIrVersion);
  ASSERT_EQ(m.opset_import_size(), 1);
  EXPECT_EQ(m.opset_import(0).domain(), "");
  EXPECT_EQ(m.opset_import(0).version(), 13);
  EXPECT_EQ(m.producer_name(), "mote");
  std::vector<std::string> ops, names;
  for (const onnx::NodeProto& n : m.graph().node()) {
    ops.push_back(n.op_type());
    names.push_back(n.name());
  }
  const std::vector<std::string> want = {"Conv", "BatchNormalization", "Relu", "Conv", "BatchNormalization", "Relu",
                                         "Conv", "BatchNormalization", "Relu", "Flatten", "Gemm",
                                         "BatchNormalization", "Relu", "Gemm"};
  EXPECT_EQ(ops, want);
  EXPECT_EQ(names.front(), "conv1");
  EXPECT_EQ(names.back(), "logits");
  // Input [batch, 1, 28, 28] (NCHW), output [batch, 10].
  ASSERT_EQ(m.graph().input_size(), 1);
  const onnx::TensorShapeProto& in = m.graph().input(0).type().tensor_type().shape();
  ASSERT_EQ(in.dim_size(), 4);
  EXPECT_EQ(in.dim(0).dim_param(), "batch");
  EXPECT_EQ(in.dim(1).dim_value(), 1);
  EXPECT_EQ(in.dim(2).dim_value(), 28);
  EXPECT_EQ(in.dim(3).dim_value(), 28);
  ASSERT_EQ(m.graph().output_size(), 1);
  EXPECT_EQ(m.graph().output(0).name(), "logits");
  const onnx::NodeProto& conv = m.graph().node(0);
  ASSERT_NE(Attribute(conv, "auto_pad"), nullptr);
  EXPECT_EQ(Attribute(conv, "auto_pad")->s(), "SAME_UPPER");
  ASSERT_NE(Attribute(conv, "strides"), nullptr);
  EXPECT_EQ(Attribute(conv, "strides")->ints(0), 2);
  EXPECT_EQ(conv.input_size(), 2);  // no bias: the batchnorm's beta is the bias
  const onnx::NodeProto& bn = m.graph().node(1);
  ASSERT_NE(Attribute(bn, "epsilon"), nullptr);
  EXPECT_EQ(Attribute(bn, "epsilon")->f(), 1e-3f);
}

TEST_F(SeedNetworkOnnx, InitializersAreTheWeightsInOnnxLayouts) {
  const onnx::ModelProto m = Export(model_);
  // conv1: mote [10][5][5][1] -> ONNX [10][1][5][5]; conv2 [40][5][5][10] -> [40][10][5][5].
  const onnx::TensorProto* conv2 = Initializer(m, "conv2/kernel");
  ASSERT_NE(conv2, nullptr);
  ASSERT_EQ(conv2->dims_size(), 4);
  EXPECT_EQ(conv2->dims(1), 10);
  const float* k = model_.node_param(model_.find("conv2"), "kernel");
  ASSERT_EQ(conv2->float_data_size(), 40 * 5 * 5 * 10);
  for (size_t f : {0, 17, 39})
    for (size_t c : {0, 3, 9})
      for (size_t y : {0, 4})
        for (size_t x : {1, 3})
          EXPECT_EQ(conv2->float_data(int(((f * 10 + c) * 5 + y) * 5 + x)), k[((f * 5 + y) * 5 + x) * 10 + c]);
  // dense1 reads the flattened [80][7][7] NCHW image: its columns follow (c, h, w).
  const onnx::TensorProto* dense = Initializer(m, "dense1/kernel");
  ASSERT_NE(dense, nullptr);
  const float* d = model_.node_param(model_.find("dense1"), "kernel");
  const size_t features = 7 * 7 * 80;
  ASSERT_EQ(dense->float_data_size(), int(50 * features));
  for (size_t u : {0, 49})
    for (size_t c : {0, 41, 79})
      for (size_t p : {0, 24, 48})
        EXPECT_EQ(dense->float_data(int(u * features + c * 49 + p)), d[u * features + p * 80 + c]);
  // Batchnorm statistics and the logits' bias as they are.
  const onnx::TensorProto* var = Initializer(m, "bn3/moving_variance");
  ASSERT_NE(var, nullptr);
  const float* v = model_.node_state(model_.find("bn3"), "moving_variance");
  for (int i = 0; i < 80; ++i) EXPECT_EQ(var->float_data(i), v[i]);
  const onnx::TensorProto* bias = Initializer(m, "logits/bias");
  ASSERT_NE(bias, nullptr);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(bias->float_data(i), model_.node_param(model_.find("logits"), "bias")[i]);
}

TEST_F(SeedNetworkOnnx, FixedBatchAndModelFileMetadata) {
  OnnxExportOptions options;
  options.batch = 5;
  options.model_file_text = "[input]\nshape = [28, 28, 1]\n";
  options.graph_name = "seed";
  const onnx::ModelProto m = Export(model_, options);
  EXPECT_EQ(m.graph().name(), "seed");
  EXPECT_EQ(m.graph().input(0).type().tensor_type().shape().dim(0).dim_value(), 5);
  EXPECT_EQ(m.graph().output(0).type().tensor_type().shape().dim(0).dim_value(), 5);
  ASSERT_EQ(m.metadata_props_size(), 1);
  EXPECT_EQ(m.metadata_props(0).key(), "mote.model_file");
  EXPECT_EQ(m.metadata_props(0).value(), options.model_file_text);
  EXPECT_EQ(Export(model_).metadata_props_size(), 0);
}

TEST_F(SeedNetworkOnnx, SameModelSameBytes) {
  std::vector<uint8_t> a, b;
  ASSERT_TRUE(ExportOnnx(model_, OnnxExportOptions(), &a).ok());
  ASSERT_TRUE(ExportOnnx(model_, OnnxExportOptions(), &b).ok());
  EXPECT_EQ(a, b);
}

TEST(OnnxExport, EveryTestModelExportsWithUniqueValueNames) {
  for (const testing::NamedModel& nm : testing::OnnxExportModels()) {
    SCOPED_TRACE(nm.name);
    Model model;
    nm.build(model);
    ASSERT_TRUE(PrepareForExport(model, 2).ok());
    const onnx::ModelProto m = Export(model);
    std::vector<std::string> produced;
    for (const onnx::ValueInfoProto& v : m.graph().input()) produced.push_back(v.name());
    for (const onnx::TensorProto& t : m.graph().initializer()) produced.push_back(t.name());
    for (const onnx::NodeProto& n : m.graph().node()) {
      for (const std::string& in : n.input())  // every input defined before its reader
        EXPECT_NE(std::find(produced.begin(), produced.end(), in), produced.end()) << n.name() << " reads " << in;
      for (const std::string& out : n.output()) {
        EXPECT_EQ(std::find(produced.begin(), produced.end(), out), produced.end()) << out << " written twice";
        produced.push_back(out);
      }
    }
    EXPECT_EQ(m.graph().output_size(), model.output_count());
    if (std::string(nm.name) == "layouts") {
      EXPECT_EQ(model.output_count(), 2);
    }
  }
}

TEST(OnnxExport, DropoutAndNoiseLeaveNoNode) {
  Model model;
  model.Input(Shape(4), "x");
  model.Add(std::make_unique<GaussianNoise>(0.1f), {}, "noise");
  model.Add(std::make_unique<Dense>(3), {}, "dense");
  model.Add(std::make_unique<Dropout>(0.5f), {}, "drop");
  ASSERT_TRUE(PrepareForExport(model, 1).ok());
  const onnx::ModelProto m = Export(model);
  // Gemm reads the input itself; the output "drop" is the Gemm's value under its name.
  ASSERT_EQ(m.graph().node_size(), 2);
  EXPECT_EQ(m.graph().node(0).op_type(), "Gemm");
  EXPECT_EQ(m.graph().node(0).input(0), "x");
  EXPECT_EQ(m.graph().node(1).op_type(), "Identity");
  EXPECT_EQ(m.graph().output(0).name(), "drop");
}

#endif  // MOTE_HAVE_ONNX

// A layer with no model-file form, and one whose type ONNX export does not know.
class Opaque : public Layer {
 public:
  const char* type() const override { return "Opaque"; }
  Status Plan(PlanContext& ctx, Shape* out) override {
    *out = ctx.input_shape(0);
    return Status::Ok();
  }
  void Bind(const BindContext&) override {}
  void Forward(const ForwardArgs&) override {}
  void Backward(const BackwardArgs&) override {}
};
class Exotic final : public Opaque {
 public:
  const char* type() const override { return "Exotic"; }
  Status Describe(OptionWriter& out) const override {
    out.Type("exotic");
    return Status::Ok();
  }
};

TEST(OnnxExport, RefusesLayersWithoutOnnxFormNamingThem) {
  if (!OnnxSupported()) GTEST_SKIP() << "mote built without ONNX";
  for (bool described : {false, true}) {
    Model model;
    model.Input(Shape(4), "x");
    model.Add(std::make_unique<Dense>(4), {}, "dense");
    if (described) {
      model.Add(std::make_unique<Exotic>(), {}, "strange");
    } else {
      model.Add(std::make_unique<Opaque>(), {}, "strange");
    }
    ASSERT_TRUE(PrepareForExport(model, 1).ok());
    std::vector<uint8_t> bytes;
    OnnxExportReport report;
    const Status s = ExportOnnx(model, OnnxExportOptions(), &bytes, &report);
    EXPECT_EQ(s.code(), StatusCode::kUnsupported);
    EXPECT_NE(std::string(s.message()).find("'strange'"), std::string::npos) << s.message();
    EXPECT_NE(std::string(s.message()).find(described ? "'exotic'" : "Opaque"), std::string::npos) << s.message();
    EXPECT_EQ(report.failed_node, "strange");
    EXPECT_EQ(report.failed_layer_type, described ? "Exotic" : "Opaque");
    EXPECT_TRUE(bytes.empty());
  }
}

TEST(OnnxExport, UnpreparedModelAndUnwritableFile) {
  if (!OnnxSupported()) GTEST_SKIP() << "mote built without ONNX";
  Model model;
  model.Input(Shape(4), "x");
  model.Add(std::make_unique<Dense>(2), {}, "dense");
  std::vector<uint8_t> bytes;
  EXPECT_EQ(ExportOnnx(model, OnnxExportOptions(), &bytes).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(PrepareForExport(model, 1).ok());
  EXPECT_EQ(ExportOnnx(model, OnnxExportOptions(), nullptr).code(), StatusCode::kInvalidArgument);
  const std::string path = "/nonexistent-dir/model.onnx";
  EXPECT_EQ(ExportOnnxToFile(model, OnnxExportOptions(), path).code(), StatusCode::kIoError);
  EXPECT_EQ(std::fopen(path.c_str(), "rb"), nullptr);
}

TEST(OnnxExport, WithoutOnnxLibrariesSaysSo) {
  if (OnnxSupported()) GTEST_SKIP() << "built with ONNX";
  Model model;
  model.Input(Shape(4), "x");
  model.Add(std::make_unique<Dense>(2), {}, "dense");
  ASSERT_TRUE(PrepareForExport(model, 1).ok());
  std::vector<uint8_t> bytes;
  EXPECT_EQ(ExportOnnx(model, OnnxExportOptions(), &bytes).code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace mote
