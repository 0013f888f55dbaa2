// int8 post-training quantization (arithmetic in
// include/mote/model_format.h): calibration, then a float graph -> int8 ops.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "mote/export.h"
#include "src/core/status_format.h"
#include "src/export/graph_util.h"

namespace mote {
namespace {

using export_internal::Int32Constant;
using export_internal::Int8Constant;
using export_internal::ReadFloats;

// What the runtime accepts (include/mote/model_format.h): |bias| <= 2^30 and
// |bias| + k * 2^14 < 2^31 for a dot product of length k, so int32
// accumulation never overflows.
int64_t BiasLimit(size_t k) { return std::min(int64_t(1) << 30, int64_t(INT32_MAX) - int64_t(k) * 16384); }

bool RunsInt8(MoteOpType type) {
  switch (type) {
    case MOTE_OP_CONV2D:
    case MOTE_OP_DEPTHWISE_CONV2D:
    case MOTE_OP_DENSE:
    case MOTE_OP_MAX_POOL2D:
    case MOTE_OP_AVG_POOL2D:
    case MOTE_OP_GLOBAL_AVG_POOL:
    case MOTE_OP_ADD:
    case MOTE_OP_RESHAPE:
      return true;
    default:
      return false;
  }
}

// Ops whose int8 output reuses the input's scale and zero point.
bool KeepsInputParams(MoteOpType type) {
  return type == MOTE_OP_MAX_POOL2D || type == MOTE_OP_AVG_POOL2D || type == MOTE_OP_GLOBAL_AVG_POOL ||
         type == MOTE_OP_RESHAPE;
}

int32_t QuantizeValue(float real, float scale, int32_t zero_point) {
  const double q = std::round(double(real) / scale) + zero_point;
  return int32_t(std::min(127.0, std::max(-128.0, q)));
}

// Parameters given beforehand (ExportOptions::fixed_quantization), resolved
// to the graph: per activation tensor (scale 0: none) and per kernel tensor
// name.
struct FixedParams {
  std::vector<std::pair<float, int32_t>> activations;
  std::map<std::string, const std::vector<float>*> kernels;
};

class Quantizer {
 public:
  Quantizer(const std::vector<std::pair<float, float>>& ranges, const FixedParams& fixed, ExportGraph* graph)
      : ranges_(ranges), fixed_(fixed), g_(*graph) {}

  Status Run() {
    if (!ranges_.empty() && ranges_.size() < g_.tensors.size())
      return InvalidArgument("export: one calibrated range per tensor needed");
    std::vector<ExportOp> ops = std::move(g_.ops);
    g_.ops.clear();
    as_int8_.assign(g_.tensors.size(), -1);
    as_float_.assign(g_.tensors.size(), -1);
    for (ExportOp& op : ops)
      MOTE_TRY(RunsInt8(op.type) && !op.trainable && !op.bias_trainable ? Int8Op(std::move(op)) : FloatOp(std::move(op)));
    if (!fixed_.kernels.empty() && kernels_used_ != fixed_.kernels.size())
      return InvalidArgument("export: fixed weight scales for a layer that has no int8 conv / dense kernel");
    for (int& t : g_.outputs) t = AsFloat(t);
    g_.int8 = true;
    return Status::Ok();
  }

 private:
  // Activation t's int8 parameters: fixed, else from its calibrated range.
  Status ActivationParams(int t, float* scale, int32_t* zero_point) const {
    if (size_t(t) < fixed_.activations.size() && fixed_.activations[size_t(t)].first > 0.0f) {
      *scale = fixed_.activations[size_t(t)].first;
      *zero_point = fixed_.activations[size_t(t)].second;
      return Status::Ok();
    }
    if (ranges_.empty())
      return FormattedStatus(StatusCode::kInvalidArgument,
                             "export: tensor '%s' has no fixed int8 parameters and there is no calibration data "
                             "to choose them (give calibration examples, e.g. mote import --calibration SPEC)",
                             g_.tensors[size_t(t)].name.c_str());
    ChooseActivationParams(ranges_[size_t(t)].first, ranges_[size_t(t)].second, scale, zero_point);
    return Status::Ok();
  }

  // The int8 version of activation t (a QUANTIZE op when t is float).
  Status AsInt8(int t, int* out) {
    *out = t;
    if (g_.tensors[size_t(t)].dtype == MOTE_DTYPE_I8) return Status::Ok();
    *out = as_int8_[size_t(t)];
    if (*out >= 0) return Status::Ok();
    ExportTensor q = g_.tensors[size_t(t)];
    q.name += "/int8";
    q.dtype = MOTE_DTYPE_I8;
    MOTE_TRY(ActivationParams(t, &q.scale, &q.zero_point));
    *out = Convert(t, std::move(q), MOTE_OP_QUANTIZE);
    as_int8_[size_t(t)] = *out;
    return Status::Ok();
  }
  // The float version of activation t (a DEQUANTIZE op when t is int8).
  int AsFloat(int t) {
    if (g_.tensors[size_t(t)].dtype == MOTE_DTYPE_F32) return t;
    if (as_float_[size_t(t)] >= 0) return as_float_[size_t(t)];
    ExportTensor f = g_.tensors[size_t(t)];
    f.name += "/float";
    f.dtype = MOTE_DTYPE_F32;
    f.scale = 0.0f;
    f.zero_point = 0;
    const int fi = Convert(t, std::move(f), MOTE_OP_DEQUANTIZE);
    as_float_[size_t(t)] = fi;
    return fi;
  }
  int Convert(int from, ExportTensor to, MoteOpType type) {
    const int ti = g_.AddTensor(std::move(to));
    as_int8_.push_back(-1);
    as_float_.push_back(-1);
    ExportOp op;
    op.type = type;
    op.inputs = {from};
    op.output = ti;
    op.name = g_.tensors[size_t(from)].name;
    if (type == MOTE_OP_QUANTIZE) {
      op.act_min = -128.0f;
      op.act_max = 127.0f;
    }
    g_.ops.push_back(std::move(op));
    return ti;
  }

  Status FloatOp(ExportOp op) {
    for (int& t : op.inputs)
      if (g_.tensors[size_t(t)].kind == MOTE_TENSOR_ACTIVATION) t = AsFloat(t);
    g_.ops.push_back(std::move(op));
    return Status::Ok();
  }

  Status Int8Op(ExportOp op) {
    const size_t activations = op.type == MOTE_OP_ADD ? 2 : 1;
    for (size_t i = 0; i < activations; ++i) MOTE_TRY(AsInt8(op.inputs[i], &op.inputs[i]));
    const ExportTensor& x = g_.tensors[size_t(op.inputs[0])];
    const float s_in = x.scale;
    const int32_t zp_in = x.zero_point;
    ExportTensor& y = g_.tensors[size_t(op.output)];
    y.dtype = MOTE_DTYPE_I8;
    if (KeepsInputParams(op.type)) {
      y.scale = s_in;
      y.zero_point = zp_in;
    } else {
      MOTE_TRY(ActivationParams(op.output, &y.scale, &y.zero_point));
    }
    const float s_out = y.scale;
    const int32_t zp_out = y.zero_point;
    // The clamp in int8: the fused activation's bounds, within [-128, 127].
    op.act_min = std::isfinite(op.act_min) ? float(QuantizeValue(op.act_min, s_out, zp_out)) : -128.0f;
    op.act_max = std::isfinite(op.act_max) ? float(QuantizeValue(op.act_max, s_out, zp_out)) : 127.0f;

    if (op.type == MOTE_OP_ADD) {
      const ExportTensor& b = g_.tensors[size_t(op.inputs[1])];
      MOTE_TRY(QuantizeMultiplier(double(s_in) / s_out, &op.params[0], &op.params[1]));
      MOTE_TRY(QuantizeMultiplier(double(b.scale) / s_out, &op.params[2], &op.params[3]));
    } else if (op.type == MOTE_OP_CONV2D || op.type == MOTE_OP_DENSE || op.type == MOTE_OP_DEPTHWISE_CONV2D) {
      MOTE_TRY(QuantizeWeights(&op, s_in, zp_in, s_out));
    }
    g_.ops.push_back(std::move(op));
    return Status::Ok();
  }

  // Per output channel symmetric weights, int32 bias with the input zero
  // point folded in, and the requantization table.
  Status QuantizeWeights(ExportOp* op, float s_in, int32_t zp_in, float s_out) {
    const ExportTensor& wt = g_.tensors[size_t(op->inputs[1])];
    const ExportTensor& bt = g_.tensors[size_t(op->inputs[2])];
    std::vector<float> w, b;
    ReadFloats(wt, &w);
    ReadFloats(bt, &b);
    const size_t channels = b.size();
    if (channels == 0 || w.size() % channels != 0) return InvalidArgument("export: weights and bias disagree");
    const size_t k = w.size() / channels;
    // Element j of channel c: conv / dense weights are [C][k], depthwise [k][C].
    const bool channel_last = op->type == MOTE_OP_DEPTHWISE_CONV2D;
    auto at = [&](size_t c, size_t j) { return channel_last ? j * channels + c : c * k + j; };
    // Fixed scales (a quantized ONNX model's): the weights must be exactly
    // scale times an int8 (within float rounding of the dequantized values).
    const auto fixed = fixed_.kernels.find(wt.name);
    const std::vector<float>* fixed_scales = fixed == fixed_.kernels.end() ? nullptr : fixed->second;
    if (fixed_scales != nullptr) {
      ++kernels_used_;
      if (fixed_scales->size() != channels)
        return FormattedStatus(StatusCode::kInvalidArgument, "export: '%s': %zu fixed weight scales for %zu channels",
                               wt.name.c_str(), fixed_scales->size(), channels);
    }
    std::vector<int8_t> q(w.size());
    std::vector<int32_t> bias(channels), requant(2 * channels);
    for (size_t c = 0; c < channels; ++c) {
      double max_abs = 0;
      for (size_t j = 0; j < k; ++j) max_abs = std::max(max_abs, std::fabs(double(w[at(c, j)])));
      // Not so small that the bias needs more than 2^29 steps: the runtime
      // takes int8 biases within +-2^30, zero point term included.
      double s_w = std::max(max_abs / 127.0, std::fabs(double(b[c])) / (double(s_in) * 536870912.0));
      if (s_w == 0.0) s_w = 1.0;  // all-zero channel: any scale
      if (fixed_scales != nullptr) {
        s_w = double((*fixed_scales)[c]);
        if (!(s_w > 0.0) || !std::isfinite(s_w))
          return FormattedStatus(StatusCode::kInvalidArgument, "export: '%s': a fixed weight scale that is not > 0",
                                 wt.name.c_str());
      }
      int64_t sum_q = 0;
      for (size_t j = 0; j < k; ++j) {
        const double exact = double(w[at(c, j)]) / s_w;
        const double v = std::round(exact);
        if (fixed_scales != nullptr && (v < -128.0 || v > 127.0 || std::fabs(exact - v) > 1e-3))
          return FormattedStatus(StatusCode::kUnsupported,
                                 "export: the weights '%s' are not their fixed scales times integers in [-128, 127] "
                                 "(channel %zu: %g steps); mote's int8 weights are symmetric (zero point 0)",
                                 wt.name.c_str(), c, exact);
        const double lowest = fixed_scales != nullptr ? -128.0 : -127.0;
        const int8_t qv = int8_t(std::min(127.0, std::max(lowest, v)));
        q[at(c, j)] = qv;
        sum_q += qv;
      }
      // (Fixed scales may make the bias any number of steps: bound it before converting.)
      const double bias_steps = std::round(double(b[c]) / (double(s_in) * s_w));
      const int64_t bq = std::fabs(bias_steps) < 0x1p40 ? int64_t(bias_steps) - int64_t(zp_in) * sum_q : INT64_MAX;
      if (bq > BiasLimit(k) || bq < -BiasLimit(k))
        return OutOfRange("export: an int8 bias beyond +-2^30 or too large for int32 accumulation with its dot length");
      bias[c] = int32_t(bq);
      MOTE_TRY(QuantizeMultiplier(double(s_in) * s_w / double(s_out), &requant[c], &requant[channels + c]));
    }
    const std::string wname = wt.name, bname = bt.name;  // (AddTensor moves the tensors)
    const std::vector<uint32_t> wdims = wt.dims;
    const int qw = g_.AddTensor(Int8Constant(wname, wdims, q));
    const int qb = g_.AddTensor(Int32Constant(bname, {uint32_t(channels)}, bias));
    const int rq = g_.AddTensor(Int32Constant(op->name + "/requant", {uint32_t(2 * channels)}, requant));
    as_int8_.resize(g_.tensors.size(), -1);
    as_float_.resize(g_.tensors.size(), -1);
    op->inputs = {op->inputs[0], qw, qb, rq};
    return Status::Ok();
  }

  const std::vector<std::pair<float, float>>& ranges_;
  const FixedParams& fixed_;
  size_t kernels_used_ = 0;
  ExportGraph& g_;
  std::vector<int> as_int8_, as_float_;  // per tensor: its converted twin, -1 if none yet
};

}  // namespace

void ChooseActivationParams(float min, float max, float* scale, int32_t* zero_point) {
  const double lo = std::min(double(min), 0.0), hi = std::max(double(max), 0.0);
  if (!(hi - lo > 0.0) || !std::isfinite(hi - lo)) {
    *scale = 1.0f;
    *zero_point = 0;
    return;
  }
  *scale = float((hi - lo) / 255.0);
  const double zp = std::round(-128.0 - lo / double(*scale));
  *zero_point = int32_t(std::min(127.0, std::max(-128.0, zp)));
}

Status QuantizeMultiplier(double real, int32_t* multiplier, int32_t* shift) {
  if (!(real > 0.0) || !std::isfinite(real)) return OutOfRange("export: a requantization scale that is not > 0");
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction * 2^exponent, fraction in [0.5, 1)
  int64_t m = std::llround(fraction * 2147483648.0);    // [2^30, 2^31]
  if (m == (int64_t(1) << 31)) {
    m >>= 1;
    ++exponent;
  }
  int s = 31 - exponent;
  if (s < 1) return OutOfRange("export: a requantization scale of 2^30 or more");
  if (s > 62) {  // below 2^-32: the smallest representable factor (the result rounds to ~0 anyway)
    m = int64_t(1) << 30;
    s = 62;
  }
  *multiplier = int32_t(m);
  *shift = int32_t(s);
  return Status::Ok();
}

Status CalibrateRanges(Model& model, const ExportGraph& graph, const std::vector<const float*>& inputs,
                       size_t count, std::vector<std::pair<float, float>>* ranges) {
  if (ranges == nullptr) return InvalidArgument("export: null ranges");
  if (!model.prepared()) return InvalidArgument("export: Prepare the model first");
  if (count == 0 || inputs.size() != size_t(model.input_count()))
    return InvalidArgument("export: calibration needs examples for every model input");
  for (const float* p : inputs)
    if (p == nullptr) return InvalidArgument("export: null calibration data");
  const float inf = std::numeric_limits<float>::infinity();
  ranges->assign(graph.tensors.size(), {inf, -inf});
  const size_t batch = model.max_batch();
  std::vector<const float*> ptrs(inputs.size());
  for (size_t start = 0; start < count; start += batch) {
    const size_t n = std::min(batch, count - start);
    for (size_t i = 0; i < inputs.size(); ++i) ptrs[i] = inputs[i] + start * model.input_size(int(i));
    MOTE_TRY(model.Forward(ptrs.data(), n, /*training=*/false));
    for (size_t t = 0; t < graph.tensors.size(); ++t) {
      const ExportTensor& tensor = graph.tensors[t];
      if (tensor.kind != MOTE_TENSOR_ACTIVATION || tensor.source < 0) continue;
      const float* y = model.node_output(tensor.source);
      const size_t elements = n * model.node_shape(tensor.source).elements();
      auto& r = (*ranges)[t];
      for (size_t e = 0; e < elements; ++e) {
        r.first = std::min(r.first, y[e]);
        r.second = std::max(r.second, y[e]);
      }
    }
  }
  for (auto& r : *ranges) {
    if (r.first > r.second) r = {0.0f, 0.0f};  // never seen
    r.first = std::min(r.first, 0.0f);
    r.second = std::max(r.second, 0.0f);
  }
  return Status::Ok();
}

namespace {
Status Quantize(const std::vector<std::pair<float, float>>& ranges, const FixedParams& fixed, ExportGraph* graph) {
  if (graph->int8) return InvalidArgument("export: the graph is already quantized");
  if (!export_internal::FloatConstantsFinite(*graph))
    return InvalidArgument("export: a weight or bias is NaN or infinite (training diverged?); int8 needs finite values");
  MOTE_TRY(Quantizer(ranges, fixed, graph).Run());
  export_internal::DropUnusedTensors(graph);
  return Status::Ok();
}
}  // namespace

Status QuantizeGraph(const std::vector<std::pair<float, float>>& ranges, ExportGraph* graph) {
  if (graph == nullptr) return InvalidArgument("export: null graph");
  return Quantize(ranges, FixedParams(), graph);
}

Status QuantizeGraph(const std::vector<std::pair<float, float>>& ranges, const FixedQuantization& fixed,
                     const Model& model, ExportGraph* graph) {
  if (graph == nullptr) return InvalidArgument("export: null graph");
  FixedParams params;
  params.activations.assign(graph->tensors.size(), {0.0f, 0});
  for (const FixedQuantization::Activation& a : fixed.activations) {
    if (!(a.scale > 0.0f) || !std::isfinite(a.scale) || a.zero_point < -128 || a.zero_point > 127)
      return FormattedStatus(StatusCode::kInvalidArgument,
                             "export: fixed int8 parameters of '%s': scale %g, zero point %d (want a scale > 0 and "
                             "a zero point in [-128, 127])",
                             a.node.c_str(), double(a.scale), int(a.zero_point));
    const NodeId node = model.find(a.node);
    if (node < 0)
      return FormattedStatus(StatusCode::kInvalidArgument, "export: fixed int8 parameters for '%s', no such node",
                             a.node.c_str());
    for (size_t t = 0; t < graph->tensors.size(); ++t)
      if (graph->tensors[t].kind == MOTE_TENSOR_ACTIVATION && graph->tensors[t].source == node)
        params.activations[t] = {a.scale, a.zero_point};
  }
  for (const FixedQuantization::Weights& w : fixed.weights) params.kernels[w.node + "/kernel"] = &w.scales;
  return Quantize(ranges, params, graph);
}

}  // namespace mote
