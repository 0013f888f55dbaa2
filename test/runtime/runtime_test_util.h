// Shared by the runtime tests and the fuzz corpus writer: building small
// models with ModelWriter and running them through the C API in exactly
// sized, 16-aligned buffers (so ASan sees any read past the end).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <initializer_list>
#include <memory>
#include <new>
#include <vector>

#include "mote/model_writer.h"
#include "mote/rt.h"

namespace mote {
namespace testing {

inline constexpr float kInf = __builtin_inff();

// `size` bytes at a 16-aligned address, nothing more (size 0 still gets a
// valid pointer).
class AlignedBytes {
 public:
  AlignedBytes() = default;
  explicit AlignedBytes(size_t size) : data_(Allocate(size)), size_(size) {}
  AlignedBytes(const void* src, size_t size) : AlignedBytes(size) {
    if (size) memcpy(data_.get(), src, size);
  }
  uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t(16)); }
  };
  static uint8_t* Allocate(size_t size) {
    return static_cast<uint8_t*>(::operator new[](size ? size : 1, std::align_val_t(16)));
  }
  std::unique_ptr<uint8_t, Free> data_;
  size_t size_ = 0;
};

// Builds a model: activations get consecutive 16-aligned arena offsets (no
// reuse), ops stay editable until Build().
class GraphBuilder {
 public:
  uint16_t Act(MoteDType dtype, std::vector<uint32_t> dims, float scale = 0.0f, int32_t zero_point = 0);
  // An activation at a given arena offset (aliasing another tensor).
  uint16_t ActAt(MoteDType dtype, std::vector<uint32_t> dims, uint32_t offset, float scale = 0.0f,
                 int32_t zero_point = 0);
  uint16_t ConstF32(std::vector<uint32_t> dims, const std::vector<float>& values);
  uint16_t ConstI8(std::vector<uint32_t> dims, const std::vector<int8_t>& values);
  uint16_t ConstI32(std::vector<uint32_t> dims, const std::vector<int32_t>& values);
  // Reserves arena bytes (scratch); returns the offset.
  uint32_t Reserve(uint32_t bytes);
  // Appends an op (see ModelWriter::Op) and returns it for editing.
  MoteOpRecord& Op(MoteOpType type, std::initializer_list<uint16_t> inputs, uint16_t output);
  // An int8 op: clamp [-128, 127].
  MoteOpRecord& OpI8(MoteOpType type, std::initializer_list<uint16_t> inputs, uint16_t output);
  // The file, with inputs/outputs as given and arena_bytes = everything
  // reserved (plus `arena_delta`, may be negative).
  std::vector<uint8_t> Build(std::initializer_list<uint16_t> inputs, std::initializer_list<uint16_t> outputs,
                             int64_t arena_delta = 0);
  const MoteTensorRecord& tensor(uint16_t id) const { return writer_.tensor(id); }
  uint32_t arena_bytes() const { return arena_; }

 private:
  ModelWriter writer_;
  std::vector<MoteOpRecord> ops_;
  uint32_t arena_ = 0;
};

// A model loaded through the C API with its own copies of the bytes and arena.
class LoadedModel {
 public:
  // Copies the model into an exactly sized aligned buffer and inits with an
  // arena of `arena_len` bytes (default: what the model asks for).
  mote_rt_status Load(const std::vector<uint8_t>& model, size_t arena_len = SIZE_MAX);
  mote_rt_model& model() { return m_; }
  void* InputData(uint32_t i);
  const void* OutputData(uint32_t i);
  size_t OutputBytes(uint32_t i);
  template <class T>
  void SetInput(uint32_t i, const std::vector<T>& values) {
    memcpy(InputData(i), values.data(), values.size() * sizeof(T));
  }
  template <class T>
  std::vector<T> Output(uint32_t i) {
    std::vector<T> out(OutputBytes(i) / sizeof(T));
    memcpy(out.data(), OutputData(i), out.size() * sizeof(T));
    return out;
  }
  // Runs once; the status of mote_rt_invoke.
  mote_rt_status Invoke() { return mote_rt_invoke(&m_); }

 private:
  AlignedBytes bytes_, arena_;
  mote_rt_model m_{};
};

// Deterministic pseudo-random values in [lo, hi] (simple LCG; tests only).
std::vector<float> RandomF32(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f);
std::vector<int8_t> RandomI8(size_t n, uint32_t seed, int lo = -128, int hi = 127);

// Small valid models covering the ops (fp32 seed-like network, int8 network);
// the fuzz target's seed corpus and the loader tests start from these.
std::vector<uint8_t> TinyF32Model();
std::vector<uint8_t> TinyI8Model();

// model_format.h's requantization, written out independently of the kernels.
int32_t ReferenceRequant(int64_t acc, int32_t multiplier, int32_t shift, int32_t zero_point, int32_t lo, int32_t hi);

// The multiplier/shift pair (model_format.h) closest to `real` (> 0).
void QuantizeMultiplier(double real, int32_t* multiplier, int32_t* shift);

}  // namespace testing
}  // namespace mote
