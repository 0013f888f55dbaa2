// How the SIMD per-channel kernels (channel-rows-hwy-inl.h,
// channel-rows-xsimd.h) cover `channels` >= lanes with vectors: at 0, N, 2N,
// ... plus, for a ragged row, one vector at channels - N overlapping the one
// before; up to 4 vectors share a pass over the rows, in balanced passes
// (5 vectors: 3 + 2, not 4 + 1). Plain C++, shared by both backends.
#pragma once
#include <stddef.h>

namespace mote {
namespace kernels {
namespace {

// Calls pass(count, off) once per pass with the offsets off[0..count) of its
// count (1..4) vectors.
template <class F>
inline void ForEachChannelPass(size_t channels, size_t lanes, F pass) {
  const size_t full = channels / lanes;
  const size_t total = full + (channels % lanes != 0 ? 1 : 0);
  size_t passes = (total + 3) / 4;
  for (size_t v = 0; v < total; --passes) {
    const size_t count = (total - v + passes - 1) / passes;
    size_t off[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < count; ++i) off[i] = v + i < full ? (v + i) * lanes : channels - lanes;
    pass(count, off);
    v += count;
  }
}

}  // namespace
}  // namespace kernels
}  // namespace mote
