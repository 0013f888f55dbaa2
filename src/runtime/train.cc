// On-device training of the trainable tail (include/mote/rt.h, "on-device
// training"; the record is MoteTrainRecord in include/mote/model_format.h):
// the loader's checks of the record, the copy of the initial parameters into
// the arena, the tail's forward pass from the arena, and the training step
// (softmax cross-entropy, the dense layer's gradient, SGD / momentum /
// Nesterov / Adam) with the training library's arithmetic, operation for
// operation (src/losses/softmax_cross_entropy.cc, src/layers/dense.cc,
// src/optim/*.cc), so that the scalar backend gives bit-identical weights.
// Freestanding: no heap, no libc beyond memcpy/memset.
#include "mote/kernels.h"
#include "mote/math.h"
#include "mote/rt.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {
namespace {

constexpr float kInf = __builtin_inff();

bool Finite(float v) { return v - v == 0.0f; }
bool Aligned16(uint64_t v) { return (v & (MOTE_MODEL_ALIGN - 1)) == 0; }
bool Overlap(uint64_t a, uint64_t a_bytes, uint64_t b, uint64_t b_bytes) {
  return a_bytes != 0 && b_bytes != 0 && a < b + b_bytes && b < a + a_bytes;
}

struct Range {
  uint64_t offset, bytes;
};

// The tail's shape of a checked model.
struct Tail {
  const MoteOpRecord* op;
  uint32_t features, classes;
  float* w;      // [classes][features]
  float* b;      // [classes]
  float* gw;     // gradient of w
  float* gb;     // gradient of b
  float* s;      // optimizer state (params_count floats; Adam: two blocks)
  float* dy;     // [classes]
  // Bias-only option (units 0: none): the feeding dense op's bias [features],
  // its gradient, the gradient with respect to the tail's input.
  const MoteOpRecord* bias_op;
  uint32_t bias_units;
  float* bh;
  float* dh;
  // ... and with feed_weights its weights [bias_units][feed_inputs] (else null).
  uint32_t feed_inputs;
  float* w1;
  uint32_t count;  // classes * features + classes + bias_units (+ bias_units * feed_inputs)
};

Tail TailOf(const mote_rt_model& m) {
  const MoteTrainRecord& r = *m.train;
  Tail t;
  t.op = &m.ops[r.op];
  t.features = ElementsOf(In(m, *t.op, 0));
  t.classes = ElementsOf(Out(m, *t.op));
  t.bias_units = r.bias_units;
  t.bias_op = r.bias_units != 0 ? &m.ops[r.bias_op] : nullptr;
  t.feed_inputs = r.feed_weights != 0 ? r.feed_inputs : 0;
  t.count = t.classes * t.features + t.classes + t.bias_units + t.bias_units * t.feed_inputs;
  t.w = reinterpret_cast<float*>(m.arena + r.params_offset);
  t.b = t.w + size_t(t.classes) * t.features;
  t.gw = reinterpret_cast<float*>(m.arena + r.grads_offset);
  t.gb = t.gw + size_t(t.classes) * t.features;
  t.s = reinterpret_cast<float*>(m.arena + r.state_offset);
  t.dy = reinterpret_cast<float*>(m.arena + r.scratch_offset);
  t.bh = t.b + t.classes;
  t.w1 = t.feed_inputs != 0 ? t.bh + t.bias_units : nullptr;
  t.dh = t.dy + t.classes;
  return t;
}

bool HyperOk(const MoteTrainRecord& r) {
  const float* h = r.hyper;
  switch (r.optimizer) {
    case MOTE_OPTIMIZER_SGD:
      return h[0] == 0.0f && h[1] == 0.0f && h[2] == 0.0f;
    case MOTE_OPTIMIZER_MOMENTUM:
    case MOTE_OPTIMIZER_NESTEROV:
      return h[0] >= 0.0f && h[0] < 1.0f && h[1] == 0.0f && h[2] == 0.0f;
    case MOTE_OPTIMIZER_ADAM:
      return h[0] >= 0.0f && h[0] < 1.0f && h[1] >= 0.0f && h[1] < 1.0f && h[2] > 0.0f && Finite(h[2]);
    default:
      return false;
  }
}

uint32_t StateBlocks(uint8_t optimizer) {
  return optimizer == MOTE_OPTIMIZER_SGD ? 0u : optimizer == MOTE_OPTIMIZER_ADAM ? 2u : 1u;
}

// x^n for a double and an integer n >= 1, by squaring.
double PowInt(double x, uint32_t n) {
  double result = 1.0;
  while (n != 0) {
    if (n & 1u) result *= x;
    x *= x;
    n >>= 1;
  }
  return result;
}

// The update of parameter i (value w, gradient g, state s0 / s1) into
// *w_new and the new state; the library's loops (src/optim/*.cc).
struct Update {
  uint8_t optimizer;
  float lr, alpha, rho1, rho2, delta, inv_c1, inv_c2;

  void operator()(float w, float g, float s0, float s1, float* w_new, float* s0_new, float* s1_new) const {
    switch (optimizer) {
      case MOTE_OPTIMIZER_SGD:
        *w_new = w + (-lr) * g;
        return;
      case MOTE_OPTIMIZER_MOMENTUM: {
        const float v = alpha * s0 - lr * g;
        *s0_new = v;
        *w_new = w + v;
        return;
      }
      case MOTE_OPTIMIZER_NESTEROV: {
        const float step = lr * g;
        const float v = alpha * s0 - step;
        *s0_new = v;
        *w_new = w + (alpha * v - step);
        return;
      }
      default: {  // Adam
        const float s = rho1 * s0 + (1.0f - rho1) * g;
        const float r = rho2 * s1 + (1.0f - rho2) * g * g;
        *s0_new = s;
        *s1_new = r;
        const float s_hat = s * inv_c1;
        const float r_hat = r * inv_c2;
        const float u = lr * s_hat / (__builtin_sqrtf(r_hat) + delta);
        *w_new = w - u;
        return;
      }
    }
  }
};

}  // namespace

mote_rt_status CheckTrain(const mote_rt_model& m) {
  const MoteTrainRecord& r = *m.train;
  if (r.op >= m.header->op_count) return MOTE_RT_BAD_PARAMS;
  const MoteOpRecord& op = m.ops[r.op];
  // The tail trains weights [Cout][F] (the default layout; a hosted runtime
  // also takes the host layout's, for other dense ops).
  if (op.type != MOTE_OP_DENSE || (MOTE_HOSTED && op.params[0] != 0)) return MOTE_RT_BAD_PARAMS;
  if (In(m, op, 0).dtype != MOTE_DTYPE_F32) return MOTE_RT_BAD_TENSOR;  // the op's check did the rest
  // The backward pass has no clamp to go through.
  if (!(op.act_min == -kInf && op.act_max == kInf)) return MOTE_RT_BAD_PARAMS;
  if (r.loss != MOTE_LOSS_SOFTMAX_CROSS_ENTROPY || r.optimizer < MOTE_OPTIMIZER_SGD ||
      r.optimizer >= MOTE_OPTIMIZER_END)
    return MOTE_RT_UNKNOWN_OP;
  if (!(r.learning_rate >= 0.0f) || !Finite(r.learning_rate) || !(r.label_smoothing >= 0.0f) ||
      !(r.label_smoothing < 1.0f) || !HyperOk(r))
    return MOTE_RT_BAD_PARAMS;
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& y = Out(m, op);
  const uint64_t features = ElementsOf(x), classes = ElementsOf(y);
  if (classes < 2) return MOTE_RT_BAD_SHAPE;
  if (r.bias_units == 0) {
    if (r.bias_op != 0 || r.feed_weights != 0 || r.feed_inputs != 0) return MOTE_RT_BAD_PARAMS;
  } else {
    // An f32 dense op before the tail writing exactly the tail's input.
    if (r.bias_op >= r.op || r.feed_weights > 1) return MOTE_RT_BAD_PARAMS;
    const MoteOpRecord& b = m.ops[r.bias_op];
    if (b.type != MOTE_OP_DENSE || (MOTE_HOSTED && b.params[0] != 0) || b.output != op.inputs[0] ||
        In(m, b, 0).dtype != MOTE_DTYPE_F32)
      return MOTE_RT_BAD_PARAMS;
    if (r.bias_units != features || r.feed_inputs != (r.feed_weights ? ElementsOf(In(m, b, 0)) : 0u))
      return MOTE_RT_BAD_SHAPE;
    // With its weights trained, its input survives the forward pass too.
    const MoteTensorRecord& x1 = In(m, b, 0);
    for (uint32_t k = uint32_t(r.bias_op) + 1;
         r.feed_weights && x1.kind == MOTE_TENSOR_ACTIVATION && k < m.header->op_count; ++k) {
      const MoteOpRecord& later = m.ops[k];
      const MoteTensorRecord& out = m.tensors[later.output];
      if (Overlap(out.offset, out.bytes, x1.offset, x1.bytes) ||
          Overlap(later.scratch_offset, later.scratch_bytes, x1.offset, x1.bytes))
        return MOTE_RT_BAD_OFFSET;
    }
  }
  const uint64_t params_bytes =
      (classes * features + classes + r.bias_units + uint64_t(r.bias_units) * r.feed_inputs) * 4;
  if (r.params_bytes != params_bytes || r.state_bytes != StateBlocks(r.optimizer) * params_bytes ||
      r.scratch_bytes != (classes + uint64_t(r.bias_units)) * 4 || (r.state_bytes == 0 && r.state_offset != 0))
    return MOTE_RT_BAD_SHAPE;
  const Range blocks[4] = {{r.params_offset, r.params_bytes},
                           {r.grads_offset, r.params_bytes},
                           {r.state_offset, r.state_bytes},
                           {r.scratch_offset, r.scratch_bytes}};
  for (int i = 0; i < 4; ++i) {
    if (!Aligned16(blocks[i].offset) || blocks[i].offset + blocks[i].bytes > m.arena_bytes) return MOTE_RT_BAD_OFFSET;
    for (int j = 0; j < i; ++j)
      if (Overlap(blocks[i].offset, blocks[i].bytes, blocks[j].offset, blocks[j].bytes)) return MOTE_RT_BAD_OFFSET;
    // Alive all the time: no activation or scratch may share their bytes.
    for (uint32_t t = 0; t < m.header->tensor_count; ++t) {
      const MoteTensorRecord& a = m.tensors[t];
      if (a.kind == MOTE_TENSOR_ACTIVATION && Overlap(blocks[i].offset, blocks[i].bytes, a.offset, a.bytes))
        return MOTE_RT_BAD_OFFSET;
    }
    for (uint32_t k = 0; k < m.header->op_count; ++k)
      if (Overlap(blocks[i].offset, blocks[i].bytes, m.ops[k].scratch_offset, m.ops[k].scratch_bytes))
        return MOTE_RT_BAD_OFFSET;
  }
  // The tail's input and the logits survive the rest of the forward pass.
  for (uint32_t k = uint32_t(r.op) + 1; k < m.header->op_count; ++k) {
    const MoteOpRecord& later = m.ops[k];
    const MoteTensorRecord& out = m.tensors[later.output];
    const Range written[2] = {{out.offset, out.bytes}, {later.scratch_offset, later.scratch_bytes}};
    for (const Range& w : written) {
      if (x.kind == MOTE_TENSOR_ACTIVATION && Overlap(w.offset, w.bytes, x.offset, x.bytes)) return MOTE_RT_BAD_OFFSET;
      if (Overlap(w.offset, w.bytes, y.offset, y.bytes)) return MOTE_RT_BAD_OFFSET;
    }
  }
  return MOTE_RT_OK;
}

void InitTrain(mote_rt_model& m) {
  const MoteTrainRecord& r = *m.train;
  const Tail t = TailOf(m);
  __builtin_memcpy(t.w, DataOf(m, t.op->inputs[1]), size_t(t.classes) * t.features * 4);
  __builtin_memcpy(t.b, DataOf(m, t.op->inputs[2]), size_t(t.classes) * 4);
  if (t.bias_units != 0) __builtin_memcpy(t.bh, DataOf(m, t.bias_op->inputs[2]), size_t(t.bias_units) * 4);
  if (t.w1 != nullptr)
    __builtin_memcpy(t.w1, DataOf(m, t.bias_op->inputs[1]), size_t(t.bias_units) * t.feed_inputs * 4);
  __builtin_memset(m.arena + r.grads_offset, 0, r.params_bytes);
  if (r.state_bytes != 0) __builtin_memset(m.arena + r.state_offset, 0, r.state_bytes);
  __builtin_memset(m.arena + r.scratch_offset, 0, r.scratch_bytes);
  m.learning_rate = r.learning_rate;
  m.steps = 0;
  m.batch_size = 1;
  m.accumulated = 0;
}

void RunTrainDense(const mote_rt_model& m, const MoteOpRecord& op) {
  const Tail t = TailOf(m);
  kernels::F32DenseRows(1, t.classes, t.features, InF32(m, op, 0), t.features, t.w, t.features, t.b, -kInf, kInf,
                        OutF32(m, op), t.classes);
}

void RunBiasTrainDense(const mote_rt_model& m, const MoteOpRecord& op) {
  const Tail t = TailOf(m);
  const uint32_t features = ElementsOf(In(m, op, 0));
  const float* w = t.w1 != nullptr ? t.w1 : reinterpret_cast<const float*>(DataOf(m, op.inputs[1]));
  kernels::F32DenseRows(1, t.bias_units, features, InF32(m, op, 0), features, w, features, t.bh, op.act_min,
                        op.act_max, OutF32(m, op), t.bias_units);
}

}  // namespace rt
}  // namespace mote

using namespace mote::rt;

namespace {
bool Ready(const mote_rt_model* m) { return m != nullptr && m->ready == MOTE_RT_MODEL_READY; }
}  // namespace

extern "C" {

mote_rt_status mote_rt_train_step(mote_rt_model* m, uint32_t label, float* loss) {
  if (!Ready(m)) return MOTE_RT_BAD_ARGUMENT;
  if (m->train == nullptr) return MOTE_RT_NOT_TRAINABLE;
  const MoteTrainRecord& r = *m->train;
  const Tail t = TailOf(*m);
  if (label >= t.classes) return MOTE_RT_BAD_LABEL;
  mote_rt_invoke(m);  // cannot fail on a ready model
  const float* z = OutF32(*m, *t.op);
  const float* x = InF32(*m, *t.op, 0);
  const uint32_t k = t.classes;

  // Softmax cross-entropy of one example (src/losses/softmax_cross_entropy.cc),
  // one row of a batch of batch_size: the gradient is scaled by 1/batch_size.
  const float on = 1.0f - r.label_smoothing;
  const float off = r.label_smoothing / float(k - 1);
  const float inv_batch = 1.0f / float(m->batch_size);
  float max = z[0];
  for (uint32_t j = 1; j < k; ++j) max = z[j] > max ? z[j] : max;
  float sum = 0.0f;
  for (uint32_t j = 0; j < k; ++j) {
    const float e = mote::ExpF(z[j] - max);
    sum += e;
    t.dy[j] = e;
  }
  const float log_sum = mote::LogF(sum);
  double row = 0.0;
  if (off == 0.0f) {
    row = double(log_sum) + double(max - z[label]);
  } else {
    for (uint32_t j = 0; j < k; ++j) {
      const float target = j == label ? on : off;
      row += double(target) * (double(log_sum) + double(max - z[j]));
    }
  }
  const float value = float(row / 1.0);
  if (loss != nullptr) *loss = value;
  if (!mote::rt::Finite(value)) return MOTE_RT_NOT_FINITE;
  const float inv_sum = 1.0f / sum;
  for (uint32_t j = 0; j < k; ++j) {
    const float target = j == label ? on : off;
    t.dy[j] = (t.dy[j] * inv_sum - target) * inv_batch;
  }

  // The dense layer's gradient (src/layers/dense.cc): dW = dY^T X accumulated
  // example after example onto zeroed gradients (the scalar GEMM's order),
  // the bias block holding the channel sums of dY until the update.
  const bool first = m->accumulated == 0;
  for (uint32_t u = 0; u < k; ++u) {
    float* gw = t.gw + size_t(u) * t.features;
    if (first) {
      for (uint32_t f = 0; f < t.features; ++f) gw[f] = 0.0f + t.dy[u] * x[f];
      t.gb[u] = 0.0f + t.dy[u];
    } else {
      for (uint32_t f = 0; f < t.features; ++f) gw[f] += t.dy[u] * x[f];
      t.gb[u] += t.dy[u];
    }
  }
  if (t.bias_units != 0) {
    // Bias-only option: dX = dY W (with the weights before the update), through
    // the feeding op's clamp (the library's F32ClampBackward on its output x),
    // then that bias's gradient as the tail's.
    for (uint32_t f = 0; f < t.features; ++f) t.dh[f] = 0.0f;
    for (uint32_t u = 0; u < k; ++u) {
      const float* w = t.w + size_t(u) * t.features;
      for (uint32_t f = 0; f < t.features; ++f) t.dh[f] += t.dy[u] * w[f];
    }
    const float lo = t.bias_op->act_min, hi = t.bias_op->act_max;
    float* gbh = t.gb + k;
    const float* x1 = t.w1 != nullptr ? InF32(*m, *t.bias_op, 0) : nullptr;
    float* gw1 = gbh + t.bias_units;
    for (uint32_t f = 0; f < t.features; ++f) {
      const float d = (x[f] > lo && x[f] < hi) ? t.dh[f] : 0.0f;
      gbh[f] = first ? 0.0f + d : gbh[f] + d;
      if (x1 == nullptr) continue;
      // Its weight gradient as the tail's (the last two dense layers).
      float* g = gw1 + size_t(f) * t.feed_inputs;
      for (uint32_t i = 0; i < t.feed_inputs; ++i) g[i] = first ? 0.0f + d * x1[i] : g[i] + d * x1[i];
    }
  }
  if (++m->accumulated < m->batch_size) return MOTE_RT_OK;
  m->accumulated = 0;
  // bias_grad (zeroed) + channel sums, for the tail's bias and the option's.
  for (uint32_t u = 0; u < k + t.bias_units; ++u) t.gb[u] = 0.0f + t.gb[u];

  // The update, probed first (Model::TrainStep's guard): nothing is written
  // when a parameter or state value would stop being finite.
  Update up{};
  up.optimizer = r.optimizer;
  up.lr = m->learning_rate;
  up.alpha = r.hyper[0];
  if (r.optimizer == MOTE_OPTIMIZER_ADAM) {
    up.rho1 = r.hyper[0];
    up.rho2 = r.hyper[1];
    up.delta = r.hyper[2];
    const uint32_t step = m->steps + 1;
    up.inv_c1 = float(1.0 / (1.0 - PowInt(double(up.rho1), step)));
    up.inv_c2 = float(1.0 / (1.0 - PowInt(double(up.rho2), step)));
  }
  const uint32_t n = t.count;
  float* s0 = t.s;
  float* s1 = t.s + n;
  const bool has_state = r.state_bytes != 0, has_second = r.optimizer == MOTE_OPTIMIZER_ADAM;
  // w and b are contiguous (params block), and so are their gradients.
  uint32_t bad = 0;
  for (uint32_t i = 0; i < n; ++i) {
    float w = 0.0f, a = 0.0f, c = 0.0f;
    up(t.w[i], t.gw[i], has_state ? s0[i] : 0.0f, has_second ? s1[i] : 0.0f, &w, &a, &c);
    bad |= uint32_t(!mote::rt::Finite(w)) | uint32_t(!mote::rt::Finite(a)) | uint32_t(!mote::rt::Finite(c));
  }
  if (bad) return MOTE_RT_NOT_FINITE;
  for (uint32_t i = 0; i < n; ++i) {
    float w = 0.0f, a = 0.0f, c = 0.0f;
    up(t.w[i], t.gw[i], has_state ? s0[i] : 0.0f, has_second ? s1[i] : 0.0f, &w, &a, &c);
    t.w[i] = w;
    if (has_state) s0[i] = a;
    if (has_second) s1[i] = c;
  }
  ++m->steps;
  return MOTE_RT_OK;
}

mote_rt_status mote_rt_set_batch_size(mote_rt_model* m, uint32_t batch_size) {
  if (!Ready(m)) return MOTE_RT_BAD_ARGUMENT;
  if (m->train == nullptr) return MOTE_RT_NOT_TRAINABLE;
  if (batch_size == 0 || batch_size > 65535) return MOTE_RT_BAD_ARGUMENT;
  m->batch_size = batch_size;
  m->accumulated = 0;
  return MOTE_RT_OK;
}

mote_rt_status mote_rt_set_learning_rate(mote_rt_model* m, float learning_rate) {
  if (!Ready(m)) return MOTE_RT_BAD_ARGUMENT;
  if (m->train == nullptr) return MOTE_RT_NOT_TRAINABLE;
  if (!(learning_rate >= 0.0f) || !mote::rt::Finite(learning_rate)) return MOTE_RT_BAD_ARGUMENT;
  m->learning_rate = learning_rate;
  return MOTE_RT_OK;
}

mote_rt_status mote_rt_get_learning_rate(const mote_rt_model* m, float* learning_rate) {
  if (!Ready(m) || learning_rate == nullptr) return MOTE_RT_BAD_ARGUMENT;
  if (m->train == nullptr) return MOTE_RT_NOT_TRAINABLE;
  *learning_rate = m->learning_rate;
  return MOTE_RT_OK;
}

uint32_t mote_rt_trainable_bytes(const mote_rt_model* m) {
  return Ready(m) && m->train != nullptr ? m->train->params_bytes : 0u;
}

mote_rt_status mote_rt_read_trainable(const mote_rt_model* m, void* out, size_t out_len) {
  if (!Ready(m) || out == nullptr) return MOTE_RT_BAD_ARGUMENT;
  if (m->train == nullptr) return MOTE_RT_NOT_TRAINABLE;
  if (out_len < m->train->params_bytes) return MOTE_RT_BAD_ARGUMENT;
  __builtin_memcpy(out, m->arena + m->train->params_offset, m->train->params_bytes);
  return MOTE_RT_OK;
}

mote_rt_status mote_rt_write_trainable(mote_rt_model* m, const void* in, size_t in_len) {
  if (!Ready(m) || in == nullptr) return MOTE_RT_BAD_ARGUMENT;
  if (m->train == nullptr) return MOTE_RT_NOT_TRAINABLE;
  if (in_len != m->train->params_bytes) return MOTE_RT_BAD_ARGUMENT;
  const uint8_t* p = static_cast<const uint8_t*>(in);
  for (uint32_t i = 0; i < m->train->params_bytes; i += 4) {
    float v;
    __builtin_memcpy(&v, p + i, 4);
    if (!mote::rt::Finite(v)) return MOTE_RT_NOT_FINITE;
  }
  __builtin_memcpy(m->arena + m->train->params_offset, in, m->train->params_bytes);
  return MOTE_RT_OK;
}

}  // extern "C"
