// F32DenseRows on Cortex-M single-precision FPUs (FPv4 on the M4F, FPv5 on
// the M7 and M33; src/kernels/target-backend.h selects it). Register blocking
// in the FPU's 32 single registers: 2 rows of `a` against 4 weight rows, 8
// accumulators; per 4 steps of p one VLDM (with writeback) loads 4 floats of
// each row, so 6 loads feed 32 fused multiply-adds. GCC neither merges VLDRs
// into VLDM nor has post-increment VLDR, hence the inline assembly.
//
// Each output is still one accumulator summed in p order, as in the scalar
// reference, but every step is a fused multiply-add (one rounding instead of
// two): results differ from scalar_backend within the bound the board
// self-test checks (ports/cortex-m/kernel_selftest.cc).
#include "src/kernels/target-backend.h"

#if MOTE_KERNELS_F32_FPU
#include "src/kernels/dense-rows.h"

namespace mote {
namespace kernels {
namespace target_backend {
namespace {

// One FMA step of accumulator ACC with registers X and W.
#define MOTE_VFMA(acc, x, w) "vfma.f32 " #acc ", " #x ", " #w "\n\t"

// sums[0..3] += a0[0..4q) . w0..w3[0..4q), sums[4..7] likewise for a1; the
// pointers end past the 4q floats read.
inline void Block2x4(size_t quads, const float*& a0, const float*& a1, const float*& w0, const float*& w1,
                     const float*& w2, const float*& w3, float* sums) {
  // s0-s3: row a0 against w0..w3, s4-s7: row a1; s8-s11 / s12-s15: 4 floats
  // of a0 / a1; s16-s19 and s20-s23 take turns holding 4 floats of a weight row.
  __asm__ volatile(
      "vldmia %[sums], {s0-s7}\n\t"
      "1:\n\t"
      "vldmia %[a0]!, {s8-s11}\n\t"
      "vldmia %[a1]!, {s12-s15}\n\t"
      "vldmia %[w0]!, {s16-s19}\n\t"
      "vldmia %[w1]!, {s20-s23}\n\t"
      MOTE_VFMA(s0, s8, s16) MOTE_VFMA(s4, s12, s16) MOTE_VFMA(s0, s9, s17) MOTE_VFMA(s4, s13, s17)
      MOTE_VFMA(s0, s10, s18) MOTE_VFMA(s4, s14, s18) MOTE_VFMA(s0, s11, s19) MOTE_VFMA(s4, s15, s19)
      "vldmia %[w2]!, {s16-s19}\n\t"
      MOTE_VFMA(s1, s8, s20) MOTE_VFMA(s5, s12, s20) MOTE_VFMA(s1, s9, s21) MOTE_VFMA(s5, s13, s21)
      MOTE_VFMA(s1, s10, s22) MOTE_VFMA(s5, s14, s22) MOTE_VFMA(s1, s11, s23) MOTE_VFMA(s5, s15, s23)
      "vldmia %[w3]!, {s20-s23}\n\t"
      MOTE_VFMA(s2, s8, s16) MOTE_VFMA(s6, s12, s16) MOTE_VFMA(s2, s9, s17) MOTE_VFMA(s6, s13, s17)
      MOTE_VFMA(s2, s10, s18) MOTE_VFMA(s6, s14, s18) MOTE_VFMA(s2, s11, s19) MOTE_VFMA(s6, s15, s19)
      MOTE_VFMA(s3, s8, s20) MOTE_VFMA(s7, s12, s20) MOTE_VFMA(s3, s9, s21) MOTE_VFMA(s7, s13, s21)
      MOTE_VFMA(s3, s10, s22) MOTE_VFMA(s7, s14, s22) MOTE_VFMA(s3, s11, s23) MOTE_VFMA(s7, s15, s23)
      "subs %[quads], %[quads], #1\n\t"
      "bne 1b\n\t"
      "vstmia %[sums], {s0-s7}\n\t"
      : [quads] "+r"(quads), [a0] "+r"(a0), [a1] "+r"(a1), [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2),
        [w3] "+r"(w3)
      : [sums] "r"(sums)
      : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15",
        "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "cc", "memory");
}

// One row: sums[0..3] += a0[0..4q) . w0..w3[0..4q).
inline void Block1x4(size_t quads, const float*& a0, const float*& w0, const float*& w1, const float*& w2,
                     const float*& w3, float* sums) {
  // s0-s3 accumulators, s8-s11 a0, s12-s15 / s16-s19 weights in turn.
  __asm__ volatile(
      "vldmia %[sums], {s0-s3}\n\t"
      "1:\n\t"
      "vldmia %[a0]!, {s8-s11}\n\t"
      "vldmia %[w0]!, {s12-s15}\n\t"
      "vldmia %[w1]!, {s16-s19}\n\t"
      MOTE_VFMA(s0, s8, s12) MOTE_VFMA(s1, s8, s16) MOTE_VFMA(s0, s9, s13) MOTE_VFMA(s1, s9, s17)
      MOTE_VFMA(s0, s10, s14) MOTE_VFMA(s1, s10, s18) MOTE_VFMA(s0, s11, s15) MOTE_VFMA(s1, s11, s19)
      "vldmia %[w2]!, {s12-s15}\n\t"
      "vldmia %[w3]!, {s16-s19}\n\t"
      MOTE_VFMA(s2, s8, s12) MOTE_VFMA(s3, s8, s16) MOTE_VFMA(s2, s9, s13) MOTE_VFMA(s3, s9, s17)
      MOTE_VFMA(s2, s10, s14) MOTE_VFMA(s3, s10, s18) MOTE_VFMA(s2, s11, s15) MOTE_VFMA(s3, s11, s19)
      "subs %[quads], %[quads], #1\n\t"
      "bne 1b\n\t"
      "vstmia %[sums], {s0-s3}\n\t"
      : [quads] "+r"(quads), [a0] "+r"(a0), [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3)
      : [sums] "r"(sums)
      : "s0", "s1", "s2", "s3", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19",
        "cc", "memory");
}

#undef MOTE_VFMA

// The last k % 4 steps of `rows` rows against 4 weight rows, in p order.
inline void Tail(size_t rows, size_t left, const float* const* ar, const float* const* wr, float* sums) {
  for (size_t p = 0; p < left; ++p)
    for (size_t r = 0; r < rows; ++r)
      for (size_t j = 0; j < 4; ++j) sums[r * 4 + j] = __builtin_fmaf(ar[r][p], wr[j][p], sums[r * 4 + j]);
}

}  // namespace

void F32DenseRows(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* w, size_t ldw,
                  const float* bias, float lo, float hi, float* c, size_t ldc) {
  const F32BiasClamp finish{bias, lo, hi};
  const size_t quads = k / 4, left = k % 4, n4 = n & ~size_t(3);
  size_t i = 0;
  for (; i < m; i += 2) {
    const size_t rows = m - i >= 2 ? 2 : 1;
    for (size_t j = 0; j < n4; j += 4) {
      const float* ar[2] = {a + i * lda, a + (i + rows - 1) * lda};
      const float* wr[4] = {w + j * ldw, w + (j + 1) * ldw, w + (j + 2) * ldw, w + (j + 3) * ldw};
      float sums[8] = {};
      if (quads > 0) {
        if (rows == 2)
          Block2x4(quads, ar[0], ar[1], wr[0], wr[1], wr[2], wr[3], sums);
        else
          Block1x4(quads, ar[0], wr[0], wr[1], wr[2], wr[3], sums);
      }
      Tail(rows, left, ar, wr, sums);
      for (size_t r = 0; r < rows; ++r)
        for (size_t jj = 0; jj < 4; ++jj) c[(i + r) * ldc + j + jj] = finish(j + jj, sums[r * 4 + jj]);
    }
    // The last n % 4 weight rows, one accumulator each.
    for (size_t r = 0; r < rows; ++r)
      for (size_t j = n4; j < n; ++j) {
        const float* ai = a + (i + r) * lda;
        const float* wj = w + j * ldw;
        float s = 0.0f;
        for (size_t p = 0; p < k; ++p) s = __builtin_fmaf(ai[p], wj[p], s);
        c[(i + r) * ldc + j] = finish(j, s);
      }
  }
}

}  // namespace target_backend
}  // namespace kernels
}  // namespace mote
#endif  // MOTE_KERNELS_F32_FPU
