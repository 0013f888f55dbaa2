// DEPTHWISE_CONV2D (depth multiplier 1): one kh x kw filter per channel.
// Plain loops until the kernels F32DepthwiseConv2D / I8DepthwiseConv2D land.
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {

mote_rt_status ValidateDepthwiseConv2D(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckWeightedOpInputs(m, op));
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& w = In(m, op, 1);
  const MoteTensorRecord& y = Out(m, op);
  MOTE_RT_TRY(CheckWindow(op, x, y));
  MOTE_RT_TRY(CheckUnusedParams(op, 6));
  const uint32_t c = x.dims[2];
  if (y.dims[2] != c || w.rank != 3 || w.dims[0] != uint32_t(op.params[0]) || w.dims[1] != uint32_t(op.params[1]) ||
      w.dims[2] != c)
    return MOTE_RT_BAD_SHAPE;
  return CheckBiasAndRequant(m, op, c, w.dims[0] * w.dims[1]);
}

void RunDepthwiseConv2D(const mote_rt_model& m, const MoteOpRecord& op) {
  const MoteTensorRecord& x = In(m, op, 0);
  const MoteTensorRecord& y = Out(m, op);
  // Signed 64-bit positions: window origins can be negative (padding), and
  // no dim the loader accepts overflows them.
  const int64_t in_h = x.dims[0], in_w = x.dims[1];
  const uint32_t c = x.dims[2], out_h = y.dims[0], out_w = y.dims[1];
  const int64_t kh = op.params[0], kw = op.params[1], sh = op.params[2], sw = op.params[3];
  const int64_t pt = op.params[4], pl = op.params[5];
  const bool i8 = IsI8(x);
  const int32_t* requant = i8 ? InI32(m, op, 3) : nullptr;
  for (uint32_t oy = 0; oy < out_h; ++oy)
    for (uint32_t ox = 0; ox < out_w; ++ox)
      for (uint32_t ch = 0; ch < c; ++ch) {
        const size_t o = (size_t(oy) * out_w + ox) * c + ch;
        float f_acc = i8 ? 0.0f : InF32(m, op, 2)[ch];
        int32_t i_acc = i8 ? InI32(m, op, 2)[ch] : 0;
        for (int64_t ky = 0; ky < kh; ++ky) {
          const int64_t iy = oy * sh - pt + ky;
          for (int64_t kx = 0; kx < kw; ++kx) {
            const int64_t ix = ox * sw - pl + kx;
            const bool inside = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w;
            const size_t xi = inside ? (size_t(iy) * size_t(in_w) + size_t(ix)) * c + ch : 0;
            const size_t wi = (size_t(ky) * size_t(kw) + size_t(kx)) * c + ch;
            if (i8)  // padding reads as the input zero point (folded into the bias)
              i_acc += (inside ? int32_t(InI8(m, op, 0)[xi]) : x.zero_point) * InI8(m, op, 1)[wi];
            else if (inside)
              f_acc += InF32(m, op, 0)[xi] * InF32(m, op, 1)[wi];
          }
        }
        if (i8) {
          OutI8(m, op)[o] = int8_t(kernels::I8RequantizeOne(i_acc, requant[ch], requant[c + ch], y.zero_point,
                                                            I8Min(op), I8Max(op)));
        } else {
          const float v = f_acc < op.act_min ? op.act_min : f_acc;
          OutF32(m, op)[o] = v > op.act_max ? op.act_max : v;
        }
      }
}

}  // namespace rt
}  // namespace mote
