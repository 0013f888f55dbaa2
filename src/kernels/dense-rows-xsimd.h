// xsimd operations of the rows-against-weight-rows blocking
// (dense-rows-loop.h) shared by F32DenseRows and I8DenseRows (include after
// simd-adapter-xsimd.h). f32 uses fma. int8: xsimd 8 has no widening
// conversions, so a step loads the bytes as int16 lanes and splits them into
// sign-extended even and odd bytes (shifts); the pairwise int16 -> int32
// multiply-add (x86 madd, NEON widening multiplies) then gives exact int32
// sums (the pairing does not matter for a dot product). Rows per block by
// instruction set. Internal linkage.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <type_traits>

#include "src/kernels/xsimd-arch.h"  // first: it silences GCC bug 105593 in the intrinsics headers

// Blocks inlined into DenseRows: measured faster with xsimd (GCC 12, AVX-512).
#define MOTE_ROWS_BLOCK_ATTR MOTE_SIMD_INLINE
// The last partial step reads zero-padded copies (dense-rows-loop.h).
#undef MOTE_ROWS_MASKED_TAIL
#define MOTE_ROWS_MASKED_TAIL 0

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

using I16 = xsimd::batch<int16_t, Arch>;
using I32 = xsimd::batch<int32_t, Arch>;

// Pairwise products of int16 lanes summed into int32 lanes:
// r[i] = a[2i] b[2i] + a[2i+1] b[2i+1] (NEON: some other fixed pairing).
// A template so that only the branch of this build's arch is instantiated.
template <class A>
xsimd::batch<int32_t, A> MulPairsAdd(const xsimd::batch<int16_t, A>& a, const xsimd::batch<int16_t, A>& b) {
  using R32 = xsimd::batch<int32_t, A>;
#if defined(__AVX512BW__)
  if constexpr (std::is_base_of<xsimd::avx512bw, A>::value) return R32(_mm512_madd_epi16(a, b));
#endif
#if defined(__AVX2__)
  if constexpr (std::is_base_of<xsimd::avx2, A>::value) return R32(_mm256_madd_epi16(a, b));
#endif
#if defined(__SSE2__)
  if constexpr (std::is_base_of<xsimd::sse2, A>::value) return R32(_mm_madd_epi16(a, b));
#endif
#if defined(__aarch64__)
  if constexpr (std::is_base_of<xsimd::neon64, A>::value) {
    const int16x8_t va = a, vb = b;
    return R32(vpaddq_s32(vmull_s16(vget_low_s16(va), vget_low_s16(vb)), vmull_high_s16(va, vb)));
  }
#endif
  alignas(A::alignment()) int16_t x[I16::size], y[I16::size];
  alignas(A::alignment()) int32_t r[I32::size];
  a.store_aligned(x);
  b.store_aligned(y);
  for (size_t i = 0; i < I32::size; ++i) r[i] = int32_t(x[2 * i]) * y[2 * i] + int32_t(x[2 * i + 1]) * y[2 * i + 1];
  return R32::load_aligned(r);
}

// Element type -> scalar sum, elements per step, operand load, multiply-add
// (one accumulator: the second one is unused), horizontal sum.
template <typename T>
struct RowsOps;
template <>
struct RowsOps<float> {
  using Acc = float;
  struct Operand {
    Batch v;
  };
  static constexpr size_t kMaxStep = Batch::size;
  static constexpr size_t Step() { return Batch::size; }
  static MOTE_SIMD_INLINE Operand Load(const float* p) { return {Batch::load_unaligned(p)}; }
  static MOTE_SIMD_INLINE Batch Zero() { return Batch(0.0f); }
  static MOTE_SIMD_INLINE Batch Mac(const Operand& a, const Operand& b, const Batch& acc, Batch&) { return xsimd::fma(a.v, b.v, acc); }
  static MOTE_SIMD_INLINE float Reduce(const Batch& acc, const Batch&) { return xsimd::hadd(acc); }
  static constexpr bool kReduce4 = false;  // RowsOps of Highway's AVX-512 targets only
  static MOTE_SIMD_INLINE void Reduce4(const Batch&, const Batch&, const Batch&, const Batch&, float*) {}
};
template <>
struct RowsOps<int8_t> {
  using Acc = int32_t;
  struct Operand {
    I16 even, odd;
  };
  static constexpr size_t kMaxStep = 2 * I16::size;
  static constexpr size_t Step() { return 2 * I16::size; }
  static MOTE_SIMD_INLINE Operand Load(const int8_t* p) {
    const I16 v = xsimd::bitwise_cast<I16>(xsimd::batch<int8_t, Arch>::load_unaligned(p));
    return {(v << 8) >> 8, v >> 8};  // arithmetic shifts sign-extend
  }
  static MOTE_SIMD_INLINE I32 Zero() { return I32(0); }
  static MOTE_SIMD_INLINE I32 Mac(const Operand& a, const Operand& b, const I32& acc, I32&) {
    return acc + MulPairsAdd(a.even, b.even) + MulPairsAdd(a.odd, b.odd);
  }
  static MOTE_SIMD_INLINE int32_t Reduce(const I32& acc, const I32&) { return xsimd::hadd(acc); }
  static constexpr bool kReduce4 = false;
  static MOTE_SIMD_INLINE void Reduce4(const I32&, const I32&, const I32&, const I32&, int32_t*) {}
};

// Rows per block: 4 on 32-register ISAs, 2 on 16-register ones (SSE2, AVX2).
template <typename T>
constexpr size_t RowBlock() {
  return std::is_base_of<xsimd::avx512f, Arch>::value || std::is_base_of<xsimd::neon64, Arch>::value ? 4 : 2;
}

}  // namespace
}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
