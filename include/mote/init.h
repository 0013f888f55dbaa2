// Parameter initialisers (SPEC O2; formulas from seeds 001/004 and the cited
// papers). Where a seed has a typo the published formula is used, e.g. the
// Glorot uniform bound is sqrt(6 / (m + n)), not 6 / sqrt(m + n).
#pragma once
#include <stddef.h>

#include "mote/layer.h"
#include "mote/rng.h"
#include "mote/status.h"

namespace mote {

// Fills w[0 .. fan_out * fan_in) (row-major [fan_out][fan_in] for kOrthogonal
// and kSparse; any layout otherwise, count elements) from `spec`, drawing from
// `rng`. `scratch` must hold InitScratchFloats(spec, fan_in, fan_out) floats
// (orthogonalisation works in place there). kInvalidArgument for counts that
// do not fit the spec (e.g. zero fan_in for fan-in scaled kinds).
Status InitializeParameter(const InitSpec& spec, size_t fan_in, size_t fan_out, size_t count, float* w,
                           Rng& rng, float* scratch);
size_t InitScratchFloats(const InitSpec& spec, size_t fan_in, size_t fan_out);

}  // namespace mote
