// xsimd softmax / log-softmax per row: vector max, then xsimd::exp (and
// xsimd::log for the log-sum). A partial last batch goes through a stack
// buffer padded with -inf (exp gives 0), so every element uses the same exp
// and nothing outside the row is read or written. Each pass reads x[j] before
// writing y[j], so y == x is safe.
// GCC 12.2 flags _mm512_undefined_ps() inside its own AVX-512 intrinsics as
// maybe-uninitialized when xsimd::exp/log inline them (GCC bug 105593, fixed in
// 12.3). Diagnostic pragmas apply by source location, so this silences only
// the headers included here, not the code below.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "src/kernels/xsimd-arch.h"
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

// Largest element of a row (cols >= 1), with the reference's comparison.
float RowMax(size_t cols, const float* x) {
  float m = x[0];
  size_t j = 1;
  if (cols >= kLanes) {
    Batch vm = Batch::load_unaligned(x);
    for (j = kLanes; j + kLanes <= cols; j += kLanes) {
      const Batch v = Batch::load_unaligned(x + j);
      vm = xsimd::select(v > vm, v, vm);
    }
    // xsimd 8 has no horizontal max.
    alignas(Arch::alignment()) float lanes[kLanes];
    vm.store_aligned(lanes);
    m = lanes[0];
    for (size_t i = 1; i < kLanes; ++i) m = lanes[i] > m ? lanes[i] : m;
  }
  for (; j < cols; ++j) m = x[j] > m ? x[j] : m;
  return m;
}

// e^(x[j] - m) for j in [0, cols); stores them to y unless y is null; returns
// their sum.
float ExpSum(size_t cols, const float* x, float m, float* y) {
  const Batch vm(m);
  Batch vsum(0.0f);
  size_t j = 0;
  for (; j + kLanes <= cols; j += kLanes) {
    const Batch e = xsimd::exp(Batch::load_unaligned(x + j) - vm);
    if (y) e.store_unaligned(y + j);
    vsum += e;
  }
  if (j < cols) {
    alignas(Arch::alignment()) float buf[kLanes];
    const size_t rest = cols - j;
    for (size_t i = 0; i < kLanes; ++i) buf[i] = i < rest ? x[j + i] : -__builtin_inff();
    const Batch e = xsimd::exp(Batch::load_aligned(buf) - vm);
    vsum += e;  // padding lanes add exp(-inf) = 0
    if (y) {
      e.store_aligned(buf);
      for (size_t i = 0; i < rest; ++i) y[j + i] = buf[i];
    }
  }
  return xsimd::hadd(vsum);
}

}  // namespace

void F32Softmax(size_t rows, size_t cols, const float* x, float* y) {
  if (cols == 0) return;
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    const float m = RowMax(cols, xr);
    const float inv = 1.0f / ExpSum(cols, xr, m, yr);
    const Batch vinv(inv);
    size_t j = 0;
    for (; j + kLanes <= cols; j += kLanes)
      (Batch::load_unaligned(yr + j) * vinv).store_unaligned(yr + j);
    for (; j < cols; ++j) yr[j] *= inv;
  }
}

void F32LogSoftmax(size_t rows, size_t cols, const float* x, float* y) {
  if (cols == 0) return;
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    const float m = RowMax(cols, xr);
    const float sum = ExpSum(cols, xr, m, nullptr);
    const float shift = m + xsimd::log(Batch(sum)).get(0);
    const Batch vshift(shift);
    size_t j = 0;
    for (; j + kLanes <= cols; j += kLanes)
      (Batch::load_unaligned(xr + j) - vshift).store_unaligned(yr + j);
    for (; j < cols; ++j) yr[j] = xr[j] - shift;
  }
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
