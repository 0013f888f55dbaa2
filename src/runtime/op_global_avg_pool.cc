// GLOBAL_AVG_POOL: [H, W, C] -> [C], the mean over H*W (int8: same scale and
// zero point, rounded half away from zero).
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {

mote_rt_status ValidateGlobalAvgPool(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckInputCount(op, 1, 1));
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& y = Out(m, op);
  if (x.dtype == MOTE_DTYPE_I32) return MOTE_RT_BAD_TENSOR;
  MOTE_RT_TRY(CheckDType(m, op, -1, x.dtype));
  MOTE_RT_TRY(CheckUnusedParams(op, 0));
  if (x.rank != 3 || ElementsOf(y) != x.dims[2]) return MOTE_RT_BAD_SHAPE;
  if (!IsI8(x)) return MOTE_RT_OK;
  if (y.scale != x.scale || y.zero_point != x.zero_point) return MOTE_RT_BAD_TENSOR;
  // The int8 sum must fit in int32.
  if (uint64_t(x.dims[0]) * x.dims[1] > (uint64_t(1) << 23)) return MOTE_RT_BAD_SHAPE;
  return CheckI8Clamp(op);
}

void RunGlobalAvgPool(const mote_rt_model& m, const MoteOpRecord& op) {
  const MoteTensorRecord& x = In(m, op, 0);
  const size_t pixels = size_t(x.dims[0]) * x.dims[1], c = x.dims[2];
  if (RunsI8(x)) {
    const int8_t* in = InI8(m, op, 0);
    int8_t* y = OutI8(m, op);
    const int32_t lo = I8Min(op), hi = I8Max(op);
    for (size_t ch = 0; ch < c; ++ch) {
      int32_t sum = 0;
      for (size_t p = 0; p < pixels; ++p) sum += in[p * c + ch];
      const int32_t q = DivRoundAway(sum, int32_t(pixels));
      y[ch] = int8_t(q < lo ? lo : (q > hi ? hi : q));
    }
    return;
  }
  // The f32 mean is the average pool with one window covering the image.
  const kernels::Pool2DGeometry g{1, x.dims[0], x.dims[1], c, x.dims[0], x.dims[1], 1, 1, 0, 0, 1, 1};
  kernels::F32AvgPool(g, InF32(m, op, 0), OutF32(m, op));
  ClampF32(op, OutF32(m, op), uint32_t(c));
}

}  // namespace rt
}  // namespace mote
