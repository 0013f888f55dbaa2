// F32MaxPool / F32MaxPoolBackward / F32AvgPool / F32AvgPoolBackward:
// hand-computed scalar results for an overlapping 2x2 pool with padding, then
// every SIMD path against the scalar reference (bit-exact) over channel counts
// and geometries (stride 2, padding, overlapping windows, batch 2), with ties
// in the input so max-pool backward's "first maximum" rule is exercised.
#include <cmath>
#include <string>
#include <vector>

#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using kernels::Pool2DGeometry;
using testing::AllNear;
using testing::Buffer;
using testing::OddSizes;
using testing::ScopedBackend;
using testing::SimdCases;

// batch, in_h, in_w, channels, pool_h, pool_w, stride_h, stride_w, pad_top,
// pad_left, out_h, out_w.
Pool2DGeometry Geometry(size_t batch, size_t in_h, size_t in_w, size_t c, size_t ph, size_t pw,
                        size_t sh, size_t sw, size_t pt, size_t pl, size_t out_h, size_t out_w) {
  return {batch, in_h, in_w, c, ph, pw, sh, sw, pt, pl, out_h, out_w};
}
size_t InSize(const Pool2DGeometry& g) { return g.batch * g.in_h * g.in_w * g.channels; }
size_t OutSize(const Pool2DGeometry& g) { return g.batch * g.out_h * g.out_w * g.channels; }

// 3x3 single-channel image, 2x2 pool, stride 1, padding 1 top/left: 3x3
// overlapping windows with origins at (oy - 1, ox - 1).
const Pool2DGeometry kSmall = {1, 3, 3, 1, 2, 2, 1, 1, 1, 1, 3, 3};
const float kSmallX[9] = {1, 5, 2,  //
                          4, 3, 9,  //
                          7, 6, 8};

TEST(F32PoolTest, ScalarMaxPoolKnownOutput) {
  ScopedBackend scalar(Backend::kScalar);
  float y[9];
  kernels::F32MaxPool(kSmall, kSmallX, y);
  const float want[9] = {1, 5, 5, 4, 5, 9, 7, 7, 9};
  EXPECT_TRUE(AllNear(want, y, 9, 0.0f, 0.0f));
  // Padding is ignored, not read as 0: an all-negative image keeps its values.
  float neg[9], yneg[9];
  for (int i = 0; i < 9; ++i) neg[i] = -kSmallX[i];
  kernels::F32MaxPool(kSmall, neg, yneg);
  const float want_neg[9] = {-1, -1, -2, -1, -1, -2, -4, -3, -3};
  EXPECT_TRUE(AllNear(want_neg, yneg, 9, 0.0f, 0.0f));
}

TEST(F32PoolTest, ScalarMaxPoolBackwardKnownOutput) {
  ScopedBackend scalar(Backend::kScalar);
  const float dy[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  float dx[9];
  kernels::F32MaxPoolBackward(kSmall, kSmallX, dy, dx);
  // 5 wins windows (0,1), (0,2), (1,1); 9 wins (1,2), (2,2); 7 wins (2,0), (2,1).
  const float want[9] = {1, 10, 0, 4, 0, 15, 15, 0, 0};
  EXPECT_TRUE(AllNear(want, dx, 9, 0.0f, 0.0f));
  // Ties: the first maximal pixel (row-major in the window) takes the gradient.
  const Pool2DGeometry g = Geometry(1, 3, 3, 1, 2, 2, 1, 1, 0, 0, 2, 2);
  const float flat[9] = {2, 2, 2, 2, 2, 2, 2, 2, 2};
  const float ones[4] = {1, 1, 1, 1};
  kernels::F32MaxPoolBackward(g, flat, ones, dx);
  const float want_ties[9] = {1, 1, 0, 1, 1, 0, 0, 0, 0};
  EXPECT_TRUE(AllNear(want_ties, dx, 9, 0.0f, 0.0f));
}

TEST(F32PoolTest, ScalarAvgPoolKnownOutput) {
  ScopedBackend scalar(Backend::kScalar);
  float y[9];
  kernels::F32AvgPool(kSmall, kSmallX, y);
  // Only in-bounds pixels are counted.
  const float want[9] = {1, 3, 3.5f, 2.5f, 3.25f, 4.75f, 5.5f, 5, 6.5f};
  EXPECT_TRUE(AllNear(want, y, 9, 0.0f, 0.0f));
}

TEST(F32PoolTest, ScalarAvgPoolBackwardKnownOutput) {
  ScopedBackend scalar(Backend::kScalar);
  const float ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  float dx[9];
  kernels::F32AvgPoolBackward(kSmall, ones, dx);
  // Each pixel: sum of 1 / (in-bounds count) over the windows containing it.
  const float want[9] = {2.25f, 1.5f, 0.75f, 1.5f, 1, 0.5f, 0.75f, 0.5f, 0.25f};
  EXPECT_TRUE(AllNear(want, dx, 9, 0.0f, 0.0f));
}

std::vector<Pool2DGeometry> Geometries(size_t c) {
  return {
      Geometry(1, 5, 5, c, 2, 2, 1, 1, 1, 1, 5, 5),  // overlapping, padding
      Geometry(2, 6, 7, c, 3, 3, 2, 2, 1, 1, 3, 3),  // stride 2, overlapping, batch 2
      Geometry(1, 4, 4, c, 2, 2, 2, 2, 0, 0, 2, 2),  // classic 2x2 / 2
      Geometry(1, 5, 6, c, 3, 2, 1, 2, 1, 0, 5, 3),  // mixed strides, bottom padding
  };
}

std::string Describe(const Pool2DGeometry& g) {
  return "in " + std::to_string(g.batch) + "x" + std::to_string(g.in_h) + "x" +
         std::to_string(g.in_w) + "x" + std::to_string(g.channels) + " pool " +
         std::to_string(g.pool_h) + "x" + std::to_string(g.pool_w) + " s " +
         std::to_string(g.stride_h) + "," + std::to_string(g.stride_w) + " p " +
         std::to_string(g.pad_top) + "," + std::to_string(g.pad_left) + " out " +
         std::to_string(g.out_h) + "x" + std::to_string(g.out_w);
}

// Uniform values, or small integers so windows often hold equal maxima.
void Fill(Buffer* b, Rng& rng, bool ties) {
  for (size_t i = 0; i < b->size(); ++i)
    (*b)[i] = ties ? float(rng.Below(4)) - 1.5f : rng.Uniform(-2.0f, 2.0f);
}

TEST(F32PoolTest, ForwardMatchesScalar) {
  Rng rng(41);
  for (size_t c : OddSizes())
    for (const Pool2DGeometry& g : Geometries(c))
      for (bool ties : {false, true}) {
        Buffer x(InSize(g), 1);
        Fill(&x, rng, ties);
        Buffer want_max(OutSize(g), 2), want_avg(OutSize(g), 3);
        {
          ScopedBackend scalar(Backend::kScalar);
          kernels::F32MaxPool(g, x.data(), want_max.data());
          kernels::F32AvgPool(g, x.data(), want_avg.data());
        }
        for (const auto& bc : SimdCases()) {
          SCOPED_TRACE(bc.name + " " + Describe(g) + (ties ? " ties" : ""));
          ScopedBackend backend(bc);
          Buffer y(OutSize(g), 3, 7.0f);
          kernels::F32MaxPool(g, x.data(), y.data());
          EXPECT_TRUE(AllNear(want_max, y, 0.0f, 0.0f));
          Buffer avg(OutSize(g), 2, 7.0f);
          kernels::F32AvgPool(g, x.data(), avg.data());
          EXPECT_TRUE(AllNear(want_avg, avg, 0.0f, 0.0f));
        }
      }
}

TEST(F32PoolTest, BackwardMatchesScalar) {
  Rng rng(42);
  for (size_t c : OddSizes())
    for (const Pool2DGeometry& g : Geometries(c))
      for (bool ties : {false, true}) {
        Buffer x(InSize(g), 1), dy(OutSize(g), 2);
        Fill(&x, rng, ties);
        dy.FillUniform(rng);
        Buffer want_max(InSize(g), 3), want_avg(InSize(g), 1);
        {
          ScopedBackend scalar(Backend::kScalar);
          kernels::F32MaxPoolBackward(g, x.data(), dy.data(), want_max.data());
          kernels::F32AvgPoolBackward(g, dy.data(), want_avg.data());
        }
        for (const auto& bc : SimdCases()) {
          SCOPED_TRACE(bc.name + " " + Describe(g) + (ties ? " ties" : ""));
          ScopedBackend backend(bc);
          Buffer dx(InSize(g), 2, 7.0f);  // overwritten, not accumulated into
          kernels::F32MaxPoolBackward(g, x.data(), dy.data(), dx.data());
          EXPECT_TRUE(AllNear(want_max, dx, 0.0f, 0.0f));
          Buffer dx_avg(InSize(g), 3, 7.0f);
          kernels::F32AvgPoolBackward(g, dy.data(), dx_avg.data());
          EXPECT_TRUE(AllNear(want_avg, dx_avg, 0.0f, 0.0f));
        }
      }
}

// F32AvgPoolBackward is the adjoint of F32AvgPool on every backend:
// <avgpool(x), dy> == <x, avgpool_backward(dy)>.
TEST(F32PoolTest, AvgPoolBackwardIsAdjoint) {
  Rng rng(43);
  std::vector<testing::BackendCase> cases = SimdCases();
  cases.insert(cases.begin(), {Backend::kScalar, 0, "scalar"});
  for (size_t c : {size_t{1}, size_t{7}, size_t{65}})
    for (const Pool2DGeometry& g : Geometries(c)) {
      Buffer x(InSize(g), 1), dy(OutSize(g), 2);
      x.FillUniform(rng);
      dy.FillUniform(rng);
      for (const auto& bc : cases) {
        SCOPED_TRACE(bc.name + " " + Describe(g));
        ScopedBackend backend(bc);
        Buffer y(OutSize(g), 3), dx(InSize(g), 3);
        kernels::F32AvgPool(g, x.data(), y.data());
        kernels::F32AvgPoolBackward(g, dy.data(), dx.data());
        double lhs = 0.0, rhs = 0.0, mag = 0.0;
        for (size_t i = 0; i < y.size(); ++i) {
          lhs += double(y[i]) * dy[i];
          mag += std::fabs(double(y[i]) * dy[i]);
        }
        for (size_t i = 0; i < x.size(); ++i) rhs += double(x[i]) * dx[i];
        EXPECT_NEAR(lhs, rhs, 1e-6 * mag + 1e-9);
      }
    }
}

}  // namespace
}  // namespace mote
