// The loader (mote_rt_arena_bytes, mote_rt_model_init), the CRC, IO access and
// invoke: everything of rt.h but the ops. Checks run in a fixed order, one
// status class each: arguments, truncation, magic, version, CRC, tables,
// tensors, ops, IO ids, arena size. Ranges are checked as `offset <= limit &&
// bytes <= limit - offset` (32 bits, no sum that could wrap); once checked,
// offset + bytes of a range fits in 32 bits.
#include "mote/rt.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {
namespace {

constexpr uint32_t kHeaderBytes = sizeof(MoteModelHeader);
constexpr uint32_t kKnownFlags = MOTE_MODEL_FLAG_INT8 | MOTE_MODEL_FLAG_TRAINABLE;

bool Aligned(const void* p) { return (reinterpret_cast<uintptr_t>(p) & (MOTE_MODEL_ALIGN - 1)) == 0; }
bool Aligned(uint32_t offset) { return (offset & (MOTE_MODEL_ALIGN - 1)) == 0; }
// [offset, offset + bytes) inside [0, limit) and offset 16-aligned.
bool RangeOk(uint32_t offset, uint32_t bytes, uint32_t limit) {
  return Aligned(offset) && offset <= limit && bytes <= limit - offset;
}
// A table of `count` records of `record_bytes` at `offset`, after the header
// and inside [0, limit). Out of line: one copy for both tables (code size).
__attribute__((noinline)) bool TableOk(uint32_t offset, uint32_t count, uint32_t record_bytes, uint32_t limit) {
  return offset >= kHeaderBytes && RangeOk(offset, 0, limit) && uint64_t(count) * record_bytes <= limit - offset;
}
uint32_t DTypeSize(uint8_t dtype) { return dtype == MOTE_DTYPE_I8 ? 1u : 4u; }

mote_rt_status CheckTensor(const MoteTensorRecord& t, uint32_t file_bytes, uint32_t arena_bytes) {
  if (t.dtype > MOTE_DTYPE_I32 || t.kind > MOTE_TENSOR_CONSTANT || t.rank < 1 || t.rank > MOTE_MODEL_MAX_RANK ||
      (t.reserved0 | t.reserved1[0] | t.reserved1[1] | t.reserved1[2]) != 0)
    return MOTE_RT_BAD_TENSOR;
  uint32_t elements = 1;
  for (uint32_t i = 0; i < MOTE_MODEL_MAX_RANK; ++i) {
    if (t.dims[i] == 0 || (i >= t.rank && t.dims[i] != 1)) return MOTE_RT_BAD_TENSOR;
    if (__builtin_mul_overflow(elements, t.dims[i], &elements)) return MOTE_RT_BAD_TENSOR;
  }
  uint32_t bytes;
  if (__builtin_mul_overflow(elements, DTypeSize(t.dtype), &bytes) || bytes != t.bytes) return MOTE_RT_BAD_TENSOR;
  const bool quantized = t.dtype == MOTE_DTYPE_I8 && t.kind == MOTE_TENSOR_ACTIVATION;
  // The scale's bits (integer compares): positive and finite is 0 < bits <
  // 0x7F800000 (inf and NaN above, negatives have the sign bit); zero is +0 or -0.
  uint32_t scale;
  __builtin_memcpy(&scale, &t.scale, 4);
  if (quantized ? scale - 1 >= 0x7F800000u - 1 || t.zero_point < -128 || t.zero_point > 127
                : (scale << 1) != 0 || t.zero_point != 0)
    return MOTE_RT_BAD_TENSOR;
  const uint32_t limit = t.kind == MOTE_TENSOR_CONSTANT ? file_bytes : arena_bytes;
  return RangeOk(t.offset, t.bytes, limit) ? MOTE_RT_OK : MOTE_RT_BAD_OFFSET;
}

// A tensor id in range whose tensor is an activation when `activation`.
bool TensorIdOk(const mote_rt_model& m, uint16_t id, bool activation) {
  return id < m.header->tensor_count && (!activation || m.tensors[id].kind == MOTE_TENSOR_ACTIVATION);
}

// The 4 ids of an op's inputs or the model's inputs / outputs: the first
// `count` valid (TensorIdOk), the rest MOTE_MODEL_NO_TENSOR.
mote_rt_status CheckIds(const mote_rt_model& m, uint32_t count, const uint16_t* ids, bool activation) {
  static_assert(MOTE_MODEL_MAX_IO == 4, "op and model id lists have the same length");
  for (uint32_t i = 0; i < MOTE_MODEL_MAX_IO; ++i)
    if (i < count ? !TensorIdOk(m, ids[i], activation) : ids[i] != MOTE_MODEL_NO_TENSOR) return MOTE_RT_BAD_TENSOR;
  return MOTE_RT_OK;
}

// [a, a + a_bytes) and [b, b + b_bytes) share a byte (both ranges checked
// inside the arena, so the sums do not wrap).
bool Overlap(uint32_t a, uint32_t a_bytes, uint32_t b, uint32_t b_bytes) { return a < b + b_bytes && b < a + a_bytes; }

// An op reads its inputs while it writes its output and scratch, so none of
// them may share bytes: ops (memcpy, kernels) assume distinct buffers. The one
// exception is a RESHAPE whose output is its input exactly (nothing is copied).
mote_rt_status CheckOpAliasing(const mote_rt_model& m, const MoteOpRecord& op) {
  const MoteTensorRecord& y = m.tensors[op.output];
  const bool scratch = op.scratch_bytes != 0;
  if (scratch && Overlap(y.offset, y.bytes, op.scratch_offset, op.scratch_bytes)) return MOTE_RT_BAD_OFFSET;
  for (uint32_t i = 0; i < op.input_count; ++i) {
    const MoteTensorRecord& x = m.tensors[op.inputs[i]];
    if (x.kind != MOTE_TENSOR_ACTIVATION) continue;  // constants live in the model bytes
    if (scratch && Overlap(x.offset, x.bytes, op.scratch_offset, op.scratch_bytes)) return MOTE_RT_BAD_OFFSET;
    const bool reshape_alias = op.type == MOTE_OP_RESHAPE && x.offset == y.offset && x.bytes == y.bytes;
    if (!reshape_alias && Overlap(x.offset, x.bytes, y.offset, y.bytes)) return MOTE_RT_BAD_OFFSET;
  }
  return MOTE_RT_OK;
}

// What the loader checks of every op before its own validate function. Out of
// line (smaller code).
__attribute__((noinline)) mote_rt_status CheckOpCommon(const mote_rt_model& m, const MoteOpRecord& op) {
  if (op.activation > MOTE_ACT_RELU6) return MOTE_RT_UNKNOWN_OP;
  if (op.input_count > 4 || op.reserved0 != 0) return MOTE_RT_BAD_PARAMS;
  MOTE_RT_TRY(CheckIds(m, op.input_count, op.inputs, false));
  if (!TensorIdOk(m, op.output, true)) return MOTE_RT_BAD_TENSOR;
  // A compute dtype this build leaves out (meson option runtime_dtypes; the
  // ops' RunsI8): Quantize and Dequantize convert between the two, so any
  // build runs them.
  if (op.type != MOTE_OP_QUANTIZE && op.type != MOTE_OP_DEQUANTIZE && op.input_count > 0) {
    const bool i8 = m.tensors[op.inputs[0]].dtype == MOTE_DTYPE_I8;
    if (i8 ? !MOTE_RT_DTYPE_I8 : !MOTE_RT_DTYPE_F32) return MOTE_RT_UNKNOWN_OP;
  }
  if (op.scratch_bytes != 0 && !RangeOk(op.scratch_offset, op.scratch_bytes, m.arena_bytes)) return MOTE_RT_BAD_OFFSET;
  if (op.scratch_bytes == 0 && op.scratch_offset != 0) return MOTE_RT_BAD_OFFSET;
  MOTE_RT_TRY(CheckOpAliasing(m, op));
  // NaN fails both comparisons.
  if (!(op.act_min <= op.act_max)) return MOTE_RT_BAD_PARAMS;
  return MOTE_RT_OK;
}

mote_rt_status CheckIo(const mote_rt_model& m, uint32_t count, const uint16_t* ids) {
  if (count < 1 || count > MOTE_MODEL_MAX_IO) return MOTE_RT_BAD_TENSOR;
  return CheckIds(m, count, ids, true);
}

// Every check but the arena's; fills m (arena unset; m zeroed before, so train
// stays null without a trainable tail) on success, part of it on failure.
mote_rt_status Check(const void* model, size_t model_len, mote_rt_model* m) {
  if (model == nullptr) return MOTE_RT_BAD_ARGUMENT;
  if (!Aligned(model)) return MOTE_RT_BAD_ARGUMENT;
  if (model_len < kHeaderBytes) return MOTE_RT_TRUNCATED;
  const uint8_t* bytes = static_cast<const uint8_t*>(model);
  const MoteModelHeader* h = reinterpret_cast<const MoteModelHeader*>(bytes);
  if (h->magic != MOTE_MODEL_MAGIC) return MOTE_RT_BAD_MAGIC;
  if (h->version != MOTE_MODEL_VERSION) return MOTE_RT_BAD_VERSION;
  if (h->file_bytes > model_len) return MOTE_RT_TRUNCATED;
  if (h->file_bytes < kHeaderBytes) return MOTE_RT_BAD_OFFSET;
  if (mote_rt_crc32(bytes + 12, h->file_bytes - 12) != h->crc32) return MOTE_RT_BAD_CHECKSUM;
  if (!Aligned(h->file_bytes) || h->header_bytes != kHeaderBytes) return MOTE_RT_BAD_OFFSET;
  if ((h->flags & ~kKnownFlags) != 0) return MOTE_RT_UNKNOWN_OP;
  if (h->tensor_count >= MOTE_MODEL_NO_TENSOR) return MOTE_RT_BAD_TENSOR;
  if (!TableOk(h->tensor_table_offset, h->tensor_count, sizeof(MoteTensorRecord), h->file_bytes) ||
      !TableOk(h->op_table_offset, h->op_count, sizeof(MoteOpRecord), h->file_bytes))
    return MOTE_RT_BAD_OFFSET;

  m->bytes = bytes;
  m->size = h->file_bytes;
  m->header = h;
  m->tensors = reinterpret_cast<const MoteTensorRecord*>(bytes + h->tensor_table_offset);
  m->ops = reinterpret_cast<const MoteOpRecord*>(bytes + h->op_table_offset);
  m->arena_bytes = h->arena_bytes;
  for (uint32_t i = 0; i < h->tensor_count; ++i)
    MOTE_RT_TRY(CheckTensor(m->tensors[i], h->file_bytes, h->arena_bytes));
  for (uint32_t i = 0; i < h->op_count; ++i) {
    const MoteOpRecord& op = m->ops[i];
    const OpKind* kind = FindOp(op.type);
    if (kind == nullptr) return MOTE_RT_UNKNOWN_OP;
    MOTE_RT_TRY(CheckOpCommon(*m, op));
    MOTE_RT_TRY(kind->validate(*m, op));
  }
  MOTE_RT_TRY(CheckIo(*m, h->input_count, h->inputs));
  MOTE_RT_TRY(CheckIo(*m, h->output_count, h->outputs));
  if ((h->flags & MOTE_MODEL_FLAG_TRAINABLE) != 0) {
    if (!MOTE_RT_TRAINING) return MOTE_RT_UNKNOWN_OP;  // a build without training (runtime_training)
    // The train record right after the op table.
    const uint32_t at = h->op_table_offset + h->op_count * uint32_t(sizeof(MoteOpRecord));  // <= file_bytes
    if (!RangeOk(at, sizeof(MoteTrainRecord), h->file_bytes)) return MOTE_RT_BAD_OFFSET;
    m->train = reinterpret_cast<const MoteTrainRecord*>(bytes + at);
    MOTE_RT_TRY(CheckTrain(*m));
  }
  return MOTE_RT_OK;
}

// Initialised by a successful mote_rt_model_init (which sets every pointer).
bool Ready(const mote_rt_model* m) { return m != nullptr && m->ready == MOTE_RT_MODEL_READY; }

mote_rt_status Tensor(const mote_rt_model* m, uint32_t index, bool input, mote_rt_tensor* tensor) {
  if (!Ready(m) || tensor == nullptr) return MOTE_RT_BAD_ARGUMENT;
  const MoteModelHeader& h = *m->header;
  if (index >= (input ? h.input_count : h.output_count)) return MOTE_RT_BAD_ARGUMENT;
  const uint16_t id = input ? h.inputs[index] : h.outputs[index];
  const MoteTensorRecord& t = m->tensors[id];
  tensor->data = m->arena + t.offset;
  tensor->bytes = t.bytes;
  tensor->dtype = t.dtype;
  tensor->rank = t.rank;
  for (uint32_t i = 0; i < MOTE_MODEL_MAX_RANK; ++i) tensor->dims[i] = t.dims[i];
  tensor->scale = t.scale;
  tensor->zero_point = t.zero_point;
  return MOTE_RT_OK;
}

}  // namespace
}  // namespace rt
}  // namespace mote

using namespace mote::rt;

extern "C" {

const char* mote_rt_status_message(mote_rt_status status) {
  switch (status) {
    case MOTE_RT_OK: return "ok";
    case MOTE_RT_BAD_ARGUMENT: return "bad argument (null, index out of range or misaligned)";
    case MOTE_RT_TRUNCATED: return "truncated model";
    case MOTE_RT_BAD_MAGIC: return "not a mote model (bad magic)";
    case MOTE_RT_BAD_VERSION: return "unsupported model format version";
    case MOTE_RT_BAD_CHECKSUM: return "checksum mismatch (corrupted model or tail record)";
    case MOTE_RT_BAD_OFFSET:
      return "offset or size outside the model or arena, misaligned, or overlapping another buffer of its op";
    case MOTE_RT_BAD_TENSOR: return "bad tensor record";
    case MOTE_RT_BAD_SHAPE: return "inconsistent shapes";
    case MOTE_RT_UNKNOWN_OP: return "unknown op, activation or flag";
    case MOTE_RT_BAD_PARAMS: return "op parameters out of range";
    case MOTE_RT_ARENA_TOO_SMALL: return "arena too small";
    case MOTE_RT_NOT_TRAINABLE: return "the model has no trainable tail";
    case MOTE_RT_BAD_LABEL: return "label out of range";
    case MOTE_RT_NOT_FINITE: return "NaN or infinite loss or update (nothing changed)";
    case MOTE_RT_OTHER_MODEL: return "stored tail record made for another model";
    case MOTE_RT_STATUS_END: break;
  }
  return "unknown status";
}

mote_rt_status mote_rt_arena_bytes(const void* model, size_t model_len, size_t* arena_bytes) {
  if (arena_bytes == nullptr) return MOTE_RT_BAD_ARGUMENT;
  mote_rt_model m{};
  const mote_rt_status s = Check(model, model_len, &m);
  if (s == MOTE_RT_OK) *arena_bytes = m.arena_bytes;
  return s;
}

mote_rt_status mote_rt_model_init(mote_rt_model* m, const void* model, size_t model_len, void* arena,
                                  size_t arena_len) {
  if (m == nullptr) return MOTE_RT_BAD_ARGUMENT;
  __builtin_memset(m, 0, sizeof(*m));
  if (arena == nullptr || !Aligned(arena)) return MOTE_RT_BAD_ARGUMENT;
  mote_rt_status s = Check(model, model_len, m);
  if (s == MOTE_RT_OK && arena_len < m->arena_bytes) s = MOTE_RT_ARENA_TOO_SMALL;
  if (s != MOTE_RT_OK) {
    __builtin_memset(m, 0, sizeof(*m));  // Check may have filled some fields
    return s;
  }
  m->arena = static_cast<uint8_t*>(arena);
  m->ready = MOTE_RT_MODEL_READY;
  if (MOTE_RT_TRAINING && m->train != nullptr) InitTrain(*m);
  return MOTE_RT_OK;
}

mote_rt_status mote_rt_input(const mote_rt_model* m, uint32_t index, mote_rt_tensor* tensor) {
  return Tensor(m, index, true, tensor);
}
mote_rt_status mote_rt_output(const mote_rt_model* m, uint32_t index, mote_rt_tensor* tensor) {
  return Tensor(m, index, false, tensor);
}
uint32_t mote_rt_input_count(const mote_rt_model* m) {
  return Ready(m) ? m->header->input_count : 0;
}
uint32_t mote_rt_output_count(const mote_rt_model* m) {
  return Ready(m) ? m->header->output_count : 0;
}

mote_rt_status mote_rt_invoke(mote_rt_model* m) {
  if (!Ready(m)) return MOTE_RT_BAD_ARGUMENT;
  for (uint32_t i = 0; i < m->header->op_count; ++i) {
    const MoteOpRecord& op = m->ops[i];
    if (MOTE_RT_TRAINING && m->train != nullptr && i == m->train->op)
      RunTrainDense(*m, op);  // the trainable tail reads its weights from the arena
    else if (MOTE_RT_TRAINING && m->train != nullptr && m->train->bias_units != 0 && i == m->train->bias_op)
      RunBiasTrainDense(*m, op);  // and the op feeding it its bias (bias-only option)
    else
      FindOp(op.type)->run(*m, op);
  }
  return MOTE_RT_OK;
}

}  // extern "C"
