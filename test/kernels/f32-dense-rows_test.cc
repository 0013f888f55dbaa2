// F32DenseRows: hand-computed outputs (bias, clamp, no bias), the scalar
// kernel against a naive double-precision loop on odd shapes and strides, and
// every SIMD path against scalar.
#include <cmath>
#include <vector>

#include "dense_rows_test_util.h"
#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using testing::AllCases;
using testing::AllNear;
using testing::Buffer;
using testing::Describe;
using testing::RowsShape;
using testing::RowsShapes;
using testing::ScopedBackend;
using testing::SimdCases;

constexpr float kInf = __builtin_inff();

TEST(F32DenseRowsTest, KnownOutputsBiasAndClamp) {
  // a rows (1, 2, 3) and (-1, 0, 2) against w rows (1, 0, 1), (0.5, -1, 0),
  // (2, 2, 2), (0, 0, 1), (1, 1, 0); lda 4, ldc 6 (gaps must stay untouched).
  const float a[8] = {1, 2, 3, 99, -1, 0, 2, 99};
  const float w[15] = {1, 0, 1, 0.5f, -1, 0, 2, 2, 2, 0, 0, 1, 1, 1, 0};
  const float bias[5] = {0.5f, 0, -10, 1, 0};
  const float dots[10] = {4, -1.5f, 12, 3, 3, 1, -0.5f, 2, 2, -1};
  for (const auto& bc : AllCases()) {
    SCOPED_TRACE(bc.name);
    ScopedBackend backend(bc);
    float c[12];
    for (float& v : c) v = -7;
    kernels::F32DenseRows(2, 5, 3, a, 4, w, 3, nullptr, -kInf, kInf, c, 6);
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_TRUE(AllNear(dots + 5 * i, c + 6 * i, 5, 0.0f, 0.0f)) << "row " << i;
      EXPECT_EQ(c[6 * i + 5], -7.0f) << "ldc gap";
    }
    // bias then clamp to [0, 3] (ReLU6-like).
    kernels::F32DenseRows(2, 5, 3, a, 4, w, 3, bias, 0.0f, 3.0f, c, 6);
    const float want[10] = {3, 0, 2, 3, 3, 1.5f, 0, 0, 3, 0};
    for (size_t i = 0; i < 2; ++i) EXPECT_TRUE(AllNear(want + 5 * i, c + 6 * i, 5, 0.0f, 0.0f)) << "row " << i;
  }
}

struct Case {
  RowsShape s;
  Buffer a, w, bias;
};

Case RandomCase(Rng& rng, const RowsShape& s) {
  Case c{s, Buffer(s.m * s.lda, 1), Buffer(s.n * s.ldw, 3), Buffer(s.n, 2)};
  c.a.FillUniform(rng);
  c.w.FillUniform(rng);
  c.bias.FillUniform(rng);
  return c;
}

// Clamp range that cuts off some outputs of a k-long dot product.
float Hi(const RowsShape& s) { return 0.3f * std::sqrt(float(s.k)); }

void RunDenseRows(const Case& c, Buffer* out) {
  kernels::F32DenseRows(c.s.m, c.s.n, c.s.k, c.a.data(), c.s.lda, c.w.data(), c.s.ldw, c.bias.data(), -0.5f,
                        Hi(c.s), out->data(), c.s.ldc);
}

Buffer Output(const RowsShape& s) { return Buffer(s.m * s.ldc, 2, -7.0f); }

// Rounding tolerance of a k-long float dot product of values in [-1, 1].
float AbsTolerance(const RowsShape& s) { return 4e-7f * float(s.k) + 1e-6f; }

TEST(F32DenseRowsTest, ScalarMatchesNaiveLoop) {
  ScopedBackend scalar(Backend::kScalar);
  Rng rng(3);
  for (const RowsShape& s : RowsShapes()) {
    SCOPED_TRACE(Describe(s));
    const Case c = RandomCase(rng, s);
    Buffer out = Output(s);
    RunDenseRows(c, &out);
    ASSERT_TRUE(out.GuardIntact());
    std::vector<float> want(s.m * s.ldc, -7.0f);
    for (size_t i = 0; i < s.m; ++i)
      for (size_t j = 0; j < s.n; ++j) {
        double acc = c.bias[j];
        for (size_t p = 0; p < s.k; ++p) acc += double(c.a[i * s.lda + p]) * c.w[j * s.ldw + p];
        want[i * s.ldc + j] = float(std::fmin(std::fmax(acc, -0.5), double(Hi(s))));
      }
    ASSERT_TRUE(AllNear(want.data(), out.data(), want.size(), 1e-6f, AbsTolerance(s)));
  }
}

TEST(F32DenseRowsTest, EverySimdPathMatchesScalar) {
  Rng rng(5);
  for (const RowsShape& s : RowsShapes()) {
    const Case c = RandomCase(rng, s);
    Buffer want = Output(s);
    {
      ScopedBackend scalar(Backend::kScalar);
      RunDenseRows(c, &want);
    }
    for (const auto& bc : SimdCases()) {
      SCOPED_TRACE(bc.name + " " + Describe(s));
      ScopedBackend backend(bc);
      Buffer got = Output(s);
      RunDenseRows(c, &got);
      ASSERT_TRUE(AllNear(want, got, 1e-6f, AbsTolerance(s)));
    }
  }
}

}  // namespace
}  // namespace mote
