// F32Add / F32Mul / F32Axpy / F32Scale: hand-computed scalar results, then
// every SIMD path against the scalar reference on odd sizes, misaligned
// buffers and in place. These kernels round exactly like the reference.
#include <string>

#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using testing::AllNear;
using testing::Buffer;
using testing::OddSizes;
using testing::ScopedBackend;
using testing::SimdCases;

TEST(F32ElementwiseTest, ScalarKnownOutput) {
  ScopedBackend scalar(Backend::kScalar);
  const float a[3] = {1.0f, -2.0f, 0.5f};
  const float b[3] = {4.0f, 3.0f, -0.25f};
  float y[3];
  kernels::F32Add(3, a, b, y);
  const float add[3] = {5.0f, 1.0f, 0.25f};
  EXPECT_TRUE(AllNear(add, y, 3, 0.0f, 0.0f));
  kernels::F32Mul(3, a, b, y);
  const float mul[3] = {4.0f, -6.0f, -0.125f};
  EXPECT_TRUE(AllNear(mul, y, 3, 0.0f, 0.0f));
  float acc[3] = {1.0f, 1.0f, 1.0f};
  kernels::F32Axpy(3, 2.0f, a, acc);
  const float axpy[3] = {3.0f, -3.0f, 2.0f};
  EXPECT_TRUE(AllNear(axpy, acc, 3, 0.0f, 0.0f));
  kernels::F32Scale(3, -3.0f, a, y);
  const float scale[3] = {-3.0f, 6.0f, -1.5f};
  EXPECT_TRUE(AllNear(scale, y, 3, 0.0f, 0.0f));
}

// Which kernel a parameterised check runs.
enum class Op { kAdd, kMul, kAxpy, kScale };
const float kAlpha = -1.75f;

void Run(Op op, size_t n, const float* a, const float* b, float* y) {
  switch (op) {
    case Op::kAdd: kernels::F32Add(n, a, b, y); break;
    case Op::kMul: kernels::F32Mul(n, a, b, y); break;
    case Op::kAxpy: kernels::F32Axpy(n, kAlpha, a, y); break;  // y += alpha * a
    case Op::kScale: kernels::F32Scale(n, kAlpha, a, y); break;
  }
}

// Output before the call: Axpy reads y, so it starts from `b`.
void Init(Op op, const Buffer& b, Buffer* y) {
  for (size_t i = 0; i < y->size(); ++i) (*y)[i] = op == Op::kAxpy ? b[i] : 0.0f;
}

void CheckAgainstScalar(Op op) {
  Rng rng(42);
  for (size_t n : OddSizes()) {
    Buffer a(n, 1), b(n, 2);
    a.FillUniform(rng, -4.0f, 4.0f);
    b.FillUniform(rng, -4.0f, 4.0f);
    Buffer expected(n, 3);
    Init(op, b, &expected);
    {
      ScopedBackend scalar(Backend::kScalar);
      Run(op, n, a.data(), b.data(), expected.data());
    }
    for (const auto& c : SimdCases()) {
      SCOPED_TRACE(c.name + " n=" + std::to_string(n));
      ScopedBackend backend(c);
      Buffer y(n, 3);
      Init(op, b, &y);
      Run(op, n, a.data(), b.data(), y.data());
      EXPECT_TRUE(AllNear(expected, y, 0.0f, 0.0f));
      // In place: the output aliases the first input (Axpy: y is its own input).
      Buffer inplace(n, 1);
      for (size_t i = 0; i < n; ++i) inplace[i] = op == Op::kAxpy ? b[i] : a[i];
      if (op == Op::kAxpy)
        Run(op, n, a.data(), nullptr, inplace.data());
      else
        Run(op, n, inplace.data(), b.data(), inplace.data());
      EXPECT_TRUE(AllNear(expected, inplace, 0.0f, 0.0f));
      // Zero length touches nothing.
      Run(op, 0, a.data(), b.data(), y.data());
      EXPECT_TRUE(AllNear(expected, y, 0.0f, 0.0f));
    }
  }
}

TEST(F32ElementwiseTest, AddMatchesScalar) { CheckAgainstScalar(Op::kAdd); }
TEST(F32ElementwiseTest, MulMatchesScalar) { CheckAgainstScalar(Op::kMul); }
TEST(F32ElementwiseTest, AxpyMatchesScalar) { CheckAgainstScalar(Op::kAxpy); }
TEST(F32ElementwiseTest, ScaleMatchesScalar) { CheckAgainstScalar(Op::kScale); }

TEST(F32ElementwiseTest, SimdCasesExist) {
  // Guards against a build where the SIMD loops above silently run nothing.
#if !MOTE_HAVE_HWY && !MOTE_HAVE_XSIMD
  GTEST_SKIP() << "built without SIMD backends (-Dsimd=)";
#endif
  EXPECT_FALSE(SimdCases().empty());
}

}  // namespace
}  // namespace mote

namespace mote {
namespace {

TEST(F32ClampBackwardTest, KnownOutputOnEveryBackend) {
  // y from clamp(x, 0, 6): gradient passes strictly inside (0, 6) only.
  const float y[] = {0.0f, 0.5f, 6.0f, 3.0f, -0.0f, 5.999f, 1e-30f};
  const float dy[] = {1, 2, 3, 4, 5, 6, 7};
  const float want[] = {0, 2, 0, 4, 0, 6, 7};
  std::vector<testing::BackendCase> cases = testing::SimdCases();
  cases.push_back({Backend::kScalar, 0, "scalar"});
  for (const auto& c : cases) {
    testing::ScopedBackend scoped(c);
    float dx[7];
    kernels::F32ClampBackward(7, y, dy, 0.0f, 6.0f, dx);
    for (int i = 0; i < 7; ++i) EXPECT_EQ(dx[i], want[i]) << c.name << " element " << i;
  }
}

TEST(F32ClampBackwardTest, SimdMatchesScalarOnOddSizesAndInPlace) {
  for (size_t n : testing::OddSizes()) {
    Rng rng(n);
    testing::Buffer y(n), dy(n), expected(n);
    y.FillUniform(rng, -1.0f, 1.0f);
    dy.FillUniform(rng);
    {
      testing::ScopedBackend scalar(Backend::kScalar);
      kernels::F32ClampBackward(n, y.data(), dy.data(), 0.0f, INFINITY, expected.data());
    }
    for (const auto& c : testing::SimdCases()) {
      testing::ScopedBackend scoped(c);
      testing::Buffer dx(n);
      kernels::F32ClampBackward(n, y.data(), dy.data(), 0.0f, INFINITY, dx.data());
      EXPECT_TRUE(testing::AllNear(expected, dx, 0.0f, 0.0f)) << c.name << " n=" << n;
      testing::Buffer in_place(n);
      for (size_t i = 0; i < n; ++i) in_place[i] = dy[i];
      kernels::F32ClampBackward(n, y.data(), in_place.data(), 0.0f, INFINITY, in_place.data());
      EXPECT_TRUE(testing::AllNear(expected, in_place, 0.0f, 0.0f)) << c.name << " in place n=" << n;
    }
  }
}

}  // namespace
}  // namespace mote
