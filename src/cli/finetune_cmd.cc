// `mote finetune`: on-device training on the host, and the data of the
// Cortex-M fine-tuning firmware (ports/cortex-m/finetune_firmware.cc,
// ports/finetune.sh). Takes an exported model with a trainable tail (`mote
// export --trainable 1`), shifts Fashion-MNIST images in a way the seed
// network never saw (inverted: 255 - pixel), measures the runtime's accuracy
// on the shifted test images, fine-tunes the tail with mote_rt_train_step on
// the shifted training images, measures again, and trains the training
// library's copy of the tail on the same tail inputs and labels side by side
// (scalar backend, the board's arithmetic) to report their agreement.
#include <stdio.h>
#include <string.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "mote/data.h"
#include "mote/kernels.h"
#include "mote/layers.h"
#include "mote/loss.h"
#include "mote/model.h"
#include "mote/optimizers.h"
#include "mote/rt.h"
#include "src/cli/args.h"
#include "src/cli/cli.h"
#include "src/cli/data_source.h"

namespace mote_cli {
namespace {

void Usage(FILE* out) {
  fprintf(out,
          "usage: mote finetune CHECKPOINT MODEL.mote [options]\n"
          "  MODEL.mote            CHECKPOINT exported with --trainable 1\n"
          "  --train N             shifted training images (default 500, from fashion-mnist:train)\n"
          "  --test N              shifted test images (default 500, from fashion-mnist:test)\n"
          "  --epochs E            passes over the training images (default 2)\n"
          "  --shift NAME          invert (255 - pixel, default) or gain (0.5 * pixel + 100)\n"
          "  --learning-rate LR    instead of the model's\n"
          "  --out PREFIX          also write PREFIX.c / PREFIX.h for the fine-tuning firmware\n"
          "  --threads N           the library models' threads (default: MOTE_NUM_THREADS, else the CPUs\n"
          "                        this process may run on)\n"
          "The last output line is one JSON object.\n");
}

uint8_t Shift(const std::string& shift, float p) {
  const int v = int(p);
  if (shift == "gain") return uint8_t(v / 2 + 100);
  return uint8_t(255 - v);
}

struct Buffer {
  explicit Buffer(size_t n) : p(static_cast<uint8_t*>(std::aligned_alloc(16, (n + 15) / 16 * 16 + 16))) {}
  ~Buffer() { std::free(p); }
  uint8_t* p;
};

std::unique_ptr<mote::Optimizer> OptimizerOf(const MoteTrainRecord& r) {
  switch (r.optimizer) {
    case MOTE_OPTIMIZER_MOMENTUM: return std::make_unique<mote::Momentum>(r.hyper[0], false);
    case MOTE_OPTIMIZER_NESTEROV: return std::make_unique<mote::Momentum>(r.hyper[0], true);
    case MOTE_OPTIMIZER_ADAM: return std::make_unique<mote::Adam>(r.hyper[0], r.hyper[1], r.hyper[2]);
    default: return std::make_unique<mote::Sgd>();
  }
}

void WriteBytes(FILE* c, const char* name, const std::vector<uint8_t>& v) {
  fprintf(c, "const unsigned char %s[] = {", name);
  for (size_t i = 0; i < v.size(); ++i) fprintf(c, "%s%d,", i % 28 == 0 ? "\n" : "", int(v[i]));
  fprintf(c, "\n};\n");
}

}  // namespace

int RunFinetune(int argc, char** argv) {
  std::string checkpoint, model_path, prefix, shift = "invert", lr_text;
  size_t train_n = 500, test_n = 500, epochs = 2, threads = 0;
  CsvFlags csv;
  ArgScanner args(argc, argv);
  while (args.Next()) {
    if (args.IsHelp()) {
      Usage(stdout);
      return kExitOk;
    }
    if (args.Count("--train", &train_n) || args.Count("--test", &test_n) || args.Count("--epochs", &epochs) ||
        args.Value("--shift", &shift) || args.Value("--learning-rate", &lr_text) || args.Value("--out", &prefix) ||
        args.Threads(&threads))
      continue;
    if (args.IsPositional() && checkpoint.empty()) {
      checkpoint = args.current();
    } else if (args.IsPositional() && model_path.empty()) {
      model_path = args.current();
    } else {
      return UsageError("finetune", "unknown or incomplete option '" + args.current() + "'", Usage);
    }
  }
  if (args.bad()) return kExitUsage;
  if (checkpoint.empty() || model_path.empty() || train_n == 0 || test_n == 0)
    return UsageError("finetune", "CHECKPOINT, MODEL.mote and at least one image each are required", Usage);
  if (shift != "invert" && shift != "gain") return UsageError("finetune", "--shift must be invert or gain", Usage);

  TrainedModel trained;
  mote::Status s = LoadTrainedModel(checkpoint, "", 1, &trained);
  if (s.ok()) s = trained.model.SetThreads(threads);
  if (!s.ok()) return Fail("finetune", s);
  const mote::Shape shape = trained.model.node_shape(trained.model.input_node(0));
  mote::Dataset train, train_raw, test, test_raw;
  bool bytes = false;
  s = LoadDataSource("fashion-mnist:train", csv, shape, trained.normalization, &train, &bytes, &train_raw);
  if (s.ok() && bytes) s = LoadDataSource("fashion-mnist:test", csv, shape, trained.normalization, &test, &bytes, &test_raw);
  if (!s.ok()) return Fail("finetune: data", s);
  if (!bytes) return Fail("finetune", mote::InvalidArgument("the images are not bytes"));
  train_n = std::min(train_n, train.size());
  test_n = std::min(test_n, test.size());
  const size_t pixels = train.item_shape.elements();

  std::vector<uint8_t> file;
  if (!ReadFile(model_path, &file)) return Fail("finetune", mote::IoError("cannot read the model"));
  Buffer model_bytes(file.size());
  memcpy(model_bytes.p, file.data(), file.size());
  size_t need = 0;
  mote_rt_status st = mote_rt_arena_bytes(model_bytes.p, file.size(), &need);
  Buffer arena(need);
  mote_rt_model m{};
  if (st == MOTE_RT_OK) st = mote_rt_model_init(&m, model_bytes.p, file.size(), arena.p, need);
  if (st != MOTE_RT_OK) return Fail("finetune", ErrorWithMessage(mote::InvalidArgument("x"), mote_rt_status_message(st)));
  if (m.train == nullptr)
    return Fail("finetune", mote::InvalidArgument("the model has no trainable tail (export it with --trainable 1)"));
  if (m.train->bias_units != 0 && !prefix.empty())
    return UsageError("finetune", "--out writes the data of a firmware that trains the last layer only (--trainable 1)",
                      Usage);
  if (!lr_text.empty() && mote_rt_set_learning_rate(&m, strtof(lr_text.c_str(), nullptr)) != MOTE_RT_OK)
    return UsageError("finetune", "--learning-rate wants a number >= 0", Usage);
  float lr = 0.0f;
  mote_rt_get_learning_rate(&m, &lr);
  // The board's arithmetic.
  const mote::Backend backend = mote::ActiveBackend();
  (void)mote::SetBackend(mote::Backend::kScalar);

  mote_rt_tensor in, out;
  mote_rt_input(&m, 0, &in);
  mote_rt_output(&m, 0, &out);
  float* x = static_cast<float*>(in.data);
  const float* y = static_cast<const float*>(out.data);
  const size_t classes = out.bytes / 4;
  const float scale = trained.normalization.scale, offset = trained.normalization.offset;
  std::vector<uint8_t> train_px(train_n * pixels), test_px(test_n * pixels), train_labels(train_n),
      test_labels(test_n);
  for (size_t i = 0; i < train_n * pixels; ++i) train_px[i] = Shift(shift, train_raw.x[i]);
  for (size_t i = 0; i < test_n * pixels; ++i) test_px[i] = Shift(shift, test_raw.x[i]);
  for (size_t i = 0; i < train_n; ++i) train_labels[i] = uint8_t(train.labels[i]);
  for (size_t i = 0; i < test_n; ++i) test_labels[i] = uint8_t(test.labels[i]);
  auto load = [&](const uint8_t* p) {
    for (size_t k = 0; k < pixels; ++k) x[k] = std::fmaf(float(p[k]), scale, offset);
  };
  auto accuracy = [&](size_t* correct) {
    *correct = 0;
    for (size_t i = 0; i < test_n; ++i) {
      load(test_px.data() + i * pixels);
      mote_rt_invoke(&m);
      *correct += ArgMax(y, classes) == test_labels[i];
    }
  };
  size_t before = 0, after = 0;
  accuracy(&before);

  // The library's copy of the tail, from the runtime's initial weights.
  const MoteOpRecord& op = m.ops[m.train->op];
  const size_t features = m.tensors[op.inputs[0]].bytes / 4;
  mote::Model tail;
  tail.Add(std::make_unique<mote::Dense>(classes), {tail.Input(mote::Shape(features))}, "tail");
  tail.SetLoss(std::make_unique<mote::SoftmaxCrossEntropy>(m.train->label_smoothing));
  tail.SetOptimizer(OptimizerOf(*m.train));
  s = tail.SetThreads(threads);
  if (s.ok()) s = tail.Prepare(1);
  if (!s.ok()) return Fail("finetune: library tail", s);
  std::vector<float> params(mote_rt_trainable_bytes(&m) / 4);
  mote_rt_read_trainable(&m, params.data(), params.size() * 4);
  {
    const mote::Model::Writer tail_params = tail.mutable_params();
    size_t at = 0;
    for (const mote::ParamInfo& p : tail.param_infos()) {
      memcpy(tail_params.data() + p.offset, params.data() + at, p.size * 4);
      at += p.size;
    }
  }
  const float* tail_in = reinterpret_cast<const float*>(m.arena + m.tensors[op.inputs[0]].offset);
  double loss_sum = 0.0;
  size_t steps = 0, refused = 0;
  for (size_t e = 0; e < epochs; ++e) {
    for (size_t i = 0; i < train_n; ++i) {
      load(train_px.data() + i * pixels);
      float loss = 0.0f;
      if (mote_rt_train_step(&m, train_labels[i], &loss) != MOTE_RT_OK) {
        ++refused;
        continue;
      }
      const int32_t label = train_labels[i];
      std::vector<float> h(tail_in, tail_in + features);
      s = tail.TrainStep(h.data(), mote::Targets{&label, nullptr}, 1, lr);
      if (!s.ok()) return Fail("finetune: library step", s);
      loss_sum += loss;
      ++steps;
    }
  }
  accuracy(&after);
  mote_rt_read_trainable(&m, params.data(), params.size() * 4);
  std::vector<float> library;
  for (const mote::ParamInfo& p : tail.param_infos())
    library.insert(library.end(), tail.params() + p.offset, tail.params() + p.offset + p.size);
  // The last layer's parameters come first in the runtime's layout; a model
  // that also trains the layer feeding it (--trainable-bias, --trainable 2)
  // has more, which the library's copy of the last layer does not cover.
  size_t identical = 0;
  double max_diff = 0.0;
  for (size_t i = 0; i < library.size(); ++i) {
    identical += memcmp(&params[i], &library[i], 4) == 0;
    max_diff = std::max(max_diff, std::fabs(double(params[i]) - double(library[i])));
  }
  (void)mote::SetBackend(backend);

  printf("shift %s: %zu training images x %zu epochs, %zu test images, learning rate %g\n", shift.c_str(), train_n,
         epochs, test_n, double(lr));
  printf("accuracy on the shifted test images: before %.4f, after %.4f (host runtime)\n", double(before) / test_n,
         double(after) / test_n);
  printf("last layer's parameters bit-identical to the training library's: %zu of %zu (max |diff| %.3g)%s\n",
         identical, library.size(), max_diff,
         params.size() > library.size() ? "; the layer feeding it is not compared" : "");

  if (!prefix.empty()) {
    const std::string h_path = prefix + ".h", c_path = prefix + ".c";
    FILE* h = fopen(h_path.c_str(), "w");
    if (h == nullptr) return Fail("finetune", mote::IoError("cannot write the header"));
    fprintf(h,
            "/* Generated by `mote finetune`: the fine-tuning firmware's data. */\n"
            "#ifndef MOTE_FINETUNE_DATA_H_\n#define MOTE_FINETUNE_DATA_H_\n"
            "#define MOTE_FINETUNE_TRAIN %zu\n#define MOTE_FINETUNE_TEST %zu\n#define MOTE_FINETUNE_EPOCHS %zu\n"
            "#define MOTE_FINETUNE_PIXELS %zu\n#define MOTE_FINETUNE_CLASSES %zu\n#define MOTE_FINETUNE_PARAMS %zu\n"
            "#define MOTE_FINETUNE_INPUT_SCALE %af\n#define MOTE_FINETUNE_INPUT_OFFSET %af\n"
            "#define MOTE_FINETUNE_LEARNING_RATE %af\n"
            "#define MOTE_FINETUNE_HOST_BEFORE %zu\n#define MOTE_FINETUNE_HOST_AFTER %zu\n"
            "#define MOTE_FINETUNE_SHIFT \"%s\"\n"
            "#ifdef __cplusplus\nextern \"C\" {\n#endif\n"
            "extern const unsigned char mote_finetune_train_pixels[], mote_finetune_train_labels[];\n"
            "extern const unsigned char mote_finetune_test_pixels[], mote_finetune_test_labels[];\n"
            "extern const float mote_finetune_library_params[];\n"
            "#ifdef __cplusplus\n}\n#endif\n#endif\n",
            train_n, test_n, epochs, pixels, classes, params.size(), double(scale), double(offset), double(lr), before,
            after, shift.c_str());
    fclose(h);
    FILE* c = fopen(c_path.c_str(), "w");
    if (c == nullptr) return Fail("finetune", mote::IoError("cannot write the source"));
    const size_t base = prefix.find_last_of('/');
    fprintf(c, "#include \"%s\"\n\n", (base == std::string::npos ? h_path : h_path.substr(base + 1)).c_str());
    WriteBytes(c, "mote_finetune_train_pixels", train_px);
    WriteBytes(c, "mote_finetune_train_labels", train_labels);
    WriteBytes(c, "mote_finetune_test_pixels", test_px);
    WriteBytes(c, "mote_finetune_test_labels", test_labels);
    fprintf(c, "const float mote_finetune_library_params[] = {");
    for (size_t i = 0; i < library.size(); ++i) fprintf(c, "%s%af,", i % 6 == 0 ? "\n" : " ", double(library[i]));
    fprintf(c, "\n};\n");
    if (fclose(c) != 0) return Fail("finetune", mote::IoError("cannot write the source"));
    printf("wrote %s and %s\n", h_path.c_str(), c_path.c_str());
  }
  JsonLine json;
  json.AddString("shift", shift);
  json.Add("examples", double(train_n), "%.0f");
  json.Add("epochs", double(epochs), "%.0f");
  json.Add("threads", double(tail.threads()), "%.0f");
  json.Add("steps", double(steps), "%.0f");
  json.Add("refused_steps", double(refused), "%.0f");
  json.Add("mean_loss", steps ? loss_sum / double(steps) : 0.0);
  json.Add("before_accuracy", double(before) / double(test_n), "%.4f");
  json.Add("after_accuracy", double(after) / double(test_n), "%.4f");
  json.Add("agreement_with_library", double(identical) / double(library.size()), "%.4f");
  json.Add("max_abs_diff", max_diff, "%.3g");
  json.Print();
  return kExitOk;
}

}  // namespace mote_cli
