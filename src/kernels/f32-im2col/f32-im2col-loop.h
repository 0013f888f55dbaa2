// im2col / col2im, written once against the vector adapter
// (src/kernels/simd-adapter.h; included by f32-im2col-{hwy,xsimd}.cc after
// their adapter, once per target): the shared walk (f32-im2col-walk.h) with
// vector moves. Copies and zero fills end with one vector overlapping the
// previous one (same values written twice) instead of a scalar tail: a 5x5x40
// kernel row is 12.5 vectors. Where masked loads and stores touch no memory
// outside the mask (MOTE_SIMD_NATIVE_MASKS: Highway's AVX2, AVX3 and SVE
// targets), short copies and accumulation tails use them.
#include <stddef.h>

#include "src/kernels/f32-im2col/f32-im2col-span.h"

// Left to the compiler (Highway), or forced (xsimd: f32-im2col-xsimd.cc defines
// it), so each backend inlines the moves and the walk as it did before the
// loops were shared.
#ifndef MOTE_IM2COL_INLINE
#define MOTE_IM2COL_INLINE
#endif

MOTE_SIMD_BEGIN
namespace {

struct Runs {
  static MOTE_IM2COL_INLINE size_t Lanes() { return simd::Lanes(); }
  static MOTE_IM2COL_INLINE void Zero(size_t n, float* dst) {
    const size_t N = simd::Lanes();
    const simd::V zero = simd::Zero();
    if (n < N) {
      for (size_t i = 0; i < n; ++i) dst[i] = 0.0f;
      return;
    }
    for (size_t i = 0; i + N <= n; i += N) simd::Store(zero, dst + i);
    simd::Store(zero, dst + n - N);
  }
  static MOTE_IM2COL_INLINE void Copy(size_t n, const float* src, float* dst) {
    const size_t N = simd::Lanes();
    if (n < N) {
#if MOTE_SIMD_NATIVE_MASKS
      // (The plain loop gave wrong results for SVE2 with GCC 12 under qemu -cpu max.)
      const simd::M mask = simd::FirstN(n);
      simd::BlendedStore(simd::MaskedLoad(mask, src), mask, dst);
#else
      for (size_t i = 0; i < n; ++i) dst[i] = src[i];
#endif
      return;
    }
    for (size_t i = 0; i + N <= n; i += N) simd::Store(simd::Load(src + i), dst + i);
    simd::Store(simd::Load(src + n - N), dst + n - N);
  }
  static MOTE_IM2COL_INLINE void CopyVector(const float* src, float* dst) { simd::Store(simd::Load(src), dst); }
  static MOTE_IM2COL_INLINE void Accumulate(size_t n, const float* src, float* dst) {
    const size_t N = simd::Lanes();
    size_t i = 0;
    for (; i + N <= n; i += N) simd::Store(simd::Add(simd::Load(dst + i), simd::Load(src + i)), dst + i);
#if MOTE_SIMD_NATIVE_MASKS
    // Native masked accesses touch nothing past n.
    if (i < n) {
      const simd::M mask = simd::FirstN(n - i);
      simd::BlendedStore(simd::Add(simd::MaskedLoad(mask, dst + i), simd::MaskedLoad(mask, src + i)), mask, dst + i);
    }
#else
    for (; i < n; ++i) dst[i] += src[i];
#endif
  }
};

#include "src/kernels/f32-im2col/f32-im2col-walk.h"

}  // namespace

void F32Im2Col(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end, float* columns) {
  Im2ColWalk<Runs>(g, input, row_begin, row_end, columns);
}

void F32Col2ImAccumulate(const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
                         float* input_grad) {
  Col2ImAccumulateWalk<Runs>(g, columns, row_begin, row_end, input_grad);
}

void F32Col2Im(const Conv2DGeometry& g, const float* columns, float* input_grad) {
  Col2ImWalk<Runs>(g, columns, input_grad);
}

MOTE_SIMD_END
