// I8Quantize: the scalar reference on hand-computed values (ties both ways,
// saturation, NaN and infinities, every zero point's ends), the select form
// against the branching one on every bit pattern class, and every SIMD path
// bit for bit against scalar on odd sizes, misaligned buffers and tails.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "kernel_test_util.h"
#include "mote/kernels.h"
#include "src/kernels/i8-quantize/i8-quantize.h"

namespace mote {
namespace {

using testing::BasicBuffer;
using testing::OddSizes;
using testing::ScopedBackend;
using testing::SimdCases;

int8_t QuantizeOne(float x, float scale, int32_t zero_point) {
  int8_t q = 0;
  ScopedBackend scalar(Backend::kScalar);
  kernels::I8Quantize(1, &x, scale, zero_point, &q);
  return q;
}

TEST(I8QuantizeTest, RoundsHalfAwayFromZeroThenAddsTheZeroPoint) {
  EXPECT_EQ(QuantizeOne(2.5f, 1.0f, 0), 3);
  EXPECT_EQ(QuantizeOne(-2.5f, 1.0f, 0), -3);
  EXPECT_EQ(QuantizeOne(2.49f, 1.0f, 0), 2);
  EXPECT_EQ(QuantizeOne(-0.5f, 1.0f, 0), -1);
  EXPECT_EQ(QuantizeOne(0.25f, 0.5f, -128), -128 + 1);  // 0.5 -> 1
  EXPECT_EQ(QuantizeOne(1.0f, 0.25f, 10), 14);
  EXPECT_EQ(QuantizeOne(-0.0f, 1.0f, 7), 7);
}

TEST(I8QuantizeTest, SaturatesAndSendsNanToTheLowEnd) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  for (const int32_t zp : {-128, -35, 0, 127}) {
    SCOPED_TRACE(zp);
    EXPECT_EQ(QuantizeOne(1e9f, 1.0f, zp), 127);
    EXPECT_EQ(QuantizeOne(-1e9f, 1.0f, zp), -128);
    EXPECT_EQ(QuantizeOne(inf, 1.0f, zp), 127);
    EXPECT_EQ(QuantizeOne(-inf, 1.0f, zp), -128);
    EXPECT_EQ(QuantizeOne(nan, 1.0f, zp), -128);
    if (zp < 127) EXPECT_EQ(QuantizeOne(float(127 - zp) - 0.5f, 1.0f, zp), 127);  // a positive tie onto the top
    EXPECT_EQ(QuantizeOne(float(-128 - zp) + 0.49f, 1.0f, zp), -128);
  }
  EXPECT_EQ(QuantizeOne(3.4e38f, 1e-3f, 0), 127);  // the quotient overflows to +inf
}

// Values of every kind: ties and near-ties of every rounding, the clamp's
// edges, huge, tiny, signed zeros, infinities and NaNs, and random ones.
std::vector<float> Inputs(size_t n, Rng& rng) {
  std::vector<float> x(n);
  const float inf = std::numeric_limits<float>::infinity();
  const float special[] = {0.5f, -0.5f, 1.5f, -1.5f, 126.5f, -127.5f, 127.5f, -128.5f, 255.5f, -256.5f,
                           std::nextafter(0.5f, 0.0f), std::nextafter(-0.5f, 0.0f), 0.0f, -0.0f, 1e-40f,
                           3e38f, -3e38f, inf, -inf, std::numeric_limits<float>::quiet_NaN()};
  for (size_t i = 0; i < n; ++i) {
    const uint32_t pick = rng.Below(4);
    if (pick == 0) {
      x[i] = special[rng.Below(sizeof special / sizeof special[0])];
    } else if (pick == 1) {
      x[i] = float(int32_t(rng.Below(600)) - 300) * 0.5f;  // every tie in range and past it
    } else {
      x[i] = rng.Uniform(-300.0f, 300.0f);
    }
  }
  return x;
}

TEST(I8QuantizeTest, SelectFormMatchesTheBranchingOne) {
  Rng rng(5);
  const std::vector<float> x = Inputs(20000, rng);
  for (const int32_t zp : {-128, -35, 0, 64, 127})
    for (const float v : x) {
      const float lo = float(-128 - zp), hi = float(127 - zp);
      ASSERT_EQ(kernels::RoundClampF32Select(v, lo, hi), kernels::RoundClampF32(v, -128 - zp, 127 - zp))
          << v << " zero point " << zp;
    }
}

TEST(I8QuantizeTest, EverySimdPathMatchesScalarBitForBit) {
  Rng rng(6);
  std::vector<size_t> sizes = OddSizes();
  sizes.push_back(784);  // the seed network's input
  for (const size_t n : sizes)
    for (const size_t misalign : {size_t(0), size_t(1), size_t(3)}) {
      BasicBuffer<float> x(n, misalign);
      const std::vector<float> values = Inputs(n, rng);
      std::memcpy(x.data(), values.data(), n * sizeof(float));
      for (const float scale : {1.0f, 0.0039215689f, 3.7f}) {
        const int32_t zp = int32_t(rng.Below(256)) - 128;
        BasicBuffer<int8_t> want(n, misalign);
        {
          ScopedBackend scalar(Backend::kScalar);
          kernels::I8Quantize(n, x.data(), scale, zp, want.data());
        }
        for (const auto& bc : SimdCases()) {
          SCOPED_TRACE(bc.name + " n " + std::to_string(n) + " misalign " + std::to_string(misalign));
          ScopedBackend backend(bc);
          BasicBuffer<int8_t> got(n, misalign + 1);
          kernels::I8Quantize(n, x.data(), scale, zp, got.data());
          ASSERT_TRUE(got.GuardIntact());
          for (size_t i = 0; i < n; ++i) ASSERT_EQ(int(got[i]), int(want[i])) << "element " << i << " x " << x[i];
        }
      }
    }
}

}  // namespace
}  // namespace mote
