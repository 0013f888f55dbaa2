// The scalar way to F32DenseInputMajor's nonzero inputs, for the backends
// without a native vector compress and for a vector loop's tail.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace mote {
namespace kernels {
namespace input_major {

// Appends the p in [begin, end) with x[p] != 0 to idx at `count`; returns the
// new count. Branch-free: every index is written (idx has room for all of
// them), the count moves past the nonzero ones. Internal linkage: each
// target's file gets a copy compiled for its ISA.
static inline size_t AppendNonzeroIndices(const float* x, size_t begin, size_t end, uint32_t* idx, size_t count) {
  for (size_t p = begin; p < end; ++p) {
    idx[count] = uint32_t(p);
    count += x[p] != 0.0f;
  }
  return count;
}

}  // namespace input_major
}  // namespace kernels
}  // namespace mote
