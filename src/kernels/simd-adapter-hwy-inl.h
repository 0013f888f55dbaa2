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

MOTE_SIMD_BEGIN
namespace simd {
namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;
using M = hn::Mask<D>;
constexpr size_t kMaxLanes = HWY_MAX_BYTES / sizeof(float);

HWY_INLINE size_t Lanes() { return hn::Lanes(D()); }
HWY_INLINE V Load(const float* p) { return hn::LoadU(D(), p); }
HWY_INLINE void Store(V v, float* p) { hn::StoreU(v, D(), p); }
HWY_INLINE V Set(float x) { return hn::Set(D(), x); }
HWY_INLINE V Zero() { return hn::Zero(D()); }
HWY_INLINE V Add(V a, V b) { return hn::Add(a, b); }
HWY_INLINE V Sub(V a, V b) { return hn::Sub(a, b); }
HWY_INLINE V Mul(V a, V b) { return hn::Mul(a, b); }
HWY_INLINE V Div(V a, V b) { return hn::Div(a, b); }
HWY_INLINE V Min(V a, V b) { return hn::Min(a, b); }
HWY_INLINE V Max(V a, V b) { return hn::Max(a, b); }
HWY_INLINE V Neg(V a) { return hn::Neg(a); }
HWY_INLINE V Abs(V a) { return hn::Abs(a); }
HWY_INLINE V Floor(V a) { return hn::Floor(a); }
HWY_INLINE V Trunc(V a) { return hn::Trunc(a); }
HWY_INLINE M Lt(V a, V b) { return hn::Lt(a, b); }
HWY_INLINE M Gt(V a, V b) { return hn::Gt(a, b); }
HWY_INLINE M Le(V a, V b) { return hn::Le(a, b); }
HWY_INLINE M Ge(V a, V b) { return hn::Ge(a, b); }
HWY_INLINE M Eq(V a, V b) { return hn::Eq(a, b); }
HWY_INLINE M And(M a, M b) { return hn::And(a, b); }
HWY_INLINE V Select(M m, V yes, V no) { return hn::IfThenElse(m, yes, no); }
HWY_INLINE V Pow2(V e) {
  const hn::RebindToSigned<D> di;
  return hn::BitCast(D(), hn::ShiftLeft<23>(hn::Add(hn::ConvertTo(di, e), hn::Set(di, 127))));
}
HWY_INLINE V Exp(V a) { return hn::Exp(D(), a); }
HWY_INLINE V Log(V a) { return hn::Log(D(), a); }
HWY_INLINE float FirstLane(V a) { return hn::GetLane(a); }
HWY_INLINE float ReduceSum(V a) { return hn::GetLane(hn::SumOfLanes(D(), a)); }
HWY_INLINE float ReduceMax(V a) { return hn::GetLane(hn::MaxOfLanes(D(), a)); }
}  // namespace simd
MOTE_SIMD_END

#endif  // MOTE_SIMD_ADAPTER_HWY_INL_H_
