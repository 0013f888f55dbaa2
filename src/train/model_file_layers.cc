// One entry per layer type of the model file: the keys of its table -> the
// layer. Key names and defaults are the constructors' (docs/model-file.md);
// each layer's Describe hook writes the same keys back.
#include <cstring>
#include <memory>

#include "mote/describe.h"
#include "mote/layers.h"
#include "src/train/model_file_impl.h"

namespace mote {
namespace model_file {
namespace {

using Range = TableReader::Range;

const char* const kPaddings[] = {"valid", "same", "explicit", nullptr};

// strides, padding, pad, use_bias, init: what Conv2D and DepthwiseConv2D share.
bool ReadConvOptions(TableReader& r, Conv2DOptions* o) {
  int padding = int(o->padding);
  if (!r.Pair("strides", &o->stride_h, &o->stride_w) || !r.Choice("padding", kPaddings, &padding) ||
      !r.Pair("pad", &o->pad_h, &o->pad_w, true) || !r.Bool("use_bias", &o->use_bias) || !r.Init("init", &o->init))
    return false;
  o->padding = Padding(padding);
  if (o->padding != Padding::kExplicit && r.Has("pad")) return r.Fail("pad", "only with padding = \"explicit\"");
  return true;
}

bool MakeDense(TableReader& r, std::unique_ptr<Layer>* out) {
  size_t units = 0;
  bool use_bias = true;
  InitSpec init;
  if (!r.Require("units", "the number of output units") || !r.Size("units", &units) ||
      !r.Bool("use_bias", &use_bias) || !r.Init("init", &init))
    return false;
  *out = std::make_unique<Dense>(units, use_bias, init);
  return true;
}

bool MakeConv2D(TableReader& r, std::unique_ptr<Layer>* out) {
  size_t filters = 0, kh = 0, kw = 0;
  Conv2DOptions o;
  int algorithm = int(o.algorithm);
  if (!r.Require("filters", "the number of filters") || !r.Require("kernel", "the kernel size") ||
      !r.Size("filters", &filters) || !r.Pair("kernel", &kh, &kw) || !ReadConvOptions(r, &o) ||
      !r.Choice("algorithm", kConvAlgorithmNames, &algorithm))
    return false;
  o.algorithm = ConvAlgorithm(algorithm);
  *out = std::make_unique<Conv2D>(filters, kh, kw, o);
  return true;
}

bool MakeDepthwiseConv2D(TableReader& r, std::unique_ptr<Layer>* out) {
  size_t kh = 0, kw = 0;
  Conv2DOptions o;
  if (!r.Require("kernel", "the kernel size") || !r.Pair("kernel", &kh, &kw) || !ReadConvOptions(r, &o))
    return false;
  *out = std::make_unique<DepthwiseConv2D>(kh, kw, o);
  return true;
}

template <typename Pool>
bool MakePool(TableReader& r, std::unique_ptr<Layer>* out) {
  size_t ph = 0, pw = 0, pad_h = 0, pad_w = 0;
  int padding = int(Padding::kValid);
  if (!r.Require("pool", "the pool size") || !r.Pair("pool", &ph, &pw)) return false;
  size_t sh = ph, sw = pw;  // non-overlapping windows unless told otherwise
  if (!r.Pair("strides", &sh, &sw) || !r.Choice("padding", kPaddings, &padding) ||
      !r.Pair("pad", &pad_h, &pad_w, true))
    return false;
  if (Padding(padding) != Padding::kExplicit && r.Has("pad")) return r.Fail("pad", "only with padding = \"explicit\"");
  *out = std::make_unique<Pool>(ph, pw, sh, sw, Padding(padding), pad_h, pad_w);
  return true;
}

bool MakeBatchNorm(TableReader& r, std::unique_ptr<Layer>* out) {
  BatchNormOptions o;
  if (!r.Float("momentum", &o.momentum, Range::kNonNegative) || !r.Float("epsilon", &o.epsilon, Range::kPositive) ||
      !r.Bool("scale", &o.scale) || !r.Bool("center", &o.center))
    return false;
  if (o.momentum > 1.0f) return r.Fail("momentum", "expected a number in [0, 1]");
  *out = std::make_unique<BatchNorm>(o);
  return true;
}

bool MakeDropout(TableReader& r, std::unique_ptr<Layer>* out) {
  float keep = 0.5f;
  if (!r.Float("keep_probability", &keep, Range::kProbability)) return false;
  *out = std::make_unique<Dropout>(keep);
  return true;
}

bool MakeGaussianNoise(TableReader& r, std::unique_ptr<Layer>* out) {
  float stddev = 0.0f;
  if (!r.Require("stddev", "the noise standard deviation") || !r.Float("stddev", &stddev, Range::kNonNegative))
    return false;
  *out = std::make_unique<GaussianNoise>(stddev);
  return true;
}

bool MakeReLU(TableReader& r, std::unique_ptr<Layer>* out) {
  float max_value = __builtin_inff();
  if (!r.Float("max_value", &max_value, Range::kPositive)) return false;
  *out = std::make_unique<ReLU>(max_value);
  return true;
}

bool MakeLeakyReLU(TableReader& r, std::unique_ptr<Layer>* out) {
  float alpha = 0.01f;
  if (!r.Float("alpha", &alpha)) return false;
  *out = std::make_unique<LeakyReLU>(alpha);
  return true;
}

bool ReadRecurrent(TableReader& r, size_t* units, RecurrentOptions* o) {
  return r.Require("units", "the number of units") && r.Size("units", units) &&
         r.Bool("return_sequences", &o->return_sequences) && r.Bool("use_bias", &o->use_bias) &&
         r.Init("kernel_init", &o->kernel_init) && r.Init("recurrent_init", &o->recurrent_init);
}

template <typename Cell>
bool MakeRecurrent(TableReader& r, std::unique_ptr<Layer>* out) {
  size_t units = 0;
  RecurrentOptions o;
  if (!ReadRecurrent(r, &units, &o)) return false;
  *out = std::make_unique<Cell>(units, o);
  return true;
}

bool MakeLstm(TableReader& r, std::unique_ptr<Layer>* out) {
  size_t units = 0;
  RecurrentOptions o;
  float forget_bias = 1.0f;
  if (!ReadRecurrent(r, &units, &o) || !r.Float("forget_bias", &forget_bias)) return false;
  *out = std::make_unique<LSTM>(units, o, forget_bias);
  return true;
}

template <typename T>
bool MakePlain(TableReader&, std::unique_ptr<Layer>* out) {
  *out = std::make_unique<T>();
  return true;
}

struct LayerType {
  const char* name;
  bool (*make)(TableReader&, std::unique_ptr<Layer>*);
};

const LayerType kLayerTypes[] = {
    {"dense", MakeDense},
    {"conv2d", MakeConv2D},
    {"depthwise_conv2d", MakeDepthwiseConv2D},
    {"max_pool2d", MakePool<MaxPool2D>},
    {"avg_pool2d", MakePool<AvgPool2D>},
    {"global_average_pool", MakePlain<GlobalAveragePool>},
    {"batch_norm", MakeBatchNorm},
    {"dropout", MakeDropout},
    {"gaussian_noise", MakeGaussianNoise},
    {"flatten", MakePlain<Flatten>},
    {"relu", MakeReLU},
    {"leaky_relu", MakeLeakyReLU},
    {"sigmoid", MakePlain<Sigmoid>},
    {"tanh", MakePlain<Tanh>},
    {"softmax", MakePlain<Softmax>},
    {"add", MakePlain<Add>},
    {"simple_rnn", MakeRecurrent<SimpleRNN>},
    {"lstm", MakeLstm},
    {"gru", MakeRecurrent<GRU>},
};

}  // namespace

const char* LayerTypeList() {
  return "dense, conv2d, depthwise_conv2d, max_pool2d, avg_pool2d, global_average_pool, batch_norm, dropout, "
         "gaussian_noise, flatten, relu, leaky_relu, sigmoid, tanh, softmax, add, simple_rnn, lstm, gru";
}

bool MakeLayer(const std::string& type, TableReader& reader, std::unique_ptr<Layer>* layer) {
  for (const LayerType& t : kLayerTypes)
    if (type == t.name) return t.make(reader, layer);
  return reader.Fail("type", "unknown layer type \"" + type + "\"; expected one of " + LayerTypeList());
}

}  // namespace model_file
}  // namespace mote
