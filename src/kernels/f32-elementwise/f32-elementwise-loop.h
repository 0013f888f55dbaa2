// Elementwise kernels, written once against the vector adapter
// (src/kernels/simd-adapter.h; included by f32-elementwise-{hwy,xsimd}.cc
// after their adapter, once per target: no include guard). Full vectors with
// unaligned loads/stores, then a scalar tail (Highway 1.0.3 has no safe
// partial load/store on every target). Each output element depends only on
// the same index of the inputs, so in-place calls (y == a, b or x) are safe.
// Mul and Add stay separate (no fused multiply-add) to round exactly like the
// scalar reference, which is built without contraction.
MOTE_SIMD_BEGIN

void F32Add(size_t n, const float* a, const float* b, float* y) {
  const size_t N = simd::Lanes();
  size_t i = 0;
  for (; i + N <= n; i += N) simd::Store(simd::Add(simd::Load(a + i), simd::Load(b + i)), y + i);
  for (; i < n; ++i) y[i] = a[i] + b[i];
}

void F32Mul(size_t n, const float* a, const float* b, float* y) {
  const size_t N = simd::Lanes();
  size_t i = 0;
  for (; i + N <= n; i += N) simd::Store(simd::Mul(simd::Load(a + i), simd::Load(b + i)), y + i);
  for (; i < n; ++i) y[i] = a[i] * b[i];
}

void F32Axpy(size_t n, float alpha, const float* x, float* y) {
  const size_t N = simd::Lanes();
  const simd::V va = simd::Set(alpha);
  size_t i = 0;
  for (; i + N <= n; i += N) simd::Store(simd::Add(simd::Load(y + i), simd::Mul(va, simd::Load(x + i))), y + i);
  for (; i < n; ++i) y[i] += alpha * x[i];
}

void F32Scale(size_t n, float alpha, const float* x, float* y) {
  const size_t N = simd::Lanes();
  const simd::V va = simd::Set(alpha);
  size_t i = 0;
  for (; i + N <= n; i += N) simd::Store(simd::Mul(va, simd::Load(x + i)), y + i);
  for (; i < n; ++i) y[i] = alpha * x[i];
}

// Branch-free select: ReLU masks are random, a branch per element mispredicts.
void F32ClampBackward(size_t n, const float* y, const float* dy, float lo, float hi, float* dx) {
  const size_t N = simd::Lanes();
  const simd::V vlo = simd::Set(lo), vhi = simd::Set(hi);
  size_t i = 0;
  for (; i + N <= n; i += N) {
    const simd::V v = simd::Load(y + i);
    const simd::M inside = simd::And(simd::Gt(v, vlo), simd::Lt(v, vhi));
    simd::Store(simd::IfThenElseZero(inside, simd::Load(dy + i)), dx + i);
  }
  for (; i < n; ++i) dx[i] = (y[i] > lo && y[i] < hi) ? dy[i] : 0.0f;
}

MOTE_SIMD_END
