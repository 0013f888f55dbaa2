// `mote export` and `mote inspect`: a trained checkpoint -> the flat model
// file (and its C array), and the per-op report of a model file.
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "mote/data.h"
#include "mote/export.h"
#include "mote/host_runtime.h"
#include "mote/inspect.h"
#include "mote/model.h"
#include "mote/onnx_export.h"
#include "src/cli/args.h"
#include "src/cli/cli.h"
#include "src/cli/data_source.h"

namespace mote_cli {
namespace {

// "dir/seed_model" -> "seed_model"; characters a C identifier cannot hold -> '_'.
std::string IdentifierFrom(const std::string& prefix) {
  const size_t slash = prefix.find_last_of('/');
  std::string name = slash == std::string::npos ? prefix : prefix.substr(slash + 1);
  for (char& c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) c = '_';
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) name = "m_" + name;
  return name;
}

bool AllDigits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// --calibration / --evaluate take a data SPEC, or (older form) a count of
// Fashion-MNIST images: N -> "fashion-mnist:PART:N" (0: all of them).
std::string DataSpecOf(const std::string& value, const char* part) {
  if (!AllDigits(value)) return value;
  std::string spec = std::string("fashion-mnist:") + part;
  return value == "0" ? spec : spec + ":" + value;
}

// `mote export --onnx`: the checkpoint's model as ONNX, its model file text
// as metadata (docs/onnx.md).
int ExportOnnxFile(const TrainedModel& trained, const std::string& out) {
  mote::OnnxExportOptions options;
  options.model_file_text = trained.description.text();
  mote::OnnxExportReport report;
  std::vector<uint8_t> bytes;
  const mote::Status s = mote::ExportOnnx(trained.model, options, &bytes, &report);
  if (!s.ok()) return Fail("export --onnx", s);
  if (!WriteFile(out, bytes.data(), bytes.size()))
    return Fail("export --onnx", ErrorWithMessage(mote::IoError("write"), out + ": cannot write"));
  printf("wrote %s: ONNX opset %lld, fp32, %zu nodes, %zu initializers, %zu bytes\n", out.c_str(),
         static_cast<long long>(mote::kOnnxOpset), report.nodes, report.initializers, bytes.size());
  JsonLine json;
  json.Add("model_bytes", double(bytes.size()), "%.0f");
  json.AddBool("onnx", true);
  json.Add("opset", double(mote::kOnnxOpset), "%.0f");
  json.Add("nodes", double(report.nodes), "%.0f");
  json.Add("initializers", double(report.initializers), "%.0f");
  json.AddBool("int8", false);
  json.Print();
  return kExitOk;
}

}  // namespace

void PrintExportUsage(FILE* out) {
  fprintf(out,
          "usage: mote export CHECKPOINT [options]\n"
          "  CHECKPOINT            a checkpoint of `mote train` (or --checkpoint FILE)\n"
          "  --network NAME        only for checkpoints of an older mote without a model description:\n"
          "                        seed (mote::BuildSeedNetwork) or rnn:H, lstm:H, gru:H\n"
          "  --out FILE            model file to write (default model.mote, with --onnx model.onnx)\n"
          "  --onnx                write ONNX instead (opset 13, fp32, the training graph with batchnorm, NCHW;\n"
          "                        docs/onnx.md); not with --int8, --c-array, --trainable or --evaluate\n"
          "  --int8                int8 post-training quantization\n"
          "  --calibration SPEC    int8 calibration data (default fashion-mnist:train:1000, only for 784-value inputs); a plain number N\n"
          "                        means the first N Fashion-MNIST training images\n"
          "  --c-array PREFIX      also write PREFIX.h / PREFIX.c with the bytes as a 16-aligned const array\n"
          "  --c-name NAME         the array's name (default: PREFIX's file name)\n"
          "  --max-tile-bytes N    im2col tile budget of an fp32 conv (default 1024; int8: a pair of rows;\n"
          "                        --target host: unused, every conv reads its padded input in place)\n"
          "  --target mcu|host     mcu (default): runs on every mote runtime; host: conv weights packed in\n"
          "                        panels of 16 output channels for SIMD hosts (a microcontroller runtime\n"
          "                        refuses the file) and host-sized im2col tiles; not with --c-array\n"
          "  --evaluate SPEC       run the exported model on the host runtime over SPEC and compare with the\n"
          "                        training library (a plain number N: the first N Fashion-MNIST test images,\n"
          "                        0 all of them)\n"
          "  --trainable N         a trainable tail for on-device training (mote_rt_train_step): the last N\n"
          "                        parameterised layers (N = 1: the last dense layer, fp32 also in --int8;\n"
          "                        N = 2: also the dense layer feeding it)\n"
          "  --trainable-bias N    with --trainable: also train the bias of the dense layer feeding the\n"
          "                        tail (N = 1; its weights stay frozen)\n"
          "  --optimizer NAME      of the tail: sgd (default), momentum, nesterov or adam\n"
          "  --learning-rate LR    the tail's initial learning rate (default 0.01)\n"
          "  --momentum M          momentum / nesterov (default 0.9)\n");
  CsvFlags::PrintUsage(out);
  PrintDataSpecUsage(out);
  fprintf(out, "The last output line is one JSON object. Exit status: 0 exported, 1 failed, 2 usage error.\n");
}

void PrintInspectUsage(FILE* out) {
  fprintf(out,
          "usage: mote inspect MODEL [--json] [--runtime-text BYTES|SIZE_FILE]\n"
          "  per op: output shape, MACs, parameter bytes, scratch, fused activation, int8 parameters;\n"
          "  totals: model bytes, arena bytes, runtime state bytes (and runtime .text when given:\n"
          "  a byte count or a file of arm-none-eabi-size output); a model with a trainable tail adds\n"
          "  its training blocks in the arena, the trainable parameters and the MACs per training step\n");
}

int RunExport(int argc, char** argv) {
  std::string network, checkpoint, out, c_prefix, c_name, calibration, evaluate;
  bool int8 = false, onnx = false;
  // --target host's tile budget: its convs read their padded input in place,
  // so only an int8 conv the planner could not give one would take it.
  constexpr size_t kTileUnset = ~size_t(0), kHostTileBytes = 32768;
  size_t max_tile = kTileUnset, trainable = 0, trainable_bias = 0;
  std::string target = "mcu";
  std::string optimizer = "sgd", learning_rate = "0.01", momentum = "0.9";
  CsvFlags csv;
  ArgScanner args(argc, argv);
  while (args.Next()) {
    if (args.IsHelp()) {
      PrintExportUsage(stdout);
      return kExitOk;
    }
    if (args.Value("--network", &network) || args.Value("--checkpoint", &checkpoint) || args.Value("--out", &out) ||
        args.Value("--calibration", &calibration) || args.Value("--c-array", &c_prefix) ||
        args.Value("--c-name", &c_name) || args.Count("--max-tile-bytes", &max_tile) ||
        args.Value("--evaluate", &evaluate) || args.Count("--trainable", &trainable) ||
        args.Count("--trainable-bias", &trainable_bias) ||
        args.Value("--optimizer", &optimizer) || args.Value("--learning-rate", &learning_rate) ||
        args.Value("--momentum", &momentum) || args.Value("--target", &target) || csv.Scan(args))
      continue;
    if (args.Is("--int8")) {
      int8 = true;
    } else if (args.Is("--onnx")) {
      onnx = true;
    } else if (args.IsPositional() && checkpoint.empty()) {
      checkpoint = args.current();
    } else {
      return UsageError("export", "unknown or incomplete option '" + args.current() + "'", PrintExportUsage);
    }
  }
  if (args.bad()) return kExitUsage;
  if (checkpoint.empty()) return UsageError("export", "a CHECKPOINT is required", PrintExportUsage);
  if (onnx && (int8 || !c_prefix.empty() || trainable || !evaluate.empty()))
    return UsageError("export", "--onnx writes the fp32 training graph: not with --int8, --c-array, --trainable or --evaluate",
                      PrintExportUsage);
  if (target != "mcu" && target != "host")
    return UsageError("export", "--target must be mcu or host", PrintExportUsage);
  const bool host = target == "host";
  if (host && (onnx || !c_prefix.empty()))
    return UsageError("export", "--target host writes a .mote for the host runtime: not with --onnx or --c-array",
                      PrintExportUsage);
  if (max_tile == kTileUnset)
    max_tile = host ? kHostTileBytes : mote::ExportOptions{}.max_tile_bytes;
  if (out.empty()) out = onnx ? "model.onnx" : "model.mote";
  if (calibration == "0") return UsageError("export", "--calibration must hold at least 1 item", PrintExportUsage);

  mote::ExportTraining training;
  training.trainable_layers = trainable;
  training.bias_layers = trainable_bias;
  if (trainable_bias != 0 && trainable == 0)
    return UsageError("export", "--trainable-bias needs --trainable", PrintExportUsage);
  if (optimizer == "sgd") {
    training.optimizer = MOTE_OPTIMIZER_SGD;
  } else if (optimizer == "momentum") {
    training.optimizer = MOTE_OPTIMIZER_MOMENTUM;
  } else if (optimizer == "nesterov") {
    training.optimizer = MOTE_OPTIMIZER_NESTEROV;
  } else if (optimizer == "adam") {
    training.optimizer = MOTE_OPTIMIZER_ADAM;
  } else {
    return UsageError("export", "--optimizer must be sgd, momentum, nesterov or adam", PrintExportUsage);
  }
  {
    char* end = nullptr;
    training.learning_rate = strtof(learning_rate.c_str(), &end);
    if (end == learning_rate.c_str() || *end != '\0' || !(training.learning_rate >= 0.0f))
      return UsageError("export", "--learning-rate wants a number >= 0", PrintExportUsage);
    training.momentum = strtof(momentum.c_str(), &end);
    if (end == momentum.c_str() || *end != '\0' || !(training.momentum >= 0.0f && training.momentum < 1.0f))
      return UsageError("export", "--momentum wants a number in [0, 1)", PrintExportUsage);
  }

  const size_t batch = 100;
  TrainedModel trained;
  mote::Status s = LoadTrainedModel(checkpoint, network, batch, &trained);
  if (!s.ok()) return Fail("export", s);
  mote::Model& model = trained.model;
  if (onnx) return ExportOnnxFile(trained, out);
  const mote::Shape input_shape = model.node_shape(model.input_node(0));

  mote::Dataset calibration_set, evaluation_set;
  mote::ExportOptions options;
  options.max_tile_bytes = max_tile;
  options.host_layout = host;
  options.training = training;
  if (int8) {
    // The default calibration set is Fashion-MNIST: for any other input shape
    // ask for the user's data instead of failing on an item-size mismatch.
    if (calibration.empty()) {
      if (input_shape.per_item() != 28 * 28)
        return UsageError("export",
                          "--int8 needs --calibration SPEC (a few hundred of the model's training items): the "
                          "default, Fashion-MNIST, does not fit this model's input of " +
                              std::to_string(input_shape.per_item()) + " values",
                          PrintExportUsage);
      calibration = "1000";
    }
    s = LoadCalibrationSource(DataSpecOf(calibration, "train"), csv, input_shape, trained.normalization, &calibration_set);
    if (!s.ok()) return Fail("export --calibration", s);
    options.int8 = true;
    options.calibration_count = calibration_set.size();
    options.calibration = {calibration_set.x.data()};
  }
  if (!evaluate.empty()) {
    s = LoadDataSource(DataSpecOf(evaluate, "test"), csv, input_shape, trained.normalization, &evaluation_set);
    if (!s.ok()) return Fail("export --evaluate", s);
  }
  std::vector<uint8_t> bytes;
  mote::ExportReport report;
  s = mote::ExportModel(model, options, &bytes, &report);
  if (!s.ok()) {
    if (!report.failed_node.empty())
      fprintf(stderr, "mote export: layer '%s' (%s)\n", report.failed_node.c_str(), report.failed_layer_type.c_str());
    return Fail("export", s);
  }
  if (!WriteFile(out, bytes.data(), bytes.size())) return Fail("export", ErrorWithMessage(mote::IoError("write"), out + ": cannot write"));
  printf("wrote %s: %s model, %u bytes, arena %u bytes%s\n", out.c_str(), int8 ? "int8" : "fp32", report.model_bytes,
         report.arena_bytes, trainable ? " (training included)" : "");
  if (!c_prefix.empty()) {
    const std::string name = c_name.empty() ? IdentifierFrom(c_prefix) : c_name;
    const size_t slash = c_prefix.find_last_of('/');
    const std::string header_file = (slash == std::string::npos ? c_prefix : c_prefix.substr(slash + 1)) + ".h";
    std::string header, source;
    s = mote::WriteCArray(name, header_file, bytes, &header, &source);
    if (!s.ok()) return Fail("export --c-array", s);
    if (!WriteFile(c_prefix + ".h", header.data(), header.size()) ||
        !WriteFile(c_prefix + ".c", source.data(), source.size()))
      return Fail("export", ErrorWithMessage(mote::IoError("write"), c_prefix + ".h / .c: cannot write"));
    printf("wrote %s.h and %s.c (const unsigned char %s[], %s_len)\n", c_prefix.c_str(), c_prefix.c_str(),
           name.c_str(), name.c_str());
  }

  JsonLine json;
  json.Add("model_bytes", report.model_bytes, "%.0f");
  json.Add("arena_bytes", report.arena_bytes, "%.0f");
  json.AddBool("int8", int8);
  if (trainable) json.Add("trainable_layers", double(trainable), "%.0f");
  if (trainable_bias) json.Add("trainable_bias_layers", double(trainable_bias), "%.0f");
  if (int8) json.Add("calibration_items", double(calibration_set.size()), "%.0f");
  if (!evaluate.empty()) {
    const mote::Dataset& test = evaluation_set;
    const size_t n = test.size();
    mote::HostRuntime rt;
    s = rt.Load(bytes.data(), bytes.size());
    if (!s.ok()) return Fail("export: runtime", s);
    const size_t classes = rt.output_elements();
    std::vector<float> host(batch * classes), board(classes);
    OutputComparison compare;
    double runtime_seconds = 0;
    for (size_t begin = 0; begin < n; begin += batch) {
      const size_t rows = std::min(batch, n - begin);
      s = model.Predict(test.item(begin), rows * test.item_shape.elements(), rows, host.data(), host.size());
      if (!s.ok()) return Fail("export: Predict", s);
      for (size_t r = 0; r < rows; ++r) {
        const auto start = std::chrono::steady_clock::now();
        s = rt.Run(test.item(begin + r), test.item_shape.elements(), board.data(), board.size());
        runtime_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!s.ok()) return Fail("export: runtime", s);
        compare.Add(host.data() + r * classes, board.data(), classes, test.labels.empty() ? -1 : test.labels[begin + r]);
      }
    }
    const double us = runtime_seconds / double(n) * 1e6;
    printf("%zu items: library accuracy %.4f, exported %.4f, argmax agreement %.4f, max |output diff| %.3g, "
           "%zu with NaN or infinite outputs; host runtime %.1f us per item (backend %s)\n",
           n, double(compare.host_correct) / n, double(compare.exported_correct) / n, double(compare.agree) / n,
           compare.max_abs_diff, compare.non_finite, us, mote::BackendName(mote::ActiveBackend()));
    json.Add("images", double(n), "%.0f");
    json.Add("host_accuracy", double(compare.host_correct) / n, "%.4f");
    json.Add("exported_accuracy", double(compare.exported_correct) / n, "%.4f");
    json.Add("agreement", double(compare.agree) / n, "%.4f");
    json.Add("max_abs_diff", compare.max_abs_diff, "%.3g");
    json.Add("non_finite_outputs", double(compare.non_finite), "%.0f");
    json.Add("host_runtime_us", us, "%.1f");
  }
  json.Print();
  return kExitOk;
}

int RunInspect(int argc, char** argv) {
  std::string path;
  bool json = false;
  int64_t text = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      PrintInspectUsage(stdout);
      return 0;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--runtime-text" && i + 1 < argc) {
      const mote::Status s = mote::ParseRuntimeText(argv[++i], &text);
      if (!s.ok()) return Fail("inspect --runtime-text", s);
    } else if (path.empty() && a[0] != '-') {
      path = a;
    } else {
      fprintf(stderr, "mote inspect: unknown or incomplete option '%s'\n", a.c_str());
      PrintInspectUsage(stderr);
      return 2;
    }
  }
  if (path.empty()) {
    PrintInspectUsage(stderr);
    return 2;
  }
  std::vector<uint8_t> bytes;
  if (!ReadFile(path, &bytes)) {
    fprintf(stderr, "mote inspect: cannot read %s\n", path.c_str());
    return 1;
  }
  mote::InspectReport report;
  const mote::Status s = mote::InspectModel(bytes.data(), bytes.size(), &report);
  if (!s.ok()) return Fail(("inspect " + path).c_str(), s);
  report.runtime_text_bytes = text;
  const std::string text_out = json ? mote::FormatInspectJson(report) + "\n" : mote::FormatInspectText(report);
  fputs(text_out.c_str(), stdout);
  return 0;
}

}  // namespace mote_cli
