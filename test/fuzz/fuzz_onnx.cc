// libFuzzer target for the ONNX importer (src/onnx): ImportOnnx on arbitrary
// bytes (the seed corpus is test/onnx/make_onnx_cases.py's files, written by
// onnx_corpus.sh). Oracles besides the sanitizers: an error is never
// kInternal (a broken invariant of the importer); an imported model can be
// described as a model file (so saved as a checkpoint) and predicts; a
// quantized one's int8 export with the file's parameters fails, if it does,
// without kInternal.
#include <stdint.h>

#include <vector>

#include "fuzz_util.h"
#include "mote/export.h"
#include "mote/model.h"
#include "mote/model_file.h"
#include "mote/onnx_import.h"

using mote::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mote::Model model;
  mote::OnnxImportOptions options;
  options.batch_size = 1;
  options.max_input_elements = 1 << 16;  // models of a few MB at most
  mote::OnnxImportReport report;
  const mote::Status s = mote::ImportOnnx(data, size, options, &model, &report);
  if (!s.ok()) {
    Check(s.code() != mote::StatusCode::kInternal, "ImportOnnx: internal error");
    Check(s.message() != nullptr && s.message()[0] != '\0', "ImportOnnx: an error without a message");
    return 0;
  }
  mote::ModelDescription description;
  Check(mote::DescribeModel(model, &description).ok(), "an imported model has no model-file form");
  std::vector<float> x(model.input_size(0), 0.5f), y(model.output_size(0));
  Check(model.Predict(x.data(), x.size(), 1, y.data(), y.size()).ok(), "an imported model does not predict");
  if (!report.quantization.empty()) {
    mote::ExportOptions int8;
    int8.int8 = true;
    int8.fixed_quantization = report.quantization;
    std::vector<uint8_t> bytes;
    const mote::Status e = mote::ExportModel(model, int8, &bytes);
    Check(e.ok() || e.code() != mote::StatusCode::kInternal, "int8 export with fixed parameters: internal error");
  }
  return 0;
}
