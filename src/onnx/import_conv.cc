// Conv, MaxPool, AveragePool, GlobalAveragePool and BatchNormalization: the
// NCHW image operators, imported as mote's channels-last layers.
#include <stdint.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "mote/layers/avg_pool2d.h"
#include "mote/layers/batch_norm.h"
#include "mote/layers/conv2d.h"
#include "mote/layers/depthwise_conv2d.h"
#include "mote/layers/global_average_pool.h"
#include "mote/layers/max_pool2d.h"
#include "src/onnx/import_context.h"

namespace mote {
namespace onnx_import {

namespace {

// An NCHW activation [1, C, H, W] (mote [H, W, C]).
Status ImageInput(ImportContext& ctx, const OnnxNode& node, const Value** x) {
  MOTE_TRY(ctx.Activation(node, 0, x));
  if ((*x)->layout != Layout::kChannelsFirst || (*x)->dims.size() != 4 || (*x)->shape.rank() != 3)
    return ctx.Fail(node, StatusCode::kShapeMismatch, "input '%s' must be an NCHW image [1, C, H, W] (rank %zu here)",
                    node.inputs[0].c_str(), (*x)->dims.size());
  return Status::Ok();
}

// The window of a Conv or pool over an NCHW input, as mote's padding rule.
struct Window {
  size_t kh = 0, kw = 0, sh = 1, sw = 1;
  Padding padding = Padding::kValid;
  size_t pad_h = 0, pad_w = 0;
  int64_t out_h = 0, out_w = 0;
  bool padded = false;  // any zero padding
};

// One axis: ONNX's pads (begin, end) -> out; false when the window does not fit.
bool OnnxAxis(int64_t in, int64_t k, int64_t s, int64_t begin, int64_t end, bool ceil_mode, int64_t* out) {
  const int64_t span = in + begin + end - k;
  if (span < 0) return false;
  *out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  return true;
}

Status ResolveWindow(ImportContext& ctx, const OnnxNode& node, int64_t in_h, int64_t in_w, int64_t kh, int64_t kw,
                     bool pool, Window* win) {
  std::vector<int64_t> strides, pads, dilations;
  std::string auto_pad;
  int64_t ceil_mode = 0;
  MOTE_TRY(ctx.Ints(node, "strides", &strides));
  MOTE_TRY(ctx.Ints(node, "pads", &pads));
  MOTE_TRY(ctx.Ints(node, "dilations", &dilations));
  MOTE_TRY(ctx.String(node, "auto_pad", "NOTSET", &auto_pad));
  if (pool) MOTE_TRY(ctx.Int(node, "ceil_mode", 0, &ceil_mode));
  if (strides.empty()) strides = {1, 1};
  if (pads.empty()) pads = {0, 0, 0, 0};
  if (dilations.empty()) dilations = {1, 1};
  if (strides.size() != 2 || pads.size() != 4 || dilations.size() != 2)
    return ctx.Fail(node, StatusCode::kUnsupported, "only 2-D windows are imported (strides, pads, dilations of 2, 4, 2)");
  if (dilations[0] != 1 || dilations[1] != 1)
    return ctx.Fail(node, StatusCode::kUnsupported, "dilations [%lld, %lld]: mote's windows are not dilated",
                    (long long)dilations[0], (long long)dilations[1]);
  if (kh <= 0 || kw <= 0 || strides[0] <= 0 || strides[1] <= 0 || in_h <= 0 || in_w <= 0)
    return ctx.Fail(node, StatusCode::kCorruptData, "window, strides and input sizes must be positive");
  // Sizes beyond 2^20 are no image mote runs; the bound keeps the arithmetic below exact.
  constexpr int64_t kMaxSize = int64_t(1) << 20;
  for (const int64_t p : pads)
    if (p < 0 || p > kMaxSize) return ctx.Fail(node, StatusCode::kCorruptData, "pads outside [0, 2^20]");
  if (kh > kMaxSize || kw > kMaxSize || strides[0] > kMaxSize || strides[1] > kMaxSize || in_h > kMaxSize ||
      in_w > kMaxSize)
    return ctx.Fail(node, StatusCode::kUnsupported, "window, strides or input sizes beyond 2^20");
  const int64_t in[2] = {in_h, in_w}, k[2] = {kh, kw}, s[2] = {strides[0], strides[1]};
  int64_t begin[2] = {pads[0], pads[1]}, end[2] = {pads[2], pads[3]};
  if (auto_pad == "VALID") {
    begin[0] = begin[1] = end[0] = end[1] = 0;
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (int a = 0; a < 2; ++a) {
      const int64_t out = (in[a] + s[a] - 1) / s[a];
      const int64_t total = std::max<int64_t>((out - 1) * s[a] + k[a] - in[a], 0);
      begin[a] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      end[a] = total - begin[a];
    }
  } else if (auto_pad != "NOTSET") {
    return ctx.Fail(node, StatusCode::kCorruptData, "auto_pad '%s' (NOTSET, VALID, SAME_UPPER or SAME_LOWER)",
                    auto_pad.c_str());
  }
  int64_t out[2];
  for (int a = 0; a < 2; ++a) {
    int64_t floor_out = 0;
    if (!OnnxAxis(in[a], k[a], s[a], begin[a], end[a], ceil_mode != 0, &out[a]) ||
        !OnnxAxis(in[a], k[a], s[a], begin[a], end[a], false, &floor_out))
      return ctx.Fail(node, StatusCode::kShapeMismatch, "the %lldx%lld window does not fit the %lldx%lld input",
                      (long long)kh, (long long)kw, (long long)in_h, (long long)in_w);
    if (out[a] != floor_out)
      return ctx.Fail(node, StatusCode::kUnsupported, "ceil_mode = 1 adds a partial window here; mote's pools floor");
  }
  // mote pads symmetrically (explicit) or as TensorFlow's SAME (the extra
  // pixel after): which of the two are these pads?
  bool same = true, symmetric = true;
  for (int a = 0; a < 2; ++a) {
    const int64_t same_out = (in[a] + s[a] - 1) / s[a];
    const int64_t total = std::max<int64_t>((same_out - 1) * s[a] + k[a] - in[a], 0);
    same = same && begin[a] == total / 2 && end[a] == total - total / 2 && out[a] == same_out;
    symmetric = symmetric && begin[a] == end[a];
  }
  win->kh = size_t(kh);
  win->kw = size_t(kw);
  win->sh = size_t(s[0]);
  win->sw = size_t(s[1]);
  win->out_h = out[0];
  win->out_w = out[1];
  win->padded = begin[0] + begin[1] + end[0] + end[1] > 0;
  if (!win->padded) {
    win->padding = Padding::kValid;
  } else if (symmetric) {
    win->padding = Padding::kExplicit;
    win->pad_h = size_t(begin[0]);
    win->pad_w = size_t(begin[1]);
  } else if (same) {
    win->padding = Padding::kSame;
  } else {
    return ctx.Fail(node, StatusCode::kUnsupported,
                    "pads [top %lld, left %lld, bottom %lld, right %lld]: mote pads each side alike, or as "
                    "TensorFlow's SAME (the odd pixel at the bottom / right)",
                    (long long)begin[0], (long long)begin[1], (long long)end[0], (long long)end[1]);
  }
  if (pool && win->padding == Padding::kExplicit && (win->pad_h >= win->kh || win->pad_w >= win->kw))
    return ctx.Fail(node, StatusCode::kUnsupported, "padding as large as the window");
  return Status::Ok();
}

Value ImageValue(NodeId node, int64_t c, int64_t h, int64_t w) {
  Value v;
  v.node = node;
  v.dims = {1, c, h, w};
  v.layout = Layout::kChannelsFirst;
  v.shape = Shape(size_t(h), size_t(w), size_t(c));
  return v;
}

Status ImportPool(ImportContext& ctx, const OnnxNode& node, bool max) {
  static const char* const kMaxKnown[] = {"kernel_shape", "strides", "pads", "auto_pad", "dilations", "ceil_mode",
                                          "storage_order", nullptr};
  static const char* const kAvgKnown[] = {"kernel_shape", "strides", "pads", "auto_pad", "ceil_mode",
                                          "count_include_pad", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, max ? kMaxKnown : kAvgKnown));
  const Value* x = nullptr;
  MOTE_TRY(ImageInput(ctx, node, &x));
  std::vector<int64_t> kernel;
  MOTE_TRY(ctx.Ints(node, "kernel_shape", &kernel));
  if (kernel.size() != 2) return ctx.Fail(node, StatusCode::kUnsupported, "kernel_shape must hold 2 sizes (2-D pooling)");
  Window win;
  MOTE_TRY(ResolveWindow(ctx, node, x->dims[2], x->dims[3], kernel[0], kernel[1], true, &win));
  if (!max) {
    int64_t include_pad = 0;
    MOTE_TRY(ctx.Int(node, "count_include_pad", 0, &include_pad));
    if (include_pad != 0 && win.padded)
      return ctx.Fail(node, StatusCode::kUnsupported,
                      "count_include_pad = 1 with padding: mote's average excludes the padding (count_include_pad = 0)");
  }
  std::unique_ptr<Layer> layer;
  if (max) {
    layer = std::make_unique<MaxPool2D>(win.kh, win.kw, win.sh, win.sw, win.padding, win.pad_h, win.pad_w);
  } else {
    layer = std::make_unique<AvgPool2D>(win.kh, win.kw, win.sh, win.sw, win.padding, win.pad_h, win.pad_w);
  }
  NodeId id;
  MOTE_TRY(ctx.AddLayer(node, std::move(layer), {x->node}, &id));
  return ctx.DefineOutput(node, ImageValue(id, x->dims[1], win.out_h, win.out_w));
}

}  // namespace

Status ImportConv(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"kernel_shape", "strides", "pads", "auto_pad", "dilations", "group", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  const Value* x = nullptr;
  const OnnxTensor* w = nullptr;
  const OnnxTensor* b = nullptr;
  MOTE_TRY(ImageInput(ctx, node, &x));
  MOTE_TRY(ctx.Constant(node, 1, true, &w));
  if (ctx.HasInput(node, 2)) MOTE_TRY(ctx.Constant(node, 2, true, &b));
  if (w->dims.size() != 4)
    return ctx.Fail(node, StatusCode::kShapeMismatch, "weights of rank %zu (2-D convolutions have [O, I, kH, kW])",
                    w->dims.size());
  const int64_t c = x->dims[1], o = w->dims[0], per_group = w->dims[1], kh = w->dims[2], kw = w->dims[3];
  int64_t group = 1;
  MOTE_TRY(ctx.Int(node, "group", 1, &group));
  std::vector<int64_t> kernel;
  MOTE_TRY(ctx.Ints(node, "kernel_shape", &kernel));
  if (!kernel.empty() && (kernel.size() != 2 || kernel[0] != kh || kernel[1] != kw))
    return ctx.Fail(node, StatusCode::kShapeMismatch, "kernel_shape does not match the weights");
  if (b != nullptr && (b->dims.size() != 1 || b->dims[0] != o))
    return ctx.Fail(node, StatusCode::kShapeMismatch, "bias must be [%lld]", (long long)o);
  const bool depthwise = group > 1 && group == c && o == c && per_group == 1;
  if (group != 1 && !depthwise)
    return ctx.Fail(node, StatusCode::kUnsupported,
                    "group = %lld: mote has ordinary (group 1) and depthwise (group = channels = filters) convolutions",
                    (long long)group);
  if (!depthwise && per_group != c)
    return ctx.Fail(node, StatusCode::kShapeMismatch, "weights for %lld input channels, the input has %lld",
                    (long long)per_group, (long long)c);
  Window win;
  MOTE_TRY(ResolveWindow(ctx, node, x->dims[2], x->dims[3], kh, kw, false, &win));
  Conv2DOptions options;
  options.stride_h = win.sh;
  options.stride_w = win.sw;
  options.padding = win.padding;
  options.pad_h = win.pad_h;
  options.pad_w = win.pad_w;
  options.use_bias = b != nullptr;
  std::unique_ptr<Layer> layer;
  if (depthwise) {
    layer = std::make_unique<DepthwiseConv2D>(win.kh, win.kw, options);
  } else {
    layer = std::make_unique<Conv2D>(size_t(o), win.kh, win.kw, options);
  }
  NodeId id;
  MOTE_TRY(ctx.AddLayer(node, std::move(layer), {x->node}, &id));
  MOTE_TRY(ctx.RecordWeightScales(node, w, 0, size_t(o), 1.0f, id));
  // [O][I][kH][kW] -> Conv2D's [O][kH][kW][I]; depthwise [C][1][kH][kW] -> [kH][kW][C].
  std::vector<float> kernel_values(w->floats.size());
  const size_t in_c = size_t(per_group), taps = size_t(kh * kw);
  for (size_t f = 0; f < size_t(o); ++f)
    for (size_t i = 0; i < in_c; ++i)
      for (size_t t = 0; t < taps; ++t) {
        const float v = w->floats[(f * in_c + i) * taps + t];
        if (depthwise) {
          kernel_values[t * size_t(o) + f] = v;
        } else {
          kernel_values[(f * taps + t) * in_c + i] = v;
        }
      }
  ctx.SetParam(id, "kernel", std::move(kernel_values));
  if (b != nullptr) ctx.SetParam(id, "bias", b->floats);
  return ctx.DefineOutput(node, ImageValue(id, o, win.out_h, win.out_w));
}

Status ImportMaxPool(ImportContext& ctx, const OnnxNode& node) { return ImportPool(ctx, node, true); }
Status ImportAveragePool(ImportContext& ctx, const OnnxNode& node) { return ImportPool(ctx, node, false); }

Status ImportGlobalAveragePool(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kNone[] = {nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kNone));
  const Value* x = nullptr;
  MOTE_TRY(ImageInput(ctx, node, &x));
  NodeId id;
  MOTE_TRY(ctx.AddLayer(node, std::make_unique<GlobalAveragePool>(), {x->node}, &id));
  // [1, C, 1, 1]: one value per channel, the same order in both layouts.
  Value v = ImageValue(id, x->dims[1], 1, 1);
  v.shape = Shape(size_t(x->dims[1]));
  return ctx.DefineOutput(node, v);
}

Status ImportBatchNormalization(ImportContext& ctx, const OnnxNode& node) {
  static const char* const kKnown[] = {"epsilon", "momentum", "training_mode", "spatial", nullptr};
  MOTE_TRY(ctx.OnlyAttributes(node, kKnown));
  const Value* x = nullptr;
  MOTE_TRY(ctx.Activation(node, 0, &x));
  int64_t training = 0, spatial = 1;
  MOTE_TRY(ctx.Int(node, "training_mode", 0, &training));
  MOTE_TRY(ctx.Int(node, "spatial", 1, &spatial));
  if (training != 0) return ctx.Fail(node, StatusCode::kUnsupported, "training_mode = 1 (export the model in eval mode)");
  if (spatial != 1) return ctx.Fail(node, StatusCode::kUnsupported, "spatial = 0");
  if (x->dims.size() < 2) return ctx.Fail(node, StatusCode::kShapeMismatch, "input of rank %zu", x->dims.size());
  // An NCHW tensor: mote holds its channels last (also [1, C, 1, 1] after a global pool, held as [C]).
  const bool image = x->layout == Layout::kChannelsFirst && x->dims.size() == 4;
  const bool features = x->dims.size() == 2;
  if (!image && !features)
    return ctx.Fail(node, StatusCode::kUnsupported, "input of rank %zu: mote normalises NCHW images and [N, F]",
                    x->dims.size());
  const int64_t channels = x->dims[1];
  const OnnxTensor* p[4];  // scale, bias, mean, variance
  for (size_t i = 0; i < 4; ++i) {
    MOTE_TRY(ctx.Constant(node, i + 1, true, &p[i]));
    if (p[i]->dims.size() != 1 || p[i]->dims[0] != channels)
      return ctx.Fail(node, StatusCode::kShapeMismatch, "input %zu must be [%lld]", i + 1, (long long)channels);
  }
  BatchNormOptions options;
  MOTE_TRY(ctx.Float(node, "epsilon", 1e-5f, &options.epsilon));
  MOTE_TRY(ctx.Float(node, "momentum", 0.9f, &options.momentum));
  if (!(options.epsilon > 0.0f) || !(options.momentum >= 0.0f && options.momentum <= 1.0f))
    return ctx.Fail(node, StatusCode::kUnsupported, "epsilon must be > 0 and momentum in [0, 1]");
  NodeId id;
  MOTE_TRY(ctx.AddLayer(node, std::make_unique<BatchNorm>(options), {x->node}, &id));
  // Per feature of a flattened NCHW tensor: mote's feature order is (h, w, c).
  auto order = [&](const std::vector<float>& v) {
    if (x->layout != Layout::kFlatChannelsFirst) return v;
    std::vector<float> out(v.size());
    const size_t c = size_t(x->c), hw = size_t(x->h * x->w);
    for (size_t ch = 0; ch < c; ++ch)
      for (size_t i = 0; i < hw; ++i) out[i * c + ch] = v[ch * hw + i];
    return out;
  };
  ctx.SetParam(id, "gamma", order(p[0]->floats));
  ctx.SetParam(id, "beta", order(p[1]->floats));
  ctx.SetState(id, "moving_mean", order(p[2]->floats));
  ctx.SetState(id, "moving_variance", order(p[3]->floats));
  Value v = *x;
  v.node = id;
  return ctx.DefineOutput(node, v);
}

}  // namespace onnx_import
}  // namespace mote
