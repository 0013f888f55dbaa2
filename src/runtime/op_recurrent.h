// SIMPLE_RNN / LSTM / GRU (f32): gate counts and the scratch the runtime op
// needs, shared with the exporter (src/export/lower.cc) so both agree.
// Formulas: include/mote/layers/{simple_rnn,lstm,gru}.h.
#pragma once
#include <stdint.h>

#include "mote/model_format.h"

namespace mote {
namespace rt {

// G of a recurrent op type, 0 for any other type.
inline uint32_t RecurrentGates(uint32_t type) {
  return type == MOTE_OP_SIMPLE_RNN ? 1u : type == MOTE_OP_LSTM ? 4u : type == MOTE_OP_GRU ? 3u : 0u;
}
// Scratch floats: gate pre-activations [G*H], recurrent product [G*H], the
// state h [H] and a second state [H] (LSTM: cell c; GRU: r * h).
inline uint64_t RecurrentScratchFloats(uint32_t type, uint32_t units) {
  return (2 * uint64_t(RecurrentGates(type)) + 2) * units;
}

}  // namespace rt
}  // namespace mote
