// F32Winograd{Filter,Input,Output}: the scalar reference composed into a
// whole convolution against a direct correlation in double (the fp32 error
// of each tile), the rotated filter against a rotated kernel, and every SIMD
// path against the scalar reference on channel counts with and without
// vector tails, tiles partly or wholly outside the image, both filter
// layouts, and accumulating outputs.
#include <cmath>
#include <string>
#include <vector>

#include "kernel_test_util.h"
#include "mote/kernels.h"
#include "mote/rng.h"

namespace mote {
namespace {

using kernels::WinogradTile;
using testing::AllNear;
using testing::Buffer;
using testing::ScopedBackend;
using testing::SimdCases;

const WinogradTile kTiles[] = {{4, 3}, {4, 5}};

// 'same'-style correlation of x [h][w][ci] with w [co][r][r][ci] (windows from
// -pad), in double with the matching sum of |products| (the error scale).
void DirectCorrelation(const std::vector<float>& x, size_t h, size_t w, size_t ci, const std::vector<float>& k,
                       size_t co, size_t r, long pad, std::vector<double>* y, std::vector<double>* scale) {
  y->assign(h * w * co, 0.0);
  scale->assign(h * w * co, 0.0);
  for (size_t oy = 0; oy < h; ++oy)
    for (size_t ox = 0; ox < w; ++ox)
      for (size_t o = 0; o < co; ++o)
        for (size_t ky = 0; ky < r; ++ky)
          for (size_t kx = 0; kx < r; ++kx) {
            const long iy = long(oy + ky) - pad, ix = long(ox + kx) - pad;
            if (iy < 0 || ix < 0 || iy >= long(h) || ix >= long(w)) continue;
            for (size_t c = 0; c < ci; ++c) {
              const double p = double(x[(size_t(iy) * w + size_t(ix)) * ci + c]) * k[((o * r + ky) * r + kx) * ci + c];
              (*y)[(oy * w + ox) * co + o] += p;
              (*scale)[(oy * w + ox) * co + o] += std::fabs(p);
            }
          }
}

// The whole convolution by the current backend's transforms: filter planes
// [ci][co], the tiles of one image, the products summed over ci in double.
std::vector<float> WinogradCorrelation(WinogradTile t, const std::vector<float>& x, size_t h, size_t w, size_t ci,
                                       const std::vector<float>& k, size_t co, long pad) {
  const size_t alpha = t.alpha(), planes = alpha * alpha;
  std::vector<float> u(planes * ci * co);
  // Planes [ci][co] from the kernel transposed to [r][r][ci][co].
  const size_t taps = t.r * t.r;
  std::vector<float> kt(k.size());
  for (size_t o = 0; o < co; ++o)
    for (size_t i = 0; i < taps * ci; ++i) kt[i * co + o] = k[o * taps * ci + i];
  kernels::F32WinogradFilter(t, false, ci, co, kt.data(), co, ci * co, u.data(), ci * co, co);
  std::vector<float> y(h * w * co, -1.0f), v(planes * ci), m(planes * co);
  for (size_t ty = 0; ty < h; ty += t.m)
    for (size_t tx = 0; tx < w; tx += t.m) {
      kernels::F32WinogradInput(t, x.data(), h, w, ci, long(ty) - pad, long(tx) - pad, v.data(), ci);
      for (size_t xi = 0; xi < planes; ++xi)
        for (size_t o = 0; o < co; ++o) {
          double s = 0;
          for (size_t c = 0; c < ci; ++c) s += double(v[xi * ci + c]) * u[(xi * ci + c) * co + o];
          m[xi * co + o] = float(s);
        }
      kernels::F32WinogradOutput(t, m.data(), co, co, y.data(), h, w, ty, tx, false);
    }
  return y;
}

std::vector<float> Uniform(Rng& rng, size_t n) {
  std::vector<float> v(n);
  for (float& f : v) f = rng.Uniform(-1.0f, 1.0f);
  return v;
}

// Measured largest error / sum of |products| (scalar, 11x9 image, 13 -> 7
// channels): F(4x4, 3x3) 5.2e-7, F(4x4, 5x5) 1.1e-6 (the points +-2 and +-1/2
// of alpha 8 scale terms by up to 8 and 1/8); the bounds leave a factor of
// about 4.
TEST(F32WinogradTest, ScalarConvolutionMatchesDirect) {
  ScopedBackend scalar(Backend::kScalar);
  Rng rng(7);
  const size_t h = 11, w = 9, ci = 13, co = 7;
  for (const WinogradTile t : kTiles) {
    SCOPED_TRACE("r " + std::to_string(t.r));
    const long pad = long(t.r / 2);
    const std::vector<float> x = Uniform(rng, h * w * ci), k = Uniform(rng, co * t.r * t.r * ci);
    std::vector<double> want, scale;
    DirectCorrelation(x, h, w, ci, k, co, t.r, pad, &want, &scale);
    const std::vector<float> got = WinogradCorrelation(t, x, h, w, ci, k, co, pad);
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i) worst = std::fmax(worst, std::fabs(got[i] - want[i]) / scale[i]);
    std::printf("F(4x4, %zux%zu): largest error / sum |products| %.3g\n", t.r, t.r, worst);
    EXPECT_LT(worst, t.r == 3 ? 2e-6 : 4e-6);
    EXPECT_GT(worst, 0.0);  // the transforms did round: the check can fail
  }
}

// Rotated: the filter of the kernel turned by 180 degrees.
TEST(F32WinogradTest, RotatedFilterIsTheRotatedKernels) {
  ScopedBackend scalar(Backend::kScalar);
  Rng rng(3);
  for (const WinogradTile t : kTiles) {
    const size_t co = 3, ci = 5, r = t.r, planes = t.alpha() * t.alpha();
    const std::vector<float> k = Uniform(rng, co * r * r * ci);
    std::vector<float> turned(k.size());
    for (size_t o = 0; o < co; ++o)
      for (size_t tap = 0; tap < r * r; ++tap)
        for (size_t c = 0; c < ci; ++c) turned[(o * r * r + tap) * ci + c] = k[(o * r * r + r * r - 1 - tap) * ci + c];
    std::vector<float> a(planes * co * ci), b(planes * co * ci);
    kernels::F32WinogradFilter(t, true, co, ci, k.data(), r * r * ci, ci, a.data(), co * ci, ci);
    kernels::F32WinogradFilter(t, false, co, ci, turned.data(), r * r * ci, ci, b.data(), co * ci, ci);
    EXPECT_TRUE(AllNear(b.data(), a.data(), a.size(), 0.0f, 0.0f));
  }
}

TEST(F32WinogradTest, SimdMatchesScalar) {
  Rng rng(11);
  const size_t h = 7, w = 10;
  // Tile origins: inside, across the top-left, bottom-right and wholly outside.
  const long origins[][2] = {{-2, -2}, {1, 2}, {3, 5}, {-1, 6}, {6, -3}, {9, 12}};
  for (const WinogradTile t : kTiles)
    for (const size_t c : testing::ChannelCounts()) {
      const size_t alpha = t.alpha(), planes = alpha * alpha, co = 5, plane = c + 3;
      const std::vector<float> k = Uniform(rng, co * t.r * t.r * c), image = Uniform(rng, h * w * c),
                               mt = Uniform(rng, planes * plane);
      const std::vector<float> base = Uniform(rng, h * w * c);
      const auto run = [&](Buffer* u_out, Buffer* u_rot, std::vector<Buffer>* v, std::vector<Buffer>* y) {
        // Both layouts: `k` read as [c][r][r][co] (vectors of co = 5, a tail
        // only) into planes [c][co], and as [co][r][r][c] rotated into [co][c].
        kernels::F32WinogradFilter(t, false, c, co, k.data(), t.r * t.r * co, co, u_out->data(), co * c, co);
        kernels::F32WinogradFilter(t, true, co, c, k.data(), t.r * t.r * c, c, u_rot->data(), co * c, c);
        for (size_t o = 0; o < 6; ++o) {
          kernels::F32WinogradInput(t, image.data(), h, w, c, origins[o][0], origins[o][1], (*v)[o].data(), plane);
          const bool accumulate = o % 2 == 1;
          const size_t y0 = size_t(origins[o][0] < 0 ? 0 : origins[o][0]);
          const size_t x0 = size_t(origins[o][1] < 0 ? 0 : origins[o][1]);
          for (size_t i = 0; i < base.size(); ++i) (*y)[o][i] = base[i];
          kernels::F32WinogradOutput(t, mt.data(), plane, c, (*y)[o].data(), h, w, y0, x0, accumulate);
        }
      };
      const auto make = [&](size_t n) { return std::vector<Buffer>(6, Buffer(n, 1, 7.0f)); };
      Buffer u0(planes * co * c), r0(planes * co * c);
      std::vector<Buffer> v0 = make(planes * plane), y0 = make(h * w * c);
      {
        ScopedBackend scalar(Backend::kScalar);
        run(&u0, &r0, &v0, &y0);
      }
      for (const auto& bc : SimdCases()) {
        SCOPED_TRACE(bc.name + " r " + std::to_string(t.r) + " channels " + std::to_string(c));
        ScopedBackend backend(bc);
        Buffer u1(planes * co * c, 3), r1(planes * co * c, 2);
        std::vector<Buffer> v1 = make(planes * plane), y1 = make(h * w * c);
        run(&u1, &r1, &v1, &y1);
        // Fused multiply-adds against the scalar multiply then add: rounding
        // of values summed from up to 8 x 8 terms of magnitude up to ~30.
        EXPECT_TRUE(AllNear(u0, u1, 1e-5f, 1e-6f));
        EXPECT_TRUE(AllNear(r0, r1, 1e-5f, 1e-6f));
        for (size_t o = 0; o < 6; ++o) {
          EXPECT_TRUE(AllNear(v0[o], v1[o], 1e-5f, 2e-5f)) << "input tile " << o;
          EXPECT_TRUE(AllNear(y0[o], y1[o], 1e-5f, 2e-5f)) << "output tile " << o;
        }
      }
    }
}

}  // namespace
}  // namespace mote
