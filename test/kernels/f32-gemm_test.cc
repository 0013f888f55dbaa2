#include <gtest/gtest.h>

#include <stdlib.h>
#include <string.h>

#include <string>
#include <vector>

#include "kernel_test_util.h"
#include "mote/kernels.h"
#include "mote/rng.h"

namespace mote {
namespace {

using kernels::F32Gemm;
using kernels::F32GemmWorkspaceFloats;
using kernels::Transpose;
using testing::Buffer;

struct GemmCase {
  size_t m, n, k;
  Transpose ta, tb;
  bool accumulate;
  size_t pad;  // extra leading-dimension elements
};

// Runs one GEMM under the active backend on copies of the given inputs.
void RunGemm(const GemmCase& g, const Buffer& a, const Buffer& b, const Buffer& c_in, Buffer* c) {
  const size_t lda = (g.ta == Transpose::kNo ? g.k : g.m) + g.pad;
  const size_t ldb = (g.tb == Transpose::kNo ? g.n : g.k) + g.pad;
  const size_t ldc = g.n + g.pad;
  for (size_t i = 0; i < c_in.size(); ++i) (*c)[i] = c_in[i];
  Buffer workspace(F32GemmWorkspaceFloats(g.m, g.n, g.k), 3);
  F32Gemm(g.ta, g.tb, g.m, g.n, g.k, a.data(), lda, b.data(), ldb, c->data(), ldc, g.accumulate,
          workspace.data());
  EXPECT_TRUE(workspace.GuardIntact()) << "workspace overrun";
}

// Checks every SIMD backend against the scalar reference for one case.
void CheckAgainstScalar(const GemmCase& g, uint64_t seed) {
  Rng rng(seed);
  const size_t a_rows = g.ta == Transpose::kNo ? g.m : g.k, a_cols = g.ta == Transpose::kNo ? g.k : g.m;
  const size_t b_rows = g.tb == Transpose::kNo ? g.k : g.n, b_cols = g.tb == Transpose::kNo ? g.n : g.k;
  Buffer a(a_rows * (a_cols + g.pad)), b(b_rows * (b_cols + g.pad)), c_in(g.m * (g.n + g.pad));
  a.FillUniform(rng);
  b.FillUniform(rng);
  c_in.FillUniform(rng);
  Buffer expected(c_in.size());
  {
    testing::ScopedBackend scalar(Backend::kScalar);
    RunGemm(g, a, b, c_in, &expected);
  }
  for (const auto& backend : testing::SimdCases()) {
    testing::ScopedBackend scoped(backend);
    Buffer actual(c_in.size());
    RunGemm(g, a, b, c_in, &actual);
    // Summation order differs (FMA, blocking): tolerance scales with k.
    const float tol = 2e-6f * float(g.k + 4);
    EXPECT_TRUE(testing::AllNear(expected, actual, tol, tol))
        << backend.name << " m=" << g.m << " n=" << g.n << " k=" << g.k << " ta=" << int(g.ta)
        << " tb=" << int(g.tb) << " acc=" << g.accumulate << " pad=" << g.pad;
  }
}

// Few rows of A make the GEMM read row-major B in place; B then ends at its
// last column, right before an inaccessible page: a microkernel loading a
// vector it does not use (e.g. the half vector of a full-width tile) faults.
TEST(F32Gemm, ReadsNothingPastBInPlace) {
  uint64_t seed = 40;
  for (const size_t n : {1, 2, 3, 4, 8, 16, 24, 32, 40, 48, 64, 65})
    for (const size_t m : {1, 3, 12}) {
      const size_t k = 5;
      Rng rng(seed++);
      Buffer a(m * k);
      a.FillUniform(rng);
      testing::EndGuardedBuffer b(k * n);
      b.FillUniform(rng);
      std::vector<double> want(m * n, 0.0);
      for (size_t i = 0; i < m; ++i)
        for (size_t j = 0; j < n; ++j)
          for (size_t p = 0; p < k; ++p) want[i * n + j] += double(a[i * k + p]) * b[p * n + j];
      for (const auto& backend : testing::AllCases()) {
        testing::ScopedBackend scoped(backend);
        Buffer c(m * n);
        Buffer workspace(F32GemmWorkspaceFloats(m, n, k), 3);
        F32Gemm(Transpose::kNo, Transpose::kNo, m, n, k, a.data(), k, b.data(), n, c.data(), n, false,
                workspace.data());
        for (size_t i = 0; i < m * n; ++i)
          ASSERT_NEAR(c[i], want[i], 1e-5) << backend.name << " m=" << m << " n=" << n << " at " << i;
      }
    }
}

TEST(F32Gemm, KnownProductScalar) {
  // [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154]
  const float a[] = {1, 2, 3, 4, 5, 6};
  const float b[] = {7, 8, 9, 10, 11, 12};
  float c[4] = {100, 100, 100, 100};
  std::vector<float> ws(F32GemmWorkspaceFloats(2, 2, 3));
  for (const Backend backend : {Backend::kScalar, Backend::kHwy, Backend::kXsimd}) {
    if (!BackendAvailable(backend)) continue;
    testing::ScopedBackend scoped(backend);
    F32Gemm(Transpose::kNo, Transpose::kNo, 2, 2, 3, a, 3, b, 2, c, 2, false, ws.data());
    EXPECT_EQ(c[0], 58);
    EXPECT_EQ(c[1], 64);
    EXPECT_EQ(c[2], 139);
    EXPECT_EQ(c[3], 154);
    // Accumulate adds the product again; A^T given as [3 x 2] gives the same.
    const float at[] = {1, 4, 2, 5, 3, 6};
    F32Gemm(Transpose::kYes, Transpose::kNo, 2, 2, 3, at, 2, b, 2, c, 2, true, ws.data());
    EXPECT_EQ(c[0], 116);
    EXPECT_EQ(c[3], 308);
    // B^T given as [2 x 3].
    const float bt[] = {7, 9, 11, 8, 10, 12};
    F32Gemm(Transpose::kNo, Transpose::kYes, 2, 2, 3, a, 3, bt, 3, c, 2, false, ws.data());
    EXPECT_EQ(c[1], 64);
    EXPECT_EQ(c[2], 139);
  }
}

TEST(F32Gemm, ZeroDepthClearsOrKeeps) {
  float c[6] = {1, 2, 3, 4, 5, 6};
  for (const Backend backend : {Backend::kScalar, Backend::kHwy, Backend::kXsimd}) {
    if (!BackendAvailable(backend)) continue;
    testing::ScopedBackend scoped(backend);
    float keep[6] = {1, 2, 3, 4, 5, 6};
    F32Gemm(Transpose::kNo, Transpose::kNo, 2, 3, 0, nullptr, 1, nullptr, 3, keep, 3, true, nullptr);
    EXPECT_EQ(keep[5], 6);
    F32Gemm(Transpose::kNo, Transpose::kNo, 2, 3, 0, nullptr, 1, nullptr, 3, c, 3, false, nullptr);
    for (float v : c) EXPECT_EQ(v, 0.0f);
  }
}

TEST(F32Gemm, SimdMatchesScalarOnOddSizesAllTransposes) {
  uint64_t seed = 1;
  for (const size_t s : testing::OddSizes()) {
    if (s > 65) continue;  // 1000 is covered below along one dimension at a time
    for (const Transpose ta : {Transpose::kNo, Transpose::kYes})
      for (const Transpose tb : {Transpose::kNo, Transpose::kYes}) {
        CheckAgainstScalar({s, 17, 19, ta, tb, false, 0}, seed++);
        CheckAgainstScalar({13, s, 9, ta, tb, true, 1}, seed++);
        CheckAgainstScalar({7, 33, s, ta, tb, false, 3}, seed++);
        CheckAgainstScalar({s, s, s, ta, tb, true, 0}, seed++);
      }
  }
}

TEST(F32Gemm, SimdMatchesScalarOnLongDimensions) {
  // 1000 along each dimension; k > 256 and n > 512 cross the cache blocks.
  CheckAgainstScalar({1000, 9, 5, Transpose::kNo, Transpose::kNo, false, 0}, 11);
  CheckAgainstScalar({5, 1000, 7, Transpose::kNo, Transpose::kNo, true, 2}, 12);
  CheckAgainstScalar({9, 11, 1000, Transpose::kYes, Transpose::kNo, false, 1}, 13);
  CheckAgainstScalar({31, 600, 300, Transpose::kNo, Transpose::kYes, true, 0}, 14);
  CheckAgainstScalar({97, 75, 513, Transpose::kYes, Transpose::kYes, false, 5}, 15);
}

TEST(F32Gemm, SimdMatchesScalarOnSeedNetworkShapes) {
  // The conv GEMMs of the seed network at batch 5 (batch 50 divided by 10).
  CheckAgainstScalar({980, 10, 25, Transpose::kNo, Transpose::kNo, false, 0}, 21);
  CheckAgainstScalar({245, 40, 250, Transpose::kNo, Transpose::kNo, false, 0}, 22);
  CheckAgainstScalar({245, 80, 1000, Transpose::kNo, Transpose::kNo, false, 0}, 23);
  // Backward shapes: dW = X^T * dY and dX = dY * W^T.
  CheckAgainstScalar({250, 40, 245, Transpose::kYes, Transpose::kNo, false, 0}, 24);
  CheckAgainstScalar({245, 250, 40, Transpose::kNo, Transpose::kYes, false, 0}, 25);
}

}  // namespace
}  // namespace mote

namespace mote {
namespace {

// Packing B once gives exactly what F32Gemm computes on the SIMD backends
// (same kernels, same order); the scalar reference sums a transposed B in
// another order, so it only agrees to rounding.
void CheckPackedB(size_t m, size_t n, size_t k, kernels::Transpose ta, kernels::Transpose tb, bool accumulate,
                  uint64_t seed) {
  Rng rng(seed);
  const size_t lda = ta == kernels::Transpose::kNo ? k : m, ldb = tb == kernels::Transpose::kNo ? n : k;
  testing::Buffer a(m * k), b(k * n), c0(m * n);
  a.FillUniform(rng);
  b.FillUniform(rng);
  c0.FillUniform(rng);
  std::vector<testing::BackendCase> cases = testing::SimdCases();
  cases.push_back({Backend::kScalar, 0, "scalar"});
  for (const auto& c : cases) {
    testing::ScopedBackend scoped(c);
    testing::Buffer workspace(kernels::F32GemmWorkspaceFloats(m, n, k), 2);
    testing::Buffer packed(kernels::F32GemmPackedBFloats(n, k), 3);
    testing::Buffer want(m * n), got(m * n);
    for (size_t i = 0; i < m * n; ++i) want[i] = got[i] = c0[i];
    kernels::F32Gemm(ta, tb, m, n, k, a.data(), lda, b.data(), ldb, want.data(), n, accumulate, workspace.data());
    kernels::F32GemmPackB(tb, n, k, b.data(), ldb, packed.data());
    kernels::F32GemmPackedB(ta, m, n, k, a.data(), lda, packed.data(), got.data(), n, accumulate, workspace.data());
    EXPECT_TRUE(packed.GuardIntact()) << c.name << " packed B overrun";
    const float tol = c.backend == Backend::kScalar ? 2e-6f * float(k + 4) : 0.0f;
    EXPECT_TRUE(testing::AllNear(want, got, tol, tol))
        << c.name << " m=" << m << " n=" << n << " k=" << k << " ta=" << int(ta) << " tb=" << int(tb);
  }
}

TEST(F32GemmPackedB, MatchesF32GemmExactly) {
  using kernels::Transpose;
  uint64_t seed = 100;
  for (const size_t s : {1, 3, 17, 65})
    for (const Transpose ta : {Transpose::kNo, Transpose::kYes})
      for (const Transpose tb : {Transpose::kNo, Transpose::kYes}) {
        CheckPackedB(s, 40, 25, ta, tb, false, seed++);
        CheckPackedB(13, s, 9, ta, tb, true, seed++);
        CheckPackedB(7, 33, s, ta, tb, false, seed++);
      }
  // Several column and depth blocks (n > 512, k > 256).
  CheckPackedB(30, 600, 300, Transpose::kNo, Transpose::kYes, true, seed++);
  CheckPackedB(25, 1000, 80, Transpose::kNo, Transpose::kNo, false, seed++);
  CheckPackedB(252, 80, 1000, Transpose::kNo, Transpose::kYes, false, seed++);
}

// Forces one register-tile family for a scope, then the start-up choice again.
class ScopedGemmTile {
 public:
  explicit ScopedGemmTile(const char* name) { EXPECT_TRUE(kernels::SetF32GemmTile(name).ok()) << name; }
  ~ScopedGemmTile() { EXPECT_TRUE(kernels::SetF32GemmTile(nullptr).ok()); }
  ScopedGemmTile(const ScopedGemmTile&) = delete;
  ScopedGemmTile& operator=(const ScopedGemmTile&) = delete;
};

std::vector<const char*> GemmTiles() {
  const char* names[16];
  const size_t count = kernels::F32GemmTiles(names, 16);
  EXPECT_LE(count, 16u);
  return std::vector<const char*>(names, names + (count < 16 ? count : 16));
}

bool SameBits(const testing::Buffer& x, const testing::Buffer& y) {
  return x.size() == y.size() && memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0;
}

// Every tile family of every SIMD backend gives the same bits as the
// backend's first family, from F32Gemm and from the packed-B pair: each
// element sums its products in depth order within the same depth blocks,
// whatever the tile's rows and vectors.
void CheckTilesBitIdentical(size_t m, size_t n, size_t k, kernels::Transpose ta, kernels::Transpose tb,
                            bool accumulate, uint64_t seed) {
  Rng rng(seed);
  const size_t lda = (ta == kernels::Transpose::kNo ? k : m) + 1, ldb = (tb == kernels::Transpose::kNo ? n : k) + 2;
  const size_t ldc = n + 3;
  testing::Buffer a((ta == kernels::Transpose::kNo ? m : k) * lda), b((tb == kernels::Transpose::kNo ? k : n) * ldb);
  testing::Buffer c0(m * ldc);
  a.FillUniform(rng);
  b.FillUniform(rng);
  c0.FillUniform(rng);
  for (const auto& backend : testing::SimdCases()) {
    testing::ScopedBackend scoped(backend);
    const std::vector<const char*> tiles = GemmTiles();
    testing::Buffer first(m * ldc);
    for (size_t t = 0; t < tiles.size(); ++t) {
      ScopedGemmTile tile(tiles[t]);
      ASSERT_STREQ(GemmTiles()[0], tiles[t]) << backend.name << ": the forced family is not the one in use";
      testing::Buffer workspace(kernels::F32GemmWorkspaceFloats(m, n, k), 2);
      testing::Buffer packed(kernels::F32GemmPackedBFloats(n, k), 3);
      testing::Buffer got(m * ldc), got_packed(m * ldc);
      for (size_t i = 0; i < c0.size(); ++i) got[i] = got_packed[i] = c0[i];
      kernels::F32Gemm(ta, tb, m, n, k, a.data(), lda, b.data(), ldb, got.data(), ldc, accumulate, workspace.data());
      kernels::F32GemmPackB(tb, n, k, b.data(), ldb, packed.data());
      kernels::F32GemmPackedB(ta, m, n, k, a.data(), lda, packed.data(), got_packed.data(), ldc, accumulate,
                              workspace.data());
      const std::string where = backend.name + " tile " + tiles[t] + " m=" + std::to_string(m) +
                                " n=" + std::to_string(n) + " k=" + std::to_string(k) + " ta=" +
                                std::to_string(int(ta)) + " tb=" + std::to_string(int(tb));
      EXPECT_TRUE(workspace.GuardIntact()) << where << ": workspace overrun";
      EXPECT_TRUE(packed.GuardIntact()) << where << ": packed B overrun";
      EXPECT_TRUE(SameBits(got, got_packed)) << where << ": packed B differs from F32Gemm";
      if (t == 0)
        first = got;
      else
        EXPECT_TRUE(SameBits(first, got)) << where << ": differs from tile " << tiles[0];
    }
  }
}

TEST(F32GemmTiles, EveryFamilyGivesBitIdenticalResults) {
  using kernels::Transpose;
  uint64_t seed = 300;
  // Tails in every direction: rows not a multiple of any tile height, last
  // panels narrower than any width, several depth blocks (k > 256) and
  // column blocks (n > 512).
  for (const Transpose ta : {Transpose::kNo, Transpose::kYes})
    for (const Transpose tb : {Transpose::kNo, Transpose::kYes}) {
      CheckTilesBitIdentical(61, 97, 300, ta, tb, false, seed++);
      CheckTilesBitIdentical(13, 40, 25, ta, tb, true, seed++);
    }
  for (const size_t n : {1, 10, 17, 33, 50, 80, 130})
    for (const size_t m : {1, 7, 50})
      CheckTilesBitIdentical(m, n, 27, Transpose::kNo, Transpose::kNo, m == 7, seed++);
  CheckTilesBitIdentical(50, 600, 40, Transpose::kNo, Transpose::kYes, false, seed++);
  CheckTilesBitIdentical(245, 80, 600, Transpose::kNo, Transpose::kNo, false, seed++);
}

// F32GemmRowTile names a height the family has: m rows of that height are
// computed in one tile height (a fixed point), within the register file's
// limit; the scalar loop has none (1); the default AVX-512 family's heights
// (12, 10 or 8 by least padding; 16 for one-vector outputs) as the GEMM
// picks them.
TEST(F32GemmTiles, RowTileIsAHeightOfTheFamilyInUse) {
  {
    testing::ScopedBackend scalar(Backend::kScalar);
    EXPECT_EQ(kernels::F32GemmRowTile(50, 80), 1u);
  }
  for (const auto& backend : testing::SimdCases()) {
    testing::ScopedBackend scoped(backend);
    for (const char* family : GemmTiles()) {
      ScopedGemmTile tile(family);
      for (const size_t n : {1, 10, 40, 80, 200, 1000})
        for (size_t m = 1; m <= 130; ++m) {
          const size_t h = kernels::F32GemmRowTile(m, n);
          ASSERT_GE(h, 1u);
          ASSERT_LE(h, 16u) << backend.name << " " << family;
          EXPECT_EQ(kernels::F32GemmRowTile(h, n), h) << backend.name << " " << family << " m=" << m << " n=" << n;
        }
      if (backend.name.find("AVX3") != std::string::npos && std::string(family) == "12x2") {
        EXPECT_EQ(kernels::F32GemmRowTile(50, 80), 10u);
        EXPECT_EQ(kernels::F32GemmRowTile(63, 200), 8u);
        EXPECT_EQ(kernels::F32GemmRowTile(120, 200), 12u);
        EXPECT_EQ(kernels::F32GemmRowTile(7, 10), 16u);  // one vector of outputs: the tall narrow tile
      }
    }
  }
}

TEST(F32GemmTiles, ForcingAFamilyAndBack) {
  for (const auto& backend : testing::AllCases()) {
    testing::ScopedBackend scoped(backend);
    const std::vector<const char*> tiles = GemmTiles();
    ASSERT_FALSE(tiles.empty()) << backend.name;
    const std::string by_default = tiles[0];
    for (const char* name : tiles) {
      ASSERT_TRUE(kernels::SetF32GemmTile(name).ok()) << backend.name << " " << name;
      EXPECT_STREQ(GemmTiles()[0], name) << backend.name;
      EXPECT_EQ(GemmTiles().size(), tiles.size()) << backend.name;
      EXPECT_STREQ(kernels::F32GemmTileReason(), "forced by SetF32GemmTile");
    }
    const Status unknown = kernels::SetF32GemmTile("no-such-tile");
    EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
    EXPECT_STREQ(GemmTiles()[0], tiles.back()) << "a rejected name must leave the choice alone";
    // Calibration picks one of the families, once per process.
    ASSERT_TRUE(kernels::SetF32GemmTile("calibrate").ok());
    const std::string calibrated = GemmTiles()[0];
    bool listed = false;
    for (const char* name : tiles) listed = listed || calibrated == name;
    EXPECT_TRUE(listed) << backend.name << ": calibration chose '" << calibrated << "'";
    EXPECT_EQ(GemmTiles()[0], calibrated) << backend.name << ": calibration must run once";
    ASSERT_TRUE(kernels::SetF32GemmTile(nullptr).ok());
    EXPECT_EQ(by_default, GemmTiles()[0]) << backend.name << ": null must restore the start-up choice";
    EXPECT_STRNE(kernels::F32GemmTileReason(), "forced by SetF32GemmTile");
    ASSERT_TRUE(kernels::SetF32GemmTile("auto").ok());
    if (getenv("MOTE_GEMM_TILE") == nullptr) {  // else the start-up choice was the environment's
      EXPECT_EQ(by_default, GemmTiles()[0]) << backend.name << ": auto must be the CPU's default";
    }
    ASSERT_TRUE(kernels::SetF32GemmTile(nullptr).ok());
  }
}

}  // namespace
}  // namespace mote
