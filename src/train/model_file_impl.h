// Internal to src/train/model_file_*.cc: what a parsed model file holds and
// the table reader every part of the parser uses. The parts:
//   model_file_reader.cc  TableReader: typed, range-checked keys, unknown keys, messages
//   model_file_layers.cc  one entry per layer type: its keys -> the layer
//   model_file_parse.cc   the file -> a Model: inputs, graph, outputs, losses, regularizers
//   model_file_settings.cc losses, optimizer, schedule, training settings
//   model_file_train.cc   ModelDescription, parsing, BuildModel, TrainFromDescription
//   model_file_write.cc   DescribeModel (the Describe hooks -> TOML text), file I/O
// toml++ is used header-only without exceptions, and only here.
#pragma once
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include <memory>
#include <string>
#include <vector>

#include "mote/adversarial.h"
#include "mote/augment.h"
#include "mote/early_stopping.h"
#include "mote/model_file.h"
#include "mote/schedule.h"

namespace mote {
namespace model_file {

// Where a problem is: 1-based line and column (0: unknown).
struct Position {
  uint32_t line = 0, column = 0;
};
inline Position At(const toml::node& node) { return {node.source().begin.line, node.source().begin.column}; }

// "<source>:<line>:<column>: key '<key>': <what>" as kInvalidArgument, in a
// per-thread buffer (Status holds static text).
Status Error(const std::string& source, Position where, const std::string& key, const std::string& what);

// Reads the keys of one table. Every getter leaves *out alone when the key
// is absent (the default stays) and returns false after recording the first
// error; Finish() reports keys nobody asked for (typos).
class TableReader {
 public:
  TableReader(const std::string& source, const toml::table& table, std::string path);

  enum class Range { kAny, kPositive, kNonNegative, kProbability /* (0, 1] */, kFraction /* [0, 1) */ };
  bool Has(const char* key) const;
  bool Float(const char* key, float* out, Range range = Range::kAny);
  bool Size(const char* key, size_t* out, bool allow_zero = false);
  bool U64(const char* key, uint64_t* out);
  bool Bool(const char* key, bool* out);
  bool String(const char* key, std::string* out);
  // A string among `names` (null-terminated list) -> its index.
  bool Choice(const char* key, const char* const* names, int* out);
  // A positive integer n (-> n, n) or an array [first, second].
  bool Pair(const char* key, size_t* first, size_t* second, bool allow_zero = false);
  // An array of strings.
  bool Strings(const char* key, std::vector<std::string>* out);
  // An initializer: "he_normal" or { kind = "...", gain, value, sparse_k }.
  bool Init(const char* key, InitSpec* out);
  // A sub-table / array of tables (null when absent or on error).
  const toml::table* Table(const char* key);
  const toml::array* TableArray(const char* key);
  // Marks a key as read without reading it (handled by someone else).
  void Accept(const char* key);
  bool Require(const char* key, const char* what);
  bool Finish();

  // Records an error about `key` (at its value; at the table when absent).
  bool Fail(const char* key, const std::string& what);
  bool FailAt(Position where, const std::string& key, const std::string& what);
  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }
  const std::string& path() const { return path_; }
  std::string KeyPath(const char* key) const;
  Position position() const { return At(table_); }
  Position KeyPosition(const char* key) const;
  const toml::table& table() const { return table_; }

 private:
  const toml::node* Get(const char* key);
  const std::string& source_;
  const toml::table& table_;
  std::string path_;
  std::vector<std::string> read_;
  Status status_;
};

// The learning-rate schedule of a file (built per training run).
struct ScheduleSpec {
  enum class Kind { kConstant, kInverseTime, kExponentialStep, kLinearDecay, kReduceOnPlateau } kind = Kind::kConstant;
  float learning_rate = 0.01f;
  float decay_rate = 0.0f;           // inverse_time
  float gamma = 0.1f;                // exponential_step
  uint64_t step_size = 1;            // exponential_step (k0)
  float final_learning_rate = 0.0f;  // linear_decay
  uint64_t decay_steps = 0;          // linear_decay (tau)
  ScheduleUnit unit = ScheduleUnit::kStep;
  float factor = 0.1f, min_delta = 1e-4f, min_learning_rate = 0.0f;  // reduce_on_plateau
  uint32_t patience = 10;
  PlateauMode mode = PlateauMode::kMin;
};

// Everything of a file that is not the model: how to train it.
struct TrainingSpec {
  uint32_t epochs = 1;
  size_t batch_size = 32;
  uint64_t seed = 1;
  float validation_split = 0.0f;
  bool shuffle = true;
  ScheduleSpec schedule;
  std::vector<AugmentStep> augment;
  bool early_stopping = false;
  std::string early_stopping_monitor = "val_loss";  // EarlyStoppingOptions::monitor points into it
  EarlyStoppingOptions early_stopping_options;
  bool adversarial = false;
  AdversarialOptions adversarial_options;
  float adversarial_fraction = 0.5f;
};

// What parsing a file gives besides the model.
struct Settings {
  std::vector<Shape> input_shapes;
  InputNormalization normalization;
  TrainingSpec training;
  size_t classes = 0;
  size_t layers = 0;
};

// Builds the file's graph, loss(es), optimizer and regularizers into the
// empty `model` and reads the settings; shape-checks every layer (batch 1) as
// it goes. `validate`: also Prepares the model for batch 1 (what spans layers:
// ties, penalties, heads). Errors: file:line:column messages.
Status Construct(const std::string& source, const toml::table& root, Model* model, Settings* settings,
                 bool validate);

// One layer of type `type` from its table (its common keys: name, inputs,
// l1, l2, frozen, tied_to are the caller's). False on error (in `reader`),
// e.g. an unknown type.
bool MakeLayer(const std::string& type, TableReader& reader, std::unique_ptr<Layer>* layer);
// The layer types the parser knows, for messages.
const char* LayerTypeList();

}  // namespace model_file

struct ModelDescription::Impl {
  std::string text, source_name;
  toml::table root;
  model_file::Settings settings;
};

}  // namespace mote
