// The thin vector adapter the SIMD loops are written against, once for both
// SIMD backends (the model: XNNPACK's simd.c.in templates). A family's loops
// live in a backend-neutral header, <dtype>-<family>/<dtype>-<family>-loop.h;
// its -hwy.cc includes the loops once per Highway target (foreach_target), its
// -xsimd.cc once per xsimd build, each after its adapter:
//   simd-adapter-hwy-inl.h  Highway, in hwy's per-target namespace
//   simd-adapter-xsimd.h    xsimd, in MOTE_XSIMD_NS (one arch per build)
// Both define, in the per-target namespace, `simd`: a struct of types and
// static functions (a type, so loops can be templates over it; simd4 is the
// 4-lane one where MOTE_SIMD_HAS_SIMD4 is defined):
//   V, M          a vector of floats and its mask; values in named locals
//                 only (SVE vectors are sizeless: no arrays, no members)
//   kMaxLanes     lanes of the widest vector the target may have (buffers)
//   Lanes()       lanes of V (a run-time value on SVE)
//   Load(p), Store(v, p)      unaligned, full vector
//   Set(x), Zero(), Add, Sub, Mul, Div, Min, Max, Neg, Abs, Floor, Trunc
//   Lt, Gt, Le, Ge, Eq -> M, And(M, M), Select(m, yes, no),
//                 IfThenElseZero(m, yes), IfThenZeroElse(m, no), AllFalse(m)
//   Pow2(e)       2^e for integer-valued e in [-126, 127] (exponent bits)
//   FirstN(n) -> M, MaskedLoad(m, p), BlendedStore(v, m, p)  touching only
//                 the masked lanes; Highway only, where MOTE_SIMD_NATIVE_MASKS is 1
//   MulAdd(a, b, c)  a * b + c fused, only where the loop fused before
//   Exp, Log      the backend's vector math (hwy/contrib/math, xsimd::exp/log)
//   FirstLane(v), ReduceSum(v), ReduceMax(v) -> float (each backend's own
//                 horizontal order, as before the loops were shared)
// MOTE_SIMD_INLINE_CALLBACK, after a lambda's parameter list: inline the
// lambda into the plain-C++ walker that calls it per element (e.g.
// ForEachDepthwiseWindow) where the backend can: xsimd (the whole file has the
// arch's flags); empty for Highway, whose per-target lambda cannot be inlined
// into a walker compiled for the baseline target.
// Each op maps to one operation of the backend, the same one the loops used
// before they were shared, so results stay bit-identical; nothing fuses a
// multiply and an add unless the loop asks for it.
// MOTE_SIMD_BEGIN / MOTE_SIMD_END open and close the per-target namespace
// (mote::kernels::<target>) with the target's attributes; loop headers have
// no include guard and put their code between the two.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define MOTE_SIMD_INLINE inline __attribute__((always_inline))
#define MOTE_SIMD_NOINLINE __attribute__((noinline))
#else
#define MOTE_SIMD_INLINE inline
#define MOTE_SIMD_NOINLINE
#endif
