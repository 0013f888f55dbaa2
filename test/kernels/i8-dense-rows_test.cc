// I8RequantizeOne on hand-computed edge cases (rounding ties, negative
// accumulators, shift 1 and 62, multiplier 2^31 - 1, saturation), and
// I8DenseRows against a naive loop with exact 128-bit arithmetic on odd shapes
// and strides, then every SIMD path bit for bit against scalar.
#include <cstdint>
#include <string>
#include <vector>

#include "dense_rows_test_util.h"
#include "kernel_test_util.h"
#include "mote/kernels.h"
#include "src/kernels/i8-variant.h"

namespace mote {
namespace {

using kernels::I8Requant;
using kernels::I8RequantizeOne;
using testing::AllCases;
using testing::BasicBuffer;
using testing::Describe;
using testing::RowsShape;
using testing::RowsShapes;
using testing::ScopedBackend;
using testing::SimdCases;
using I8Buffer = BasicBuffer<int8_t>;

constexpr int32_t kHalfRange = int32_t(1) << 30;  // multiplier 2^30 with shift s scales by 2^(30 - s)
constexpr int32_t kMaxMultiplier = INT32_MAX;     // 2^31 - 1

TEST(I8RequantizeOneTest, RoundsHalfUpIncludingNegativeTies) {
  // Scale 1/2 (2^30 * 2^-31): x.5 goes up, also for negative values.
  EXPECT_EQ(I8RequantizeOne(5, kHalfRange, 31, 0, -128, 127), 3);    // 2.5 -> 3
  EXPECT_EQ(I8RequantizeOne(-5, kHalfRange, 31, 0, -128, 127), -2);  // -2.5 -> -2
  EXPECT_EQ(I8RequantizeOne(-1, kHalfRange, 31, 0, -128, 127), 0);   // -0.5 -> 0
  EXPECT_EQ(I8RequantizeOne(-3, kHalfRange, 31, 0, -128, 127), -1);  // -1.5 -> -1
  EXPECT_EQ(I8RequantizeOne(1, kHalfRange, 31, 0, -128, 127), 1);    // 0.5 -> 1
  // Scale 1/4: below and above the tie.
  EXPECT_EQ(I8RequantizeOne(-7, kHalfRange, 32, 0, -128, 127), -2);  // -1.75 -> -2
  EXPECT_EQ(I8RequantizeOne(-5, kHalfRange, 32, 0, -128, 127), -1);  // -1.25 -> -1
  EXPECT_EQ(I8RequantizeOne(-6, kHalfRange, 32, 0, -128, 127), -1);  // -1.5 -> -1
  EXPECT_EQ(I8RequantizeOne(6, kHalfRange, 32, 0, -128, 127), 2);    // 1.5 -> 2
}

TEST(I8RequantizeOneTest, ZeroPointThenClamp) {
  EXPECT_EQ(I8RequantizeOne(200, kHalfRange, 31, -20, -128, 127), 80);     // 100 - 20
  EXPECT_EQ(I8RequantizeOne(400, kHalfRange, 31, 10, -128, 127), 127);     // 210 saturates
  EXPECT_EQ(I8RequantizeOne(-400, kHalfRange, 31, 10, -128, 127), -128);   // -190 saturates
  EXPECT_EQ(I8RequantizeOne(-400, kHalfRange, 31, 10, -5, 100), -5);       // fused ReLU-like range
  EXPECT_EQ(I8RequantizeOne(150, kHalfRange, 31, 10, -5, 100), 85);
  EXPECT_EQ(I8RequantizeOne(250, kHalfRange, 31, 10, -5, 100), 100);
}

TEST(I8RequantizeOneTest, ExtremeShiftsAndMultiplier) {
  // Shift 1: scale 2^29, everything but 0 saturates; the rounding term is 1.
  EXPECT_EQ(I8RequantizeOne(0, kHalfRange, 1, 3, -128, 127), 3);
  EXPECT_EQ(I8RequantizeOne(1, kHalfRange, 1, 0, -128, 127), 127);
  EXPECT_EQ(I8RequantizeOne(-1, kHalfRange, 1, 0, -128, 127), -128);
  EXPECT_EQ(I8RequantizeOne(INT32_MIN, kMaxMultiplier, 1, 0, -128, 127), -128);
  // Shift 62 with the largest multiplier and accumulators: the 64-bit
  // intermediate must not overflow. (2^31 - 1)^2 / 2^62 = 1 - 2^-30 + 2^-62.
  EXPECT_EQ(I8RequantizeOne(INT32_MAX, kMaxMultiplier, 62, 0, -128, 127), 1);
  EXPECT_EQ(I8RequantizeOne(INT32_MIN, kMaxMultiplier, 62, 0, -128, 127), -1);  // -1 + 2^-31
  EXPECT_EQ(I8RequantizeOne(INT32_MIN, kMaxMultiplier, 61, 0, -128, 127), -2);  // -2 + 2^-30
  EXPECT_EQ(I8RequantizeOne(INT32_MIN, kHalfRange, 62, 0, -128, 127), 0);       // -0.5 tie -> 0
  EXPECT_EQ(I8RequantizeOne(INT32_MIN, kHalfRange, 61, 0, -128, 127), -1);      // exactly -1
  EXPECT_EQ(I8RequantizeOne(1000, kMaxMultiplier, 62, -7, -128, 127), -7);
}

// Exact reference: floor((acc * M + 2^(s-1)) / 2^s). With |acc| <= 2^31 (an
// int32 accumulator) and M < 2^31 the numerator stays below 2^63, so 64 bits
// hold it exactly (32-bit targets have no __int128).
int32_t ReferenceRequant(int64_t acc, int32_t multiplier, int32_t shift, int32_t zp, int32_t lo, int32_t hi) {
  EXPECT_LE(acc < 0 ? -acc : acc, int64_t(1) << 31) << "the reference needs an int32 accumulator";
  const int64_t num = acc * multiplier + (int64_t(1) << (shift - 1));
  const int64_t den = int64_t(1) << shift;
  int64_t q = num / den;
  if (num % den != 0 && num < 0) --q;  // floor, not truncation
  q += zp;
  return int32_t(q < lo ? lo : (q > hi ? hi : q));
}

struct Requant {
  std::vector<int32_t> bias, multiplier, shift;
  I8Requant view;
};

// Per channel: a multiplier in [2^30, 2^31) and a shift that maps accumulators
// of a k-long dot product to roughly the int8 range, with some channels at
// the extremes (shift 1 and 62, multiplier 2^30 and 2^31 - 1).
Requant RandomRequant(Rng& rng, size_t n, size_t k, int32_t zp, int32_t lo, int32_t hi) {
  Requant r;
  int32_t log_k = 0;
  while ((size_t(1) << log_k) < k) ++log_k;
  for (size_t j = 0; j < n; ++j) {
    r.bias.push_back(int32_t(rng.Below(200001)) - 100000);
    int32_t m = kHalfRange + int32_t(rng.Below(uint32_t(kHalfRange)));
    int32_t s = 30 + 8 + log_k / 2 + int32_t(rng.Below(5));
    if (j % 7 == 3) s = 1;
    if (j % 7 == 5) s = 62;
    if (j % 5 == 2) m = kMaxMultiplier;
    if (j % 5 == 4) m = kHalfRange;
    r.multiplier.push_back(m);
    r.shift.push_back(s);
  }
  r.view = {r.bias.data(), r.multiplier.data(), r.shift.data(), zp, lo, hi};
  return r;
}

struct Case {
  RowsShape s;
  I8Buffer a, w;
  Requant rq;
};

Case RandomCase(Rng& rng, const RowsShape& s) {
  Case c{s, I8Buffer(s.m * s.lda, 1), I8Buffer(s.n * s.ldw, 3), {}};
  c.a.FillUniform(rng, -128, 127);
  c.w.FillUniform(rng, -128, 127);
  const int32_t zp = int32_t(rng.Below(41)) - 20;
  c.rq = RandomRequant(rng, s.n, s.k, zp, s.n % 2 ? -128 : zp, 127);
  return c;
}

void RunDenseRows(const Case& c, I8Buffer* out) {
  kernels::I8DenseRows(c.s.m, c.s.n, c.s.k, c.a.data(), c.s.lda, c.w.data(), c.s.ldw, c.rq.view, out->data(),
                       c.s.ldc);
}

// Output buffer: rows of ldc, the gap past n prefilled to catch stray writes.
I8Buffer Output(const RowsShape& s) { return I8Buffer(s.m * s.ldc, 2, int8_t(-77)); }

TEST(I8DenseRowsTest, ScalarMatchesExactReference) {
  ScopedBackend scalar(Backend::kScalar);
  Rng rng(7);
  for (const RowsShape& s : RowsShapes()) {
    SCOPED_TRACE(Describe(s));
    const Case c = RandomCase(rng, s);
    I8Buffer out = Output(s);
    RunDenseRows(c, &out);
    ASSERT_TRUE(out.GuardIntact());
    size_t unsaturated = 0;
    for (size_t i = 0; i < s.m; ++i)
      for (size_t j = 0; j < s.ldc; ++j) {
        const int8_t got = out[i * s.ldc + j];
        if (j >= s.n) {
          ASSERT_EQ(got, -77) << "wrote into the ldc gap at " << i << "," << j;
          continue;
        }
        int64_t acc = c.rq.bias[j];
        for (size_t p = 0; p < s.k; ++p) acc += int64_t(c.a[i * s.lda + p]) * c.w[j * s.ldw + p];
        const int32_t want = ReferenceRequant(acc, c.rq.multiplier[j], c.rq.shift[j], c.rq.view.out_zero_point,
                                              c.rq.view.out_min, c.rq.view.out_max);
        ASSERT_EQ(int32_t(got), want) << "row " << i << " channel " << j << " acc " << acc;
        unsaturated += want > c.rq.view.out_min && want < c.rq.view.out_max;
      }
    // The scales above must leave most outputs inside the range, or the test
    // would only check clamping.
    if (s.n >= 17 && s.k >= 17) {
      EXPECT_GT(unsaturated, s.m * s.n / 3);
    }
  }
}

TEST(I8DenseRowsTest, ExtremeInputsExactSums) {
  // Every product is (-128)(-128) = 2^14, so the sum is k * 2^14 = 16384000
  // (k = 1000, exact in int32); channel scales 2^-18 (shift 48) give +-62.5.
  const size_t k = 1000, n = 3;
  const std::vector<int8_t> a(k, -128), w(n * k, -128);
  const int32_t sum = int32_t(k) << 14;
  const int32_t bias[n] = {-sum, 0, -2 * sum}, multiplier[n] = {kHalfRange, kHalfRange, kHalfRange},
                shift[n] = {48, 48, 48};
  const I8Requant rq{bias, multiplier, shift, -3, -128, 127};
  const int8_t want[n] = {-3, 63 - 3, -62 - 3};  // 0, 62.5 -> 63, -62.5 -> -62; then + zero point
  for (const auto& bc : AllCases()) {
    SCOPED_TRACE(bc.name);
    ScopedBackend backend(bc);
    int8_t out[n];
    kernels::I8DenseRows(1, n, k, a.data(), k, w.data(), k, rq, out, n);
    for (size_t j = 0; j < n; ++j) EXPECT_EQ(int(out[j]), int(want[j])) << "channel " << j;
  }
}

// Also with each channel's weight sum given (I8Requant::weight_sums, the
// host layout's MOTE_DENSE_WEIGHT_SUMS): the VNNI variant then sums none.
TEST(I8DenseRowsTest, EverySimdPathMatchesScalarBitForBit) {
  Rng rng(11);
  std::vector<RowsShape> shapes = RowsShapes();
  shapes.push_back({1, 50, 3920, 3920, 3920, 50});  // the seed network's dense1 at batch 1
  shapes.push_back({1, 7, 191, 193, 191, 7});       // one row: an odd step pair, a partial last one
  for (const RowsShape& s : shapes) {
    Case c = RandomCase(rng, s);
    I8Buffer want = Output(s);
    {
      ScopedBackend scalar(Backend::kScalar);
      RunDenseRows(c, &want);
    }
    std::vector<int32_t> sums(s.n, 0);
    for (size_t j = 0; j < s.n; ++j)
      for (size_t p = 0; p < s.k; ++p) sums[j] += c.w[j * s.ldw + p];
    for (const auto& bc : SimdCases())
    for (const bool given_sums : {false, true}) {
      SCOPED_TRACE(bc.name + " " + Describe(s) + (given_sums ? " weight sums given" : ""));
      ScopedBackend backend(bc);
      c.rq.view.weight_sums = given_sums ? sums.data() : nullptr;
      I8Buffer got = Output(s);
      RunDenseRows(c, &got);
      ASSERT_TRUE(got.GuardIntact());
      for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(int(got[i]), int(want[i])) << "element " << i;
    }
  }
}

// PackI8DenseBlocks puts every weight where I8DenseBlockIndex says and zeros
// the padding; I8DenseBlocks on every path (scalar included) against the
// scalar I8DenseRows on the unpacked weights, bit for bit, with the weight
// sums given or not, and with the padding overwritten (it must never count).
TEST(I8DenseBlocksTest, PackPlacesEveryWeightAndZeroesThePadding) {
  const size_t n = 6, k = 70;
  std::vector<int8_t> w(n * k);
  for (size_t i = 0; i < w.size(); ++i) w[i] = int8_t(i % 251 - 125) == 0 ? 1 : int8_t(i % 251 - 125);
  std::vector<int8_t> packed(kernels::I8DenseBlockBytes(n, k), int8_t(99));
  ASSERT_EQ(packed.size(), 2u * 4 * 128);
  kernels::PackI8DenseBlocks(n, k, w.data(), k, packed.data());
  size_t nonzero = 0;
  for (const int8_t v : packed) nonzero += v != 0;
  EXPECT_EQ(nonzero, n * k);
  for (size_t j = 0; j < n; ++j)
    for (size_t p = 0; p < k; ++p) ASSERT_EQ(packed[kernels::I8DenseBlockIndex(j, p, k)], w[j * k + p]);
  EXPECT_EQ(packed[kernels::I8DenseBlockIndex(5, 69, k)], w[5 * k + 69]);
  EXPECT_EQ(kernels::I8DenseBlockIndex(5, 69, k), 512u + 64 * 4 + 64 + 5);  // block 1, chunk 1, row 1, tap 5
}

TEST(I8DenseBlocksTest, EveryPathMatchesScalarDenseRowsBitForBit) {
  Rng rng(13);
  for (const size_t n : {1, 3, 4, 5, 16, 17, 50, 63})
    for (const size_t k : {1, 3, 63, 64, 65, 127, 128, 129, 191, 256, 3920}) {
      const RowsShape s{1, n, k, k, k, n};
      Case c = RandomCase(rng, s);
      I8Buffer want = Output(s);
      {
        ScopedBackend scalar(Backend::kScalar);
        RunDenseRows(c, &want);
      }
      std::vector<int32_t> sums(n, 0);
      for (size_t j = 0; j < n; ++j)
        for (size_t p = 0; p < k; ++p) sums[j] += c.w[j * k + p];
      I8Buffer packed(kernels::I8DenseBlockBytes(n, k), 5);
      kernels::PackI8DenseBlocks(n, k, c.w.data(), k, packed.data());
      std::vector<bool> is_weight(packed.size(), false);
      for (size_t j = 0; j < n; ++j)
        for (size_t p = 0; p < k; ++p) is_weight[kernels::I8DenseBlockIndex(j, p, k)] = true;
      for (const bool garbage_padding : {false, true}) {
        if (garbage_padding)
          for (size_t i = 0; i < packed.size(); ++i)
            if (!is_weight[i]) packed[i] = int8_t(rng.Below(256));
        for (const auto& bc : testing::AllCases())
          for (const bool given_sums : {false, true}) {
            SCOPED_TRACE(bc.name + " " + Describe(s) + (given_sums ? " weight sums given" : "") +
                         (garbage_padding ? " garbage padding" : ""));
            ScopedBackend backend(bc);
            c.rq.view.weight_sums = given_sums ? sums.data() : nullptr;
            I8Buffer got = Output(s);
            kernels::I8DenseBlocks(n, k, c.a.data(), packed.data(), c.rq.view, got.data());
            ASSERT_TRUE(got.GuardIntact());
            for (size_t j = 0; j < n; ++j) ASSERT_EQ(int(got[j]), int(want[j])) << "channel " << j;
          }
      }
    }
}

// The DSP variant (src/kernels/i8-dense-rows/i8-dense-rows-dsp.cc; here with
// the plain-C stand-ins of arm-dsp.h) against the reference, with shifts
// below, at and above 32 (its requantization has a path for each).
TEST(I8DenseRowsTest, DspVariantMatchesReferenceBitForBit) {
  Rng rng(12);
  for (const RowsShape& s : RowsShapes()) {
    SCOPED_TRACE(Describe(s));
    Case c = RandomCase(rng, s);
    for (size_t j = 0; j < s.n; ++j)
      if (j % 3 == 1) c.rq.shift[j] = 32 + int32_t(j % 2);
    I8Buffer want = Output(s), got = Output(s);
    kernels::i8_reference::I8DenseRows(s.m, s.n, s.k, c.a.data(), s.lda, c.w.data(), s.ldw, c.rq.view,
                                       want.data(), s.ldc);
    kernels::i8_dsp::I8DenseRows(s.m, s.n, s.k, c.a.data(), s.lda, c.w.data(), s.ldw, c.rq.view, got.data(),
                                 s.ldc);
    ASSERT_TRUE(got.GuardIntact());
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(int(got[i]), int(want[i])) << "element " << i;
  }
}

}  // namespace
}  // namespace mote
