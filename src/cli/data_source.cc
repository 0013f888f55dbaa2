// `--data SPEC` for every command: see data_source.h.
#include "src/cli/data_source.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

#include "mote/npy.h"
#include "src/cli/cli.h"

namespace mote_cli {

namespace {

bool EndsWith(const std::string& s, const char* suffix) {
  const size_t n = strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

bool AllDigits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// "PATH:N" -> PATH and N; no ":digits" suffix leaves N at 0 (all items).
void SplitCount(const std::string& spec, std::string* base, size_t* count) {
  const size_t colon = spec.rfind(':');
  *count = 0;
  *base = spec;
  if (colon != std::string::npos && AllDigits(spec.substr(colon + 1)) && spec.size() - colon <= 10) {
    *count = size_t(strtoull(spec.c_str() + colon + 1, nullptr, 10));
    *base = spec.substr(0, colon);
  }
}

mote::Status LoadFashionMnistPart(const std::string& part, mote::Dataset* out) {
  const std::string dir = mote::kFashionMnistDir;
  const std::string prefix = part == "test" ? "t10k" : "train";
  mote::Status s = mote::Status::Ok();
  for (const char* ext : {".gz", ""}) {
    s = mote::LoadIdxDataset(dir + "/" + prefix + "-images-idx3-ubyte" + ext, dir + "/" + prefix + "-labels-idx1-ubyte" + ext,
                             out, 1.0f);
    if (s.ok() || s.code() != mote::StatusCode::kIoError) return s;
  }
  return s;
}

// Without keys, an archive's (x, y) or else Keras's (x_train, y_train).
mote::Status LoadNpzData(const std::string& path, std::string x_key, std::string y_key, bool keys_given,
                         mote::Dataset* out) {
  if (!keys_given) {
    mote::NpzArchive archive;
    MOTE_TRY(mote::ReadNpz(path, &archive));
    if (archive.Find("x") == nullptr && archive.Find("x_train") != nullptr) {
      x_key = "x_train";
      y_key = "y_train";
    }
  }
  return mote::LoadNpzDataset(path, x_key, y_key, mote::NpyDatasetOptions{}, out);
}

mote::Status LoadRaw(const std::string& spec, const CsvFlags& flags, mote::Dataset* out) {
  if (spec == "fashion-mnist" || spec == "fashion-mnist:train") return LoadFashionMnistPart("train", out);
  if (spec == "fashion-mnist:test") return LoadFashionMnistPart("test", out);
  const size_t comma = spec.find(',');
  if (EndsWith(spec, ".csv") || EndsWith(spec, ".csv.gz") || EndsWith(spec, ".tsv")) {
    mote::CsvError where;
    const mote::Status s = mote::ReadCsv(spec, flags.csv, out, &where);
    if (!s.ok() && where.line > 0)
      return ErrorWithMessage(s, spec + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                                     s.message());
    return s;
  }
  const size_t npz = spec.find(".npz");
  if (npz != std::string::npos && (npz + 4 == spec.size() || spec[npz + 4] == ':')) {
    std::string x_key = "x", y_key = "y";
    if (npz + 4 < spec.size()) {
      const std::string keys = spec.substr(npz + 5);
      const size_t k = keys.find(',');
      if (k == std::string::npos) return mote::InvalidArgument("npz keys: expected PATH.npz:XKEY,YKEY");
      x_key = keys.substr(0, k);
      y_key = keys.substr(k + 1);
    }
    return LoadNpzData(spec.substr(0, npz + 4), x_key, y_key, npz + 4 < spec.size(), out);
  }
  if (comma != std::string::npos) {
    const std::string x = spec.substr(0, comma), y = spec.substr(comma + 1);
    if (EndsWith(x, ".npy") && EndsWith(y, ".npy")) return mote::LoadNpyDataset(x, y, mote::NpyDatasetOptions{}, out);
    return mote::LoadIdxDataset(x, y, out, 1.0f);
  }
  return mote::InvalidArgument(
      "unknown data source (expected fashion-mnist[:train|:test], FILE.csv, FILE.npz[:X,Y], X.npy,Y.npy or IMAGES,LABELS)");
}

}  // namespace

bool CsvFlags::Scan(ArgScanner& args) {
  std::string v;
  if (args.Is("--header")) {
    csv.header = true;
    return true;
  }
  if (args.Value("--label-column", &v)) {
    char* end = nullptr;
    const long column = strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || column < -1000000 || column > 1000000) {
      fprintf(stderr, "--label-column: expected an integer, got '%s'\n", v.c_str());
      return false;
    }
    csv.label_column = int(column);
    return true;
  }
  if (args.Value("--delimiter", &v)) {
    if (v == "tab" || v == "\\t") v = "\t";
    if (v.size() != 1) {
      fprintf(stderr, "--delimiter: expected one character (or 'tab'), got '%s'\n", v.c_str());
      return false;
    }
    csv.delimiter = v[0];
    return true;
  }
  return false;
}

void CsvFlags::PrintUsage(FILE* out) {
  fprintf(out,
          "  --label-column N      CSV: column of the label (from 0; negative counts from the right; default -1)\n"
          "  --header              CSV: skip the first line\n"
          "  --delimiter C         CSV: field separator (default ','; 'tab' for tabs)\n");
}

void PrintDataSpecUsage(FILE* out) {
  fprintf(out,
          "data sources (SPEC), each optionally ending in :N to keep the first N items:\n"
          "  fashion-mnist[:train|:test]   Debian's dataset-fashion-mnist\n"
          "  FILE.csv[.gz]                 numeric CSV, one item per line\n"
          "  FILE.npz[:XKEY,YKEY]          NumPy archive (keys default to x and y)\n"
          "  X.npy,Y.npy                   NumPy arrays of items and labels\n"
          "  IMAGES,LABELS                 IDX files (raw or .gz), as MNIST ships\n"
          "Values are read raw (bytes stay 0..255) and normalised as the model file's [input] says.\n");
}

void PrintInputSpecUsage(FILE* out) {
  fprintf(out,
          "input sources (--input SPEC: items only, no labels), each optionally ending in :N:\n"
          "  X.npy                         NumPy array [N, ...] (float32, uint8, ...), channels-last images\n"
          "  FILE.csv[.gz]                 numeric CSV, every column a feature\n"
          "  FILE.npz[:XKEY]               NumPy archive (key defaults to x, else x_train)\n");
}

namespace {

// Without a key, an archive's x or else Keras's x_train.
mote::Status LoadNpzInputs(const std::string& path, std::string key, mote::Dataset* out) {
  if (key.empty()) {
    mote::NpzArchive archive;
    MOTE_TRY(mote::ReadNpz(path, &archive));
    key = archive.Find("x") == nullptr && archive.Find("x_train") != nullptr ? "x_train" : "x";
  }
  return mote::LoadNpzDataset(path, key, "", mote::NpyDatasetOptions{}, out);
}

// Items without labels (`mote predict --input`).
mote::Status LoadRawInputs(const std::string& spec, const CsvFlags& flags, mote::Dataset* out) {
  if (EndsWith(spec, ".csv") || EndsWith(spec, ".csv.gz") || EndsWith(spec, ".tsv")) {
    CsvFlags features = flags;
    features.csv.has_label = false;
    return LoadRaw(spec, features, out);
  }
  const size_t npz = spec.find(".npz");
  if (npz != std::string::npos && (npz + 4 == spec.size() || spec[npz + 4] == ':')) {
    const std::string key = npz + 4 < spec.size() ? spec.substr(npz + 5) : "";
    if (key.find(',') != std::string::npos || (npz + 4 < spec.size() && key.empty()))
      return mote::InvalidArgument("npz inputs: expected PATH.npz or PATH.npz:XKEY (one key, no labels)");
    return LoadNpzInputs(spec.substr(0, npz + 4), key, out);
  }
  if (EndsWith(spec, ".npy") || EndsWith(spec, ".npy.gz")) return mote::LoadNpyDataset(spec, "", mote::NpyDatasetOptions{}, out);
  return mote::InvalidArgument("unknown input source (expected X.npy, FILE.csv or FILE.npz[:XKEY])");
}

std::string ShapeText(const mote::Shape& shape) {
  std::string text = "[";
  for (int i = 0; i < shape.rank(); ++i) text += (i ? ", " : "") + std::to_string(shape.dim(i));
  return text + "]";
}

// Items [C, H, W] of a channels-last [H, W, C] input (C > 1): an NCHW array,
// PyTorch's layout. When all three dims are equal the layout cannot be told
// and the items are taken as channels-last.
bool ChannelsFirst(const mote::Shape& got, const mote::Shape& item_shape) {
  return item_shape.rank() == 3 && got.rank() == 3 && item_shape.dim(2) > 1 && got.dim(0) == item_shape.dim(2) &&
         got.dim(1) == item_shape.dim(0) && got.dim(2) == item_shape.dim(1) &&
         !(got.dim(0) == got.dim(1) && got.dim(1) == got.dim(2));
}

// Every item [C, H, W] -> [H, W, C], in place.
void ToChannelsLast(size_t c, size_t h, size_t w, mote::Dataset* data) {
  const size_t per_item = c * h * w;
  std::vector<float> item(per_item);
  for (size_t n = 0; n < data->size(); ++n) {
    float* x = data->x.data() + n * per_item;
    item.assign(x, x + per_item);
    for (size_t ch = 0; ch < c; ++ch)
      for (size_t p = 0; p < h * w; ++p) x[p * c + ch] = item[ch * h * w + p];
  }
}

// Items of `data` that fit the model's input `item_shape`, else an error
// naming the shape it takes; items in the channels-first twin of an image
// input (an NCHW array: what PyTorch, and so an imported ONNX model, uses)
// are transposed to channels-last, with a note.
mote::Status FitItemShape(const std::string& spec, const mote::Shape& item_shape, mote::Dataset* data) {
  const mote::Shape got = data->item_shape;
  if (got.elements() != item_shape.elements())
    return ErrorWithMessage(mote::ShapeMismatch("item size"),
                            spec + ": items of " + std::to_string(got.elements()) + " values " + ShapeText(got) +
                                ", but the model's input takes " + ShapeText(item_shape) + " (" +
                                std::to_string(item_shape.elements()) + " values" +
                                (item_shape.rank() == 3 ? ", channels-last [H, W, C])" : ")"));
  if (ChannelsFirst(got, item_shape)) {
    ToChannelsLast(got.dim(0), got.dim(1), got.dim(2), data);
    fprintf(stderr, "note: %s: items %s are channels-first (NCHW): transposed to the model's channels-last %s\n",
            spec.c_str(), ShapeText(got).c_str(), ShapeText(item_shape).c_str());
  }
  data->item_shape = item_shape;
  return mote::Status::Ok();
}

// The rest of both loaders: the first N items, the shape check, the
// normalisation.
mote::Status FinishData(const std::string& base, size_t count, const mote::Shape& item_shape,
                        const mote::InputNormalization& normalization, mote::Dataset data, mote::Dataset* out,
                        bool* raw_bytes, mote::Dataset* raw) {
  if (count > 0 && count < data.size()) {
    mote::Dataset first;
    MOTE_TRY(mote::Slice(data, 0, count, &first));
    data = std::move(first);
  }
  if (data.size() == 0) return ErrorWithMessage(mote::CorruptData("no items"), base + ": no items");
  MOTE_TRY(FitItemShape(base, item_shape, &data));
  bool bytes = true;
  for (const float v : data.x) bytes = bytes && v >= 0.0f && v <= 255.0f && v == floorf(v);
  if (raw_bytes != nullptr) *raw_bytes = bytes;
  if (raw != nullptr) *raw = data;
  mote::NormalizeDataset(normalization, &data);
  *out = std::move(data);
  return mote::Status::Ok();
}

// `load` on the spec without its ":N", errors prefixed with the spec.
mote::Status LoadSpec(const std::string& spec, const CsvFlags& flags, const mote::Shape& item_shape,
                      const mote::InputNormalization& normalization, mote::Dataset* out, bool* raw_bytes,
                      mote::Dataset* raw,
                      mote::Status (*load)(const std::string&, const CsvFlags&, mote::Dataset*)) {
  std::string base;
  size_t count = 0;
  SplitCount(spec, &base, &count);
  mote::Dataset data;
  mote::Status s = load(base, flags, &data);
  // CSV errors already start with "file:line:column".
  if (!s.ok()) return strncmp(s.message(), base.c_str(), base.size()) == 0 ? s : ErrorWithMessage(s, base + ": " + s.message());
  return FinishData(base, count, item_shape, normalization, std::move(data), out, raw_bytes, raw);
}

}  // namespace

mote::Status LoadDataSource(const std::string& spec, const CsvFlags& flags, const mote::Shape& item_shape,
                            const mote::InputNormalization& normalization, mote::Dataset* out, bool* raw_bytes,
                            mote::Dataset* raw) {
  return LoadSpec(spec, flags, item_shape, normalization, out, raw_bytes, raw, LoadRaw);
}

mote::Status LoadInputSource(const std::string& spec, const CsvFlags& flags, const mote::Shape& item_shape,
                             const mote::InputNormalization& normalization, mote::Dataset* out) {
  return LoadSpec(spec, flags, item_shape, normalization, out, nullptr, nullptr, LoadRawInputs);
}

mote::Status LoadCalibrationSource(const std::string& spec, const CsvFlags& flags, const mote::Shape& item_shape,
                                   const mote::InputNormalization& normalization, mote::Dataset* out) {
  std::string base;
  size_t count = 0;
  SplitCount(spec, &base, &count);
  const bool lone_npy = base.find(',') == std::string::npos && (EndsWith(base, ".npy") || EndsWith(base, ".npy.gz"));
  if (lone_npy) return LoadInputSource(spec, flags, item_shape, normalization, out);
  return LoadDataSource(spec, flags, item_shape, normalization, out);
}

}  // namespace mote_cli
