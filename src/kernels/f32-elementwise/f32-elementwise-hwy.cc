// Highway elementwise kernels: full vectors with unaligned loads/stores, then a
// scalar tail (1.0.3 has no safe partial load/store on every target). Each
// output element depends only on the same index of the inputs, so in-place
// calls (y == a, b or x) are safe. Mul and Add stay separate (no MulAdd) to
// round exactly like the scalar reference, which is built without contraction.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-elementwise/f32-elementwise-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "hwy/highway.h"

#include "src/kernels/kernel-table.h"

HWY_BEFORE_NAMESPACE();
namespace mote {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void ElemAddImpl(size_t n, const float* a, const float* b, float* y) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::Add(hn::LoadU(d, a + i), hn::LoadU(d, b + i)), d, y + i);
  for (; i < n; ++i) y[i] = a[i] + b[i];
}

void ElemMulImpl(size_t n, const float* a, const float* b, float* y) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::Mul(hn::LoadU(d, a + i), hn::LoadU(d, b + i)), d, y + i);
  for (; i < n; ++i) y[i] = a[i] * b[i];
}

void ElemAxpyImpl(size_t n, float alpha, const float* x, float* y) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const auto va = hn::Set(d, alpha);
  size_t i = 0;
  for (; i + N <= n; i += N)
    hn::StoreU(hn::Add(hn::LoadU(d, y + i), hn::Mul(va, hn::LoadU(d, x + i))), d, y + i);
  for (; i < n; ++i) y[i] += alpha * x[i];
}

void ElemScaleImpl(size_t n, float alpha, const float* x, float* y) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const auto va = hn::Set(d, alpha);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::Mul(va, hn::LoadU(d, x + i)), d, y + i);
  for (; i < n; ++i) y[i] = alpha * x[i];
}

// Branch-free select: ReLU masks are random, a branch per element mispredicts.
void ElemClampBackwardImpl(size_t n, const float* y, const float* dy, float lo, float hi, float* dx) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const auto vlo = hn::Set(d, lo), vhi = hn::Set(d, hi);
  size_t i = 0;
  for (; i + N <= n; i += N) {
    const auto v = hn::LoadU(d, y + i);
    const auto inside = hn::And(hn::Gt(v, vlo), hn::Lt(v, vhi));
    hn::StoreU(hn::IfThenElseZero(inside, hn::LoadU(d, dy + i)), d, dx + i);
  }
  for (; i < n; ++i) dx[i] = (y[i] > lo && y[i] < hi) ? dy[i] : 0.0f;
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace mote
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace mote {
namespace kernels {
HWY_EXPORT(ElemAddImpl);
HWY_EXPORT(ElemMulImpl);
HWY_EXPORT(ElemAxpyImpl);
HWY_EXPORT(ElemScaleImpl);
HWY_EXPORT(ElemClampBackwardImpl);

namespace hwy_backend {
void F32Add(size_t n, const float* a, const float* b, float* y) {
  HWY_DYNAMIC_DISPATCH(ElemAddImpl)(n, a, b, y);
}
void F32Mul(size_t n, const float* a, const float* b, float* y) {
  HWY_DYNAMIC_DISPATCH(ElemMulImpl)(n, a, b, y);
}
void F32ClampBackward(size_t n, const float* y, const float* dy, float lo, float hi, float* dx) {
  HWY_DYNAMIC_DISPATCH(ElemClampBackwardImpl)(n, y, dy, lo, hi, dx);
}
void F32Axpy(size_t n, float alpha, const float* x, float* y) {
  HWY_DYNAMIC_DISPATCH(ElemAxpyImpl)(n, alpha, x, y);
}
void F32Scale(size_t n, float alpha, const float* x, float* y) {
  HWY_DYNAMIC_DISPATCH(ElemScaleImpl)(n, alpha, x, y);
}
}  // namespace hwy_backend

}  // namespace kernels
}  // namespace mote
#endif  // HWY_ONCE
