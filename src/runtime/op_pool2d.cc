// MAX_POOL2D and AVG_POOL2D: f32 through the pool kernels (then the op's
// clamp), int8 as loops here (the output keeps the input's scale and zero
// point; the mean rounds half away from zero).
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {
namespace {

// The int8 window sum of a mean must fit in int32.
constexpr uint64_t kMaxI8Window = uint64_t(1) << 23;

mote_rt_status ValidatePool(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckInputCount(op, 1, 1));
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& y = Out(m, op);
  if (x.dtype == MOTE_DTYPE_I32) return MOTE_RT_BAD_TENSOR;
  MOTE_RT_TRY(CheckDType(m, op, -1, x.dtype));
  MOTE_RT_TRY(CheckWindow(op, x, y));
  MOTE_RT_TRY(CheckUnusedParams(op, 6));
  if (y.dims[2] != x.dims[2]) return MOTE_RT_BAD_SHAPE;
  if (!IsI8(x)) return MOTE_RT_OK;
  if (y.scale != x.scale || y.zero_point != x.zero_point) return MOTE_RT_BAD_TENSOR;
  if (uint64_t(op.params[0]) * uint64_t(op.params[1]) > kMaxI8Window) return MOTE_RT_BAD_PARAMS;
  return CheckI8Clamp(op);
}

kernels::Pool2DGeometry GeometryOf(const mote_rt_model& m, const MoteOpRecord& op) {
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& y = Out(m, op);
  const int32_t* p = op.params;
  return kernels::Pool2DGeometry{1,           x.dims[0],   x.dims[1],   x.dims[2],   size_t(p[0]), size_t(p[1]),
                                 size_t(p[2]), size_t(p[3]), size_t(p[4]), size_t(p[5]), y.dims[0],    y.dims[1]};
}

// In-bounds part [begin, end) of the window at output position o of one axis
// (never empty: validated).
void Window(size_t o, size_t stride, size_t pad, size_t window, size_t in, size_t* begin, size_t* end) {
  const size_t start = o * stride;  // window origin + pad
  *begin = start < pad ? 0 : start - pad;
  const size_t stop = start + window - pad;  // > 0 since pad < window
  *end = stop < in ? stop : in;
}

void RunI8Pool(const mote_rt_model& m, const MoteOpRecord& op, bool max) {
  const kernels::Pool2DGeometry g = GeometryOf(m, op);
  const int8_t* x = InI8(m, op, 0);
  int8_t* y = OutI8(m, op);
  const int32_t lo = I8Min(op), hi = I8Max(op);
  const size_t c = g.channels;
  for (size_t oy = 0; oy < g.out_h; ++oy) {
    size_t y0, y1;
    Window(oy, g.stride_h, g.pad_top, g.pool_h, g.in_h, &y0, &y1);
    for (size_t ox = 0; ox < g.out_w; ++ox) {
      size_t x0, x1;
      Window(ox, g.stride_w, g.pad_left, g.pool_w, g.in_w, &x0, &x1);
      const int32_t count = int32_t((y1 - y0) * (x1 - x0));
      for (size_t ch = 0; ch < c; ++ch) {
        int32_t acc = max ? -128 : 0;
        for (size_t iy = y0; iy < y1; ++iy)
          for (size_t ix = x0; ix < x1; ++ix) {
            const int32_t v = x[(iy * g.in_w + ix) * c + ch];
            acc = max ? (v > acc ? v : acc) : acc + v;
          }
        if (!max) acc = DivRoundAway(acc, count);
        y[(oy * g.out_w + ox) * c + ch] = int8_t(acc < lo ? lo : (acc > hi ? hi : acc));
      }
    }
  }
}

void RunPool(const mote_rt_model& m, const MoteOpRecord& op, bool max) {
  if (RunsI8(In(m, op, 0))) return RunI8Pool(m, op, max);
  const kernels::Pool2DGeometry g = GeometryOf(m, op);
  if (max)
    kernels::F32MaxPool(g, InF32(m, op, 0), OutF32(m, op));
  else
    kernels::F32AvgPool(g, InF32(m, op, 0), OutF32(m, op));
  ClampF32(op, OutF32(m, op), ElementsOf(Out(m, op)));
}

}  // namespace

mote_rt_status ValidateMaxPool2D(const mote_rt_model& m, const MoteOpRecord& op) { return ValidatePool(m, op); }
mote_rt_status ValidateAvgPool2D(const mote_rt_model& m, const MoteOpRecord& op) { return ValidatePool(m, op); }
void RunMaxPool2D(const mote_rt_model& m, const MoteOpRecord& op) { RunPool(m, op, true); }
void RunAvgPool2D(const mote_rt_model& m, const MoteOpRecord& op) { RunPool(m, op, false); }

}  // namespace rt
}  // namespace mote
