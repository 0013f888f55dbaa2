// ModelDescription, parsing a text, building its model and training it.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "mote/schedule.h"
#include "src/train/model_file_impl.h"

namespace mote {

using model_file::Error;
using model_file::Position;

ModelDescription::ModelDescription() : impl_(std::make_unique<Impl>()) {}
ModelDescription::~ModelDescription() = default;
ModelDescription::ModelDescription(ModelDescription&&) noexcept = default;
ModelDescription& ModelDescription::operator=(ModelDescription&&) noexcept = default;

const std::string& ModelDescription::text() const { return impl_->text; }
const std::string& ModelDescription::source_name() const { return impl_->source_name; }
const Shape& ModelDescription::input_shape(int i) const {
  static const Shape kNone;
  const auto& shapes = impl_->settings.input_shapes;
  return i >= 0 && size_t(i) < shapes.size() ? shapes[size_t(i)] : kNone;
}
int ModelDescription::input_count() const { return int(impl_->settings.input_shapes.size()); }
InputNormalization ModelDescription::normalization() const { return impl_->settings.normalization; }
uint32_t ModelDescription::epochs() const { return impl_->settings.training.epochs; }
size_t ModelDescription::batch_size() const { return impl_->settings.training.batch_size; }
uint64_t ModelDescription::seed() const { return impl_->settings.training.seed; }
float ModelDescription::validation_split() const { return impl_->settings.training.validation_split; }
size_t ModelDescription::classes() const { return impl_->settings.classes; }
size_t ModelDescription::layer_count() const { return impl_->settings.layers; }
bool ModelDescription::empty() const { return impl_->settings.layers == 0; }
const ModelDescription::Impl& ModelDescription::impl() const { return *impl_; }
ModelDescription::Impl& ModelDescription::impl() { return *impl_; }

Status ParseModelDescription(const std::string& text, const std::string& source_name, ModelDescription* out) {
  if (out == nullptr) return InvalidArgument("model file: null description");
  auto impl = std::make_unique<ModelDescription::Impl>();
  impl->text = text;
  impl->source_name = source_name;
  toml::parse_result parsed = toml::parse(std::string_view(impl->text), std::string_view(source_name));
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    static thread_local char message[640];
    std::snprintf(message, sizeof message, "%s:%u:%u: TOML syntax: %.*s", source_name.c_str(),
                  e.source().begin.line, e.source().begin.column, int(e.description().size()),
                  e.description().data());
    return InvalidArgument(message);
  }
  impl->root = std::move(parsed).table();
  // Build it once, batch 1: every key, value, reference and shape is checked.
  Model model;
  MOTE_TRY(model_file::Construct(source_name, impl->root, &model, &impl->settings, true));
  out->impl() = std::move(*impl);
  return Status::Ok();
}

Status LoadModelFile(const std::string& path, ModelDescription* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return IoError("model file: cannot open the file");
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return IoError("model file: cannot read the file");
  return ParseModelDescription(text, path, out);
}

Status BuildModel(const ModelDescription& d, Model* model) {
  if (model == nullptr) return InvalidArgument("model file: null model");
  if (d.empty()) return InvalidArgument("model file: an empty description (parse a model file first)");
  if (model->node_count() != 0) return InvalidArgument("model file: BuildModel needs an empty model");
  model_file::Settings settings;
  MOTE_TRY(model_file::Construct(d.source_name(), d.impl().root, model, &settings, false));
  return model->Prepare(d.batch_size(), d.seed());
}

void NormalizeDataset(const InputNormalization& normalization, Dataset* data) {
  if (data == nullptr || (normalization.scale == 1.0f && normalization.offset == 0.0f)) return;
  for (float& v : data->x) v = std::fma(v, normalization.scale, normalization.offset);
}

namespace {

// `steps_per_run`: updates of the whole run, linear_decay's default decay_steps.
std::unique_ptr<Schedule> MakeSchedule(const model_file::ScheduleSpec& s, uint64_t steps_per_run) {
  using Kind = model_file::ScheduleSpec::Kind;
  switch (s.kind) {
    case Kind::kConstant: return std::make_unique<Constant>(s.learning_rate);
    case Kind::kInverseTime: return std::make_unique<InverseTime>(s.learning_rate, s.decay_rate, s.unit);
    case Kind::kExponentialStep:
      return std::make_unique<ExponentialStep>(s.learning_rate, s.gamma, s.step_size, s.unit);
    case Kind::kLinearDecay:
      return std::make_unique<LinearDecay>(s.learning_rate, s.final_learning_rate,
                                           s.decay_steps ? s.decay_steps : steps_per_run, s.unit);
    case Kind::kReduceOnPlateau:
      return std::make_unique<ReduceOnPlateau>(s.learning_rate, s.factor, s.patience, s.min_delta,
                                               s.min_learning_rate, s.mode);
  }
  return nullptr;
}

}  // namespace

Status TrainFromDescription(const ModelDescription& d, Model* model, const Dataset& train,
                            const Dataset* validation, const TrainOverrides& overrides, History* history) {
  if (model == nullptr) return InvalidArgument("train: null model");
  if (d.empty()) return InvalidArgument("train: an empty description");
  const model_file::TrainingSpec& t = d.impl().settings.training;
  FitOptions options;
  options.epochs = overrides.epochs >= 0 ? uint32_t(overrides.epochs) : t.epochs;
  if (options.epochs == 0) return InvalidArgument("train: epochs must be at least 1");
  options.batch_size = t.batch_size;
  options.shuffle = t.shuffle;
  options.seed = t.seed;
  options.learning_rate = t.schedule.learning_rate;
  // The split here rather than in Fit: the schedule needs the training size.
  Dataset split_train, split_validation;
  const Dataset* training = &train;
  if (validation == nullptr && t.validation_split > 0.0f) {
    MOTE_TRY(SplitValidation(train, t.validation_split, t.seed, &split_train, &split_validation));
    training = &split_train;
    validation = &split_validation;
  }
  options.validation = validation;
  uint64_t batches = (training->size() + t.batch_size - 1) / t.batch_size;
  if (overrides.max_batches_per_epoch > 0 && overrides.max_batches_per_epoch < batches)
    batches = overrides.max_batches_per_epoch;
  const uint64_t run = t.schedule.unit == ScheduleUnit::kEpoch ? options.epochs : options.epochs * batches;
  std::unique_ptr<Schedule> schedule = MakeSchedule(t.schedule, run);
  MOTE_TRY(schedule->Validate());
  options.schedule = schedule.get();
  options.out = overrides.out;
  options.verbose = overrides.verbose;
  options.progress = overrides.progress;
  options.max_batches_per_epoch = overrides.max_batches_per_epoch;
  Augmenter augment;
  if (!t.augment.empty()) {
    for (const AugmentStep& step : t.augment) {
      augment.Add(step);
      if (step.kind == AugmentStep::Kind::kFancyPca) {
        float vectors[9], values[3];
        MOTE_TRY(ComputeRgbPca(training->x.data(), training->size(), training->item_shape, vectors, values));
        augment.SetRgbPca(vectors, values);
      }
    }
    MOTE_TRY(augment.Prepare(training->item_shape));
    options.augment = &augment;
  }
  if (t.adversarial) {
    options.adversarial = &t.adversarial_options;
    options.adversarial_fraction = t.adversarial_fraction;
  }
  EarlyStoppingOptions stopping_options = t.early_stopping_options;
  stopping_options.monitor = t.early_stopping_monitor.c_str();
  EarlyStopping stopping(stopping_options);
  if (t.early_stopping) options.callbacks.push_back(&stopping);
  for (Callback* c : overrides.callbacks) options.callbacks.push_back(c);
  return Fit(*model, *training, options, history);
}

}  // namespace mote
