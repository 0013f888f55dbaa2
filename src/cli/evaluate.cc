// `mote evaluate MODEL.mote`: runs an exported model through the host
// runtime (include/mote/rt.h, the code the boards run) over the Fashion-MNIST
// test set and reports accuracy; with --checkpoint it also runs the training
// library's inference on the same images and reports argmax agreement and the
// largest logit difference (the exported model must match within 1e-4).
// Last line: one JSON object.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chrono>
#include <string>
#include <vector>

#include "mote/data.h"
#include "mote/model.h"
#include "mote/rt.h"
#include "src/cli/cli.h"

namespace mote_cli {

namespace {

void Usage(FILE* out) {
  fprintf(out,
          "usage: mote evaluate MODEL.mote [--checkpoint FILE [--network seed]] [--images N] [--data DIR]\n"
          "                     [--max-difference D]\n"
          "  accuracy of the exported model on the host runtime; with --checkpoint, agreement with the\n"
          "  training library (exit 3 when the largest logit difference exceeds D (default 1e-4) or an\n"
          "  argmax differs)\n");
}

int Fail(const char* what, const char* message) {
  fprintf(stderr, "mote evaluate: %s: %s\n", what, message);
  return 1;
}

size_t ArgMax(const float* x, size_t n) {
  size_t best = 0;
  for (size_t i = 1; i < n; ++i)
    if (x[i] > x[best]) best = i;
  return best;
}

}  // namespace

bool ReadFileBytes(const std::string& path, std::vector<uint8_t>* out) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  out->clear();
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out->insert(out->end(), buf, buf + n);
  const bool ok = ferror(f) == 0;
  fclose(f);
  return ok;
}

int RunEvaluate(int argc, char** argv) {
  std::string model_path, checkpoint, network = "seed", data_dir = mote::kFashionMnistDir;
  size_t images = 0;
  double max_allowed = 1e-4;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--checkpoint" && has_value) {
      checkpoint = argv[++i];
    } else if (a == "--network" && has_value) {
      network = argv[++i];
    } else if (a == "--images" && has_value) {
      images = size_t(strtoull(argv[++i], nullptr, 10));
    } else if (a == "--data" && has_value) {
      data_dir = argv[++i];
    } else if (a == "--max-difference" && has_value) {
      max_allowed = strtod(argv[++i], nullptr);
    } else if (a == "--help" || a == "-h") {
      Usage(stdout);
      return 0;
    } else if (a[0] != '-' && model_path.empty()) {
      model_path = a;
    } else {
      Usage(stderr);
      return 2;
    }
  }
  if (model_path.empty()) {
    Usage(stderr);
    return 2;
  }
  // 16-byte aligned copy of the model, as a board would have it in flash.
  std::vector<uint8_t> file;
  if (!ReadFileBytes(model_path, &file)) return Fail(model_path.c_str(), "cannot read");
  std::vector<uint64_t> aligned_model((file.size() + 15) / 16 * 2 + 2);
  memcpy(aligned_model.data(), file.data(), file.size());
  size_t arena_bytes = 0;
  mote_rt_status st = mote_rt_arena_bytes(aligned_model.data(), file.size(), &arena_bytes);
  if (st != MOTE_RT_OK) return Fail(model_path.c_str(), mote_rt_status_message(st));
  std::vector<uint64_t> arena(arena_bytes / 8 + 2);
  mote_rt_model rt;
  st = mote_rt_model_init(&rt, aligned_model.data(), file.size(), arena.data(), arena_bytes);
  if (st != MOTE_RT_OK) return Fail(model_path.c_str(), mote_rt_status_message(st));
  mote_rt_tensor in, out;
  if (mote_rt_input(&rt, 0, &in) != MOTE_RT_OK || mote_rt_output(&rt, 0, &out) != MOTE_RT_OK ||
      in.dtype != MOTE_DTYPE_F32 || out.dtype != MOTE_DTYPE_F32)
    return Fail(model_path.c_str(), "the model's input 0 and output 0 must be float");
  const size_t in_size = in.bytes / 4, out_size = out.bytes / 4;

  mote::Dataset train, test;
  mote::Status s = mote::LoadFashionMnist(data_dir, &train, &test);
  if (!s.ok()) return Fail(data_dir.c_str(), s.message());
  if (images == 0 || images > test.size()) images = test.size();
  if (in_size != test.item_shape.elements()) return Fail(model_path.c_str(), "input size differs from the data");

  std::vector<float> runtime_out(images * out_size);
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < images; ++i) {
    memcpy(in.data, test.item(i), in.bytes);
    st = mote_rt_invoke(&rt);
    if (st != MOTE_RT_OK) return Fail("invoke", mote_rt_status_message(st));
    memcpy(runtime_out.data() + i * out_size, out.data, out.bytes);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t correct = 0;
  for (size_t i = 0; i < images; ++i)
    correct += int32_t(ArgMax(runtime_out.data() + i * out_size, out_size)) == test.labels[i];
  const double accuracy = double(correct) / double(images);
  printf("runtime: %zu images, accuracy %.4f, %.1f us per image (one core, batch 1), arena %zu bytes\n", images,
         accuracy, seconds * 1e6 / double(images), arena_bytes);

  double agreement = -1, max_difference = -1;
  if (!checkpoint.empty()) {
    mote::Model model;
    const size_t batch = 50;
    s = LoadTrainedNetwork(network, checkpoint, batch, &model);
    if (!s.ok()) return Fail(checkpoint.c_str(), s.message());
    if (model.output_size(0) != out_size) return Fail(checkpoint.c_str(), "output size differs from the model's");
    std::vector<float> library_out(images * out_size);
    for (size_t b = 0; b < images; b += batch) {
      const size_t n = images - b < batch ? images - b : batch;
      s = model.Predict(test.item(b), n, library_out.data() + b * out_size);
      if (!s.ok()) return Fail("predict", s.message());
    }
    size_t agree = 0;
    max_difference = 0;
    for (size_t i = 0; i < images; ++i) {
      const float* a = runtime_out.data() + i * out_size;
      const float* b = library_out.data() + i * out_size;
      agree += ArgMax(a, out_size) == ArgMax(b, out_size);
      for (size_t k = 0; k < out_size; ++k) max_difference = fmax(max_difference, fabs(double(a[k]) - double(b[k])));
    }
    agreement = double(agree) / double(images);
    printf("vs training library: argmax agreement %.4f, max |logit difference| %.3g\n", agreement, max_difference);
  }
  printf("{\"images\":%zu,\"accuracy\":%.4f,\"us_per_image\":%.1f,\"arena_bytes\":%zu,\"agreement\":%.4f,"
         "\"max_abs_difference\":%.3g}\n",
         images, accuracy, seconds * 1e6 / double(images), arena_bytes, agreement, max_difference);
  if (!checkpoint.empty() && (agreement < 1.0 || max_difference > max_allowed)) return 3;
  return 0;
}

}  // namespace mote_cli
