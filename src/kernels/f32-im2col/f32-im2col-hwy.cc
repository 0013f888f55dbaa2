// Highway im2col / col2im: the shared walk (f32-im2col-walk.h) with Highway
// vector moves.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-im2col/f32-im2col-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

#include "src/kernels/f32-im2col/f32-im2col-span.h"
#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Targets whose masked loads and stores touch no memory outside the mask.
#undef MOTE_IM2COL_NATIVE_MASKS
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL || HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_SVE || \
    HWY_TARGET == HWY_SVE2 || HWY_TARGET == HWY_SVE_256 || HWY_TARGET == HWY_SVE2_128
#define MOTE_IM2COL_NATIVE_MASKS 1
#else
#define MOTE_IM2COL_NATIVE_MASKS 0
#endif

namespace {

// Vector moves for the shared walk. Copies and zero fills end with one
// vector overlapping the previous one (same values written twice) instead of
// a scalar tail: a 5x5x40 kernel row is 12.5 vectors.
struct Runs {
  static size_t Lanes() { return hn::Lanes(hn::ScalableTag<float>()); }
  static void Zero(size_t n, float* dst) {
    const hn::ScalableTag<float> d;
    const size_t N = hn::Lanes(d);
    const auto zero = hn::Zero(d);
    if (n < N) {
      for (size_t i = 0; i < n; ++i) dst[i] = 0.0f;
      return;
    }
    for (size_t i = 0; i + N <= n; i += N) hn::StoreU(zero, d, dst + i);
    hn::StoreU(zero, d, dst + n - N);
  }
  static void Copy(size_t n, const float* src, float* dst) {
    const hn::ScalableTag<float> d;
    const size_t N = hn::Lanes(d);
    if (n < N) {
#if MOTE_IM2COL_NATIVE_MASKS
      // (The plain loop gave wrong results for SVE2 with GCC 12 under qemu -cpu max.)
      const auto mask = hn::FirstN(d, n);
      hn::BlendedStore(hn::MaskedLoad(mask, d, src), mask, d, dst);
#else
      for (size_t i = 0; i < n; ++i) dst[i] = src[i];
#endif
      return;
    }
    for (size_t i = 0; i + N <= n; i += N) hn::StoreU(hn::LoadU(d, src + i), d, dst + i);
    hn::StoreU(hn::LoadU(d, src + n - N), d, dst + n - N);
  }
  static void CopyVector(const float* src, float* dst) {
    const hn::ScalableTag<float> d;
    hn::StoreU(hn::LoadU(d, src), d, dst);
  }
  static void Accumulate(size_t n, const float* src, float* dst) {
    const hn::ScalableTag<float> d;
    const size_t N = hn::Lanes(d);
    size_t i = 0;
    for (; i + N <= n; i += N) hn::StoreU(hn::Add(hn::LoadU(d, dst + i), hn::LoadU(d, src + i)), d, dst + i);
#if MOTE_IM2COL_NATIVE_MASKS
    // Native masked accesses touch nothing past n.
    if (i < n) {
      const auto mask = hn::FirstN(d, n - i);
      hn::BlendedStore(hn::Add(hn::MaskedLoad(mask, d, dst + i), hn::MaskedLoad(mask, d, src + i)), mask, d, dst + i);
    }
#else
    for (; i < n; ++i) dst[i] += src[i];
#endif
  }
};

#include "src/kernels/f32-im2col/f32-im2col-walk.h"

}  // namespace

void Im2ColImpl(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end,
                float* columns) {
  Im2ColWalk<Runs>(g, input, row_begin, row_end, columns);
}

void Col2ImAccumulateImpl(const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
                          float* input_grad) {
  Col2ImAccumulateWalk<Runs>(g, columns, row_begin, row_end, input_grad);
}

void Col2ImImpl(const Conv2DGeometry& g, const float* columns, float* input_grad) {
  Col2ImWalk<Runs>(g, columns, input_grad);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(Im2ColImpl);
HWY_EXPORT(Col2ImImpl);
HWY_EXPORT(Col2ImAccumulateImpl);

namespace hwy_backend {
void F32Im2Col(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end,
               float* columns) {
  HWY_DYNAMIC_DISPATCH(Im2ColImpl)(g, input, row_begin, row_end, columns);
}
void F32Col2Im(const Conv2DGeometry& g, const float* columns, float* input_grad) {
  HWY_DYNAMIC_DISPATCH(Col2ImImpl)(g, columns, input_grad);
}
void F32Col2ImAccumulate(const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
                         float* input_grad) {
  HWY_DYNAMIC_DISPATCH(Col2ImAccumulateImpl)(g, columns, row_begin, row_end, input_grad);
}
}  // namespace hwy_backend

}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
