// HostRuntime (include/mote/host_runtime.h).
#include "mote/host_runtime.h"

#include <cstdlib>
#include <cstring>

#include "src/core/status_format.h"

namespace mote {
namespace {

// Model and arena on cache lines (the file needs 16): a tensor the export puts
// at a multiple of 64 then loads its vectors without splitting lines.
constexpr size_t kLine = 64;
size_t LineUp(size_t len) { return len ? (len + kLine - 1) / kLine * kLine : kLine; }

uint8_t* AlignedCopy(const void* bytes, size_t len) {
  auto* p = static_cast<uint8_t*>(std::aligned_alloc(kLine, LineUp(len)));
  if (p != nullptr && len > 0) std::memcpy(p, bytes, len);
  return p;
}

size_t Elements(const mote_rt_tensor& t) {
  size_t e = 1;
  for (uint32_t i = 0; i < t.rank; ++i) e *= t.dims[i];
  return e;
}

}  // namespace

void HostRuntime::Free::operator()(void* p) const { std::free(p); }

HostRuntime::HostRuntime() = default;
HostRuntime::~HostRuntime() = default;

Status HostRuntime::Load(const void* bytes, size_t len, mote_rt_status* rt_status) {
  loaded_ = false;
  if (bytes == nullptr) return InvalidArgument("runtime: null model");
  bytes_.reset(AlignedCopy(bytes, len));
  if (!bytes_) return OutOfMemory("runtime: cannot copy the model");
  size_t need = 0;
  mote_rt_status s = mote_rt_arena_bytes(bytes_.get(), len, &need);
  if (s == MOTE_RT_OK) {
    arena_.reset(static_cast<uint8_t*>(std::aligned_alloc(kLine, LineUp(need))));
    if (!arena_) return OutOfMemory("runtime: cannot allocate the arena");
    arena_bytes_ = need;
    s = mote_rt_model_init(&model_, bytes_.get(), len, arena_.get(), need);
  }
  if (rt_status != nullptr) *rt_status = s;
  if (s != MOTE_RT_OK) return CorruptData(mote_rt_status_message(s));
  loaded_ = true;
  return Status::Ok();
}

size_t HostRuntime::input_elements() const {
  mote_rt_tensor t;
  return loaded_ && mote_rt_input(&model_, 0, &t) == MOTE_RT_OK ? Elements(t) : 0;
}

size_t HostRuntime::output_elements() const {
  mote_rt_tensor t;
  return loaded_ && mote_rt_output(&model_, 0, &t) == MOTE_RT_OK ? Elements(t) : 0;
}

Status HostRuntime::Run(const float* input, size_t input_len, float* output, size_t output_len) {
  if (!loaded_) return InvalidArgument("runtime: Load a model first");
  if (input == nullptr || output == nullptr) return InvalidArgument("runtime: null input or output buffer");
  mote_rt_tensor in, out;
  if (mote_rt_input(&model_, 0, &in) != MOTE_RT_OK || mote_rt_output(&model_, 0, &out) != MOTE_RT_OK ||
      in.dtype != MOTE_DTYPE_F32 || out.dtype != MOTE_DTYPE_F32)
    return InvalidArgument("runtime: input 0 and output 0 must be float");
  // Checked before the copies: never read or write past the caller's buffers.
  if (input_len < Elements(in))
    return FormattedStatus(StatusCode::kShapeMismatch, "runtime: input holds %zu floats, the model needs %zu",
                           input_len, Elements(in));
  if (output_len < Elements(out))
    return FormattedStatus(StatusCode::kShapeMismatch, "runtime: output holds %zu floats, the model writes %zu",
                           output_len, Elements(out));
  std::memcpy(in.data, input, in.bytes);
  const mote_rt_status s = mote_rt_invoke(&model_);
  if (s != MOTE_RT_OK) return CorruptData(mote_rt_status_message(s));
  std::memcpy(output, out.data, out.bytes);
  return Status::Ok();
}

Status HostRuntime::RunBatch(const float* inputs, size_t inputs_len, size_t count, float* outputs,
                             size_t outputs_len) {
  if (!loaded_) return InvalidArgument("runtime: Load a model first");
  const size_t in = input_elements(), out = output_elements();
  if (inputs_len / (in ? in : 1) < count)
    return FormattedStatus(StatusCode::kShapeMismatch, "runtime: inputs hold %zu floats, %zu examples of %zu need more",
                           inputs_len, count, in);
  if (outputs_len / (out ? out : 1) < count)
    return FormattedStatus(StatusCode::kShapeMismatch,
                           "runtime: outputs hold %zu floats, %zu examples of %zu need more", outputs_len, count, out);
  for (size_t i = 0; i < count; ++i) MOTE_TRY(Run(inputs + i * in, in, outputs + i * out, out));
  return Status::Ok();
}

}  // namespace mote
