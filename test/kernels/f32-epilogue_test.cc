// F32ChannelAffineClamp: hand-computed scalar result, then every SIMD path
// against the scalar reference (bit-exact) over channel and row counts, every
// scale/shift presence and clamp mode, misaligned buffers and in place.
#include <cmath>
#include <string>
#include <vector>

#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using testing::AllEqual;
using testing::AllNear;
using testing::Buffer;
using testing::ChannelCounts;
using testing::EndGuardedBuffer;
using testing::OddSizes;
using testing::ScopedBackend;
using testing::SimdCases;

const float kInf = INFINITY;

TEST(F32EpilogueTest, ScalarKnownOutput) {
  ScopedBackend scalar(Backend::kScalar);
  // 2 rows x 3 channels.
  const float x[6] = {1.0f, -2.0f, 3.0f, -1.0f, 0.5f, 10.0f};
  const float scale[3] = {2.0f, 1.0f, -1.0f};
  const float shift[3] = {0.5f, -1.0f, 0.0f};
  float y[6];
  // x * scale + shift = {2.5, -3, -3, -1.5, -0.5, -10}, then clamp to [-2, 2].
  kernels::F32ChannelAffineClamp(2, 3, x, scale, shift, -2.0f, 2.0f, y);
  const float clamped[6] = {2.0f, -2.0f, -2.0f, -1.5f, -0.5f, -2.0f};
  EXPECT_TRUE(AllNear(clamped, y, 6, 0.0f, 0.0f));
  // ReLU without scale: x + shift = {1.5, -3, 3, -0.5, -0.5, 10}.
  kernels::F32ChannelAffineClamp(2, 3, x, nullptr, shift, 0.0f, kInf, y);
  const float relu[6] = {1.5f, 0.0f, 3.0f, 0.0f, 0.0f, 10.0f};
  EXPECT_TRUE(AllNear(relu, y, 6, 0.0f, 0.0f));
  // Identity (no scale, no shift, no clamp), in place.
  float z[6] = {1.0f, -2.0f, 3.0f, -1.0f, 0.5f, 10.0f};
  kernels::F32ChannelAffineClamp(2, 3, z, nullptr, nullptr, -kInf, kInf, z);
  EXPECT_TRUE(AllNear(x, z, 6, 0.0f, 0.0f));
}

struct Mode {
  bool scale, shift;
  float lo, hi;
};

void CheckShape(size_t rows, size_t channels, Rng& rng) {
  const size_t n = rows * channels;
  // Inputs end at an inaccessible page: nothing may be read past them.
  EndGuardedBuffer x(n), scale(channels), shift(channels);
  x.FillUniform(rng, -3.0f, 3.0f);
  scale.FillUniform(rng, -2.0f, 2.0f);
  shift.FillUniform(rng, -1.0f, 1.0f);
  // Special values go through the same comparisons as the reference.
  if (n > 2) {
    x[0] = NAN;
    x[n / 2] = kInf;
    x[n - 1] = -kInf;
  }
  const Mode modes[] = {{true, true, -0.5f, 0.75f}, {true, false, 0.0f, kInf},
                        {false, true, -kInf, kInf}, {false, false, -1.0f, 1.0f},
                        {true, true, 0.0f, 6.0f}};
  for (const Mode& m : modes) {
    const float* sc = m.scale ? scale.data() : nullptr;
    const float* sh = m.shift ? shift.data() : nullptr;
    Buffer expected(n, 2);
    {
      ScopedBackend scalar(Backend::kScalar);
      kernels::F32ChannelAffineClamp(rows, channels, x.data(), sc, sh, m.lo, m.hi, expected.data());
    }
    for (const auto& c : SimdCases()) {
      SCOPED_TRACE(c.name + " rows=" + std::to_string(rows) + " channels=" +
                   std::to_string(channels) + " scale=" + std::to_string(m.scale) +
                   " shift=" + std::to_string(m.shift) + " lo=" + std::to_string(m.lo) +
                   " hi=" + std::to_string(m.hi));
      ScopedBackend backend(c);
      Buffer y(n, 3);
      kernels::F32ChannelAffineClamp(rows, channels, x.data(), sc, sh, m.lo, m.hi, y.data());
      EXPECT_TRUE(AllEqual(expected, y));
      EndGuardedBuffer inplace(n);
      inplace.CopyFrom(x.data());
      kernels::F32ChannelAffineClamp(rows, channels, inplace.data(), sc, sh, m.lo, m.hi,
                                     inplace.data());
      EXPECT_TRUE(AllEqual(expected.data(), inplace.data(), n));
    }
  }
}

TEST(F32EpilogueTest, MatchesScalarAcrossChannels) {
  Rng rng(7);
  for (size_t channels : OddSizes())
    for (size_t rows : {1, 3, 17}) CheckShape(rows, channels, rng);
}

TEST(F32EpilogueTest, MatchesScalarAcrossRows) {
  Rng rng(8);
  for (size_t rows : OddSizes())
    for (size_t channels : {5, 16}) CheckShape(rows, channels, rng);
}

// Channel counts below, between and above the vector widths (rows run as one
// flat array, overlapping tails).
TEST(F32EpilogueTest, MatchesScalarOnChannelTails) {
  Rng rng(9);
  for (size_t channels : ChannelCounts())
    for (size_t rows : {1, 3, 17, 63}) CheckShape(rows, channels, rng);
}

}  // namespace
}  // namespace mote
