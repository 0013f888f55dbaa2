// I8DenseRows for cores with the DSP extension (src/kernels/i8-variant.h):
// each row of `a` against 4 weight rows at a time (an odd last block repeats
// its first row). A word of 4 inputs is
// loaded and split once (SXTB16: bytes 0/2 and 1/3 as int16 pairs) and serves
// the 4 weight rows, each of which costs one LDR, two SXTB16 and two SMLAD
// per 4 multiply-adds. Integer sums are exact, so the results equal the
// reference bit for bit whatever the order.
#include "src/kernels/arm-dsp.h"
#include "src/kernels/i8-variant.h"

namespace mote {
namespace kernels {

void i8_dsp::I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                         const I8Requant& requant, int8_t* c, size_t ldc) {
  using namespace dsp;
  const I8BiasRequantizeDsp finish{requant};
  for (size_t i = 0; i < m; ++i) {
    const int8_t* x = a + i * lda;
    int8_t* ci = c + i * ldc;
    // Weight rows past n repeat row j (their results are dropped).
    for (size_t j = 0; j < n; j += 4) {
      const size_t rows = n - j < 4 ? n - j : 4;
      const int8_t* wr[4];
      for (size_t q = 0; q < 4; ++q) wr[q] = w + (q < rows ? j + q : j) * ldw;
      int32_t twice[8];
      RowTimesFourRows(x, wr, k, twice);
      StoreChannels(finish, j, twice, rows, ci + j, 0);
    }
  }
}

}  // namespace kernels
}  // namespace mote
