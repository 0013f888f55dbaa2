// I8DepthwiseConv2D with MVE integer vectors (Helium: Cortex-M55, M85;
// src/kernels/target-backend.h selects it): the scalar reference's sums
// with 4 channels per vector, channels being contiguous in x and w; int8
// lanes widen to int32 as they load (VLDRB.S32), the last C % 4 channels load
// under a tail predicate. Integer sums are exact in any order and the shared
// requantization finishes each channel: bit-identical to the scalar reference.
#include "src/kernels/target-backend.h"

#if MOTE_KERNELS_I8_MVE
#include <arm_mve.h>

#include "src/kernels/dense-rows.h"
#include "src/kernels/depthwise-window.h"

namespace mote {
namespace kernels {
namespace target_backend {

void I8DepthwiseConv2D(const Conv2DGeometry& g, const int8_t* x, int8_t x_zero_point, const int8_t* w,
                       const I8Requant& requant, int8_t* y) {
  const size_t C = g.in_c;
  const I8BiasRequantize finish{requant};
  ForEachDepthwiseWindow(g, [&](size_t out_pixel, const DepthwiseWindow& win) {
    const bool full = win.Full(g);
    for (size_t c0 = 0; c0 < C; c0 += 4) {
      const size_t lanes = C - c0 < 4 ? C - c0 : 4;
      const mve_pred16_t in = vctp32q(uint32_t(lanes));
      int32x4_t acc = vdupq_n_s32(0);
      if (!full) {
        // Padding taps: zero point times the sum of their weights.
        int32x4_t pad_w = vdupq_n_s32(0);
        for (size_t ky = 0; ky < g.kernel_h; ++ky)
          for (size_t kx = 0; kx < g.kernel_w; ++kx)
            if (ky < win.ky_begin || ky >= win.ky_end || kx < win.kx_begin || kx >= win.kx_end)
              pad_w = vaddq_s32(pad_w, vldrbq_z_s32(w + (ky * g.kernel_w + kx) * C + c0, in));
        acc = vmulq_n_s32(pad_w, int32_t(x_zero_point));
      }
      for (size_t ky = win.ky_begin; ky < win.ky_end; ++ky)
        for (size_t kx = win.kx_begin; kx < win.kx_end; ++kx) {
          const int32x4_t xv = vldrbq_z_s32(x + win.Pixel(g, ky, kx) * C + c0, in);
          acc = vaddq_s32(acc, vmulq_s32(xv, vldrbq_z_s32(w + (ky * g.kernel_w + kx) * C + c0, in)));
        }
      int32_t sums[4];
      vst1q_s32(sums, acc);
      for (size_t l = 0; l < lanes; ++l) y[out_pixel * C + c0 + l] = finish(c0 + l, sums[l]);
    }
  });
}

}  // namespace target_backend
}  // namespace kernels
}  // namespace mote
#endif  // MOTE_KERNELS_I8_MVE
