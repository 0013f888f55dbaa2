// The parts of a model file around the graph: losses, the optimizer and its
// learning-rate schedule, and the training settings (epochs, batch size,
// augmentation, early stopping, adversarial training).
#include <memory>
#include <string>

#include "mote/loss.h"
#include "mote/optimizers.h"
#include "src/train/model_file_impl.h"

namespace mote {
namespace model_file {
namespace {

using Range = TableReader::Range;

// An optional table of the root; an empty one when absent (its defaults).
const toml::table& Section(TableReader& root, const char* key, bool* present) {
  static const toml::table kEmpty;
  const toml::table* t = root.Table(key);
  *present = t != nullptr;
  return t ? *t : kEmpty;
}

bool ReadSchedule(TableReader& r, ScheduleSpec* s) {
  static const char* const kKinds[] = {"constant", "inverse_time", "exponential_step", "linear_decay",
                                       "reduce_on_plateau", nullptr};
  static const char* const kUnits[] = {"step", "epoch", nullptr};
  static const char* const kModes[] = {"min", "max", nullptr};
  int kind = 0, unit = 0, mode = 0;
  if (!r.Choice("type", kKinds, &kind) || !r.Choice("unit", kUnits, &unit)) return false;
  s->kind = ScheduleSpec::Kind(kind);
  s->unit = ScheduleUnit(unit);
  switch (s->kind) {
    case ScheduleSpec::Kind::kConstant:
      break;
    case ScheduleSpec::Kind::kInverseTime:
      if (!r.Require("decay_rate", "b of lr / (1 + b k)") || !r.Float("decay_rate", &s->decay_rate, Range::kNonNegative))
        return false;
      break;
    case ScheduleSpec::Kind::kExponentialStep:
      if (!r.Require("step_size", "k0 of lr * gamma^floor(k / k0)") || !r.U64("step_size", &s->step_size) ||
          !r.Float("gamma", &s->gamma, Range::kPositive))
        return false;
      if (s->step_size == 0) return r.Fail("step_size", "expected an integer >= 1");
      break;
    case ScheduleSpec::Kind::kLinearDecay:
      // decay_steps absent (0): the whole training run.
      if (!r.U64("decay_steps", &s->decay_steps) ||
          !r.Float("final_learning_rate", &s->final_learning_rate, Range::kNonNegative))
        return false;
      if (r.Has("decay_steps") && s->decay_steps == 0) return r.Fail("decay_steps", "expected an integer >= 1");
      break;
    case ScheduleSpec::Kind::kReduceOnPlateau: {
      size_t patience = s->patience;
      if (!r.Float("factor", &s->factor, Range::kPositive) || !r.Size("patience", &patience, true) ||
          !r.Float("min_delta", &s->min_delta, Range::kNonNegative) ||
          !r.Float("min_learning_rate", &s->min_learning_rate, Range::kNonNegative) || !r.Choice("mode", kModes, &mode))
        return false;
      if (s->factor >= 1.0f) return r.Fail("factor", "expected a number in (0, 1)");
      s->patience = uint32_t(patience);
      s->mode = PlateauMode(mode);
      break;
    }
  }
  if (kind == 0 || kind == 4) {
    if (r.Has("unit")) return r.Fail("unit", "only for inverse_time, exponential_step and linear_decay");
  }
  return r.Finish();
}

bool ReadAugmentStep(TableReader& r, AugmentStep* step) {
  static const char* const kKinds[] = {"horizontal_flip", "translate",     "affine",      "brightness_contrast",
                                       "gaussian_noise",  "elastic",       "color_jitter", "fancy_pca",
                                       nullptr};
  int kind = -1;
  if (!r.Require("type", "the augmentation, e.g. \"translate\"") || !r.Choice("type", kKinds, &kind)) return false;
  step->kind = AugmentStep::Kind(kind);
  if (!r.Float("fill", &step->fill)) return false;
  // Each kind names AugmentStep's amount / amount2 after what they mean.
  switch (step->kind) {
    case AugmentStep::Kind::kHorizontalFlip:
      return r.Float("p", &step->p, Range::kNonNegative) && r.Finish();
    case AugmentStep::Kind::kTranslate:
      return r.Require("max_shift", "pixels") && r.Float("max_shift", &step->amount, Range::kNonNegative) && r.Finish();
    case AugmentStep::Kind::kAffine:
      return r.Float("max_degrees", &step->amount, Range::kNonNegative) &&
             r.Float("scale", &step->amount2, Range::kNonNegative) && r.Finish();
    case AugmentStep::Kind::kBrightnessContrast:
      return r.Float("brightness", &step->amount, Range::kNonNegative) &&
             r.Float("contrast", &step->amount2, Range::kNonNegative) && r.Finish();
    case AugmentStep::Kind::kGaussianNoise:
    case AugmentStep::Kind::kFancyPca:
      return r.Require("stddev", "the standard deviation") && r.Float("stddev", &step->amount, Range::kNonNegative) &&
             r.Finish();
    case AugmentStep::Kind::kElastic:
      return r.Require("alpha", "the displacement scale") && r.Float("alpha", &step->amount, Range::kNonNegative) &&
             r.Require("sigma", "the smoothing") && r.Float("sigma", &step->amount2, Range::kPositive) && r.Finish();
    case AugmentStep::Kind::kColorJitter:
      return r.Require("jitter", "j of U(1 - j, 1 + j)") && r.Float("jitter", &step->amount, Range::kNonNegative) &&
             r.Finish();
  }
  return r.Finish();
}

}  // namespace

bool MakeLoss(TableReader& r, std::unique_ptr<Loss>* loss) {
  static const char* const kLosses[] = {"softmax_cross_entropy", "mean_squared_error", "binary_cross_entropy", nullptr};
  int kind = 0;
  float smoothing = 0.0f;
  if (!r.Choice("type", kLosses, &kind) || !r.Float("label_smoothing", &smoothing, Range::kFraction)) return false;
  if (kind != 0 && r.Has("label_smoothing")) return r.Fail("label_smoothing", "only for softmax_cross_entropy");
  if (kind == 0) *loss = std::make_unique<SoftmaxCrossEntropy>(smoothing);
  if (kind == 1) *loss = std::make_unique<MeanSquaredError>();
  if (kind == 2) *loss = std::make_unique<BinaryCrossEntropy>();
  return true;
}

Status ReadOptimizer(const std::string& source, TableReader& root, Model* model, Settings* settings) {
  static const char* const kOptimizers[] = {"sgd", "momentum", "adagrad", "rmsprop", "adam", nullptr};
  bool present = false;
  TableReader r(source, Section(root, "optimizer", &present), "optimizer");
  if (!root.ok()) return root.status();
  int kind = 0;
  if (!r.Choice("type", kOptimizers, &kind)) return r.status();
  float lr = kind == 4 ? 0.001f : 0.01f;  // Adam's usual rate (Deep Learning, Algorithm 8.7)
  float clip_norm = 0.0f;
  if (!r.Float("learning_rate", &lr, Range::kPositive) || !r.Float("clip_norm", &clip_norm, Range::kNonNegative))
    return r.status();
  std::unique_ptr<Optimizer> optimizer;
  switch (kind) {
    case 0:
      optimizer = std::make_unique<Sgd>();
      break;
    case 1: {
      float momentum = 0.9f;
      bool nesterov = false;
      if (!r.Float("momentum", &momentum, Range::kFraction) || !r.Bool("nesterov", &nesterov)) return r.status();
      optimizer = std::make_unique<Momentum>(momentum, nesterov);
      break;
    }
    case 2: {
      float delta = 1e-7f;
      if (!r.Float("delta", &delta, Range::kPositive)) return r.status();
      optimizer = std::make_unique<AdaGrad>(delta);
      break;
    }
    case 3: {
      float rho = 0.9f, delta = 1e-6f, momentum = 0.0f;
      if (!r.Float("rho", &rho, Range::kFraction) || !r.Float("delta", &delta, Range::kNonNegative) ||
          !r.Float("momentum", &momentum, Range::kFraction))
        return r.status();
      optimizer = std::make_unique<RmsProp>(rho, delta, momentum);
      break;
    }
    default: {
      float rho1 = 0.9f, rho2 = 0.999f, delta = 1e-8f, weight_decay = 0.0f;
      if (!r.Float("rho1", &rho1, Range::kFraction) || !r.Float("rho2", &rho2, Range::kFraction) ||
          !r.Float("delta", &delta, Range::kPositive) || !r.Float("weight_decay", &weight_decay, Range::kNonNegative))
        return r.status();
      optimizer = std::make_unique<Adam>(rho1, rho2, delta, weight_decay);
      break;
    }
  }
  if (!r.Finish()) return r.status();
  model->SetOptimizer(std::move(optimizer));
  MOTE_TRY(model->SetGradientClipNorm(clip_norm));
  settings->training.schedule.learning_rate = lr;

  TableReader s(source, Section(root, "schedule", &present), "schedule");
  if (!root.ok()) return root.status();
  if (!ReadSchedule(s, &settings->training.schedule)) return s.status();
  return Status::Ok();
}

Status ReadSettings(const std::string& source, TableReader& root, const Shape& input_shape, Settings* settings) {
  TrainingSpec& t = settings->training;
  bool present = false;
  {
    TableReader r(source, Section(root, "training", &present), "training");
    if (!root.ok()) return root.status();
    size_t epochs = t.epochs;
    if (!r.Size("epochs", &epochs) || !r.Size("batch_size", &t.batch_size) || !r.U64("seed", &t.seed) ||
        !r.Float("validation_split", &t.validation_split, Range::kFraction) || !r.Bool("shuffle", &t.shuffle) ||
        !r.Finish())
      return r.status();
    t.epochs = uint32_t(epochs);
  }
  if (const toml::array* steps = root.TableArray("augment")) {
    Augmenter check;
    for (size_t i = 0; i < steps->size(); ++i) {
      TableReader r(source, *steps->get(i)->as_table(), "augment[" + std::to_string(i) + "]");
      AugmentStep step{AugmentStep::Kind::kHorizontalFlip};
      if (!ReadAugmentStep(r, &step)) return r.status();
      t.augment.push_back(step);
      check.Add(step);
      const Status s = check.Prepare(input_shape);
      if (!s.ok()) return Error(source, r.position(), r.path(), std::string("does not fit the input: ") + s.message());
    }
  }
  if (!root.ok()) return root.status();
  {
    TableReader r(source, Section(root, "early_stopping", &present), "early_stopping");
    if (!root.ok()) return root.status();
    static const char* const kMonitors[] = {"val_loss", "val_accuracy", "loss", "accuracy", nullptr};
    static const char* const kModes[] = {"auto", "min", "max", nullptr};
    int monitor = 0, mode = 0;
    size_t patience = t.early_stopping_options.patience;
    t.early_stopping = present;
    EarlyStoppingOptions& o = t.early_stopping_options;
    if (!r.Bool("enabled", &t.early_stopping) || !r.Choice("monitor", kMonitors, &monitor) ||
        !r.Choice("mode", kModes, &mode) || !r.Float("min_delta", &o.min_delta, Range::kNonNegative) ||
        !r.Size("patience", &patience, true) || !r.Bool("restore_best_weights", &o.restore_best_weights) ||
        !r.Finish())
      return r.status();
    t.early_stopping_monitor = kMonitors[monitor];
    o.mode = MetricMode(mode);
    o.patience = uint32_t(patience);
  }
  {
    TableReader r(source, Section(root, "adversarial", &present), "adversarial");
    if (!root.ok()) return root.status();
    AdversarialOptions& o = t.adversarial_options;
    size_t steps = o.steps;
    t.adversarial = present;
    if (!r.Bool("enabled", &t.adversarial) || !r.Float("epsilon", &o.epsilon, Range::kNonNegative) ||
        !r.Float("step_size", &o.step_size, Range::kNonNegative) || !r.Size("steps", &steps) ||
        !r.Float("min_value", &o.min_value) || !r.Float("max_value", &o.max_value) ||
        !r.Float("fraction", &t.adversarial_fraction, Range::kProbability) || !r.Finish())
      return r.status();
    o.steps = uint32_t(steps);
    if (!(o.min_value < o.max_value)) {
      r.Fail("max_value", "expected a number > min_value");
      return r.status();
    }
  }
  return Status::Ok();
}

}  // namespace model_file
}  // namespace mote
