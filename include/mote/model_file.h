// Model files: a whole training setup in one human-written TOML file (the
// reference is docs/model-file.md): input shape(s) and normalization, layers
// (a sequential list, or a graph of named nodes), outputs and heads, loss,
// optimizer and learning-rate schedule, regularizers, augmentation, early
// stopping and the training settings.
//
// Every problem in a file is reported as kInvalidArgument with the message
//   "<file>:<line>:<column>: key '<key>': <what was expected>"
// (for a missing key, the position of the table that lacks it). Messages live
// in a per-thread buffer: a message stays valid until the next model-file
// error on the same thread.
//
// The TOML library stays inside src/train: this header needs none of it.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <memory>
#include <string>
#include <vector>

#include "mote/data.h"
#include "mote/model.h"
#include "mote/progress.h"
#include "mote/status.h"
#include "mote/tensor.h"
#include "mote/trainer.h"

namespace mote {

// x -> x * scale + offset, applied to raw data values before they reach the
// model (e.g. scale = 1/255 for bytes).
struct InputNormalization {
  float scale = 1.0f;
  float offset = 0.0f;
};
// What mote::LoadFashionMnist applies to the files' bytes.
inline constexpr InputNormalization kFashionMnistNormalization{1.0f / 255.0f, 0.0f};

// A parsed, validated model file: the graph, the loss, the optimizer,
// schedule, regularizers and the training settings.
class ModelDescription {
 public:
  ModelDescription();
  ~ModelDescription();
  ModelDescription(ModelDescription&&) noexcept;
  ModelDescription& operator=(ModelDescription&&) noexcept;
  ModelDescription(const ModelDescription&) = delete;
  ModelDescription& operator=(const ModelDescription&) = delete;

  // The TOML text it was parsed from (stored in checkpoints verbatim).
  const std::string& text() const;
  // The file name used in messages.
  const std::string& source_name() const;
  // Per-example shape of model input i (no batch dim); a rank-0 shape when
  // out of range.
  const Shape& input_shape(int i = 0) const;
  int input_count() const;
  InputNormalization normalization() const;
  uint32_t epochs() const;
  size_t batch_size() const;
  uint64_t seed() const;
  float validation_split() const;
  // Elements of output 0 when the main loss takes class labels, else 0.
  size_t classes() const;
  // The layer count (inputs not counted) and whether the model is empty
  // (a default-constructed description).
  size_t layer_count() const;
  bool empty() const;

  struct Impl;  // src/train/model_file_impl.h
  const Impl& impl() const;
  Impl& impl();

 private:
  std::unique_ptr<Impl> impl_;
};

// Parses and validates `text` (syntax, keys, types, values, graph, and the
// shapes: the model is built and shape-checked once, batch 1). On error *out
// is unchanged.
Status ParseModelDescription(const std::string& text, const std::string& source_name, ModelDescription* out);
// Reads the file at `path` and parses it (messages name `path`). kIoError
// when it cannot be read.
Status LoadModelFile(const std::string& path, ModelDescription* out);
// Writes d.text() to `path` (atomically: a temporary file renamed over it).
Status SaveModelFile(const ModelDescription& d, const std::string& path);

// An empty `model` -> the inputs, layers, outputs, loss(es), optimizer and
// regularizers of `d`, Prepared for d.batch_size() with d.seed(). Errors
// name file:line:column of the offending layer.
Status BuildModel(const ModelDescription& d, Model* model);

// The description of a model built in C++ (every layer, loss and optimizer
// reports its options through its Describe hook): inputs, layers, outputs,
// heads, loss, optimizer, regularization, ties, freezing, gradient clipping
// and weight noise. Training settings (epochs, batch size, schedule, ...)
// are the defaults, the batch size is the model's max batch when prepared.
// The text is the model file that BuildModel turns back into the same
// model. kUnsupported when a part cannot be described.
// `normalization` is the input normalization the model's data went through
// (a Model does not know it), written as the first input's scale / offset.
Status DescribeModel(const Model& model, ModelDescription* out,
                     const InputNormalization& normalization = InputNormalization{});
// DescribeModel + SaveModelFile.
Status SaveModelFile(const Model& model, const std::string& path,
                     const InputNormalization& normalization = InputNormalization{});

// What the CLI may change of a description's training settings.
struct TrainOverrides {
  int64_t epochs = -1;  // < 0: the file's
  FILE* out = stdout;
  bool verbose = true;
  ProgressBar::Mode progress = ProgressBar::Mode::kAuto;
  std::vector<Callback*> callbacks;  // run after the file's early stopping
  size_t max_batches_per_epoch = 0;
};

// Trains `model` (built by BuildModel from `d`) per `d`: epochs, batch size,
// learning rate and schedule, augmentation, early stopping, adversarial
// training, validation (`validation`, or d.validation_split() of `train` when
// null), shuffling and seed. Data values are used as given: apply
// d.normalization() first (NormalizeDataset). `history` may be null.
Status TrainFromDescription(const ModelDescription& d, Model* model, const Dataset& train,
                            const Dataset* validation, const TrainOverrides& overrides, History* history);

// x -> fma(x, scale, offset) on every value of `data` (nothing for the
// identity): one rounding, so a board that does the same (fmaf) sees the
// same floats (ports/cortex-m4/model_firmware.cc).
void NormalizeDataset(const InputNormalization& normalization, Dataset* data);

}  // namespace mote
