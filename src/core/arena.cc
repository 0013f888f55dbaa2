#include "mote/arena.h"

namespace mote {

Status Arena::Allocate(size_t bytes, size_t alignment, void** out) {
  if (out == nullptr) return InvalidArgument("arena: null output pointer");
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    return InvalidArgument("arena: alignment must be a power of two");
  // Align the absolute address, so a caller buffer of any alignment works;
  // a measuring arena assumes the worst case of an address at offset 0.
  const uintptr_t start = reinterpret_cast<uintptr_t>(base_) + used_;
  const uintptr_t aligned = (start + (alignment - 1)) & ~uintptr_t(alignment - 1);
  const size_t padding = size_t(aligned - start);
  if (measuring()) {
    // Without an address, reserve the padding a real buffer might need.
    const size_t worst = used_ + (alignment > 1 ? alignment - 1 : 0);
    if (bytes > SIZE_MAX - worst) return OutOfRange("arena: size overflows size_t");
    used_ = worst + bytes;
  } else {
    if (padding > capacity_ - used_ || bytes > capacity_ - used_ - padding)
      return OutOfMemory("arena: buffer too small for this allocation");
    used_ += padding + bytes;
    *out = base_ + (used_ - bytes);
  }
  if (measuring()) *out = nullptr;
  if (used_ > peak_) peak_ = used_;
  return Status::Ok();
}

}  // namespace mote
