// Low-level writer of the flat model file (include/mote/model_format.h), for
// hosts. It lays out the bytes; what the tensors and ops mean (folding,
// planning, quantization) is the exporter's job (it builds on this class).
// The runtime's loader (mote_rt_arena_bytes) is the full semantic check of
// the result; the writer only refuses records it cannot encode.
//
//   mote::ModelWriter w;
//   uint16_t x, wt, b, y;
//   w.AddActivation(MOTE_DTYPE_F32, {4}, /*arena_offset=*/0, 0.0f, 0, &x);
//   w.AddConstant(MOTE_DTYPE_F32, {3, 4}, weights, 12 * sizeof(float), &wt);
//   w.AddConstant(MOTE_DTYPE_F32, {3}, bias, 3 * sizeof(float), &b);
//   w.AddActivation(MOTE_DTYPE_F32, {3}, /*arena_offset=*/16, 0.0f, 0, &y);
//   MoteOpRecord dense = mote::ModelWriter::Op(MOTE_OP_DENSE, {x, wt, b}, y);
//   dense.act_min = 0.0f;  // fused ReLU
//   w.AddOp(dense);
//   w.AddInput(x);
//   w.AddOutput(y);
//   w.SetArenaBytes(32);
//   std::vector<uint8_t> bytes;
//   MOTE_TRY(w.Finish(&bytes));  // header, tables, 16-aligned data, CRC
//
// Every Add* returns a Status (kInvalidArgument for a bad dtype, rank, dim,
// byte count, misaligned arena offset, unknown tensor id or too many
// tensors / IO entries) and changes nothing when it fails.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <initializer_list>
#include <vector>

#include "mote/model_format.h"
#include "mote/status.h"

namespace mote {

class ModelWriter {
 public:
  // A constant tensor (weights, biases, requantization tables): `bytes` must
  // equal elements * dtype size; the data is copied. Scale and zero point 0.
  Status AddConstant(MoteDType dtype, const std::vector<uint32_t>& dims, const void* data, size_t bytes,
                     uint16_t* id);
  // An activation at `arena_offset` (16-aligned) in the caller's arena. int8
  // activations need scale > 0 and zero_point in [-128, 127]; others 0 and 0.
  Status AddActivation(MoteDType dtype, const std::vector<uint32_t>& dims, uint32_t arena_offset, float scale,
                       int32_t zero_point, uint16_t* id);
  // An op, appended in run order; its tensor ids must exist already.
  Status AddOp(const MoteOpRecord& op);
  Status AddInput(uint16_t id);
  Status AddOutput(uint16_t id);
  void SetArenaBytes(uint32_t arena_bytes) { arena_bytes_ = arena_bytes; }
  void SetFlags(uint32_t flags) { flags_ = flags; }
  // A trainable tail: the record goes right after the op table and the
  // header gains MOTE_MODEL_FLAG_TRAINABLE.
  void SetTrainRecord(const MoteTrainRecord& record) {
    train_ = record;
    has_train_ = true;
  }

  // An op record with unused inputs = MOTE_MODEL_NO_TENSOR, no clamp
  // (act_min = -inf, act_max = +inf; set them for a fused activation or to
  // -128 / 127 for int8), no scratch and params 0.
  static MoteOpRecord Op(MoteOpType type, std::initializer_list<uint16_t> inputs, uint16_t output);

  size_t tensor_count() const { return tensors_.size(); }
  const MoteTensorRecord& tensor(uint16_t id) const { return tensors_[id]; }

  // The whole file. kInvalidArgument without inputs or outputs, or when the
  // file would exceed 4 GiB.
  Status Finish(std::vector<uint8_t>* out) const;

 private:
  Status AddTensor(MoteDType dtype, const std::vector<uint32_t>& dims, MoteTensorRecord* t);
  Status AddIo(uint16_t id, uint16_t* count, uint16_t* ids);

  std::vector<MoteTensorRecord> tensors_;
  // Data of each constant (empty for activations), indexed like tensors_.
  std::vector<std::vector<uint8_t>> data_;
  std::vector<MoteOpRecord> ops_;
  uint16_t input_count_ = 0, output_count_ = 0;
  uint16_t inputs_[MOTE_MODEL_MAX_IO] = {}, outputs_[MOTE_MODEL_MAX_IO] = {};
  uint32_t arena_bytes_ = 0;
  uint32_t flags_ = 0;
  bool has_train_ = false;
  MoteTrainRecord train_ = {};
};

}  // namespace mote
