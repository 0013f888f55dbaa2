// Writes, for every model of onnx_export_models.h (random weights and
// batchnorm statistics), DIR/NAME.onnx (ExportOnnx) and DIR/NAME.json: the
// model's parameters and state as the training library holds them, a batch
// of random inputs and the library's outputs for them (mote's layouts, exact
// decimal floats). onnx_export_check.py checks the pair.
// Usage: onnx_export_fixtures DIR
#include <cstdio>
#include <string>
#include <vector>

#include "export_test_util.h"  // RandomizeModel, PrepareForExport: test/export/
#include "mote/onnx_export.h"
#include "onnx_export_models.h"

namespace {

constexpr size_t kBatch = 3;

void WriteArray(FILE* f, const std::string& name, const mote::Shape& shape, const float* values, size_t count) {
  std::fprintf(f, "{\"name\": \"%s\", \"shape\": [", name.c_str());
  for (int i = 0; i < shape.rank(); ++i) std::fprintf(f, "%s%zu", i ? ", " : "", shape.dim(i));
  std::fprintf(f, "], \"values\": [");
  for (size_t i = 0; i < count; ++i) std::fprintf(f, "%s%.9g", i ? ", " : "", double(values[i]));
  std::fprintf(f, "]}");
}

bool WriteFixture(const std::string& dir, const mote::testing::NamedModel& m) {
  mote::Model model;
  m.build(model);
  if (!mote::testing::PrepareForExport(model, kBatch).ok()) return false;
  mote::testing::RandomizeModel(model, 7);
  std::vector<std::vector<float>> inputs(size_t(model.input_count()));
  std::vector<const float*> input_ptrs;
  mote::Rng rng(11);
  for (int i = 0; i < model.input_count(); ++i) {
    for (size_t k = 0; k < kBatch * model.input_size(i); ++k) inputs[size_t(i)].push_back(rng.Uniform(-1.0f, 1.0f));
    input_ptrs.push_back(inputs[size_t(i)].data());
  }
  if (!model.Forward(input_ptrs.data(), kBatch, false).ok()) return false;
  const std::string path = dir + "/" + m.name;
  const mote::Status s = mote::ExportOnnxToFile(model, mote::OnnxExportOptions(), path + ".onnx");
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", m.name, s.message());
    return false;
  }
  FILE* f = std::fopen((path + ".json").c_str(), "w");
  if (f == nullptr) return false;
  std::fprintf(f, "{\"batch\": %zu,\n\"inputs\": [", kBatch);
  for (int i = 0; i < model.input_count(); ++i) {
    const mote::NodeId node = model.input_node(i);
    if (i) std::fprintf(f, ",\n");
    WriteArray(f, model.node_name(node), model.node_shape(node), inputs[size_t(i)].data(), inputs[size_t(i)].size());
  }
  std::fprintf(f, "],\n\"outputs\": [");
  for (int i = 0; i < model.output_count(); ++i) {
    if (i) std::fprintf(f, ",\n");
    WriteArray(f, model.node_name(model.output_node(i)), model.output_shape(i), model.output(i),
               kBatch * model.output_size(i));
  }
  std::fprintf(f, "],\n\"params\": [");
  bool first = true;
  for (const mote::ParamInfo& p : model.param_infos()) {
    std::fprintf(f, "%s", first ? "" : ",\n");
    first = false;
    WriteArray(f, p.name, p.shape, model.params() + p.offset, p.size);
  }
  for (const mote::StateInfo& st : model.state_infos()) {
    std::fprintf(f, "%s", first ? "" : ",\n");
    first = false;
    WriteArray(f, st.name, mote::Shape(st.size), model.state() + st.offset, st.size);
  }
  std::fprintf(f, "]}\n");
  return std::fclose(f) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: onnx_export_fixtures DIR\n");
    return 2;
  }
  if (!mote::OnnxSupported()) {
    std::fprintf(stderr, "onnx_export_fixtures: mote built without ONNX\n");
    return 77;
  }
  for (const mote::testing::NamedModel& m : mote::testing::OnnxExportModels()) {
    if (!WriteFixture(argv[1], m)) {
      std::fprintf(stderr, "onnx_export_fixtures: %s failed\n", m.name);
      return 1;
    }
    std::printf("%s/%s.onnx\n", argv[1], m.name);
  }
  return 0;
}
