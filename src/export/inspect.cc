// Inspect (include/mote/inspect.h): the model as the runtime's loader sees it.
#include "mote/inspect.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "mote/rt.h"

namespace mote {
namespace {

const char* OpName(uint16_t type) {
  switch (type) {
    case MOTE_OP_CONV2D: return "conv2d";
    case MOTE_OP_DEPTHWISE_CONV2D: return "depthwise_conv2d";
    case MOTE_OP_DENSE: return "dense";
    case MOTE_OP_MAX_POOL2D: return "max_pool2d";
    case MOTE_OP_AVG_POOL2D: return "avg_pool2d";
    case MOTE_OP_GLOBAL_AVG_POOL: return "global_avg_pool";
    case MOTE_OP_ADD: return "add";
    case MOTE_OP_SOFTMAX: return "softmax";
    case MOTE_OP_RESHAPE: return "reshape";
    case MOTE_OP_QUANTIZE: return "quantize";
    case MOTE_OP_DEQUANTIZE: return "dequantize";
    case MOTE_OP_CHANNEL_AFFINE: return "channel_affine";
    case MOTE_OP_SIMPLE_RNN: return "simple_rnn";
    case MOTE_OP_LSTM: return "lstm";
    case MOTE_OP_GRU: return "gru";
    case MOTE_OP_SIGMOID: return "sigmoid";
    case MOTE_OP_TANH: return "tanh";
    case MOTE_OP_LEAKY_RELU: return "leaky_relu";
    default: return "unknown";
  }
}

const char* ActivationName(uint8_t a) {
  switch (a) {
    case MOTE_ACT_RELU: return "relu";
    case MOTE_ACT_RELU6: return "relu6";
    default: return "none";
  }
}

const char* DTypeName(MoteDType d) {
  switch (d) {
    case MOTE_DTYPE_I8: return "int8";
    case MOTE_DTYPE_I32: return "int32";
    default: return "f32";
  }
}

const char* OptimizerName(uint8_t o) {
  switch (o) {
    case MOTE_OPTIMIZER_SGD: return "sgd";
    case MOTE_OPTIMIZER_MOMENTUM: return "momentum";
    case MOTE_OPTIMIZER_NESTEROV: return "nesterov";
    case MOTE_OPTIMIZER_ADAM: return "adam";
    default: return "unknown";
  }
}

std::vector<uint32_t> Dims(const MoteTensorRecord& t) { return std::vector<uint32_t>(t.dims, t.dims + t.rank); }

uint64_t Elements(const MoteTensorRecord& t) {
  uint64_t e = 1;
  for (uint32_t i = 0; i < t.rank; ++i) e *= t.dims[i];
  return e;
}

// Multiply-accumulates: output elements times the reduction each needs.
uint64_t Macs(const mote_rt_model& m, const MoteOpRecord& op) {
  const MoteTensorRecord& y = m.tensors[op.output];
  switch (op.type) {
    case MOTE_OP_CONV2D:  // kh * kw * Cin from the params and input (the weights may be in panels)
      return Elements(y) * uint32_t(op.params[0]) * uint32_t(op.params[1]) * m.tensors[op.inputs[0]].dims[2];
    case MOTE_OP_DEPTHWISE_CONV2D: {
      const MoteTensorRecord& w = m.tensors[op.inputs[1]];
      return Elements(y) * w.dims[0] * w.dims[1];
    }
    case MOTE_OP_DENSE: return Elements(y) * Elements(m.tensors[op.inputs[0]]);
    default: return 0;
  }
}

std::string ShapeText(const std::vector<uint32_t>& dims) {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

std::string ShapeJson(const std::vector<uint32_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

uint64_t TrainBlockBytes(const InspectReport& r) {
  return r.train_params_bytes + r.train_grads_bytes + r.train_state_bytes + r.train_scratch_bytes;
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace

Status InspectModel(const void* bytes, size_t len, InspectReport* report) {
  if (bytes == nullptr || report == nullptr) return InvalidArgument("inspect: null argument");
  *report = InspectReport();
  // The loader wants 16-aligned model bytes and arena: copy into such buffers.
  const size_t padded = (len + 15) / 16 * 16;
  std::unique_ptr<uint8_t, FreeDeleter> model(static_cast<uint8_t*>(std::aligned_alloc(16, padded ? padded : 16)));
  if (!model) return OutOfMemory("inspect: cannot copy the model");
  if (len) std::memcpy(model.get(), bytes, len);
  size_t arena_bytes = 0;
  mote_rt_status s = mote_rt_arena_bytes(model.get(), len, &arena_bytes);
  if (s != MOTE_RT_OK) return CorruptData(mote_rt_status_message(s));
  const size_t arena_alloc = (arena_bytes + 15) / 16 * 16;
  std::unique_ptr<uint8_t, FreeDeleter> arena(static_cast<uint8_t*>(std::aligned_alloc(16, arena_alloc ? arena_alloc : 16)));
  if (!arena) return OutOfMemory("inspect: cannot allocate the arena");
  mote_rt_model m;
  s = mote_rt_model_init(&m, model.get(), len, arena.get(), arena_bytes);
  if (s != MOTE_RT_OK) return CorruptData(mote_rt_status_message(s));

  InspectReport& r = *report;
  r.int8 = (m.header->flags & MOTE_MODEL_FLAG_INT8) != 0;
  r.model_bytes = m.header->file_bytes;
  r.arena_bytes = m.header->arena_bytes;
  r.runtime_state_bytes = sizeof(mote_rt_model);
  for (uint32_t i = 0; i < m.header->input_count; ++i) r.input_shapes.push_back(Dims(m.tensors[m.header->inputs[i]]));
  for (uint32_t i = 0; i < m.header->output_count; ++i) r.output_shapes.push_back(Dims(m.tensors[m.header->outputs[i]]));
  for (uint32_t i = 0; i < m.header->op_count; ++i) {
    const MoteOpRecord& op = m.ops[i];
    const MoteTensorRecord& y = m.tensors[op.output];
    InspectOp o;
    o.op = OpName(op.type);
    o.shape = Dims(y);
    o.dtype = MoteDType(y.dtype);
    o.macs = Macs(m, op);
    for (uint32_t k = 0; k < op.input_count; ++k)
      if (m.tensors[op.inputs[k]].kind == MOTE_TENSOR_CONSTANT) o.param_bytes += m.tensors[op.inputs[k]].bytes;
    o.scratch_bytes = op.scratch_bytes;
    o.activation = ActivationName(op.activation);
    o.scale = y.scale;
    o.zero_point = y.zero_point;
    // int8 conv / dense: multiplier * 2^-shift = s_in * s_w / s_out.
    const bool weighted = op.type == MOTE_OP_CONV2D || op.type == MOTE_OP_DEPTHWISE_CONV2D || op.type == MOTE_OP_DENSE;
    if (weighted && y.dtype == MOTE_DTYPE_I8 && op.input_count == 4) {
      const MoteTensorRecord& rq = m.tensors[op.inputs[3]];
      const int32_t* table = reinterpret_cast<const int32_t*>(m.bytes + rq.offset);
      const uint32_t channels = uint32_t(Elements(rq) / 2);
      const double s_in = m.tensors[op.inputs[0]].scale;
      for (uint32_t c = 0; c < channels; ++c) {
        const float sw = float(std::ldexp(double(table[c]), -table[channels + c]) * y.scale / s_in);
        if (c == 0 || sw < o.weight_scale_min) o.weight_scale_min = sw;
        if (c == 0 || sw > o.weight_scale_max) o.weight_scale_max = sw;
      }
    }
    r.macs += o.macs;
    r.param_bytes += o.param_bytes;
    r.ops.push_back(std::move(o));
  }
  if (m.train != nullptr) {
    const MoteTrainRecord& t = *m.train;
    r.trainable_op = t.op;
    r.optimizer = OptimizerName(t.optimizer);
    r.trainable_params = t.params_bytes / 4;
    r.train_params_bytes = t.params_bytes;
    r.train_grads_bytes = t.params_bytes;
    r.train_state_bytes = t.state_bytes;
    r.train_scratch_bytes = t.scratch_bytes;
    // dW = dY^T x: one MAC per weight, as the forward; the bias-only option
    // adds dX = dY W, as many again; the feeding layer's weights their dW.
    r.train_step_macs = r.macs + r.ops[t.op].macs * (t.bias_units != 0 ? 2 : 1) +
                        (t.feed_weights != 0 ? r.ops[t.bias_op].macs : 0);
  }
  return Status::Ok();
}

Status ParseRuntimeText(const std::string& arg, int64_t* text_bytes) {
  if (text_bytes == nullptr) return InvalidArgument("inspect: null argument");
  char* end = nullptr;
  const long long n = std::strtoll(arg.c_str(), &end, 10);
  if (!arg.empty() && end != nullptr && *end == '\0' && n >= 0) {
    *text_bytes = n;
    return Status::Ok();
  }
  FILE* f = std::fopen(arg.c_str(), "r");
  if (f == nullptr) return IoError("inspect: cannot read the runtime size file");
  // Berkeley format: a header line "text data bss dec hex filename", then
  // one line per object whose first column is its text bytes.
  // With -t the last line is "... (TOTALS)": it wins over the sum.
  char line[1024];
  int64_t total = 0, totals = -1;
  bool any = false;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    char* p = line;
    while (*p == ' ' || *p == '\t') ++p;
    if (*p < '0' || *p > '9') continue;  // the header or an empty line
    const int64_t text = std::strtoll(p, nullptr, 10);
    if (std::strstr(p, "(TOTALS)") != nullptr) totals = text;
    total += text;
    any = true;
  }
  std::fclose(f);
  if (!any) return CorruptData("inspect: no arm-none-eabi-size line in the runtime size file");
  *text_bytes = totals >= 0 ? totals : total;
  return Status::Ok();
}

std::string FormatInspectText(const InspectReport& r) {
  std::string s;
  char line[256];
  std::snprintf(line, sizeof(line), "%-3s %-17s %-12s %-5s %10s %9s %8s %-5s %s\n", "#", "op", "output", "type", "MACs",
                "params B", "scratch", "act", "quantization");
  s += line;
  for (size_t i = 0; i < r.ops.size(); ++i) {
    const InspectOp& o = r.ops[i];
    std::string q;
    if (o.dtype == MOTE_DTYPE_I8) {
      q = "s=" + Number(o.scale) + " zp=" + std::to_string(o.zero_point);
      if (o.weight_scale_max > 0) q += " w=[" + Number(o.weight_scale_min) + ", " + Number(o.weight_scale_max) + "]";
    }
    std::snprintf(line, sizeof(line), "%-3zu %-17s %-12s %-5s %10llu %9llu %8u %-5s %s\n", i, o.op.c_str(),
                  ShapeText(o.shape).c_str(), DTypeName(o.dtype), (unsigned long long)o.macs,
                  (unsigned long long)o.param_bytes, o.scratch_bytes, o.activation.c_str(), q.c_str());
    s += line;
  }
  std::snprintf(line, sizeof(line), "ops %zu (%s), MACs %llu, parameter bytes %llu\n", r.ops.size(),
                r.int8 ? "int8" : "fp32", (unsigned long long)r.macs, (unsigned long long)r.param_bytes);
  s += line;
  std::snprintf(line, sizeof(line), "flash: model %llu B", (unsigned long long)r.model_bytes);
  s += line;
  if (r.runtime_text_bytes >= 0) {
    std::snprintf(line, sizeof(line), " + runtime .text %lld B = %llu B", (long long)r.runtime_text_bytes,
                  (unsigned long long)(r.model_bytes + uint64_t(r.runtime_text_bytes)));
    s += line;
  }
  std::snprintf(line, sizeof(line), "\nRAM: arena %llu B + runtime state %llu B = %llu B\n",
                (unsigned long long)r.arena_bytes, (unsigned long long)r.runtime_state_bytes,
                (unsigned long long)(r.arena_bytes + r.runtime_state_bytes));
  s += line;
  if (r.trainable_op >= 0) {
    std::snprintf(line, sizeof(line),
                  "training: op %d (dense), %s, %llu trainable parameters; arena blocks %llu B (parameters %llu, "
                  "gradients %llu, optimizer state %llu, loss gradient %llu); MACs per training step %llu\n",
                  r.trainable_op, r.optimizer.c_str(), (unsigned long long)r.trainable_params,
                  (unsigned long long)TrainBlockBytes(r), (unsigned long long)r.train_params_bytes,
                  (unsigned long long)r.train_grads_bytes, (unsigned long long)r.train_state_bytes,
                  (unsigned long long)r.train_scratch_bytes, (unsigned long long)r.train_step_macs);
    s += line;
  }
  return s;
}

std::string FormatInspectJson(const InspectReport& r) {
  std::string s = "{\"format\":\"mote\",\"int8\":";
  s += r.int8 ? "true" : "false";
  s += ",\"inputs\":[";
  for (size_t i = 0; i < r.input_shapes.size(); ++i) s += (i ? "," : "") + ShapeJson(r.input_shapes[i]);
  s += "],\"outputs\":[";
  for (size_t i = 0; i < r.output_shapes.size(); ++i) s += (i ? "," : "") + ShapeJson(r.output_shapes[i]);
  s += "],\"ops\":[";
  for (size_t i = 0; i < r.ops.size(); ++i) {
    const InspectOp& o = r.ops[i];
    s += i ? "," : "";
    s += "{\"op\":\"" + o.op + "\",\"shape\":" + ShapeJson(o.shape) + ",\"dtype\":\"" + DTypeName(o.dtype) +
         "\",\"macs\":" + std::to_string(o.macs) + ",\"param_bytes\":" + std::to_string(o.param_bytes) +
         ",\"scratch_bytes\":" + std::to_string(o.scratch_bytes) + ",\"activation\":\"" + o.activation + "\"";
    if (o.dtype == MOTE_DTYPE_I8) {
      s += ",\"scale\":" + Number(o.scale) + ",\"zero_point\":" + std::to_string(o.zero_point);
      if (o.weight_scale_max > 0)
        s += ",\"weight_scale_min\":" + Number(o.weight_scale_min) + ",\"weight_scale_max\":" + Number(o.weight_scale_max);
    }
    s += "}";
  }
  s += "],\"macs\":" + std::to_string(r.macs) + ",\"param_bytes\":" + std::to_string(r.param_bytes) +
       ",\"model_bytes\":" + std::to_string(r.model_bytes) + ",\"arena_bytes\":" + std::to_string(r.arena_bytes) +
       ",\"runtime_state_bytes\":" + std::to_string(r.runtime_state_bytes) + ",\"runtime_text_bytes\":" +
       (r.runtime_text_bytes >= 0 ? std::to_string(r.runtime_text_bytes) : std::string("null"));
  if (r.trainable_op >= 0) {
    s += ",\"training\":{\"op\":" + std::to_string(r.trainable_op) + ",\"optimizer\":\"" + r.optimizer +
         "\",\"trainable_params\":" + std::to_string(r.trainable_params) +
         ",\"train_arena_bytes\":" + std::to_string(TrainBlockBytes(r)) +
         ",\"params_bytes\":" + std::to_string(r.train_params_bytes) +
         ",\"grads_bytes\":" + std::to_string(r.train_grads_bytes) +
         ",\"state_bytes\":" + std::to_string(r.train_state_bytes) +
         ",\"scratch_bytes\":" + std::to_string(r.train_scratch_bytes) +
         ",\"macs_per_step\":" + std::to_string(r.train_step_macs) + "}";
  } else {
    s += ",\"training\":null";
  }
  s += "}";
  return s;
}

}  // namespace mote
