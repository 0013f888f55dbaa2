// Internal to the runtime's CONV2D (op_conv2d.cc, op_conv2d_panels.cc): runs
// of output rows whose windows keep the same kernel rows inside the image.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"

namespace mote {
namespace rt {

// Calls f(class_geometry, ky0, row_begin, row_end) for each run of output
// rows [row_begin, row_end) (batch 1) whose windows keep the same kernel rows
// inside the image: class_geometry has only those kernel rows, the first being
// kernel row ky0 (or all of them, zeros included, for windows entirely in the
// padding). Multiplying only those rows of W skips the top / bottom padding.
template <class F>
void ForEachRowClass(const kernels::Conv2DGeometry& g, F f) {
  for (size_t oy = 0; oy < g.out_h;) {
    const kernels::KernelTapsRun run =
        kernels::KernelTapsRunFrom(oy, g.out_h, g.in_h, g.kernel_h, g.stride_h, g.pad_top);
    const kernels::KernelTaps taps = run.taps;
    const size_t ky0 = taps.end > taps.begin ? taps.begin : 0;
    kernels::Conv2DGeometry gc = g;
    gc.kernel_h = taps.end > taps.begin ? taps.end - taps.begin : g.kernel_h;
    gc.pad_top -= ky0;
    f(gc, ky0, oy * g.out_w, run.out_end * g.out_w);
    oy = run.out_end;
  }
}

}  // namespace rt
}  // namespace mote
