// Highway operations of the rows-against-weight-rows blocking
// (dense-rows-loop.h) shared by F32DenseRows and I8DenseRows, included once
// per target by their -hwy.cc files after simd-adapter-hwy-inl.h: f32 uses
// MulAdd; int8 promotes to int16 and uses ReorderWidenMulAccumulate (x86
// madd, NEON/SVE widening multiply-add) into exact int32 sums. Rows per block
// by target.

// The blocks stay out of line (HWY_NOINLINE), one function per row count.
#ifndef MOTE_ROWS_BLOCK_ATTR
#define MOTE_ROWS_BLOCK_ATTR HWY_NOINLINE
#endif

// Per-target include guard (Highway's convention for -inl headers).
#if defined(MOTE_DENSE_ROWS_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_DENSE_ROWS_HWY_INL_H_
#undef MOTE_DENSE_ROWS_HWY_INL_H_
#else
#define MOTE_DENSE_ROWS_HWY_INL_H_
#endif

#include <stddef.h>
#include <stdint.h>

MOTE_SIMD_BEGIN
namespace rows {
namespace hn = hwy::HWY_NAMESPACE;

using DF32 = hn::ScalableTag<float>;
using DI32 = hn::ScalableTag<int32_t>;
#if HWY_TARGET == HWY_SCALAR
using DI16 = hn::Rebind<int16_t, DI32>;  // one lane: Vec1 has no pairs
#else
using DI16 = hn::Repartition<int16_t, DI32>;
#endif
using DI8 = hn::Rebind<int8_t, DI16>;

// Element type -> scalar sum, elements per step, operand load and
// multiply-add (sum1 is the second accumulator ReorderWidenMulAccumulate may
// use; the result is sum0 + sum1).
template <typename T>
struct RowsOps;
template <>
struct RowsOps<float> {
  using Acc = float;
  static constexpr size_t kMaxStep = HWY_MAX_BYTES / sizeof(float);
  static size_t Step() { return hn::Lanes(DF32()); }
  static HWY_INLINE hn::Vec<DF32> Load(const float* p) { return hn::LoadU(DF32(), p); }
  // The first `count` (< Step()) elements, the rest zero, nothing past them read.
  static HWY_INLINE hn::Vec<DF32> LoadTail(const float* p, size_t count) {
    return hn::MaskedLoad(hn::FirstN(DF32(), count), DF32(), p);
  }
  static HWY_INLINE hn::Vec<DF32> Mac(hn::Vec<DF32> a, hn::Vec<DF32> b, hn::Vec<DF32> sum0, hn::Vec<DF32>&) {
    return hn::MulAdd(a, b, sum0);
  }
  static HWY_INLINE hn::Vec<DF32> Zero() { return hn::Zero(DF32()); }
  static HWY_INLINE float Reduce(hn::Vec<DF32> s0, hn::Vec<DF32> s1) {
    return hn::GetLane(hn::SumOfLanes(DF32(), hn::Add(s0, s1)));
  }
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  // out[0..3] = the sums of a, b, c, d (one row's 4 channels): one shuffle
  // tree for the four instead of four reductions (24 per block of 6 rows).
  static constexpr bool kReduce4 = true;
  static HWY_INLINE void Reduce4(hn::Vec<DF32> a, hn::Vec<DF32> b, hn::Vec<DF32> c, hn::Vec<DF32> d, float* out) {
    // 128-bit blocks (a0 + a2, a1 + a3, b0 + b2, b1 + b3), the same for c, d.
    const __m512 ab = _mm512_add_ps(_mm512_shuffle_f32x4(a.raw, b.raw, 0x44), _mm512_shuffle_f32x4(a.raw, b.raw, 0xEE));
    const __m512 cd = _mm512_add_ps(_mm512_shuffle_f32x4(c.raw, d.raw, 0x44), _mm512_shuffle_f32x4(c.raw, d.raw, 0xEE));
    // Blocks holding a, b, c, d over 4 lanes each, then each block's lane sum in its lane 0.
    const __m512 u = _mm512_add_ps(_mm512_shuffle_f32x4(ab, cd, 0x88), _mm512_shuffle_f32x4(ab, cd, 0xDD));
    const __m512 v = _mm512_add_ps(u, _mm512_permute_ps(u, 0x4E));
    const __m512 sums = _mm512_add_ps(v, _mm512_permute_ps(v, 0xB1));
    _mm_storeu_ps(out, _mm512_castps512_ps128(_mm512_maskz_compress_ps(0x1111, sums)));
  }
#else
  static constexpr bool kReduce4 = false;
  static HWY_INLINE void Reduce4(hn::Vec<DF32>, hn::Vec<DF32>, hn::Vec<DF32>, hn::Vec<DF32>, float*) {}
#endif
};
template <>
struct RowsOps<int8_t> {
  using Acc = int32_t;
  static constexpr size_t kMaxStep = HWY_MAX_BYTES / sizeof(int8_t);
  static size_t Step() { return hn::Lanes(DI16()); }
  static HWY_INLINE hn::Vec<DI16> Load(const int8_t* p) { return hn::PromoteTo(DI16(), hn::LoadU(DI8(), p)); }
  static HWY_INLINE hn::Vec<DI16> LoadTail(const int8_t* p, size_t count) {
    return hn::PromoteTo(DI16(), hn::MaskedLoad(hn::FirstN(DI8(), count), DI8(), p));
  }
  static HWY_INLINE hn::Vec<DI32> Mac(hn::Vec<DI16> a, hn::Vec<DI16> b, hn::Vec<DI32> sum0, hn::Vec<DI32>& sum1) {
    return hn::ReorderWidenMulAccumulate(DI32(), a, b, sum0, sum1);
  }
  static HWY_INLINE hn::Vec<DI32> Zero() { return hn::Zero(DI32()); }
  static HWY_INLINE int32_t Reduce(hn::Vec<DI32> s0, hn::Vec<DI32> s1) {
    return hn::GetLane(hn::SumOfLanes(DI32(), hn::Add(s0, s1)));
  }
  static constexpr bool kReduce4 = false;
  static HWY_INLINE void Reduce4(hn::Vec<DI32>, hn::Vec<DI32>, hn::Vec<DI32>, hn::Vec<DI32>, int32_t*) {}
};

// Whether LoadTail is a native masked load (touches nothing outside the mask);
// elsewhere the last partial step reads zero-padded copies.
#undef MOTE_ROWS_MASKED_TAIL
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
#define MOTE_ROWS_MASKED_TAIL 1
#else
#define MOTE_ROWS_MASKED_TAIL 0
#endif

// Rows per block: 4 where 32 vector registers hold the 16 accumulators (and
// int8's second accumulators are free, i.e. on x86), else 2; f32 on AVX-512
// takes 6 (24 accumulators): each weight vector loaded serves 6 rows.
template <typename T>
constexpr size_t RowBlock() {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  return sizeof(T) == 4 ? 6 : 4;  // f32: 24 accumulators, 4 weight vectors and 1 row vector
#elif HWY_ARCH_ARM
  return sizeof(T) == 4 ? 4 : 2;
#else
  return 2;
#endif
}

}  // namespace rows
MOTE_SIMD_END

#endif  // MOTE_DENSE_ROWS_HWY_INL_H_
