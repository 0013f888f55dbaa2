// A program outside the mote tree, built against an installed mote (pkg-config)
// or mote as a Meson subproject (dependency('mote')): it defines a small
// model, trains it, exports it, and runs the exported bytes through the
// runtime's C API (include/mote/rt.h) as a firmware would. Exit status 0 when
// the model learned (accuracy >= 0.9) and the runtime agrees with the library
// on every point; the last line is JSON.
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "mote/export.h"
#include "mote/layers.h"
#include "mote/loss.h"
#include "mote/model.h"
#include "mote/optim/adam.h"
#include "mote/rng.h"
#include "mote/rt.h"

namespace {

// 16-byte aligned storage, as the runtime needs for the model bytes and the arena.
struct alignas(16) Block {
  unsigned char bytes[16];
};

int ArgMax(const float* v, size_t n) {
  size_t best = 0;
  for (size_t i = 1; i < n; ++i)
    if (v[i] > v[best]) best = i;
  return int(best);
}

int Fail(const char* what, const mote::Status& s) {
  std::fprintf(stderr, "%s: %s\n", what, s.message());
  return 1;
}

}  // namespace

int main() {
  // Two classes: points of [-1, 1]^2 inside or outside a circle.
  constexpr size_t kPoints = 512, kBatch = 32;
  std::vector<float> x(kPoints * 2);
  std::vector<int32_t> labels(kPoints);
  mote::Rng rng(7);
  for (size_t i = 0; i < kPoints; ++i) {
    x[2 * i] = rng.Uniform(-1.0f, 1.0f);
    x[2 * i + 1] = rng.Uniform(-1.0f, 1.0f);
    labels[i] = x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1] < 0.5f ? 1 : 0;
  }

  mote::Model model;
  model.Input(mote::Shape(2), "point");
  model.Add(std::make_unique<mote::Dense>(16));
  model.Add(std::make_unique<mote::ReLU>());
  model.Add(std::make_unique<mote::Dense>(2));
  model.SetLoss(std::make_unique<mote::SoftmaxCrossEntropy>());
  model.SetOptimizer(std::make_unique<mote::Adam>());
  mote::Status s = model.Prepare(kBatch, 1);
  if (!s.ok()) return Fail("prepare", s);
  for (size_t epoch = 0; epoch < 60; ++epoch)
    for (size_t b = 0; b + kBatch <= kPoints; b += kBatch) {
      s = model.TrainStep(&x[2 * b], mote::Targets{&labels[b], nullptr}, kBatch, 0.02f);
      if (!s.ok()) return Fail("train step", s);
    }

  std::vector<float> logits(kPoints * 2);
  for (size_t b = 0; b < kPoints; b += kBatch) {
    s = model.Predict(&x[2 * b], 2 * kBatch, kBatch, &logits[2 * b], 2 * kBatch);
    if (!s.ok()) return Fail("predict", s);
  }
  std::vector<uint8_t> exported;
  s = mote::ExportModel(model, mote::ExportOptions{}, &exported);
  if (!s.ok()) return Fail("export", s);

  // The runtime: model bytes and arena in caller-owned aligned memory.
  std::vector<Block> model_bytes((exported.size() + 15) / 16);
  std::memcpy(model_bytes.data(), exported.data(), exported.size());
  size_t arena_bytes = 0;
  mote_rt_status rs = mote_rt_arena_bytes(model_bytes.data(), exported.size(), &arena_bytes);
  std::vector<Block> arena((arena_bytes + 15) / 16);
  mote_rt_model rt{};  // zeroed: a model that init never accepted stays unusable
  if (rs == MOTE_RT_OK) rs = mote_rt_model_init(&rt, model_bytes.data(), exported.size(), arena.data(), arena_bytes);
  if (rs != MOTE_RT_OK) {
    std::fprintf(stderr, "runtime: %s\n", mote_rt_status_message(rs));
    return 1;
  }
  mote_rt_tensor in{}, out{};
  if (mote_rt_input(&rt, 0, &in) != MOTE_RT_OK || mote_rt_output(&rt, 0, &out) != MOTE_RT_OK ||
      in.bytes != 2 * sizeof(float) || out.bytes != 2 * sizeof(float)) {
    std::fprintf(stderr, "runtime: unexpected input / output tensors\n");
    return 1;
  }
  size_t correct = 0, agree = 0;
  for (size_t i = 0; i < kPoints; ++i) {
    std::memcpy(in.data, &x[2 * i], in.bytes);
    mote_rt_invoke(&rt);
    const int library = ArgMax(&logits[2 * i], 2);
    correct += library == labels[i];
    agree += ArgMax(static_cast<const float*>(out.data), 2) == library;
  }
  const double accuracy = double(correct) / kPoints, agreement = double(agree) / kPoints;
  std::printf("{\"accuracy\":%.4f,\"agreement\":%.4f,\"model_bytes\":%zu,\"arena_bytes\":%zu}\n", accuracy,
              agreement, exported.size(), arena_bytes);
  return accuracy >= 0.9 && agree == kPoints ? 0 : 1;
}
