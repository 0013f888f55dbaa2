// ONNX import (src/onnx) on the files test/onnx/make_onnx_cases.py writes:
// every case that imports matches the script's NumPy (and PyTorch) outputs
// through the training library, through a checkpoint round trip and through
// the runtime after export; every malformed or refused file fails with the
// message the script expects, never kInternal, never a crash.
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mote/checkpoint.h"
#include "mote/export.h"
#include "mote/host_runtime.h"
#include "mote/model.h"
#include "mote/model_format.h"
#include "mote/npy.h"
#include "mote/onnx_import.h"

namespace mote {
namespace {

struct Case {
  std::string name, expected_error;  // empty: the case imports
  // A quantized model (qdq_cases.py): its int8 export must come within
  // `step` of the reference, or fail with export_error.
  bool int8 = false;
  double step = 0;
  std::string export_error;
};

// The cases, written once per test program into a temporary directory.
class OnnxCases {
 public:
  static OnnxCases& Get() {
    static OnnxCases cases;
    return cases;
  }
  const std::string& dir() const { return dir_; }
  const std::vector<Case>& cases() const { return cases_; }
  const std::string& skip_reason() const { return skip_; }
  const std::vector<std::string>& comments() const { return comments_; }

 private:
  OnnxCases() {
    const char* python = getenv("MOTE_PYTHON");
    const char* script = getenv("MOTE_ONNX_CASES");
    if (python == nullptr || script == nullptr) {
      skip_ = "MOTE_PYTHON / MOTE_ONNX_CASES not set (run through meson test)";
      return;
    }
    if (!OnnxImportAvailable()) {
      skip_ = "mote built without ONNX support";
      return;
    }
    if (system((std::string(python) + " -c 'import onnx, numpy' 2>/dev/null").c_str()) != 0) {
      skip_ = std::string(python) + " has no onnx / numpy module (Debian: python3-onnx)";
      return;
    }
    char tmpl[] = "/tmp/mote_onnx_cases_XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      skip_ = "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    const std::string cmd = std::string(python) + " " + script + " " + dir_ + " > " + dir_ + "/log.txt 2>&1";
    if (system(cmd.c_str()) != 0) {
      failed_ = true;
      return;
    }
    std::ifstream manifest(dir_ + "/manifest.txt");
    std::string line;
    while (std::getline(manifest, line)) {
      if (line.empty()) continue;
      if (line[0] == '#') {
        comments_.push_back(line);
        continue;
      }
      std::istringstream in(line);
      Case c;
      std::string kind;
      in >> c.name >> kind;
      if (kind == "error") {
        std::getline(in, c.expected_error);
        c.expected_error.erase(0, c.expected_error.find_first_not_of(' '));
      } else if (kind == "int8") {
        c.int8 = true;
        in >> c.step;
      } else if (kind == "int8error") {
        c.int8 = true;
        std::getline(in, c.export_error);
        c.export_error.erase(0, c.export_error.find_first_not_of(' '));
      }
      cases_.push_back(c);
    }
  }
  ~OnnxCases() {
    if (!dir_.empty() && !failed_) (void)system(("rm -rf " + dir_).c_str());
  }
  std::string dir_, skip_;
  bool failed_ = false;
  std::vector<Case> cases_;
  std::vector<std::string> comments_;
};

#define MOTE_ONNX_CASES_OR_SKIP()                                                     \
  OnnxCases& cases = OnnxCases::Get();                                                \
  if (!cases.skip_reason().empty()) GTEST_SKIP() << cases.skip_reason();              \
  ASSERT_FALSE(cases.cases().empty()) << "the script wrote no cases: see " << cases.dir() << "/log.txt"

std::vector<float> ReadFloats(const std::string& path, size_t* rows) {
  NpyArray a;
  const Status s = ReadNpy(path, &a);
  EXPECT_TRUE(s.ok()) << path << ": " << s.message();
  std::vector<float> v(a.elements());
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(a.value(i));
  *rows = a.shape.empty() ? 0 : a.shape[0];
  return v;
}

// Largest |a - b| / (1 + |b|).
double MaxRelativeDiff(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    worst = std::fmax(worst, std::fabs(double(a[i]) - double(b[i])) / (1.0 + std::fabs(double(b[i]))));
  return std::isfinite(worst) ? worst : 1e30;
}

std::vector<float> PredictAll(Model& model, const std::vector<float>& x, size_t rows) {
  std::vector<float> y(rows * model.output_size(0));
  const Status s = model.Predict(x.data(), x.size(), rows, y.data(), y.size());
  EXPECT_TRUE(s.ok()) << s.message();
  return y;
}

TEST(OnnxImport, EveryImportableCaseMatchesTheReference) {
  MOTE_ONNX_CASES_OR_SKIP();
  for (const std::string& c : cases.comments()) printf("%s\n", c.c_str());
  size_t imported = 0;
  for (const Case& c : cases.cases()) {
    if (!c.expected_error.empty() || c.int8) continue;
    SCOPED_TRACE(c.name);
    const std::string base = cases.dir() + "/" + c.name;
    Model model;
    OnnxImportReport report;
    const Status s = ImportOnnxFile(base + ".onnx", OnnxImportOptions{}, &model, &report);
    ASSERT_TRUE(s.ok()) << s.message();
    size_t rows = 0, ref_rows = 0;
    const std::vector<float> x = ReadFloats(base + ".x.npy", &rows);
    const std::vector<float> ref = ReadFloats(base + ".y.npy", &ref_rows);
    ASSERT_EQ(rows, ref_rows);
    ASSERT_EQ(x.size(), rows * model.input_size(0));
    ASSERT_EQ(ref.size(), rows * model.output_size(0));
    const std::vector<float> y = PredictAll(model, x, rows);
    EXPECT_LE(MaxRelativeDiff(y, ref), 1e-4);
    ++imported;

    // The checkpoint carries a model file that rebuilds the same model.
    const std::string ckpt = base + ".ckpt";
    ASSERT_TRUE(SaveCheckpoint(model, ckpt).ok());
    Model reloaded;
    ModelDescription description;
    const Status loaded = LoadCheckpointModel(ckpt, &reloaded, &description);
    ASSERT_TRUE(loaded.ok()) << loaded.message();
    EXPECT_EQ(PredictAll(reloaded, x, rows), y);

    // The runtime agrees with the library (models whose layers all have a runtime op).
    std::vector<uint8_t> bytes;
    ExportReport exported;
    const Status e = ExportModel(model, ExportOptions{}, &bytes, &exported);
    if (!e.ok()) {
      EXPECT_EQ(e.code(), StatusCode::kUnsupported) << e.message();
      printf("%s: not exported (%s: %s)\n", c.name.c_str(), exported.failed_layer_type.c_str(), e.message());
      continue;
    }
    HostRuntime rt;
    ASSERT_TRUE(rt.Load(bytes.data(), bytes.size()).ok());
    std::vector<float> board(y.size());
    ASSERT_TRUE(rt.RunBatch(x.data(), x.size(), rows, board.data(), board.size()).ok());
    EXPECT_LE(MaxRelativeDiff(board, y), 1e-5);
  }
  EXPECT_GE(imported, 30u);
}

// Quantized models (QDQ, QLinearConv / QLinearMatMul) exported int8 with
// the file's scales and zero points, no calibration: the runtime's outputs
// within one output quantization step of ONNX's integer semantics.
TEST(OnnxImport, QuantizedModelsRunInt8WithinOneStep) {
  MOTE_ONNX_CASES_OR_SKIP();
  size_t checked = 0, refused = 0;
  for (const Case& c : cases.cases()) {
    if (!c.int8) continue;
    SCOPED_TRACE(c.name);
    const std::string base = cases.dir() + "/" + c.name;
    Model model;
    OnnxImportReport report;
    const Status s = ImportOnnxFile(base + ".onnx", OnnxImportOptions{}, &model, &report);
    ASSERT_TRUE(s.ok()) << s.message();
    ASSERT_FALSE(report.quantization.activations.empty());
    ASSERT_FALSE(report.quantization.weights.empty());
    ExportOptions options;
    options.int8 = true;
    options.fixed_quantization = report.quantization;
    std::vector<uint8_t> bytes;
    const Status e = ExportModel(model, options, &bytes);
    if (!c.export_error.empty()) {
      ASSERT_FALSE(e.ok());
      EXPECT_EQ(e.code(), StatusCode::kUnsupported);
      EXPECT_NE(std::string(e.message()).find(c.export_error), std::string::npos) << e.message();
      ++refused;
      continue;
    }
    ASSERT_TRUE(e.ok()) << e.message();
    MoteModelHeader header;
    ASSERT_GE(bytes.size(), sizeof(header));
    memcpy(&header, bytes.data(), sizeof(header));
    EXPECT_NE(header.flags & MOTE_MODEL_FLAG_INT8, 0u);
    size_t rows = 0, ref_rows = 0;
    const std::vector<float> x = ReadFloats(base + ".x.npy", &rows);
    const std::vector<float> ref = ReadFloats(base + ".y.npy", &ref_rows);
    ASSERT_EQ(rows, ref_rows);
    ASSERT_EQ(ref.size(), rows * model.output_size(0));
    HostRuntime rt;
    ASSERT_TRUE(rt.Load(bytes.data(), bytes.size()).ok());
    std::vector<float> y(ref.size());
    ASSERT_TRUE(rt.RunBatch(x.data(), x.size(), rows, y.data(), y.size()).ok());
    double worst = 0;
    size_t exact = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      const double steps = std::fabs(double(y[i]) - double(ref[i])) / c.step;
      worst = std::fmax(worst, steps);
      exact += steps < 1e-3;
    }
    EXPECT_LE(worst, 1.0 + 1e-3);
    printf("%s: int8 within %.3f steps of ONNX's integer semantics, %zu of %zu outputs equal\n", c.name.c_str(), worst,
           exact, y.size());
    ++checked;
  }
  EXPECT_GE(checked, 4u);
  EXPECT_GE(refused, 1u);
}

TEST(OnnxImport, RefusedAndMalformedFilesSayWhy) {
  MOTE_ONNX_CASES_OR_SKIP();
  size_t refused = 0;
  for (const Case& c : cases.cases()) {
    if (c.expected_error.empty()) continue;
    SCOPED_TRACE(c.name);
    Model model;
    OnnxImportReport report;
    const Status s = ImportOnnxFile(cases.dir() + "/" + c.name + ".onnx", OnnxImportOptions{}, &model, &report);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.code(), StatusCode::kInternal) << s.message();
    EXPECT_NE(std::string(s.message()).find(c.expected_error), std::string::npos)
        << "message: " << s.message() << "\nexpected: " << c.expected_error;
    if (std::string(s.message()).rfind("node '", 0) == 0) {
      EXPECT_FALSE(report.failed_op.empty());
    }
    ++refused;
  }
  EXPECT_GE(refused, 25u);
}

TEST(OnnxImport, NcHwInputBecomesChannelsLast) {
  MOTE_ONNX_CASES_OR_SKIP();
  Model model;
  OnnxImportReport report;
  ASSERT_TRUE(ImportOnnxFile(cases.dir() + "/conv_rect.onnx", OnnxImportOptions{}, &model, &report).ok());
  EXPECT_EQ(report.onnx_input_shape, (std::vector<int64_t>{1, 2, 6, 9}));
  EXPECT_EQ(report.input_shape, Shape(6, 9, 2));
  EXPECT_TRUE(report.channels_last_input);
  EXPECT_EQ(report.opset, 13);
}

TEST(OnnxImport, FlattenedNchwGemmNotesThePermutation) {
  MOTE_ONNX_CASES_OR_SKIP();
  Model model;
  OnnxImportReport report;
  ASSERT_TRUE(ImportOnnxFile(cases.dir() + "/conv_flatten_gemm_alpha_beta.onnx", OnnxImportOptions{}, &model, &report).ok());
  bool noted = false;
  for (const std::string& n : report.notes) noted = noted || n.find("permuted") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(OnnxImport, BadArgumentsAreRefused) {
  Model model;
  const uint8_t byte = 0;
  EXPECT_EQ(ImportOnnx(&byte, 1, OnnxImportOptions{}, nullptr, nullptr).code(), StatusCode::kInvalidArgument);
  OnnxImportOptions zero_batch;
  zero_batch.batch_size = 0;
  EXPECT_EQ(ImportOnnx(&byte, 1, zero_batch, &model, nullptr).code(), StatusCode::kInvalidArgument);
  model.Input(Shape(3));
  EXPECT_EQ(ImportOnnx(&byte, 1, OnnxImportOptions{}, &model, nullptr).code(), StatusCode::kInvalidArgument);
  Model empty;
  EXPECT_EQ(ImportOnnxFile("/nonexistent/model.onnx", OnnxImportOptions{}, &empty, nullptr).code(),
            StatusCode::kIoError);
}

}  // namespace
}  // namespace mote
