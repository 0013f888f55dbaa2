// Arena: aligned bump allocation from one caller-owned buffer.
// The arena never allocates memory itself and never frees single blocks; Reset()
// releases everything at once. With a null buffer it only measures: every
// Allocate succeeds with a null pointer and used() reports the bytes a real
// buffer would need (Plan computes sizes this way, Bind then carves them).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {

// Default alignment: one 64-byte cache line, enough for AVX-512 loads.
inline constexpr size_t kArenaAlignment = 64;

constexpr size_t AlignUp(size_t value, size_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

class Arena {
 public:
  // A measuring arena (no buffer): counts bytes only.
  Arena() = default;
  // `buffer` may have any alignment; blocks are aligned relative to the address.
  Arena(void* buffer, size_t capacity) : base_(static_cast<uint8_t*>(buffer)), capacity_(capacity) {}

  // Reserves `bytes` aligned to `alignment` (a power of two). On success *out
  // points at the block (null when measuring); on failure *out is untouched and
  // the arena is unchanged.
  Status Allocate(size_t bytes, size_t alignment, void** out);

  template <typename T>
  Status AllocateArray(size_t count, T** out, size_t alignment = kArenaAlignment) {
    if (count > SIZE_MAX / sizeof(T)) return OutOfRange("arena: array byte count overflows size_t");
    void* block = nullptr;
    MOTE_TRY(Allocate(count * sizeof(T), alignment, &block));
    *out = static_cast<T*>(block);
    return Status::Ok();
  }

  bool measuring() const { return base_ == nullptr; }
  // Bytes consumed so far, padding included.
  size_t used() const { return used_; }
  size_t capacity() const { return capacity_; }
  // Largest used() seen since construction (peak across Reset calls).
  size_t peak() const { return peak_; }
  void Reset() { used_ = 0; }

 private:
  uint8_t* base_ = nullptr;
  size_t capacity_ = 0;
  size_t used_ = 0;
  size_t peak_ = 0;
};

}  // namespace mote
