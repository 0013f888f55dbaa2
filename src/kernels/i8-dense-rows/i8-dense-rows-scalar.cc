#include "src/kernels/dense-rows.h"
#include "src/kernels/kernel-table.h"

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
#include <arm_acle.h>
#define MOTE_I8_DOT_DSP 1
#endif

namespace mote {
namespace kernels {
namespace scalar_backend {

#if MOTE_I8_DOT_DSP
namespace {

// Cortex-M4/M7/M33 DSP extension: SXTB16 splits 4 int8 lanes into two pairs
// of int16, SMLAD multiplies both pairs and adds them to an int32 sum, so 4
// multiply-adds cost about 2 instructions per weight row (as CMSIS-NN does).
// Integer sums are exact, so the result is bit-identical to the plain loop.
inline uint32_t Load4(const int8_t* p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);  // one LDR; unaligned access is allowed for normal memory
  return v;
}

// Bytes 1 and 3 into the SXTB16 positions (GCC folds it into SXTB16's rotate).
inline uint32_t Ror8(uint32_t v) { return (v >> 8) | (v << 24); }

inline int32_t Dot4(uint32_t a_even, uint32_t a_odd, uint32_t w, int32_t acc) {
  acc = __smlad(a_even, __sxtb16(w), acc);
  return __smlad(a_odd, __sxtb16(Ror8(w)), acc);
}

void I8DenseRowsDsp(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                    const I8Requant& requant, int8_t* c, size_t ldc) {
  const I8BiasRequantize finish{requant};
  const size_t k4 = k & ~size_t(3);
  for (size_t i = 0; i < m; ++i) {
    const int8_t* ai = a + i * lda;
    int8_t* ci = c + i * ldc;
    size_t j = 0;
    for (; j + 2 <= n; j += 2) {  // two weight rows share each unpacked input word
      const int8_t* w0 = w + j * ldw;
      const int8_t* w1 = w0 + ldw;
      int32_t s0 = 0, s1 = 0;
      size_t p = 0;
      for (; p < k4; p += 4) {
        const uint32_t x = Load4(ai + p);
        const uint32_t x_even = __sxtb16(x), x_odd = __sxtb16(Ror8(x));
        s0 = Dot4(x_even, x_odd, Load4(w0 + p), s0);
        s1 = Dot4(x_even, x_odd, Load4(w1 + p), s1);
      }
      for (; p < k; ++p) {
        s0 += int32_t(ai[p]) * w0[p];
        s1 += int32_t(ai[p]) * w1[p];
      }
      ci[j] = finish(j, s0);
      ci[j + 1] = finish(j + 1, s1);
    }
    for (; j < n; ++j) {
      const int8_t* wj = w + j * ldw;
      int32_t s = 0;
      size_t p = 0;
      for (; p < k4; p += 4) {
        const uint32_t x = Load4(ai + p);
        s = Dot4(__sxtb16(x), __sxtb16(Ror8(x)), Load4(wj + p), s);
      }
      for (; p < k; ++p) s += int32_t(ai[p]) * wj[p];
      ci[j] = finish(j, s);
    }
  }
}

}  // namespace
#endif

void I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                 const I8Requant& requant, int8_t* c, size_t ldc) {
#if MOTE_I8_DOT_DSP
  I8DenseRowsDsp(m, n, k, a, lda, w, ldw, requant, c, ldc);
#else
  DenseRowsScalar<int32_t>(m, n, k, a, lda, w, ldw, I8BiasRequantize{requant}, c, ldc);
#endif
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
