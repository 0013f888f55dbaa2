#include "mote/trainer.h"

#include <chrono>
#include <cstdio>
#include <cstring>

#include "src/core/status_format.h"
#include "src/train/batch_pipeline.h"

namespace mote {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Number of rows whose argmax matches the label.
size_t CountCorrect(const float* logits, size_t rows, size_t classes, const int32_t* labels) {
  size_t correct = 0;
  for (size_t r = 0; r < rows; ++r) {
    const float* row = logits + r * classes;
    size_t best = 0;
    for (size_t j = 1; j < classes; ++j)
      if (row[j] > row[best]) best = j;
    correct += int32_t(best) == labels[r];
  }
  return correct;
}

// Every label against the model's classes (output 0's size), when the loss
// takes class labels: all of them, up front, so a bad one stops Fit before
// the first step changes anything and the message says where it is.
Status CheckLabels(const Model& model, const Dataset& data, const char* what) {
  if (model.loss() == nullptr || !model.loss()->uses_labels()) return Status::Ok();
  const size_t classes = model.output_size(0);
  for (size_t i = 0; i < data.labels.size(); ++i) {
    const int32_t label = data.labels[i];
    if (label < 0 || size_t(label) >= classes)
      return FormattedStatus(StatusCode::kInvalidArgument, "%s item %zu: label %d is not in [0, %zu)", what, i,
                             static_cast<int>(label), classes);
  }
  return Status::Ok();
}

// `what` names the data set in messages: "train", "validation", "evaluation".
Status CheckFitsModel(const Model& model, const Dataset& data, const char* what) {
  if (model.input_count() != 1) return Unsupported("fit: models with several inputs need their own loop");
  if (data.item_shape.elements() != model.input_size(0))
    return FormattedStatus(StatusCode::kShapeMismatch, "%s data: items of %zu values, the model input takes %zu", what,
                           data.item_shape.elements(), model.input_size(0));
  if (data.labels.size() != data.size())
    return FormattedStatus(StatusCode::kShapeMismatch, "%s data: %zu labels for %zu items (one per item is needed)",
                           what, data.labels.size(), data.size());
  MOTE_TRY(CheckLabels(model, data, what));
  return ValidateDataset(data);
}

// A failed TrainStep (e.g. divergence) with where it happened. The message
// lives in a per-thread buffer: Status holds static text only.
Status StepFailed(const Status& s, uint32_t epoch, uint32_t epochs, size_t batch, size_t batches, uint64_t step) {
  static thread_local char message[400];
  std::snprintf(message, sizeof message, "fit: epoch %u/%u, batch %zu/%zu (after %llu updates): %s", epoch, epochs,
                batch, batches, static_cast<unsigned long long>(step), s.message());
  return Status(s.code(), message);
}

}  // namespace

bool OverlapsData(const FitOptions& options, const Model& model) {
  return options.data_overlap == FitOptions::DataOverlap::kOn ||
         (options.data_overlap == FitOptions::DataOverlap::kAuto && model.threads() > 1 && options.augment != nullptr);
}

Status EvaluateDataset(Model& model, const Dataset& data, float* loss, float* accuracy) {
  if (!model.prepared()) return InvalidArgument("evaluate: Prepare the model first");
  MOTE_TRY(CheckFitsModel(model, data, "evaluation"));
  const size_t n = data.size(), batch = model.max_batch(), item = data.item_shape.elements();
  if (n == 0) return InvalidArgument("evaluate: empty data set");
  double loss_sum = 0, correct = 0;
  for (size_t begin = 0; begin < n; begin += batch) {
    const size_t rows = n - begin < batch ? n - begin : batch;
    float batch_loss = 0, batch_accuracy = 0;
    MOTE_TRY(model.Evaluate(data.x.data() + begin * item, Targets{data.labels.data() + begin, nullptr}, rows,
                            &batch_loss, &batch_accuracy));
    loss_sum += double(batch_loss) * rows;
    correct += double(batch_accuracy) * rows;
  }
  if (loss) *loss = float(loss_sum / n);
  if (accuracy) *accuracy = float(correct / n);
  return Status::Ok();
}

Status PredictAugmented(Model& model, Augmenter& augment, const float* x, size_t batch, uint32_t passes, Rng& rng,
                        float* scratch, float* out) {
  if (x == nullptr || scratch == nullptr || out == nullptr || passes == 0)
    return InvalidArgument("tta: null buffer or zero passes");
  if (augment.item_shape().elements() != model.input_size(0))
    return ShapeMismatch("tta: Prepare the augmenter for the model's input shape");
  const size_t n = batch * model.output_size(0);
  MOTE_TRY(model.Predict(x, batch * model.input_size(0), batch, out, n));
  for (uint32_t p = 1; p < passes; ++p) {
    augment.Apply(x, scratch, batch, rng);
    MOTE_TRY(model.Forward(&scratch, batch, false));
    for (size_t i = 0; i < n; ++i) out[i] += model.output(0)[i];
  }
  for (size_t i = 0; i < n; ++i) out[i] /= float(passes);
  return Status::Ok();
}

Status Fit(Model& model, const Dataset& train_all, const FitOptions& options, History* history) {
  if (options.batch_size == 0) return InvalidArgument("fit: batch_size must be at least 1");
  if (options.epochs == 0) return InvalidArgument("fit: epochs must be at least 1");
  if (!(options.validation_split >= 0.0f && options.validation_split < 1.0f))
    return InvalidArgument("fit: validation_split must be in [0, 1)");
  if (options.schedule) MOTE_TRY(options.schedule->Validate());
  if (!model.prepared() || model.max_batch() < options.batch_size)
    MOTE_TRY(model.Prepare(options.batch_size, options.seed));
  MOTE_TRY(CheckFitsModel(model, train_all, "train"));

  // Hold out the validation split once, up front.
  Dataset split_train, split_validation;
  const Dataset* train = &train_all;
  const Dataset* validation = options.validation;
  if (validation == nullptr && options.validation_split > 0.0f) {
    if (options.sample) return InvalidArgument("fit: a sample with validation_split: give a validation set instead");
    MOTE_TRY(SplitValidation(train_all, options.validation_split, options.seed, &split_train, &split_validation));
    train = &split_train;
    validation = &split_validation;
  }
  if (options.validation) MOTE_TRY(CheckFitsModel(model, *options.validation, "validation"));
  const size_t item = train->item_shape.elements(), classes = model.output_size(0);
  if (options.adversarial && !(options.adversarial_fraction >= 0.0f && options.adversarial_fraction <= 1.0f))
    return InvalidArgument("fit: adversarial_fraction must be in [0, 1]");
  const size_t n = options.sample ? options.sample->size() : train->size();
  if (n == 0) return InvalidArgument("fit: empty training set");
  const size_t batches_all = (n + options.batch_size - 1) / options.batch_size;
  const size_t batches = options.max_batches_per_epoch && options.max_batches_per_epoch < batches_all
                             ? options.max_batches_per_epoch
                             : batches_all;

  // Every buffer of the loop, allocated once (the batches' in the pipeline).
  BatchPipeline::Config data;
  data.data = train;
  data.sample = options.sample;
  data.batch_size = options.batch_size;
  data.batches_per_epoch = batches;
  data.epochs = options.epochs;
  data.shuffle = options.shuffle;
  data.seed = options.seed;
  data.augment = options.augment;
  data.overlap = OverlapsData(options, model);
  std::vector<float> adversarial(options.adversarial ? options.batch_size * item : 0);
  if (history) history->Reserve(history->size() + options.epochs);
  BatchPipeline pipeline;
  MOTE_TRY(pipeline.Prepare(data));
  const size_t samples = batches == batches_all ? n : batches * options.batch_size;
  ProgressBar bar(samples, options.out, options.verbose ? options.progress : ProgressBar::Mode::kNever);

  for (uint32_t epoch = 0; epoch < options.epochs; ++epoch) {
    const double start = Now();
    bar.Start();
    double loss_sum = 0, correct = 0;
    size_t seen = 0;
    for (size_t b = 0; b < batches; ++b) {
      const BatchPipeline::Batch batch = pipeline.Next();
      const size_t rows = batch.rows;
      const Targets targets{batch.labels, nullptr};
      const float lr = options.schedule ? options.schedule->LearningRate(model.step(), epoch) : options.learning_rate;
      float batch_loss = 0;
      if (options.adversarial) {
        const size_t k = size_t(options.adversarial_fraction * float(rows) + 0.5f);
        if (k > 0) {
          MOTE_TRY(AdversarialExamples(model, batch.x, targets, k, *options.adversarial, adversarial.data()));
          std::memcpy(batch.x, adversarial.data(), k * item * sizeof(float));
        }
      }
      const Status step = model.TrainStep(batch.x, targets, rows, lr, &batch_loss);
      if (!step.ok()) return StepFailed(step, epoch + 1, options.epochs, b + 1, batches, model.step());
      // The forward activations of this step are still in the output buffer.
      correct += double(CountCorrect(model.output(0), rows, classes, batch.labels));
      loss_sum += double(batch_loss) * rows;
      seen += rows;
      bar.Update(seen, float(loss_sum / seen), float(correct / seen));
    }
    bar.Finish();

    EpochMetrics metrics;
    metrics.seconds = Now() - start;  // the training pass only, without validation
    metrics.epoch = epoch + 1;
    metrics.epochs = options.epochs;
    metrics.loss = float(loss_sum / seen);
    metrics.accuracy = float(correct / seen);
    metrics.threads = uint32_t(model.threads());
    if (validation) {
      metrics.has_validation = true;
      MOTE_TRY(EvaluateDataset(model, *validation, &metrics.val_loss, &metrics.val_accuracy));
    }
    if (history) history->Append(metrics);
    if (options.verbose && options.out) {
      std::fprintf(options.out, "%s\n", FormatEpochLine(metrics).c_str());
      std::fflush(options.out);
    }
    if (options.schedule) options.schedule->OnEpochEnd(epoch, validation ? metrics.val_loss : metrics.loss);
    bool stop = false;
    for (Callback* c : options.callbacks) c->OnEpochEnd(model, metrics, &stop);
    if (stop) break;
  }
  for (Callback* c : options.callbacks) c->OnTrainEnd(model);
  return Status::Ok();
}

}  // namespace mote
