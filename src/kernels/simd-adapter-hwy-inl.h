// Highway implementation of the vector adapter (simd-adapter.h), included
// once per target by the -hwy.cc files after hwy/foreach_target.h.
// MOTE_HWY_DISPATCH(ret, Name, (params), (args)), in the HWY_ONCE part of a
// -hwy.cc, exports the per-target Name and defines hwy_backend::Name on it.
#include "src/kernels/simd-adapter.h"
#include "src/kernels/kernel-table.h"

#ifndef MOTE_SIMD_BEGIN
#define MOTE_SIMD_BEGIN        \
  HWY_BEFORE_NAMESPACE();      \
  namespace mote {             \
  namespace kernels {          \
  namespace HWY_NAMESPACE {
#define MOTE_SIMD_END \
  }                   \
  }                   \
  }                   \
  HWY_AFTER_NAMESPACE();
#define MOTE_SIMD_HAS_SIMD4 1
#define MOTE_SIMD_INLINE_CALLBACK  // simd-adapter.h: not across target attributes
#define MOTE_HWY_DISPATCH(ret, name, params, args) \
  HWY_EXPORT(name);                                \
  namespace hwy_backend {                          \
  ret name params { return HWY_DYNAMIC_DISPATCH(name) args; } \
  }
#endif

// Per-target include guard (Highway's convention for -inl headers).
#if defined(MOTE_SIMD_ADAPTER_HWY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef MOTE_SIMD_ADAPTER_HWY_INL_H_
#undef MOTE_SIMD_ADAPTER_HWY_INL_H_
#else
#define MOTE_SIMD_ADAPTER_HWY_INL_H_
#endif

#include <stddef.h>

#include "hwy/highway.h"
#include "hwy/contrib/math/math-inl.h"

// Targets whose masked loads and stores touch no memory outside the mask.
#undef MOTE_SIMD_NATIVE_MASKS
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL || HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_SVE || \
    HWY_TARGET == HWY_SVE2 || HWY_TARGET == HWY_SVE_256 || HWY_TARGET == HWY_SVE2_128
#define MOTE_SIMD_NATIVE_MASKS 1
#else
#define MOTE_SIMD_NATIVE_MASKS 0
#endif

MOTE_SIMD_BEGIN
namespace hn = hwy::HWY_NAMESPACE;
// A struct of types and static functions, not a namespace, so that a loop can
// be a template over the vector width (simd4: 4 lanes, where a backend has
// them: MOTE_SIMD_HAS_SIMD4). It holds no vectors: SVE's cannot be members.
template <class Tag>
struct SimdOps {
  using D = Tag;
  using V = hn::Vec<D>;
  using M = hn::Mask<D>;
  static constexpr size_t kMaxLanes = HWY_MAX_BYTES / sizeof(float);

  static HWY_INLINE size_t Lanes() { return hn::Lanes(D()); }
  static HWY_INLINE V Load(const float* p) { return hn::LoadU(D(), p); }
  static HWY_INLINE void Store(V v, float* p) { hn::StoreU(v, D(), p); }
  static HWY_INLINE V Set(float x) { return hn::Set(D(), x); }
  static HWY_INLINE V Zero() { return hn::Zero(D()); }
  static HWY_INLINE V Add(V a, V b) { return hn::Add(a, b); }
  static HWY_INLINE V Sub(V a, V b) { return hn::Sub(a, b); }
  static HWY_INLINE V Mul(V a, V b) { return hn::Mul(a, b); }
  static HWY_INLINE V Div(V a, V b) { return hn::Div(a, b); }
  static HWY_INLINE V Min(V a, V b) { return hn::Min(a, b); }
  static HWY_INLINE V Max(V a, V b) { return hn::Max(a, b); }
  static HWY_INLINE V Neg(V a) { return hn::Neg(a); }
  static HWY_INLINE V Abs(V a) { return hn::Abs(a); }
  static HWY_INLINE V Floor(V a) { return hn::Floor(a); }
  static HWY_INLINE V Trunc(V a) { return hn::Trunc(a); }
  static HWY_INLINE M Lt(V a, V b) { return hn::Lt(a, b); }
  static HWY_INLINE M Gt(V a, V b) { return hn::Gt(a, b); }
  static HWY_INLINE M Le(V a, V b) { return hn::Le(a, b); }
  static HWY_INLINE M Ge(V a, V b) { return hn::Ge(a, b); }
  static HWY_INLINE M Eq(V a, V b) { return hn::Eq(a, b); }
  static HWY_INLINE M And(M a, M b) { return hn::And(a, b); }
  static HWY_INLINE V Select(M m, V yes, V no) { return hn::IfThenElse(m, yes, no); }
  static HWY_INLINE V IfThenElseZero(M m, V yes) { return hn::IfThenElseZero(m, yes); }
  static HWY_INLINE V IfThenZeroElse(M m, V no) { return hn::IfThenZeroElse(m, no); }
  static HWY_INLINE bool AllFalse(M m) { return hn::AllFalse(D(), m); }
  // Masked accesses: only where MOTE_SIMD_NATIVE_MASKS (nothing else touched).
  static HWY_INLINE M FirstN(size_t n) { return hn::FirstN(D(), n); }
  static HWY_INLINE V MaskedLoad(M m, const float* p) { return hn::MaskedLoad(m, D(), p); }
  static HWY_INLINE void BlendedStore(V v, M m, float* p) { hn::BlendedStore(v, m, D(), p); }
  static HWY_INLINE V Pow2(V e) {
    const hn::RebindToSigned<D> di;
    return hn::BitCast(D(), hn::ShiftLeft<23>(hn::Add(hn::ConvertTo(di, e), hn::Set(di, 127))));
  }
  static HWY_INLINE V Exp(V a) { return hn::Exp(D(), a); }
  static HWY_INLINE V Log(V a) { return hn::Log(D(), a); }
  static HWY_INLINE float FirstLane(V a) { return hn::GetLane(a); }
  static HWY_INLINE float ReduceSum(V a) { return hn::GetLane(hn::SumOfLanes(D(), a)); }
  static HWY_INLINE float ReduceMax(V a) { return hn::GetLane(hn::MaxOfLanes(D(), a)); }
  static HWY_INLINE V MulAdd(V a, V b, V c) { return hn::MulAdd(a, b, c); }
};
using simd = SimdOps<hn::ScalableTag<float>>;
using simd4 = SimdOps<hn::CappedTag<float, 4>>;
MOTE_SIMD_END

#endif  // MOTE_SIMD_ADAPTER_HWY_INL_H_
