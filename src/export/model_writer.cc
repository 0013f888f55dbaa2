// Lays out the flat model file: header, tensor table, op table, then every
// constant's data at a 16-aligned offset; the CRC goes in last.
#include "mote/model_writer.h"

#include <string.h>

#include "mote/rt.h"

namespace mote {
namespace {

constexpr uint64_t kMaxFileBytes = 0xFFFFFFFFu & ~uint64_t(MOTE_MODEL_ALIGN - 1);

uint64_t AlignUp(uint64_t v) { return (v + MOTE_MODEL_ALIGN - 1) & ~uint64_t(MOTE_MODEL_ALIGN - 1); }
uint32_t DTypeBytes(MoteDType dtype) { return dtype == MOTE_DTYPE_I8 ? 1 : 4; }

}  // namespace

Status ModelWriter::AddTensor(MoteDType dtype, const std::vector<uint32_t>& dims, MoteTensorRecord* t) {
  if (dtype != MOTE_DTYPE_F32 && dtype != MOTE_DTYPE_I8 && dtype != MOTE_DTYPE_I32)
    return InvalidArgument("ModelWriter: unknown dtype");
  if (dims.empty() || dims.size() > MOTE_MODEL_MAX_RANK) return InvalidArgument("ModelWriter: rank must be 1..4");
  if (tensors_.size() >= MOTE_MODEL_NO_TENSOR) return InvalidArgument("ModelWriter: too many tensors");
  *t = MoteTensorRecord{};
  t->dtype = uint8_t(dtype);
  t->rank = uint8_t(dims.size());
  uint64_t elements = 1;
  for (size_t i = 0; i < MOTE_MODEL_MAX_RANK; ++i) {
    const uint32_t d = i < dims.size() ? dims[i] : 1;
    if (d == 0) return InvalidArgument("ModelWriter: zero dim");
    t->dims[i] = d;
    elements *= d;
    if (elements * DTypeBytes(dtype) > kMaxFileBytes) return InvalidArgument("ModelWriter: tensor too large");
  }
  t->bytes = uint32_t(elements * DTypeBytes(dtype));
  return Status::Ok();
}

Status ModelWriter::AddConstant(MoteDType dtype, const std::vector<uint32_t>& dims, const void* data, size_t bytes,
                                uint16_t* id) {
  if (id == nullptr || (data == nullptr && bytes != 0)) return InvalidArgument("ModelWriter: null argument");
  MoteTensorRecord t;
  MOTE_TRY(AddTensor(dtype, dims, &t));
  if (t.bytes != bytes) return InvalidArgument("ModelWriter: constant bytes != elements * dtype size");
  t.kind = MOTE_TENSOR_CONSTANT;
  const uint8_t* p = static_cast<const uint8_t*>(data);
  data_.emplace_back(p, p + bytes);
  tensors_.push_back(t);
  *id = uint16_t(tensors_.size() - 1);
  return Status::Ok();
}

Status ModelWriter::AddActivation(MoteDType dtype, const std::vector<uint32_t>& dims, uint32_t arena_offset,
                                  float scale, int32_t zero_point, uint16_t* id) {
  if (id == nullptr) return InvalidArgument("ModelWriter: null argument");
  MoteTensorRecord t;
  MOTE_TRY(AddTensor(dtype, dims, &t));
  if (arena_offset % MOTE_MODEL_ALIGN != 0) return InvalidArgument("ModelWriter: arena offset not 16-aligned");
  if (dtype == MOTE_DTYPE_I8) {
    if (!(scale > 0.0f && scale - scale == 0.0f) || zero_point < -128 || zero_point > 127)
      return InvalidArgument("ModelWriter: int8 activation needs scale > 0 and zero point in [-128, 127]");
  } else if (scale != 0.0f || zero_point != 0) {
    return InvalidArgument("ModelWriter: only int8 activations have a scale and zero point");
  }
  t.kind = MOTE_TENSOR_ACTIVATION;
  t.offset = arena_offset;
  t.scale = scale;
  t.zero_point = zero_point;
  data_.emplace_back();
  tensors_.push_back(t);
  *id = uint16_t(tensors_.size() - 1);
  return Status::Ok();
}

MoteOpRecord ModelWriter::Op(MoteOpType type, std::initializer_list<uint16_t> inputs, uint16_t output) {
  MoteOpRecord op{};
  op.type = uint16_t(type);
  for (uint16_t& in : op.inputs) in = MOTE_MODEL_NO_TENSOR;
  for (uint16_t in : inputs) {
    if (op.input_count == 4) break;
    op.inputs[op.input_count++] = in;
  }
  op.output = output;
  op.act_min = -__builtin_inff();
  op.act_max = __builtin_inff();
  return op;
}

Status ModelWriter::AddOp(const MoteOpRecord& op) {
  if (op.input_count > 4) return InvalidArgument("ModelWriter: op has more than 4 inputs");
  for (uint32_t i = 0; i < op.input_count; ++i)
    if (op.inputs[i] >= tensors_.size()) return InvalidArgument("ModelWriter: op input is not a tensor id");
  if (op.output >= tensors_.size()) return InvalidArgument("ModelWriter: op output is not a tensor id");
  ops_.push_back(op);
  return Status::Ok();
}

Status ModelWriter::AddIo(uint16_t id, uint16_t* count, uint16_t* ids) {
  if (id >= tensors_.size()) return InvalidArgument("ModelWriter: IO is not a tensor id");
  if (*count == MOTE_MODEL_MAX_IO) return InvalidArgument("ModelWriter: more than 4 inputs or outputs");
  ids[(*count)++] = id;
  return Status::Ok();
}

Status ModelWriter::AddInput(uint16_t id) { return AddIo(id, &input_count_, inputs_); }
Status ModelWriter::AddOutput(uint16_t id) { return AddIo(id, &output_count_, outputs_); }

Status ModelWriter::Finish(std::vector<uint8_t>* out) const {
  if (out == nullptr) return InvalidArgument("ModelWriter: null output");
  if (input_count_ == 0 || output_count_ == 0) return InvalidArgument("ModelWriter: no model input or output");
  MoteModelHeader h{};
  h.magic = MOTE_MODEL_MAGIC;
  h.version = MOTE_MODEL_VERSION;
  h.header_bytes = sizeof(MoteModelHeader);
  h.tensor_count = uint32_t(tensors_.size());
  h.tensor_table_offset = sizeof(MoteModelHeader);
  const uint64_t op_table = AlignUp(h.tensor_table_offset + uint64_t(tensors_.size()) * sizeof(MoteTensorRecord));
  const uint64_t train_at = op_table + uint64_t(ops_.size()) * sizeof(MoteOpRecord);
  uint64_t end = AlignUp(train_at + (has_train_ ? sizeof(MoteTrainRecord) : 0));
  std::vector<MoteTensorRecord> tensors = tensors_;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].kind != MOTE_TENSOR_CONSTANT) continue;
    tensors[i].offset = uint32_t(end);
    end = AlignUp(end + tensors[i].bytes);
    if (end > kMaxFileBytes) return InvalidArgument("ModelWriter: model larger than 4 GiB");
  }
  h.op_count = uint32_t(ops_.size());
  h.op_table_offset = uint32_t(op_table);
  h.file_bytes = uint32_t(end);
  h.arena_bytes = arena_bytes_;
  h.input_count = input_count_;
  h.output_count = output_count_;
  for (uint32_t i = 0; i < MOTE_MODEL_MAX_IO; ++i) {
    h.inputs[i] = i < input_count_ ? inputs_[i] : MOTE_MODEL_NO_TENSOR;
    h.outputs[i] = i < output_count_ ? outputs_[i] : MOTE_MODEL_NO_TENSOR;
  }
  h.flags = flags_ | (has_train_ ? MOTE_MODEL_FLAG_TRAINABLE : 0u);

  out->assign(size_t(end), 0);
  uint8_t* bytes = out->data();
  if (!tensors.empty()) memcpy(bytes + h.tensor_table_offset, tensors.data(), tensors.size() * sizeof(MoteTensorRecord));
  if (!ops_.empty()) memcpy(bytes + op_table, ops_.data(), ops_.size() * sizeof(MoteOpRecord));
  if (has_train_) memcpy(bytes + train_at, &train_, sizeof(train_));
  for (size_t i = 0; i < tensors.size(); ++i)
    if (!data_[i].empty()) memcpy(bytes + tensors[i].offset, data_[i].data(), data_[i].size());
  h.crc32 = 0;
  memcpy(bytes, &h, sizeof(h));
  h.crc32 = mote_rt_crc32(bytes + 12, size_t(end) - 12);
  memcpy(bytes, &h, sizeof(h));
  return Status::Ok();
}

}  // namespace mote
