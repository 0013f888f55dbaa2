// F32ChannelSums: hand-computed scalar result, then every SIMD path against
// the scalar reference (bit-exact: each channel is summed in row order) over
// channel and row counts, with and without sum_sq, on misaligned buffers and
// on inputs that end at an inaccessible page (no read past the end).
#include <string>

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

TEST(F32ReduceTest, ScalarKnownOutput) {
  ScopedBackend scalar(Backend::kScalar);
  // 3 rows x 2 channels.
  const float x[6] = {1.0f, -2.0f, 3.0f, 0.5f, -4.0f, 1.5f};
  // Outputs are overwritten, not accumulated into.
  float sum[2] = {100.0f, 100.0f}, sum_sq[2] = {100.0f, 100.0f};
  kernels::F32ChannelSums(3, 2, x, sum, sum_sq);
  const float want_sum[2] = {0.0f, 0.0f};
  const float want_sq[2] = {26.0f, 6.5f};
  EXPECT_TRUE(AllNear(want_sum, sum, 2, 0.0f, 0.0f));
  EXPECT_TRUE(AllNear(want_sq, sum_sq, 2, 0.0f, 0.0f));
  float sum_only[2] = {100.0f, 100.0f};
  kernels::F32ChannelSums(2, 2, x, sum_only, nullptr);
  const float want_sum2[2] = {4.0f, -1.5f};
  EXPECT_TRUE(AllNear(want_sum2, sum_only, 2, 0.0f, 0.0f));
  // Zero rows give zero sums.
  kernels::F32ChannelSums(0, 2, x, sum, sum_sq);
  EXPECT_TRUE(AllNear(want_sum, sum, 2, 0.0f, 0.0f));
  EXPECT_TRUE(AllNear(want_sum, sum_sq, 2, 0.0f, 0.0f));
}

void CheckShape(size_t rows, size_t channels, Rng& rng) {
  EndGuardedBuffer x(rows * channels);
  x.FillUniform(rng, -2.0f, 2.0f);
  Buffer expected_sum(channels, 2), expected_sq(channels, 3);
  {
    ScopedBackend scalar(Backend::kScalar);
    kernels::F32ChannelSums(rows, channels, x.data(), expected_sum.data(), expected_sq.data());
  }
  for (const auto& c : SimdCases()) {
    SCOPED_TRACE(c.name + " rows=" + std::to_string(rows) + " channels=" + std::to_string(channels));
    ScopedBackend backend(c);
    Buffer sum(channels, 3, 99.0f), sq(channels, 2, 99.0f);
    kernels::F32ChannelSums(rows, channels, x.data(), sum.data(), sq.data());
    EXPECT_TRUE(AllEqual(expected_sum, sum));
    EXPECT_TRUE(AllEqual(expected_sq, sq));
    Buffer sum_only(channels, 1, 99.0f);
    kernels::F32ChannelSums(rows, channels, x.data(), sum_only.data(), nullptr);
    EXPECT_TRUE(AllEqual(expected_sum, sum_only));
  }
}

TEST(F32ReduceTest, MatchesScalarAcrossChannels) {
  Rng rng(11);
  for (size_t channels : OddSizes())
    for (size_t rows : {0, 1, 3, 17}) CheckShape(rows, channels, rng);
}

TEST(F32ReduceTest, MatchesScalarAcrossRows) {
  Rng rng(12);
  for (size_t rows : OddSizes())
    for (size_t channels : {5, 16, 67}) CheckShape(rows, channels, rng);
}

// Channel counts below, between and above the vector widths (partial vectors
// per row, overlapping tails, several passes over the rows).
TEST(F32ReduceTest, MatchesScalarOnChannelTails) {
  Rng rng(13);
  for (size_t channels : ChannelCounts())
    for (size_t rows : {1, 3, 17, 63}) CheckShape(rows, channels, rng);
}

}  // namespace
}  // namespace mote
