// F32DepthwiseConv2D with MVE float vectors (Helium: Cortex-M55, M85;
// src/kernels/target-backend.h selects the family): the scalar reference's
// walk (taps outer, channels inner) with 4 channels per vector, the last
// C % 4 channels under a tail predicate, and a fused multiply-add per tap
// (one rounding instead of two: results differ from the reference within the
// bound the board self-test checks). The clamp keeps the reference's NaN
// behaviour (a NaN stays NaN). The backward kernels (training only) are the
// scalar ones.
#include "src/kernels/target-backend.h"

#if MOTE_KERNELS_F32_MVE
#include <arm_mve.h>

#include "src/kernels/depthwise-window.h"

namespace mote {
namespace kernels {
namespace target_backend {

void F32DepthwiseConv2D(const Conv2DGeometry& g, const float* x, const float* w, const float* bias, float lo,
                        float hi, float* y) {
  const size_t C = g.in_c;
  const float32x4_t lo_v = vdupq_n_f32(lo), hi_v = vdupq_n_f32(hi);
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    for (size_t c0 = 0; c0 < C; c0 += 4) {
      const mve_pred16_t lanes = vctp32q(uint32_t(C - c0));
      float32x4_t acc = bias ? vldrwq_z_f32(bias + c0, lanes) : vdupq_n_f32(0.0f);
      for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
        for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx)
          acc = vfmaq_f32(acc, vldrwq_z_f32(x + win.Pixel(g, ky, kx) * C + c0, lanes),
                          vldrwq_z_f32(w + (ky * g.kernel_w + kx) * C + c0, lanes));
      acc = vpselq_f32(lo_v, acc, vcmpltq_f32(acc, lo_v));
      acc = vpselq_f32(hi_v, acc, vcmpgtq_f32(acc, hi_v));
      vstrwq_p_f32(y + out_pixel * C + c0, acc, lanes);
    }
  });
}

void F32DepthwiseConv2DBackwardInput(const Conv2DGeometry& g, const float* dy, const float* w, float* dx) {
  scalar_backend::F32DepthwiseConv2DBackwardInput(g, dy, w, dx);
}

void F32DepthwiseConv2DBackwardWeights(const Conv2DGeometry& g, const float* x, const float* dy, float* dw) {
  scalar_backend::F32DepthwiseConv2DBackwardWeights(g, x, dy, dw);
}

}  // namespace target_backend
}  // namespace kernels
}  // namespace mote
#endif  // MOTE_KERNELS_F32_MVE
