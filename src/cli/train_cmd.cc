// `mote train MODEL_FILE --data SPEC`: trains the model a model file
// describes on the user's data and writes a self-describing checkpoint.
#include <stdio.h>

#include <string>
#include <vector>

#include "mote/checkpoint.h"
#include "mote/kernels.h"
#include "mote/model_file.h"
#include "mote/plots.h"
#include "mote/trainer.h"
#include "src/cli/args.h"
#include "src/cli/cli.h"
#include "src/cli/data_source.h"

namespace mote_cli {

namespace {

void Usage(FILE* out) {
  fprintf(out,
          "usage: mote train MODEL_FILE|CHECKPOINT --data SPEC [options]\n"
          "  trains the model the model file describes (layers, loss, optimizer, epochs, ...; docs/model-file.md);\n"
          "  a checkpoint (e.g. of `mote import`) goes on training from its weights with its model file\n"
          "  --data SPEC           training data (required)\n"
          "  --validation SPEC     validation data (default: the model file's validation_split, if any)\n"
          "  --test SPEC           evaluated after training: test_loss / test_accuracy in the JSON line\n"
          "  --epochs N            override the model file's epochs\n"
          "  --max-batches N       at most N batches per epoch (quick runs)\n"
          "  --checkpoint FILE     where the trained model goes (default model.ckpt); it carries the model\n"
          "                        file, so export / evaluate / predict need nothing else\n"
          "  --plots DIR           learning curves (DIR/learning_curves.svg)\n"
          "  --threads N           training threads (default: MOTE_NUM_THREADS, else the CPUs this process\n"
          "                        may run on); the weights are the same for every count\n"
          "  --quiet               no epoch lines\n");
  CsvFlags::PrintUsage(out);
  PrintDataSpecUsage(out);
  fprintf(out, "The last output line is one JSON object. Exit status: 0 trained, 1 failed, 2 usage error.\n");
}

}  // namespace

int RunTrain(int argc, char** argv) {
  std::string model_path, data, validation, test, checkpoint = "model.ckpt", plots;
  size_t epochs = 0, max_batches = 0, threads = 0;
  bool epochs_given = false, quiet = false;
  CsvFlags csv;
  ArgScanner args(argc, argv);
  while (args.Next()) {
    if (args.IsHelp()) {
      Usage(stdout);
      return kExitOk;
    }
    if (args.Value("--data", &data) || args.Value("--validation", &validation) || args.Value("--test", &test) ||
        args.Value("--checkpoint", &checkpoint) || args.Value("--plots", &plots) ||
        args.Count("--max-batches", &max_batches) || args.Threads(&threads) || csv.Scan(args))
      continue;
    if (args.Count("--epochs", &epochs)) {
      epochs_given = true;
    } else if (args.Is("--quiet")) {
      quiet = true;
    } else if (args.IsPositional() && model_path.empty()) {
      model_path = args.current();
    } else {
      return UsageError("train", args.current(), Usage);
    }
  }
  if (args.bad()) return kExitUsage;
  if (model_path.empty() || data.empty()) return UsageError("train", "MODEL_FILE and --data are required", Usage);
  if (epochs_given && epochs == 0) return UsageError("train", "--epochs must be at least 1", Usage);

  mote::ModelDescription description;
  mote::Model model;
  mote::Status s = mote::Status::Ok();
  if (IsCheckpointFile(model_path)) {
    // Fine-tuning: the checkpoint's model file, weights and optimizer state
    // (e.g. a model of `mote import`).
    s = mote::LoadCheckpointModel(model_path, &model, &description);
    if (!s.ok()) return Fail(("train " + model_path).c_str(), s);
  } else {
    s = mote::LoadModelFile(model_path, &description);
    if (!s.ok() && s.code() == mote::StatusCode::kIoError) return Fail(("train " + model_path).c_str(), s);
    if (!s.ok()) return Fail("train", s);
    s = mote::BuildModel(description, &model);
    if (!s.ok()) return Fail("train", s);
  }
  s = model.SetThreads(threads);
  if (!s.ok()) return Fail("train --threads", s);

  const mote::Shape shape = description.input_shape(0);
  const mote::InputNormalization norm = description.normalization();
  mote::Dataset train_set, validation_set, test_set;
  s = LoadDataSource(data, csv, shape, norm, &train_set);
  if (!s.ok()) return Fail("train --data", s);
  if (!validation.empty()) {
    s = LoadDataSource(validation, csv, shape, norm, &validation_set);
    if (!s.ok()) return Fail("train --validation", s);
  }
  if (!test.empty()) {
    s = LoadDataSource(test, csv, shape, norm, &test_set);
    if (!s.ok()) return Fail("train --test", s);
  }

  mote::TrainOverrides overrides;
  if (epochs_given) overrides.epochs = int64_t(epochs);
  overrides.verbose = !quiet;
  overrides.max_batches_per_epoch = max_batches;
  mote::History history;
  s = mote::TrainFromDescription(description, &model, train_set, validation.empty() ? nullptr : &validation_set,
                                 overrides, &history);
  if (!s.ok()) return Fail("train", s);
  s = mote::SaveCheckpoint(model, checkpoint, history.size(), &description);
  if (!s.ok()) return Fail(("train: " + checkpoint).c_str(), s);
  if (!plots.empty()) {
    s = mote::WriteLearningCurvesSvg(history, plots + "/learning_curves.svg");
    if (!s.ok()) return Fail(("train --plots " + plots).c_str(), s);
  }
  if (!quiet) printf("wrote %s\n", checkpoint.c_str());

  JsonLine json;
  json.Add("epochs", double(history.size()), "%.0f");
  if (history.size() > 0) {
    double seconds = 0;
    for (const double t : history.seconds) seconds += t;
    json.Add("seconds_per_epoch", seconds / double(history.size()), "%.3f");
    json.Add("train_loss", history.loss.back(), "%.4f");
    json.Add("train_accuracy", history.accuracy.back(), "%.4f");
    if (!history.val_accuracy.empty() && !validation.empty()) json.Add("val_accuracy", history.val_accuracy.back(), "%.4f");
  }
  if (!test.empty()) {
    float loss = 0, accuracy = 0;
    s = mote::EvaluateDataset(model, test_set, &loss, &accuracy);
    if (!s.ok()) return Fail("train --test", s);
    json.Add("test_loss", loss, "%.4f");
    json.Add("test_accuracy", accuracy, "%.4f");
    json.Add("test_items", double(test_set.size()), "%.0f");
  }
  json.Add("params", double(model.param_count()), "%.0f");
  json.Add("threads", double(model.threads()), "%.0f");
  json.AddString("backend", mote::BackendName(mote::ActiveBackend()));
  json.AddString("checkpoint", checkpoint);
  json.Print();
  return kExitOk;
}

}  // namespace mote_cli
