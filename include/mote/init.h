// Parameter initialisers, with the formulas of the cited papers (course
// notes sometimes misprint them: the Glorot uniform bound is
// sqrt(6 / (m + n)), not 6 / sqrt(m + n)).
#pragma once
#include <stddef.h>

#include "mote/layer.h"
#include "mote/rng.h"
#include "mote/status.h"

namespace mote {

// Fills w[0 .. count) from `spec`, drawing from `rng`. Elementwise kinds
// ignore the layout. kOrthogonal and kSparse see w as the row-major matrix
// [units x fan_in] with units = count / fan_in (one row per output unit; for
// conv weights [C_out][ky][kx][C_in] that is [C_out x ky*kx*C_in], whatever
// fan_out the layer passes):
//  - kOrthogonal: a Haar-random orthonormal frame (Gram-Schmidt of a Gaussian
//    matrix) times gain: rows orthonormal when units <= fan_in (W W^T =
//    gain^2 I), columns otherwise (W^T W = gain^2 I). Needs units <= fan_out.
//  - kSparse: in each row exactly min(sparse_k, fan_in) entries, at uniformly
//    random positions, drawn from N(0, value^2) (N(0, 1) when value == 0),
//    the rest 0.
// kScaledNormal uses C = value, or C = 1 when value == 0.
// `scratch` must hold InitScratchFloats(spec, fan_in, fan_out) floats
// (orthogonalisation works there; null is fine when that is 0). The same rng
// state gives the same values on every platform.
// kInvalidArgument for: count == 0, null w, non-finite value or gain, zero
// fan_in for fan-in scaled kinds (uniform fan-in, He, C/sqrt(d), orthogonal,
// sparse), fan_in + fan_out == 0 for Glorot, count not a multiple of fan_in
// (orthogonal, sparse), sparse_k == 0, missing orthogonal scratch.
Status InitializeParameter(const InitSpec& spec, size_t fan_in, size_t fan_out, size_t count, float* w,
                           Rng& rng, float* scratch);
// fan_in * fan_out for kOrthogonal, 0 for every other kind.
size_t InitScratchFloats(const InitSpec& spec, size_t fan_in, size_t fan_out);

}  // namespace mote
