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
#include "src/cli/cli.h"

namespace mote_cli {
namespace {

int Fail(const char* cmd, const char* what, const mote::Status& s) {
  fprintf(stderr, "mote %s: %s: %s (%s)\n", cmd, what, s.message(), mote::StatusCodeName(s.code()));
  return 1;
}

bool ReadFile(const std::string& path, std::vector<uint8_t>* out) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  out->clear();
  uint8_t buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out->insert(out->end(), buf, buf + n);
  const bool ok = ferror(f) == 0;
  fclose(f);
  return ok;
}

bool WriteFile(const std::string& path, const void* data, size_t len) {
  FILE* f = fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = fwrite(data, 1, len, f) == len;
  return fclose(f) == 0 && ok;
}

// "dir/seed_model" -> "seed_model"; characters a C identifier cannot hold -> '_'.
std::string IdentifierFrom(const std::string& prefix) {
  const size_t slash = prefix.find_last_of('/');
  std::string name = slash == std::string::npos ? prefix : prefix.substr(slash + 1);
  for (char& c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) c = '_';
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) name = "m_" + name;
  return name;
}

}  // namespace

void PrintExportUsage(FILE* out) {
  fprintf(out,
          "usage: mote export --checkpoint FILE [options]\n"
          "  --network NAME        the network the checkpoint was trained on: seed (mote::BuildSeedNetwork,\n"
          "                        default) or rnn:H, lstm:H, gru:H (mote::BuildSequenceNetwork, H units)\n"
          "  --checkpoint FILE     trained parameters (mote::SaveCheckpoint)\n"
          "  --out FILE            model file to write (default model.mote)\n"
          "  --int8                int8 post-training quantization\n"
          "  --calibration N       calibration examples: the first N Fashion-MNIST training images (default 1000)\n"
          "  --data DIR            Fashion-MNIST directory (default %s)\n"
          "  --c-array PREFIX      also write PREFIX.h / PREFIX.c with the bytes as a 16-aligned const array\n"
          "  --c-name NAME         the array's name (default: PREFIX's file name)\n"
          "  --max-tile-bytes N    im2col tile budget of a conv (default 8192)\n"
          "  --evaluate N          run the exported model on the host runtime over N test images (0: all)\n"
          "                        and compare with the training library's predictions\n"
          "The last output line is one JSON object.\n",
          mote::kFashionMnistDir);
}

void PrintInspectUsage(FILE* out) {
  fprintf(out,
          "usage: mote inspect MODEL [--json] [--runtime-text BYTES|SIZE_FILE]\n"
          "  per op: output shape, MACs, parameter bytes, scratch, fused activation, int8 parameters;\n"
          "  totals: model bytes, arena bytes, runtime state bytes (and runtime .text when given:\n"
          "  a byte count or a file of arm-none-eabi-size output)\n");
}

int RunExport(int argc, char** argv) {
  std::string network = "seed", checkpoint, out = "model.mote", c_prefix, c_name, data_dir = mote::kFashionMnistDir;
  bool int8 = false, evaluate = false;
  size_t calibration = 1000, max_tile = 8192, evaluate_count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--help" || a == "-h") {
      PrintExportUsage(stdout);
      return 0;
    } else if (a == "--network" && has_value) {
      network = argv[++i];
    } else if (a == "--checkpoint" && has_value) {
      checkpoint = argv[++i];
    } else if (a == "--out" && has_value) {
      out = argv[++i];
    } else if (a == "--int8") {
      int8 = true;
    } else if (a == "--calibration" && has_value) {
      calibration = strtoul(argv[++i], nullptr, 10);
    } else if (a == "--data" && has_value) {
      data_dir = argv[++i];
    } else if (a == "--c-array" && has_value) {
      c_prefix = argv[++i];
    } else if (a == "--c-name" && has_value) {
      c_name = argv[++i];
    } else if (a == "--max-tile-bytes" && has_value) {
      max_tile = strtoul(argv[++i], nullptr, 10);
    } else if (a == "--evaluate" && has_value) {
      evaluate = true;
      evaluate_count = strtoul(argv[++i], nullptr, 10);
    } else {
      fprintf(stderr, "mote export: unknown or incomplete option '%s'\n", a.c_str());
      PrintExportUsage(stderr);
      return 2;
    }
  }
  if (checkpoint.empty()) {
    fprintf(stderr, "mote export: --checkpoint FILE is required\n");
    PrintExportUsage(stderr);
    return 2;
  }
  if (int8 && calibration == 0) {
    fprintf(stderr, "mote export: --calibration must be at least 1\n");
    return 2;
  }

  mote::Model model;
  const size_t batch = 100;
  mote::Status s = LoadTrainedNetwork(network, checkpoint, batch, &model);
  if (!s.ok()) return Fail("export", (network + " from " + checkpoint).c_str(), s);

  mote::Dataset train, test;
  if (int8 || evaluate) {
    s = mote::LoadFashionMnist(data_dir, &train, &test);
    if (!s.ok()) return Fail("export", data_dir.c_str(), s);
  }
  mote::ExportOptions options;
  options.max_tile_bytes = max_tile;
  if (int8) {
    options.int8 = true;
    options.calibration_count = std::min(calibration, train.size());
    options.calibration = {train.x.data()};
  }
  std::vector<uint8_t> bytes;
  mote::ExportReport report;
  s = mote::ExportModel(model, options, &bytes, &report);
  if (!s.ok()) {
    if (!report.failed_node.empty())
      fprintf(stderr, "mote export: layer '%s' (%s)\n", report.failed_node.c_str(), report.failed_layer_type.c_str());
    return Fail("export", "export", s);
  }
  if (!WriteFile(out, bytes.data(), bytes.size())) {
    fprintf(stderr, "mote export: cannot write %s\n", out.c_str());
    return 1;
  }
  printf("wrote %s: %s model, %u bytes, arena %u bytes\n", out.c_str(), int8 ? "int8" : "fp32", report.model_bytes,
         report.arena_bytes);
  if (!c_prefix.empty()) {
    const std::string name = c_name.empty() ? IdentifierFrom(c_prefix) : c_name;
    const size_t slash = c_prefix.find_last_of('/');
    const std::string header_file = (slash == std::string::npos ? c_prefix : c_prefix.substr(slash + 1)) + ".h";
    std::string header, source;
    s = mote::WriteCArray(name, header_file, bytes, &header, &source);
    if (!s.ok()) return Fail("export", "--c-array", s);
    if (!WriteFile(c_prefix + ".h", header.data(), header.size()) ||
        !WriteFile(c_prefix + ".c", source.data(), source.size())) {
      fprintf(stderr, "mote export: cannot write %s.h / .c\n", c_prefix.c_str());
      return 1;
    }
    printf("wrote %s.h and %s.c (const unsigned char %s[], %s_len)\n", c_prefix.c_str(), c_prefix.c_str(),
           name.c_str(), name.c_str());
  }

  std::string json = "{\"model_bytes\":" + std::to_string(report.model_bytes) +
                     ",\"arena_bytes\":" + std::to_string(report.arena_bytes) + ",\"int8\":" + (int8 ? "true" : "false");
  if (evaluate) {
    const size_t n = evaluate_count == 0 ? test.size() : std::min(evaluate_count, test.size());
    mote::HostRuntime rt;
    s = rt.Load(bytes.data(), bytes.size());
    if (!s.ok()) return Fail("export", "runtime", s);
    const size_t classes = rt.output_elements();
    std::vector<float> host(batch * classes), board(classes);
    OutputComparison compare;
    double runtime_seconds = 0;
    for (size_t begin = 0; begin < n; begin += batch) {
      const size_t rows = std::min(batch, n - begin);
      s = model.Predict(test.item(begin), rows * test.item_shape.elements(), rows, host.data(), host.size());
      if (!s.ok()) return Fail("export", "Predict", s);
      for (size_t r = 0; r < rows; ++r) {
        const auto start = std::chrono::steady_clock::now();
        s = rt.Run(test.item(begin + r), test.item_shape.elements(), board.data(), board.size());
        runtime_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!s.ok()) return Fail("export", "runtime", s);
        compare.Add(host.data() + r * classes, board.data(), classes, test.labels[begin + r]);
      }
    }
    const double us = runtime_seconds / double(n) * 1e6;
    printf("%zu test images: library accuracy %.4f, exported %.4f, argmax agreement %.4f, max |output diff| %.3g, "
           "%zu with NaN or infinite outputs; host runtime %.1f us per image (backend %s)\n",
           n, double(compare.host_correct) / n, double(compare.exported_correct) / n, double(compare.agree) / n,
           compare.max_abs_diff, compare.non_finite, us, mote::BackendName(mote::ActiveBackend()));
    char buf[360];
    snprintf(buf, sizeof(buf),
             ",\"images\":%zu,\"host_accuracy\":%.4f,\"exported_accuracy\":%.4f,\"agreement\":%.4f,"
             "\"max_abs_diff\":%.3g,\"non_finite_outputs\":%zu,\"host_runtime_us\":%.1f",
             n, double(compare.host_correct) / n, double(compare.exported_correct) / n, double(compare.agree) / n,
             compare.max_abs_diff, compare.non_finite, us);
    json += buf;
  }
  printf("%s}\n", json.c_str());
  return 0;
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
      if (!s.ok()) return Fail("inspect", "--runtime-text", s);
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
  if (!s.ok()) return Fail("inspect", path.c_str(), s);
  report.runtime_text_bytes = text;
  const std::string text_out = json ? mote::FormatInspectJson(report) + "\n" : mote::FormatInspectText(report);
  fputs(text_out.c_str(), stdout);
  return 0;
}

}  // namespace mote_cli
