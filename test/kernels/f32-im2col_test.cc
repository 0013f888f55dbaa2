// F32Im2Col / F32Col2Im: hand-computed scalar results on a 3x3 image with
// padding, every SIMD path against the scalar reference (bit-exact) over
// channel counts and geometries (padding, stride 2, overlapping windows,
// windows entirely in the padding, row sub-ranges), and the adjoint identity
// <im2col(x), y> == <x, col2im(y)>.
#include <cmath>
#include <string>
#include <vector>

#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using kernels::Conv2DGeometry;
using testing::AllNear;
using testing::Buffer;
using testing::OddSizes;
using testing::ScopedBackend;
using testing::SimdCases;

// batch, in_h, in_w, in_c, kernel_h, kernel_w, stride_h, stride_w, pad_top,
// pad_left, out_h, out_w.
Conv2DGeometry Geometry(size_t batch, size_t in_h, size_t in_w, size_t in_c, size_t kh, size_t kw,
                        size_t sh, size_t sw, size_t pt, size_t pl, size_t out_h, size_t out_w) {
  return {batch, in_h, in_w, in_c, kh, kw, sh, sw, pt, pl, out_h, out_w};
}

size_t InputSize(const Conv2DGeometry& g) { return g.batch * g.in_h * g.in_w * g.in_c; }

// The in-bounds-taps rule every convolution path shares (im2col, the Conv2D
// layer's row classes, the runtime's CONV2D).
TEST(KernelTapsTest, KnownTapsAndRuns) {
  using kernels::KernelTapsInside;
  using kernels::KernelTapsRunFrom;
  // 5 taps on 7 positions: window origins -2 (two taps in the padding), 0, 4 (two past the end), 9 (none).
  EXPECT_EQ(KernelTapsInside(-2, 5, 7).begin, 2u);
  EXPECT_EQ(KernelTapsInside(-2, 5, 7).end, 5u);
  EXPECT_EQ(KernelTapsInside(0, 5, 7).end, 5u);
  EXPECT_EQ(KernelTapsInside(4, 5, 7).end, 3u);
  EXPECT_EQ(KernelTapsInside(9, 5, 7).begin, KernelTapsInside(9, 5, 7).end);
  // 5x5 "same" on 7 (stride 1, pad 2): runs [0,1) [1,2) [2,5) [5,6) [6,7).
  EXPECT_EQ(KernelTapsRunFrom(0, 7, 7, 5, 1, 2).out_end, 1u);
  EXPECT_EQ(KernelTapsRunFrom(2, 7, 7, 5, 1, 2).out_end, 5u);
  EXPECT_EQ(KernelTapsRunFrom(6, 7, 7, 5, 1, 2).out_end, 7u);
}

TEST(KernelTapsTest, OriginsBeyond32Bits) {
  // The 70000th window of stride 65535 starts at 4,587,450,000 > 2^32: past an
  // input of 2^32 - 1 positions, so it has no taps. Computed in size_t / long
  // of 32 bits (Cortex-M, i686) the origin would wrap to 292,482,704 and every
  // tap would look inside.
  const kernels::KernelTapsRun run = kernels::KernelTapsRunFrom(70000, 70001, 0xFFFFFFFFu, 0xFFFF, 0xFFFF, 0);
  EXPECT_EQ(run.taps.begin, run.taps.end);
  EXPECT_EQ(run.out_end, 70001u);
}

TEST(F32Im2ColTest, ScalarKnownOutputStride2Padding) {
  ScopedBackend scalar(Backend::kScalar);
  // 3x3 image 1..9, 2x2 kernel, stride 2, padding 1 top/left: 2x2 outputs.
  const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const Conv2DGeometry g = Geometry(1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 2, 2);
  float cols[16];
  kernels::F32Im2Col(g, x, 0, g.rows(), cols);
  const float want[16] = {0, 0, 0, 1,  // window at (-1, -1)
                          0, 0, 2, 3,  // (-1, 1)
                          0, 4, 0, 7,  // (1, -1)
                          5, 6, 8, 9};
  EXPECT_TRUE(AllNear(want, cols, 16, 0.0f, 0.0f));
  // A row range writes only those rows, starting at `columns`.
  float part[8];
  kernels::F32Im2Col(g, x, 1, 3, part);
  EXPECT_TRUE(AllNear(want + 4, part, 8, 0.0f, 0.0f));
  // Windows do not overlap and cover every pixel once: col2im undoes im2col.
  float back[9];
  kernels::F32Col2Im(g, cols, back);
  EXPECT_TRUE(AllNear(x, back, 9, 0.0f, 0.0f));
}

TEST(F32Im2ColTest, ScalarKnownOutputOverlapping) {
  ScopedBackend scalar(Backend::kScalar);
  // 3x3 image with 2 channels (c1 = -c0), 2x2 kernel, stride 1, padding 1
  // top/left: 3x3 overlapping windows.
  float x[18];
  for (int i = 0; i < 9; ++i) {
    x[2 * i] = float(i + 1);
    x[2 * i + 1] = -float(i + 1);
  }
  const Conv2DGeometry g = Geometry(1, 3, 3, 2, 2, 2, 1, 1, 1, 1, 3, 3);
  float cols[9 * 8];
  kernels::F32Im2Col(g, x, 0, g.rows(), cols);
  // Output (1, 2): window origin (0, 1) reads pixels 2, 3, 5, 6.
  const float row5[8] = {2, -2, 3, -3, 5, -5, 6, -6};
  EXPECT_TRUE(AllNear(row5, cols + 5 * 8, 8, 0.0f, 0.0f));
  // Output (0, 0): only pixel 1 is in bounds (bottom right of the window).
  const float row0[8] = {0, 0, 0, 0, 0, 0, 1, -1};
  EXPECT_TRUE(AllNear(row0, cols, 8, 0.0f, 0.0f));
  // col2im of all ones counts how many windows read each pixel.
  float ones[9 * 8];
  for (float& v : ones) v = 1.0f;
  float counts[18];
  kernels::F32Col2Im(g, ones, counts);
  const float want[18] = {4, 4, 4, 4, 2, 2, 4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 1, 1};
  EXPECT_TRUE(AllNear(want, counts, 18, 0.0f, 0.0f));
}

// Geometries with in_c filled in per test.
std::vector<Conv2DGeometry> Geometries(size_t c) {
  return {
      Geometry(1, 5, 5, c, 3, 3, 1, 1, 1, 1, 5, 5),  // "same" 3x3, overlapping
      Geometry(2, 6, 7, c, 3, 3, 2, 2, 1, 1, 3, 3),  // stride 2, padding, batch 2
      Geometry(1, 4, 4, c, 1, 1, 1, 1, 0, 0, 4, 4),  // 1x1
      Geometry(1, 5, 4, c, 2, 3, 2, 1, 0, 2, 2, 6),  // mixed strides, right padding
      Geometry(1, 3, 3, c, 2, 2, 1, 1, 2, 2, 4, 4),  // first windows entirely in padding
      // The seed network's 5x5 convs, shrunk: stride 2 "same" (kernel rows of
      // 5 floats at c = 1 are shorter than a vector) and stride 1 "same".
      Geometry(2, 12, 12, c, 5, 5, 2, 2, 1, 1, 6, 6),
      Geometry(1, 7, 7, c, 5, 5, 1, 1, 2, 2, 7, 7),
  };
}

std::string Describe(const Conv2DGeometry& g) {
  return "in " + std::to_string(g.batch) + "x" + std::to_string(g.in_h) + "x" +
         std::to_string(g.in_w) + "x" + std::to_string(g.in_c) + " k " +
         std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) + " s " +
         std::to_string(g.stride_h) + "," + std::to_string(g.stride_w) + " p " +
         std::to_string(g.pad_top) + "," + std::to_string(g.pad_left) + " out " +
         std::to_string(g.out_h) + "x" + std::to_string(g.out_w);
}

TEST(F32Im2ColTest, Im2ColMatchesScalar) {
  Rng rng(31);
  for (size_t c : OddSizes())
    for (const Conv2DGeometry& g : Geometries(c)) {
      Buffer x(InputSize(g), 1);
      x.FillUniform(rng);
      const size_t cols = g.rows() * g.patch_size();
      // A middle row range, as tiled callers pass.
      const size_t begin = g.rows() / 3, end = g.rows() - 1;
      const size_t part = (end - begin) * g.patch_size();
      Buffer expected(cols, 2), expected_part(part, 2);
      {
        ScopedBackend scalar(Backend::kScalar);
        kernels::F32Im2Col(g, x.data(), 0, g.rows(), expected.data());
        kernels::F32Im2Col(g, x.data(), begin, end, expected_part.data());
      }
      for (const auto& bc : SimdCases()) {
        SCOPED_TRACE(bc.name + " " + Describe(g));
        ScopedBackend backend(bc);
        Buffer out(cols, 3, 7.0f);  // stale values must be overwritten
        kernels::F32Im2Col(g, x.data(), 0, g.rows(), out.data());
        EXPECT_TRUE(AllNear(expected, out, 0.0f, 0.0f));
        Buffer out_part(part, 1, 7.0f);
        kernels::F32Im2Col(g, x.data(), begin, end, out_part.data());
        EXPECT_TRUE(AllNear(expected_part, out_part, 0.0f, 0.0f));
      }
    }
}

TEST(F32Im2ColTest, Col2ImMatchesScalar) {
  Rng rng(32);
  for (size_t c : OddSizes())
    for (const Conv2DGeometry& g : Geometries(c)) {
      Buffer cols(g.rows() * g.patch_size(), 1);
      cols.FillUniform(rng);
      Buffer expected(InputSize(g), 2);
      {
        ScopedBackend scalar(Backend::kScalar);
        kernels::F32Col2Im(g, cols.data(), expected.data());
      }
      for (const auto& bc : SimdCases()) {
        SCOPED_TRACE(bc.name + " " + Describe(g));
        ScopedBackend backend(bc);
        Buffer grad(InputSize(g), 3, 7.0f);  // overwritten, not accumulated into
        kernels::F32Col2Im(g, cols.data(), grad.data());
        EXPECT_TRUE(AllNear(expected, grad, 0.0f, 0.0f));
      }
    }
}

double Dot(const Buffer& a, const Buffer& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * double(b[i]);
  return s;
}

double AbsDot(const Buffer& a, const Buffer& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += std::fabs(double(a[i]) * double(b[i]));
  return s;
}

// <im2col(x), y> == <x, col2im(y)> on every backend, scalar included.
TEST(F32Im2ColTest, Col2ImIsAdjointOfIm2Col) {
  Rng rng(33);
  std::vector<testing::BackendCase> cases = SimdCases();
  cases.insert(cases.begin(), {Backend::kScalar, 0, "scalar"});
  for (size_t c : {size_t{1}, size_t{3}, size_t{17}, size_t{64}})
    for (const Conv2DGeometry& g : Geometries(c)) {
      Buffer x(InputSize(g), 1), y(g.rows() * g.patch_size(), 2);
      x.FillUniform(rng);
      y.FillUniform(rng);
      for (const auto& bc : cases) {
        SCOPED_TRACE(bc.name + " " + Describe(g));
        ScopedBackend backend(bc);
        Buffer cols(y.size(), 3), grad(x.size(), 3);
        kernels::F32Im2Col(g, x.data(), 0, g.rows(), cols.data());
        kernels::F32Col2Im(g, y.data(), grad.data());
        const double lhs = Dot(cols, y), rhs = Dot(x, grad);
        // Float rounding in col2im's sums only: relative to the magnitude.
        EXPECT_NEAR(lhs, rhs, 1e-6 * AbsDot(cols, y) + 1e-9) << "lhs " << lhs << " rhs " << rhs;
        EXPECT_TRUE(cols.GuardIntact());
        EXPECT_TRUE(grad.GuardIntact());
      }
    }
}

}  // namespace
}  // namespace mote

namespace mote {
namespace {

TEST(F32Col2ImAccumulateTest, TilesAddUpToTheWholeAdjointOnEveryBackend) {
  // Stride 2, padding, 3 channels; tiles of 7 rows (not dividing the 2*4*4 rows).
  const kernels::Conv2DGeometry g{2, 7, 7, 3, 3, 3, 2, 2, 1, 1, 4, 4};
  const size_t rows = g.rows(), patch = g.patch_size(), pixels = g.batch * g.in_h * g.in_w * g.in_c;
  Rng rng(17);
  testing::Buffer columns(rows * patch);
  columns.FillUniform(rng);
  testing::Buffer expected(pixels);
  {
    testing::ScopedBackend scalar(Backend::kScalar);
    kernels::F32Col2Im(g, columns.data(), expected.data());
  }
  std::vector<testing::BackendCase> cases = testing::SimdCases();
  cases.push_back({Backend::kScalar, 0, "scalar"});
  for (const auto& c : cases) {
    testing::ScopedBackend scoped(c);
    testing::Buffer tiled(pixels, 1, 0.0f);
    for (size_t r = 0; r < rows; r += 7) {
      const size_t end = r + 7 < rows ? r + 7 : rows;
      kernels::F32Col2ImAccumulate(g, columns.data() + r * patch, r, end, tiled.data());
    }
    // Additions happen in the same order per pixel, so the sums are identical.
    EXPECT_TRUE(testing::AllNear(expected, tiled, 0.0f, 0.0f)) << c.name;
  }
}

}  // namespace
}  // namespace mote
