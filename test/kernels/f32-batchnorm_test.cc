// Batch-norm training kernels: hand-computed scalar results, then every SIMD
// path against the scalar reference, bit for bit (the sums run in row order
// per channel, the elementwise gradient in the reference's operation order),
// over channel counts below, between and above the vector widths, on inputs
// and outputs that end at an inaccessible page.
#include <string>

#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using testing::AllEqual;
using testing::Buffer;
using testing::ChannelCounts;
using testing::EndGuardedBuffer;
using testing::ScopedBackend;
using testing::SimdCases;

TEST(F32BatchNormTest, ScalarKnownOutput) {
  ScopedBackend scalar(Backend::kScalar);
  // 3 rows x 2 channels.
  const float x[6] = {1.0f, 10.0f, 3.0f, 14.0f, 5.0f, 12.0f};
  const float dy[6] = {1.0f, -1.0f, 2.0f, 0.5f, -4.0f, 2.0f};
  const float mean[2] = {3.0f, 12.0f};
  const float invstd[2] = {0.5f, 0.25f};
  // Outputs are overwritten, not accumulated into.
  float y[6], sum[2] = {9.0f, 9.0f}, sum_sq[2] = {9.0f, 9.0f};
  kernels::F32BatchNormCenter(3, 2, x, mean, y, sum, sum_sq);
  const float want_y[6] = {-2.0f, -2.0f, 0.0f, 2.0f, 2.0f, 0.0f};
  const float want_sum[2] = {0.0f, 0.0f}, want_sq[2] = {8.0f, 8.0f};
  EXPECT_TRUE(AllEqual(want_y, y, 6));
  EXPECT_TRUE(AllEqual(want_sum, sum, 2));
  EXPECT_TRUE(AllEqual(want_sq, sum_sq, 2));

  // x_hat = {-1, -0.5, 0, 0.5, 1, 0}.
  float sum_dy[2] = {9.0f, 9.0f}, sum_dy_xhat[2] = {9.0f, 9.0f};
  kernels::F32BatchNormGradSums(3, 2, x, dy, mean, invstd, sum_dy, sum_dy_xhat);
  const float want_dy[2] = {-1.0f, 1.5f}, want_dy_xhat[2] = {-5.0f, 0.75f};
  EXPECT_TRUE(AllEqual(want_dy, sum_dy, 2));
  EXPECT_TRUE(AllEqual(want_dy_xhat, sum_dy_xhat, 2));

  // dx = a dy + b (x - mean) + d.
  const float a[2] = {2.0f, 1.0f}, b[2] = {0.5f, -1.0f}, d[2] = {1.0f, 0.0f};
  float dx[6];
  kernels::F32BatchNormInputGrad(3, 2, x, dy, mean, a, b, d, dx);
  const float want_dx[6] = {2.0f, 1.0f, 5.0f, -1.5f, -6.0f, 2.0f};
  EXPECT_TRUE(AllEqual(want_dx, dx, 6));

  // Zero rows give zero sums.
  kernels::F32BatchNormCenter(0, 2, x, mean, y, sum, sum_sq);
  kernels::F32BatchNormGradSums(0, 2, x, dy, mean, invstd, sum_dy, sum_dy_xhat);
  EXPECT_TRUE(AllEqual(want_sum, sum, 2));
  EXPECT_TRUE(AllEqual(want_sum, sum_sq, 2));
  EXPECT_TRUE(AllEqual(want_sum, sum_dy, 2));
  EXPECT_TRUE(AllEqual(want_sum, sum_dy_xhat, 2));
}

// Inputs of one shape; the per-channel statistics are plausible (mean near
// the data, invstd > 0) so that the sums exercise real cancellation.
struct Inputs {
  Inputs(size_t rows, size_t channels, Rng& rng)
      : x(rows * channels), dy(rows * channels), mean(channels), invstd(channels), a(channels), b(channels),
        d(channels) {
    x.FillUniform(rng, 1.0f, 3.0f);
    dy.FillUniform(rng, -1.0f, 1.0f);
    mean.FillUniform(rng, 1.5f, 2.5f);
    invstd.FillUniform(rng, 0.5f, 2.0f);
    a.FillUniform(rng, -2.0f, 2.0f);
    b.FillUniform(rng, -2.0f, 2.0f);
    d.FillUniform(rng, -1.0f, 1.0f);
  }
  EndGuardedBuffer x, dy, mean, invstd, a, b, d;
};

void CheckShape(size_t rows, size_t channels, Rng& rng) {
  const size_t n = rows * channels;
  const Inputs in(rows, channels, rng);
  Buffer want_y(n), want_sum(channels), want_sq(channels), want_dy(channels), want_dy_xhat(channels), want_dx(n);
  {
    ScopedBackend scalar(Backend::kScalar);
    kernels::F32BatchNormCenter(rows, channels, in.x.data(), in.mean.data(), want_y.data(), want_sum.data(),
                                want_sq.data());
    kernels::F32BatchNormGradSums(rows, channels, in.x.data(), in.dy.data(), in.mean.data(), in.invstd.data(),
                                  want_dy.data(), want_dy_xhat.data());
    kernels::F32BatchNormInputGrad(rows, channels, in.x.data(), in.dy.data(), in.mean.data(), in.a.data(),
                                   in.b.data(), in.d.data(), want_dx.data());
  }
  for (const auto& c : SimdCases()) {
    SCOPED_TRACE(c.name + " rows=" + std::to_string(rows) + " channels=" + std::to_string(channels));
    ScopedBackend backend(c);
    EndGuardedBuffer y(n);
    Buffer sum(channels, 3, 99.0f), sq(channels, 2, 99.0f);
    kernels::F32BatchNormCenter(rows, channels, in.x.data(), in.mean.data(), y.data(), sum.data(), sq.data());
    EXPECT_TRUE(AllEqual(want_y.data(), y.data(), n));
    EXPECT_TRUE(AllEqual(want_sum, sum));
    EXPECT_TRUE(AllEqual(want_sq, sq));

    Buffer sum_dy(channels, 1, 99.0f), sum_dy_xhat(channels, 2, 99.0f);
    kernels::F32BatchNormGradSums(rows, channels, in.x.data(), in.dy.data(), in.mean.data(), in.invstd.data(),
                                  sum_dy.data(), sum_dy_xhat.data());
    EXPECT_TRUE(AllEqual(want_dy, sum_dy));
    EXPECT_TRUE(AllEqual(want_dy_xhat, sum_dy_xhat));

    EndGuardedBuffer dx(n);
    kernels::F32BatchNormInputGrad(rows, channels, in.x.data(), in.dy.data(), in.mean.data(), in.a.data(),
                                   in.b.data(), in.d.data(), dx.data());
    EXPECT_TRUE(AllEqual(want_dx.data(), dx.data(), n));
    // In place over dy.
    EndGuardedBuffer inplace(n);
    inplace.CopyFrom(in.dy.data());
    kernels::F32BatchNormInputGrad(rows, channels, in.x.data(), inplace.data(), in.mean.data(), in.a.data(),
                                   in.b.data(), in.d.data(), inplace.data());
    EXPECT_TRUE(AllEqual(want_dx.data(), inplace.data(), n));
  }
}

TEST(F32BatchNormTest, MatchesScalarAcrossShapes) {
  Rng rng(21);
  for (size_t channels : ChannelCounts())
    for (size_t rows : {1, 3, 17, 63}) CheckShape(rows, channels, rng);
  // Many rows: long accumulation chains, and the seed network's first layer.
  CheckShape(1000, 10, rng);
  CheckShape(200, 67, rng);
}

}  // namespace
}  // namespace mote
