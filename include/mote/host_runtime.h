// The runtime (include/mote/rt.h) on the host, for tools and tests: owns
// 16-aligned copies of the model bytes and an arena of exactly the planned
// size, and runs one example at a time with float inputs and outputs (as an
// exported model has, int8 or not).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <memory>
#include <vector>

#include "mote/rt.h"
#include "mote/status.h"

namespace mote {

class HostRuntime {
 public:
  HostRuntime();
  ~HostRuntime();
  HostRuntime(const HostRuntime&) = delete;
  HostRuntime& operator=(const HostRuntime&) = delete;

  // kCorruptData (with the runtime's status message; `rt_status` receives the
  // status when not null) for bytes the runtime rejects.
  Status Load(const void* bytes, size_t len, mote_rt_status* rt_status = nullptr);
  // Input 0 (float) -> output 0 (float): input_elements() floats in,
  // output_elements() floats out. The lengths are the buffers' sizes in
  // floats: a shorter buffer is kShapeMismatch (the message gives both sizes)
  // and nothing is read or written. kInvalidArgument before Load, for a null
  // buffer or when a tensor is not float.
  Status Run(const float* input, size_t input_len, float* output, size_t output_len);
  // Runs `count` examples stored one after another (inputs_len >= count x
  // input_elements(), outputs_len >= count x output_elements()).
  Status RunBatch(const float* inputs, size_t inputs_len, size_t count, float* outputs, size_t outputs_len);

  size_t input_elements() const;
  size_t output_elements() const;
  size_t arena_bytes() const { return arena_bytes_; }
  mote_rt_model& model() { return model_; }

 private:
  struct Free {
    void operator()(void* p) const;
  };
  std::unique_ptr<uint8_t, Free> bytes_, arena_;
  size_t arena_bytes_ = 0;
  bool loaded_ = false;
  mote_rt_model model_{};
};

}  // namespace mote
