// xsimd im2col / col2im: the shared walk (f32-im2col-walk.h) with xsimd
// batch moves.
#include "src/kernels/f32-im2col/f32-im2col-span.h"
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

// Vector moves for the shared walk; copies and zero fills end with one batch
// overlapping the previous one instead of a scalar tail.
struct Runs {
  static size_t Lanes() { return kLanes; }
  static void Zero(size_t n, float* dst) {
    const Batch zero(0.0f);
    if (n < kLanes) {
      for (size_t i = 0; i < n; ++i) dst[i] = 0.0f;
      return;
    }
    for (size_t i = 0; i + kLanes <= n; i += kLanes) zero.store_unaligned(dst + i);
    zero.store_unaligned(dst + n - kLanes);
  }
  static void Copy(size_t n, const float* src, float* dst) {
    if (n < kLanes) {
      for (size_t i = 0; i < n; ++i) dst[i] = src[i];
      return;
    }
    for (size_t i = 0; i + kLanes <= n; i += kLanes) Batch::load_unaligned(src + i).store_unaligned(dst + i);
    Batch::load_unaligned(src + n - kLanes).store_unaligned(dst + n - kLanes);
  }
  static void CopyVector(const float* src, float* dst) { Batch::load_unaligned(src).store_unaligned(dst); }
  static void Accumulate(size_t n, const float* src, float* dst) {
    size_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
      (Batch::load_unaligned(dst + i) + Batch::load_unaligned(src + i)).store_unaligned(dst + i);
    for (; i < n; ++i) dst[i] += src[i];
  }
};

#include "src/kernels/f32-im2col/f32-im2col-walk.h"

}  // namespace

void F32Im2Col(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end,
               float* columns) {
  Im2ColWalk<Runs>(g, input, row_begin, row_end, columns);
}

void F32Col2ImAccumulate(const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
                         float* input_grad) {
  Col2ImAccumulateWalk<Runs>(g, columns, row_begin, row_end, input_grad);
}

void F32Col2Im(const Conv2DGeometry& g, const float* columns, float* input_grad) {
  Col2ImWalk<Runs>(g, columns, input_grad);
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
