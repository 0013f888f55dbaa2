// `mote import MODEL.onnx`: an ONNX model (PyTorch, Keras through tf2onnx,
// ...) -> a self-describing checkpoint (train / evaluate / predict / export
// accept it) or, with --to-runtime, straight to a runtime model file.
#include <stdio.h>
#include <stdlib.h>

#include <cmath>
#include <string>
#include <vector>

#include "mote/checkpoint.h"
#include "mote/export.h"
#include "mote/model_file.h"
#include "mote/onnx_import.h"
#include "src/cli/args.h"
#include "src/cli/cli.h"
#include "src/cli/data_source.h"

namespace mote_cli {

namespace {

void Usage(FILE* out) {
  fprintf(out,
          "usage: mote import MODEL.onnx [options]\n"
          "  an ONNX model (opsets 11 to 17; docs/onnx.md lists the operators) -> a checkpoint that carries its\n"
          "  model file (mote train / evaluate / predict / export take it), or a runtime model with --to-runtime.\n"
          "  NCHW images [1, C, H, W] become mote's channels-last [H, W, C]: feed the imported model (h, w, c) data.\n"
          "  --out FILE            output (default model.ckpt, with --to-runtime model.mote)\n"
          "  --to-runtime          write the runtime's model file (.mote, fp32) instead of a checkpoint; a quantized\n"
          "                        ONNX model (QDQ, QLinearConv / QLinearMatMul) becomes int8 with the file's scales\n"
          "                        and zero points (no calibration); the checkpoint holds its dequantized weights\n"
          "  --int8                with --to-runtime: int8 post-training quantization\n"
          "  --calibration SPEC    int8 calibration data (required with --int8 for a float ONNX model)\n"
          "  --fp32                with --to-runtime: a quantized ONNX model as fp32 (its dequantized weights)\n"
          "  --scale S --offset O  the input normalization x * S + O the model was trained with, applied to raw\n"
          "                        data by train / evaluate / predict / calibration (default 1, 0)\n"
          "  --batch-size N        the batch the checkpoint's model file trains with (default 32)\n");
  CsvFlags::PrintUsage(out);
  PrintDataSpecUsage(out);
  fprintf(out, "The last output line is one JSON object. Exit status: 0 imported, 1 failed (the message names the\n"
               "ONNX node, its op type and why), 2 usage error.\n");
}

bool ParseFloat(const std::string& text, float* out) {
  char* end = nullptr;
  *out = strtof(text.c_str(), &end);
  return !text.empty() && *end == '\0' && std::isfinite(*out);
}

}  // namespace

int RunImport(int argc, char** argv) {
  std::string path, out, calibration, scale_text, offset_text;
  bool to_runtime = false, int8 = false, fp32 = false;
  size_t batch = 32;
  CsvFlags csv;
  ArgScanner args(argc, argv);
  while (args.Next()) {
    if (args.IsHelp()) {
      Usage(stdout);
      return kExitOk;
    }
    if (args.Value("--out", &out) || args.Value("--calibration", &calibration) || args.Value("--scale", &scale_text) ||
        args.Value("--offset", &offset_text) || args.Count("--batch-size", &batch) || csv.Scan(args))
      continue;
    if (args.Is("--to-runtime")) {
      to_runtime = true;
    } else if (args.Is("--int8")) {
      int8 = true;
    } else if (args.Is("--fp32")) {
      fp32 = true;
    } else if (args.IsPositional() && path.empty()) {
      path = args.current();
    } else {
      return UsageError("import", "unknown or incomplete option '" + args.current() + "'", Usage);
    }
  }
  if (args.bad()) return kExitUsage;
  if (path.empty()) return UsageError("import", "a MODEL.onnx is required", Usage);
  if (int8 && !to_runtime) return UsageError("import", "--int8 goes with --to-runtime", Usage);
  if (fp32 && !to_runtime) return UsageError("import", "--fp32 goes with --to-runtime", Usage);
  if (int8 && fp32) return UsageError("import", "--int8 or --fp32, not both", Usage);
  if (batch == 0) return UsageError("import", "--batch-size must be at least 1", Usage);
  mote::InputNormalization normalization;
  if ((!scale_text.empty() && !ParseFloat(scale_text, &normalization.scale)) ||
      (!offset_text.empty() && !ParseFloat(offset_text, &normalization.offset)))
    return UsageError("import", "--scale / --offset want a finite number", Usage);
  if (out.empty()) out = to_runtime ? "model.mote" : "model.ckpt";
  if (!mote::OnnxImportAvailable())
    return Fail("import", mote::Unsupported("this mote was built without ONNX support (libonnx-dev, libprotobuf-dev)"));

  mote::Model model;
  mote::OnnxImportOptions options;
  options.batch_size = batch;
  mote::OnnxImportReport report;
  mote::Status s = mote::ImportOnnxFile(path, options, &model, &report);
  if (!s.ok()) return Fail(("import " + path).c_str(), s);
  for (const std::string& note : report.notes) printf("note: %s\n", note.c_str());
  std::string shape;
  for (int i = 0; i < report.input_shape.rank(); ++i)
    shape += (i ? "x" : "") + std::to_string(report.input_shape.dim(i));

  const bool quantized = !report.quantization.empty();
  if (int8 && calibration.empty() && !quantized)
    return UsageError("import", "--int8 needs --calibration SPEC (the ONNX model is not quantized)", Usage);
  JsonLine json;
  if (to_runtime) {
    mote::Dataset calibration_set;
    mote::ExportOptions export_options;
    if (quantized && !fp32) {
      int8 = true;
      export_options.fixed_quantization = report.quantization;
      printf("note: int8 with the ONNX file's scales and zero points (%zu activations, %zu kernels)\n",
             report.quantization.activations.size(), report.quantization.weights.size());
    }
    if (int8 && !calibration.empty()) {
      s = LoadCalibrationSource(calibration, csv, report.input_shape, normalization, &calibration_set);
      if (!s.ok()) return Fail("import --calibration", s);
      export_options.calibration_count = calibration_set.size();
      export_options.calibration = {calibration_set.x.data()};
    }
    export_options.int8 = int8;
    std::vector<uint8_t> bytes;
    mote::ExportReport exported;
    s = mote::ExportModel(model, export_options, &bytes, &exported);
    if (!s.ok()) {
      if (!exported.failed_node.empty())
        fprintf(stderr, "mote import: layer '%s' (%s)\n", exported.failed_node.c_str(),
                exported.failed_layer_type.c_str());
      return Fail("import --to-runtime", s);
    }
    if (!WriteFile(out, bytes.data(), bytes.size()))
      return Fail("import", ErrorWithMessage(mote::IoError("write"), out + ": cannot write"));
    printf("wrote %s: %s runtime model, %u bytes, arena %u bytes\n", out.c_str(), int8 ? "int8" : "fp32",
           exported.model_bytes, exported.arena_bytes);
    json.Add("model_bytes", exported.model_bytes, "%.0f");
    json.Add("arena_bytes", exported.arena_bytes, "%.0f");
    json.AddBool("int8", int8);
  } else {
    if (quantized)
      printf("note: a quantized ONNX model: the checkpoint is its float model (dequantized weights); --to-runtime "
             "makes the int8 model with the file's parameters\n");
    mote::ModelDescription description;
    s = mote::DescribeModel(model, &description, normalization);
    if (!s.ok()) return Fail("import: model file", s);
    s = mote::SaveCheckpoint(model, out, 0, &description);
    if (!s.ok()) return Fail(("import: " + out).c_str(), s);
    printf("wrote %s: %zu layers, %zu parameters, input %s%s\n", out.c_str(), report.layers, model.param_count(),
           shape.c_str(), report.channels_last_input ? " (channels-last)" : "");
  }
  json.Add("opset", double(report.opset), "%.0f");
  json.AddString("producer", report.producer);
  json.Add("onnx_nodes", double(report.onnx_nodes), "%.0f");
  json.Add("layers", double(report.layers), "%.0f");
  json.Add("params", double(model.param_count()), "%.0f");
  json.AddString("input_shape", shape);
  json.AddBool("channels_last_input", report.channels_last_input);
  json.AddString("out", out);
  json.Print();
  return kExitOk;
}

}  // namespace mote_cli
