// Softmax / log-softmax per row, written once against the vector adapter
// (src/kernels/simd-adapter.h; included by f32-softmax-{hwy,xsimd}.cc after
// their adapter, once per target): vector max, then the backend's Exp (and Log
// for the log-sum: Highway's contrib/math, xsimd::exp/log). A partial last
// vector goes through a stack buffer padded with -inf (exp gives 0), so every
// element uses the same Exp and nothing outside the row is read or written.
// Each pass reads x[j] before writing y[j], so y == x is safe.
#include <stddef.h>

MOTE_SIMD_BEGIN
namespace {
using V = simd::V;

// Largest element of a row (cols >= 1), with the reference's comparison.
MOTE_SIMD_INLINE float SoftmaxRowMax(size_t cols, const float* x) {
  const size_t N = simd::Lanes();
  float m = x[0];
  size_t j = 1;
  if (cols >= N) {
    V vm = simd::Load(x);
    for (j = N; j + N <= cols; j += N) {
      const V v = simd::Load(x + j);
      vm = simd::Select(simd::Gt(v, vm), v, vm);
    }
    m = simd::ReduceMax(vm);
  }
  for (; j < cols; ++j) m = x[j] > m ? x[j] : m;
  return m;
}

// e^(x[j] - m) for j in [0, cols); stores them to y unless y is null; returns
// their sum.
MOTE_SIMD_INLINE float SoftmaxExpSum(size_t cols, const float* x, float m, float* y) {
  const size_t N = simd::Lanes();
  const V vm = simd::Set(m);
  V vsum = simd::Zero();
  size_t j = 0;
  for (; j + N <= cols; j += N) {
    const V e = simd::Exp(simd::Sub(simd::Load(x + j), vm));
    if (y) simd::Store(e, y + j);
    vsum = simd::Add(vsum, e);
  }
  if (j < cols) {
    alignas(64) float buf[simd::kMaxLanes];
    const size_t rest = cols - j;
    for (size_t i = 0; i < N; ++i) buf[i] = i < rest ? x[j + i] : -__builtin_inff();
    const V e = simd::Exp(simd::Sub(simd::Load(buf), vm));
    vsum = simd::Add(vsum, e);  // padding lanes add exp(-inf) = 0
    if (y) {
      simd::Store(e, buf);
      for (size_t i = 0; i < rest; ++i) y[j + i] = buf[i];
    }
  }
  return simd::ReduceSum(vsum);
}

}  // namespace

void F32Softmax(size_t rows, size_t cols, const float* x, float* y) {
  if (cols == 0) return;
  const size_t N = simd::Lanes();
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    const float m = SoftmaxRowMax(cols, xr);
    const float inv = 1.0f / SoftmaxExpSum(cols, xr, m, yr);
    const V vinv = simd::Set(inv);
    size_t j = 0;
    for (; j + N <= cols; j += N) simd::Store(simd::Mul(simd::Load(yr + j), vinv), yr + j);
    for (; j < cols; ++j) yr[j] *= inv;
  }
}

void F32LogSoftmax(size_t rows, size_t cols, const float* x, float* y) {
  if (cols == 0) return;
  const size_t N = simd::Lanes();
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    const float m = SoftmaxRowMax(cols, xr);
    const float sum = SoftmaxExpSum(cols, xr, m, nullptr);
    const float shift = m + simd::FirstLane(simd::Log(simd::Set(sum)));
    const V vshift = simd::Set(shift);
    size_t j = 0;
    for (; j + N <= cols; j += N) simd::Store(simd::Sub(simd::Load(xr + j), vshift), yr + j);
    for (; j < cols; ++j) yr[j] = xr[j] - shift;
  }
}

MOTE_SIMD_END
