// The target-independent part of the per-channel row loops
// (channel-rows-loop.h, included once per target), in plain C++: the operands
// every op carries and how rows of `channels` >= lanes are covered with
// vectors.
#pragma once
#include <stddef.h>

namespace mote {
namespace kernels {
namespace {

// The operands of a per-channel op: inputs in0 (and in1), up to four
// per-channel parameters par[k], the output out. Ops derive from it and are
// built as aggregates: Op{{in0, in1, {par0, par1}, out}, extra members...}.
struct ChannelOperands {
  const float* in0 = nullptr;
  const float* in1 = nullptr;
  const float* par[4] = {nullptr, nullptr, nullptr, nullptr};
  float* out = nullptr;
};

// Vectors at 0, N, 2N, ... plus, for a ragged row, one vector at
// channels - N overlapping the one before; up to 4 vectors share a pass over
// the rows, in balanced passes (5 vectors: 3 + 2, not 4 + 1).
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
