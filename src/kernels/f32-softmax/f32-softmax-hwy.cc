// Highway softmax / log-softmax per row: vector max, then Highway's Exp (and
// Log for the log-sum) from contrib/math. A partial last vector goes through a
// stack buffer padded with -inf (exp gives 0), so every element uses the same
// Exp and nothing outside the row is read or written. Each pass reads x[j]
// before writing y[j], so y == x is safe.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-softmax/f32-softmax-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"
#include "hwy/contrib/math/math-inl.h"

#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using SoftmaxTag = hn::ScalableTag<float>;

// Largest element of a row (cols >= 1), with the reference's comparison.
HWY_INLINE float SoftmaxRowMax(SoftmaxTag d, size_t cols, const float* x) {
  const size_t N = hn::Lanes(d);
  float m = x[0];
  size_t j = 1;
  if (cols >= N) {
    auto vm = hn::LoadU(d, x);
    for (j = N; j + N <= cols; j += N) {
      const auto v = hn::LoadU(d, x + j);
      vm = hn::IfThenElse(hn::Gt(v, vm), v, vm);
    }
    m = hn::GetLane(hn::MaxOfLanes(d, vm));
  }
  for (; j < cols; ++j) m = x[j] > m ? x[j] : m;
  return m;
}

// e^(x[j] - m) for j in [0, cols); stores them to y unless y is null; returns
// their sum.
HWY_INLINE float SoftmaxExpSum(SoftmaxTag d, size_t cols, const float* x, float m, float* y) {
  const size_t N = hn::Lanes(d);
  const auto vm = hn::Set(d, m);
  auto vsum = hn::Zero(d);
  size_t j = 0;
  for (; j + N <= cols; j += N) {
    const auto e = hn::Exp(d, hn::Sub(hn::LoadU(d, x + j), vm));
    if (y) hn::StoreU(e, d, y + j);
    vsum = hn::Add(vsum, e);
  }
  if (j < cols) {
    HWY_ALIGN float buf[HWY_MAX_BYTES / sizeof(float)];
    const size_t rest = cols - j;
    for (size_t i = 0; i < N; ++i) buf[i] = i < rest ? x[j + i] : -__builtin_inff();
    const auto e = hn::Exp(d, hn::Sub(hn::Load(d, buf), vm));
    vsum = hn::Add(vsum, e);  // padding lanes add exp(-inf) = 0
    if (y) {
      hn::Store(e, d, buf);
      for (size_t i = 0; i < rest; ++i) y[j + i] = buf[i];
    }
  }
  return hn::GetLane(hn::SumOfLanes(d, vsum));
}

void SoftmaxImpl(size_t rows, size_t cols, const float* x, float* y) {
  if (cols == 0) return;
  const SoftmaxTag d;
  const size_t N = hn::Lanes(d);
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    const float m = SoftmaxRowMax(d, cols, xr);
    const float inv = 1.0f / SoftmaxExpSum(d, cols, xr, m, yr);
    const auto vinv = hn::Set(d, inv);
    size_t j = 0;
    for (; j + N <= cols; j += N) hn::StoreU(hn::Mul(hn::LoadU(d, yr + j), vinv), d, yr + j);
    for (; j < cols; ++j) yr[j] *= inv;
  }
}

void LogSoftmaxImpl(size_t rows, size_t cols, const float* x, float* y) {
  if (cols == 0) return;
  const SoftmaxTag d;
  const size_t N = hn::Lanes(d);
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    const float m = SoftmaxRowMax(d, cols, xr);
    const float sum = SoftmaxExpSum(d, cols, xr, m, nullptr);
    const float shift = m + hn::GetLane(hn::Log(d, hn::Set(d, sum)));
    const auto vshift = hn::Set(d, shift);
    size_t j = 0;
    for (; j + N <= cols; j += N) hn::StoreU(hn::Sub(hn::LoadU(d, xr + j), vshift), d, yr + j);
    for (; j < cols; ++j) yr[j] = xr[j] - shift;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(SoftmaxImpl);
HWY_EXPORT(LogSoftmaxImpl);

namespace hwy_backend {
void F32Softmax(size_t rows, size_t cols, const float* x, float* y) {
  HWY_DYNAMIC_DISPATCH(SoftmaxImpl)(rows, cols, x, y);
}
void F32LogSoftmax(size_t rows, size_t cols, const float* x, float* y) {
  HWY_DYNAMIC_DISPATCH(LogSoftmaxImpl)(rows, cols, x, y);
}
}  // namespace hwy_backend

}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
