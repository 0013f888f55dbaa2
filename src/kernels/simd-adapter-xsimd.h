// xsimd implementation of the vector adapter (simd-adapter.h) for the arch of
// this build (xsimd-arch.h: MOTE_XSIMD_ARCH, MOTE_XSIMD_NS).
#pragma once
#include <stddef.h>

#include "src/kernels/simd-adapter.h"
#include "src/kernels/xsimd-arch.h"

#define MOTE_SIMD_BEGIN \
  namespace mote {      \
  namespace kernels {   \
  namespace MOTE_XSIMD_NS {
#define MOTE_SIMD_END \
  }                   \
  }                   \
  }

#define MOTE_SIMD_NATIVE_MASKS 0  // no masked loads / stores in xsimd 8
#define MOTE_SIMD_INLINE_CALLBACK __attribute__((always_inline))  // simd-adapter.h

MOTE_SIMD_BEGIN
// The adapter is a struct of types and static functions (see
// simd-adapter-hwy-inl.h for why); xsimd has one vector width per build.
struct simd {
  using V = Batch;
  using M = xsimd::batch_bool<float, Arch>;
  using VI = xsimd::batch<int32_t, Arch>;
  static constexpr size_t kMaxLanes = kLanes;

  static MOTE_SIMD_INLINE constexpr size_t Lanes() { return kLanes; }
  static MOTE_SIMD_INLINE V Load(const float* p) { return V::load_unaligned(p); }
  static MOTE_SIMD_INLINE void Store(V v, float* p) { v.store_unaligned(p); }
  static MOTE_SIMD_INLINE V Set(float x) { return V(x); }
  static MOTE_SIMD_INLINE V Zero() { return V(0.0f); }
  static MOTE_SIMD_INLINE V Add(V a, V b) { return a + b; }
  static MOTE_SIMD_INLINE V Sub(V a, V b) { return a - b; }
  static MOTE_SIMD_INLINE V Mul(V a, V b) { return a * b; }
  static MOTE_SIMD_INLINE V Div(V a, V b) { return a / b; }
  static MOTE_SIMD_INLINE V Min(V a, V b) { return xsimd::min(a, b); }
  static MOTE_SIMD_INLINE V Max(V a, V b) { return xsimd::max(a, b); }
  static MOTE_SIMD_INLINE V Neg(V a) { return -a; }
  static MOTE_SIMD_INLINE V Abs(V a) { return xsimd::abs(a); }
  static MOTE_SIMD_INLINE V Floor(V a) { return xsimd::floor(a); }
  static MOTE_SIMD_INLINE V Trunc(V a) { return xsimd::trunc(a); }
  static MOTE_SIMD_INLINE M Lt(V a, V b) { return a < b; }
  static MOTE_SIMD_INLINE M Gt(V a, V b) { return a > b; }
  static MOTE_SIMD_INLINE M Le(V a, V b) { return a <= b; }
  static MOTE_SIMD_INLINE M Ge(V a, V b) { return a >= b; }
  static MOTE_SIMD_INLINE M Eq(V a, V b) { return a == b; }
  static MOTE_SIMD_INLINE M And(M a, M b) { return a && b; }
  static MOTE_SIMD_INLINE V Select(M m, V yes, V no) { return xsimd::select(m, yes, no); }
  static MOTE_SIMD_INLINE V IfThenElseZero(M m, V yes) { return xsimd::select(m, yes, V(0.0f)); }
  static MOTE_SIMD_INLINE V IfThenZeroElse(M m, V no) { return xsimd::select(m, V(0.0f), no); }
  static MOTE_SIMD_INLINE bool AllFalse(M m) { return !xsimd::any(m); }
  static MOTE_SIMD_INLINE V Pow2(V e) { return xsimd::bitwise_cast<V>((xsimd::to_int(e) + VI(127)) << 23); }
  static MOTE_SIMD_INLINE V Exp(V a) { return xsimd::exp(a); }
  static MOTE_SIMD_INLINE V Log(V a) { return xsimd::log(a); }
  static MOTE_SIMD_INLINE float FirstLane(V a) { return a.get(0); }
  static MOTE_SIMD_INLINE float ReduceSum(V a) { return xsimd::hadd(a); }
  // xsimd 8 has no horizontal max: the lanes in order, the reference's comparison.
  static MOTE_SIMD_INLINE float ReduceMax(V a) {
    alignas(Arch::alignment()) float lanes[kLanes];
    a.store_aligned(lanes);
    float m = lanes[0];
    for (size_t i = 1; i < kLanes; ++i) m = lanes[i] > m ? lanes[i] : m;
    return m;
  }
  static MOTE_SIMD_INLINE V MulAdd(V a, V b, V c) { return xsimd::fma(a, b, c); }
};
MOTE_SIMD_END
