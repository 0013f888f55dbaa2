// F32Sigmoid / F32Tanh: scalar results against the standard library, then every
// SIMD path against the scalar reference on odd sizes, misaligned buffers, in
// place, over every branch of the scalar code (polynomial, exp form,
// saturation, exp overflow / underflow, NaN). The SIMD code follows the scalar
// algorithm operation by operation: Highway matches it bit for bit on every
// target tested, xsimd on neon64 within an ulp (its arithmetic rounds
// differently somewhere), so the check allows a few ulp.
#include <cmath>
#include <limits>
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

TEST(F32ActivationTest, ScalarMatchesStandardLibrary) {
  ScopedBackend scalar(Backend::kScalar);
  const float x[] = {-100.0f, -20.0f, -9.5f, -3.0f, -0.7f, -0.3f, -0.0f, 0.0f, 1e-3f, 0.5f, 0.625f, 2.0f, 8.9f, 50.0f};
  const size_t n = sizeof(x) / sizeof(x[0]);
  float s[n], t[n];
  kernels::F32Sigmoid(n, x, s);
  kernels::F32Tanh(n, x, t);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(s[i], 1.0 / (1.0 + std::exp(-double(x[i]))), 1e-7) << x[i];
    EXPECT_NEAR(t[i], std::tanh(double(x[i])), 3e-7) << x[i];
  }
  EXPECT_EQ(s[7], 0.5f);
  EXPECT_EQ(t[7], 0.0f);
}

// Values from every branch of the scalar code plus the special values.
void FillAcrossBranches(Buffer& x, Rng& rng) {
  const float specials[] = {0.0f, -0.0f, 0.625f, -0.625f, 9.0f, -9.0f, 44.36f, -43.7f, 88.0f, -88.0f, 200.0f,
                            -200.0f, std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()};
  const size_t count = sizeof(specials) / sizeof(specials[0]);
  for (size_t i = 0; i < x.size(); ++i) {
    if (i % 5 == 4) {
      x[i] = specials[(i / 5) % count];
    } else {
      const float spread = (i % 3 == 0) ? 0.7f : 12.0f;  // polynomial range and the rest
      x[i] = rng.Uniform(-spread, spread);
    }
  }
}

// A few ulp relative; the absolute floor only matters for exp underflow near 1e-38.
const float kUlps = 2.4e-7f, kTiny = 1e-37f;

TEST(F32ActivationTest, SimdMatchesScalarOnOddSizesAndInPlace) {
  Rng rng(21);
  for (size_t n : OddSizes()) {
    Buffer x(n, 1);
    FillAcrossBranches(x, rng);
    Buffer want_sigmoid(n, 2), want_tanh(n, 3);
    {
      ScopedBackend scalar(Backend::kScalar);
      kernels::F32Sigmoid(n, x.data(), want_sigmoid.data());
      kernels::F32Tanh(n, x.data(), want_tanh.data());
    }
    for (const auto& c : SimdCases()) {
      SCOPED_TRACE(c.name + " n=" + std::to_string(n));
      ScopedBackend backend(c);
      Buffer y(n, 3);
      kernels::F32Sigmoid(n, x.data(), y.data());
      EXPECT_TRUE(AllNear(want_sigmoid, y, kUlps, kTiny));
      kernels::F32Tanh(n, x.data(), y.data());
      EXPECT_TRUE(AllNear(want_tanh, y, kUlps, kTiny));
      Buffer inplace(n, 2);
      for (size_t i = 0; i < n; ++i) inplace[i] = x[i];
      kernels::F32Sigmoid(n, inplace.data(), inplace.data());
      EXPECT_TRUE(AllNear(want_sigmoid, inplace, kUlps, kTiny));
      for (size_t i = 0; i < n; ++i) inplace[i] = x[i];
      kernels::F32Tanh(n, inplace.data(), inplace.data());
      EXPECT_TRUE(AllNear(want_tanh, inplace, kUlps, kTiny));
    }
  }
}

}  // namespace
}  // namespace mote
