// `mote evaluate` and `mote predict`: a trained model (checkpoint, through the
// training library) or an exported one (.mote, through the host runtime) on
// the user's data.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mote/host_runtime.h"
#include "mote/npy.h"
#include "mote/trainer.h"
#include "src/cli/args.h"
#include "src/cli/cli.h"
#include "src/cli/data_source.h"

namespace mote_cli {

namespace {

constexpr size_t kBatch = 100;

void Usage(FILE* out, const char* command) {
  const bool predict = strcmp(command, "predict") == 0;
  fprintf(out,
          "usage: mote %s MODEL %s [options]\n"
          "  MODEL is a checkpoint of `mote train` (run by the training library, inputs normalised as its\n"
          "  model file says) or an exported .mote file (run by the host runtime; see --scale / --offset)\n"
          "  --data SPEC           the items and their labels%s\n"
          "  --network NAME        a checkpoint of an older mote without a model description: seed, lstm:H, ...\n"
          "  --scale S --offset O  .mote only: input normalisation x * S + O (default 1, 0)\n"
          "  --threads N           checkpoints only: threads (default: MOTE_NUM_THREADS, else the CPUs\n"
          "                        this process may run on)\n",
          command, predict ? "--data SPEC | --input SPEC" : "--data SPEC", predict ? "" : " (required)");
  if (predict)
    fprintf(out,
            "  --input SPEC          the items alone, no labels (X.npy, FILE.csv, FILE.npz[:XKEY]; see below)\n"
            "  --out, --output FILE  FILE.npy: the outputs as a float32 array [items, outputs];\n"
            "                        any other name: 'item,class,output 0,output 1,...' lines (default: stdout)\n"
            "Without --out the CSV goes to stdout; with it, the last line is one JSON object.\n");
  else
    fprintf(out, "The last output line is one JSON object (items, accuracy, loss for a checkpoint).\n");
  CsvFlags::PrintUsage(out);
  PrintDataSpecUsage(out);
  if (predict) PrintInputSpecUsage(out);
  fprintf(out, "Exit status: 0 done, 1 failed, 2 usage error.\n");
}
void EvaluateUsage(FILE* out) { Usage(out, "evaluate"); }
void PredictUsage(FILE* out) { Usage(out, "predict"); }

bool IsExportedModel(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  // Exported models start with "MOTE", checkpoints with "MOTECKPT".
  unsigned char magic[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const size_t read = fread(magic, 1, 8, f);
  fclose(f);
  return read >= 4 && memcmp(magic, "MOTE", 4) == 0 && !(read == 8 && memcmp(magic, "MOTECKPT", 8) == 0);
}

// Either kind of model, run in batches: outputs of `count` items from `first`.
struct Runner {
  bool exported = false;
  TrainedModel trained;
  mote::HostRuntime runtime;
  std::vector<uint8_t> bytes;

  mote::Status Open(const std::string& path, const std::string& network, float scale, float offset) {
    exported = IsExportedModel(path);
    if (!exported) return LoadTrainedModel(path, network, kBatch, &trained);
    if (!ReadFile(path, &bytes)) return ErrorWithMessage(mote::IoError("read"), path + ": cannot read");
    MOTE_TRY(runtime.Load(bytes.data(), bytes.size()));
    trained.normalization.scale = scale;
    trained.normalization.offset = offset;
    return mote::Status::Ok();
  }
  mote::Shape input_shape() {
    if (!exported) return trained.model.node_shape(trained.model.input_node(0));
    mote_rt_tensor t;
    if (mote_rt_input(&runtime.model(), 0, &t) != MOTE_RT_OK) return mote::Shape(runtime.input_elements());
    switch (t.rank) {  // the runtime's dims are per example, NHWC
      case 1: return mote::Shape(t.dims[0]);
      case 2: return mote::Shape(t.dims[0], t.dims[1]);
      case 3: return mote::Shape(t.dims[0], t.dims[1], t.dims[2]);
      default: return mote::Shape(runtime.input_elements());
    }
  }
  size_t outputs() const { return exported ? runtime.output_elements() : trained.model.output_size(0); }
  // `out` holds `out_len` floats.
  mote::Status Run(const mote::Dataset& data, size_t first, size_t count, float* out, size_t out_len) {
    const size_t in_len = count * data.item_shape.elements();
    if (exported) return runtime.RunBatch(data.item(first), in_len, count, out, out_len);
    return trained.model.Predict(data.item(first), in_len, count, out, out_len);
  }
};

struct Options {
  std::string model, data, input, network, out;
  float scale = 1.0f, offset = 0.0f;
  size_t threads = 0;  // 0: the model's default
  CsvFlags csv;
};

// Parses the options both commands share; returns -1 to go on, else an exit code.
int ParseOptions(int argc, char** argv, const char* command, void (*usage)(FILE*), Options* o) {
  const bool predict = strcmp(command, "predict") == 0;
  ArgScanner args(argc, argv);
  std::string number;
  while (args.Next()) {
    if (args.IsHelp()) {
      usage(stdout);
      return kExitOk;
    }
    if (args.Value("--data", &o->data) || args.Value("--network", &o->network) || args.Threads(&o->threads) ||
        o->csv.Scan(args))
      continue;
    if (predict && (args.Value("--out", &o->out) || args.Value("--output", &o->out) || args.Value("--input", &o->input)))
      continue;
    // Which one, before Value moves past the option to its value.
    float* target = args.Is("--scale") ? &o->scale : &o->offset;
    if (args.Value("--scale", &number) || args.Value("--offset", &number)) {
      char* end = nullptr;
      const float v = strtof(number.c_str(), &end);
      if (number.empty() || *end != '\0' || !std::isfinite(v)) return UsageError(command, "bad number " + number, usage);
      *target = v;
    } else if (args.IsPositional() && o->model.empty()) {
      o->model = args.current();
    } else {
      return UsageError(command, "unknown or incomplete option '" + args.current() + "'", usage);
    }
  }
  if (args.bad()) return kExitUsage;
  if (!predict && (o->model.empty() || o->data.empty()))
    return UsageError(command, "MODEL and --data are required", usage);
  if (predict && (o->model.empty() || o->data.empty() == o->input.empty()))
    return UsageError(command, "MODEL and one of --data (items and labels) or --input (items) are required", usage);
  return -1;
}

// What both commands start with: the options, the model, the data. Returns
// -1 to go on, else an exit code.
int Open(int argc, char** argv, const char* command, void (*usage)(FILE*), Options* o, Runner* runner,
         mote::Dataset* data) {
  const int parsed = ParseOptions(argc, argv, command, usage, o);
  if (parsed >= 0) return parsed;
  mote::Status s = runner->Open(o->model, o->network, o->scale, o->offset);
  if (!s.ok()) return Fail(command, s);
  if (!runner->exported) {
    s = runner->trained.model.SetThreads(o->threads);
    if (!s.ok()) return Fail(command, s);
  }
  if (!o->input.empty()) {
    s = LoadInputSource(o->input, o->csv, runner->input_shape(), runner->trained.normalization, data);
    if (!s.ok()) return Fail((std::string(command) + " --input").c_str(), s);
    return -1;
  }
  s = LoadDataSource(o->data, o->csv, runner->input_shape(), runner->trained.normalization, data);
  if (!s.ok()) return Fail((std::string(command) + " --data").c_str(), s);
  return -1;
}

}  // namespace

int RunEvaluate(int argc, char** argv) {
  Options o;
  Runner runner;
  mote::Dataset data;
  const int opened = Open(argc, argv, "evaluate", EvaluateUsage, &o, &runner, &data);
  if (opened >= 0) return opened;
  mote::Status s = mote::Status::Ok();
  if (data.labels.empty()) return Fail("evaluate", mote::InvalidArgument("the data has no labels"));
  JsonLine json;
  json.Add("items", double(data.size()), "%.0f");
  if (!runner.exported) {
    float loss = 0, accuracy = 0;
    s = mote::EvaluateDataset(runner.trained.model, data, &loss, &accuracy);
    if (!s.ok()) return Fail("evaluate", s);
    json.Add("loss", loss, "%.4f");
    json.Add("accuracy", accuracy, "%.4f");
    json.Add("threads", double(runner.trained.model.threads()), "%.0f");
  } else {
    const size_t classes = runner.outputs();
    std::vector<float> out(kBatch * classes);
    size_t correct = 0;
    for (size_t first = 0; first < data.size(); first += kBatch) {
      const size_t n = std::min(kBatch, data.size() - first);
      s = runner.Run(data, first, n, out.data(), out.size());
      if (!s.ok()) return Fail("evaluate", s);
      for (size_t i = 0; i < n; ++i) correct += ArgMax(&out[i * classes], classes) == size_t(data.labels[first + i]);
    }
    json.Add("accuracy", double(correct) / double(data.size()), "%.4f");
  }
  json.AddString("model", o.model);
  json.Print();
  return kExitOk;
}

int RunPredict(int argc, char** argv) {
  Options o;
  Runner runner;
  mote::Dataset data;
  const int opened = Open(argc, argv, "predict", PredictUsage, &o, &runner, &data);
  if (opened >= 0) return opened;
  mote::Status s = mote::Status::Ok();
  // Made when reported: ErrorWithMessage's text lives until its next call.
  const auto write_error = [&o] { return ErrorWithMessage(mote::IoError("write"), o.out + ": cannot write"); };
  // FILE.npy gets one float32 array [items, outputs], written once all rows are in; anything else CSV lines.
  const bool npy = o.out.size() >= 4 && o.out.compare(o.out.size() - 4, 4, ".npy") == 0;
  FILE* out = npy ? nullptr : o.out.empty() ? stdout : fopen(o.out.c_str(), "w");
  if (!npy && out == nullptr) return Fail("predict", write_error());
  const size_t classes = runner.outputs();
  std::vector<float> y(kBatch * classes), rows;
  if (npy) rows.reserve(data.size() * classes);
  size_t correct = 0;
  for (size_t first = 0; first < data.size() && s.ok(); first += kBatch) {
    const size_t n = std::min(kBatch, data.size() - first);
    s = runner.Run(data, first, n, y.data(), y.size());
    for (size_t i = 0; i < n && s.ok(); ++i) {
      const float* row = &y[i * classes];
      const size_t cls = ArgMax(row, classes);
      if (!data.labels.empty()) correct += cls == size_t(data.labels[first + i]);
      if (npy) {
        rows.insert(rows.end(), row, row + classes);
        continue;
      }
      fprintf(out, "%zu,%zu", first + i, cls);
      for (size_t k = 0; k < classes; ++k) fprintf(out, ",%.9g", double(row[k]));
      fputc('\n', out);
    }
  }
  bool written = out == nullptr || (out == stdout ? fflush(out) == 0 : fclose(out) == 0);
  if (!s.ok()) return Fail("predict", s);
  if (npy) {
    mote::NpyArray array;
    std::vector<uint8_t> bytes;
    s = mote::NpyFromFloats(rows.data(), rows.size(), {data.size(), classes}, &array);
    if (s.ok()) s = mote::EncodeNpy(array, &bytes);
    if (!s.ok()) return Fail("predict", s);
    written = WriteFile(o.out, bytes.data(), bytes.size());
  }
  if (!written) return Fail("predict", write_error());
  if (!o.out.empty()) {
    JsonLine json;
    json.Add("items", double(data.size()), "%.0f");
    json.Add("outputs", double(classes), "%.0f");
    if (!data.labels.empty()) json.Add("accuracy", double(correct) / double(data.size()), "%.4f");
    json.AddString("out", o.out);
    json.Print();
  }
  return kExitOk;
}

}  // namespace mote_cli
