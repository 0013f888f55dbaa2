// F32PanelRows / I8PanelRows (weights packed in output-channel panels): the
// scalar kernels against F32DenseRows / I8DenseRows on the same weights
// unpacked (int8 bit for bit), then every SIMD path against scalar (int8 bit
// for bit), on odd shapes: partial panels, taps not a multiple of 4, row
// tails of every register block, panel strides above the minimum, rows read
// as runs (int8: also in blocks of rows, as a conv's output rows).
#include <cstdint>
#include <string>
#include <vector>

#include "dense_rows_test_util.h"
#include "kernel_test_util.h"
#include "mote/kernels.h"

namespace mote {
namespace {

using testing::AllNear;
using testing::BasicBuffer;
using testing::Buffer;
using testing::Describe;
using testing::RowsShape;
using testing::RowsShapes;
using testing::ScopedBackend;
using testing::SimdCases;
using I8Buffer = BasicBuffer<int8_t>;

std::vector<RowsShape> PanelShapes() {
  std::vector<RowsShape> shapes = RowsShapes();
  // The seed network's convs (rows, Cout, K) and row counts around the
  // register blocks (16 rows of one panel, 8 of two, 7 of three, 4 of more) with 1..5
  // panels (tiles of even heights: 17 rows of one panel as 9 8, 17 of two as
  // 6 6 5, 5 rows of five as 3 2, 15 of three as 5 5 5).
  for (const RowsShape& s : std::vector<RowsShape>{{49, 80, 1000, 1000, 1000, 80},
                                                   {21, 80, 600, 600, 600, 80},
                                                   {49, 40, 250, 250, 250, 40},
                                                   {196, 10, 25, 25, 25, 10},
                                                   {9, 33, 250, 251, 250, 35},
                                                   {13, 96, 7, 9, 7, 96},
                                                   {7, 16, 4, 4, 4, 16},
                                                   {6, 48, 30, 30, 30, 50},
                                                   {23, 40, 120, 120, 120, 40},
                                                   {11, 35, 60, 61, 60, 35},
                                                   {17, 16, 12, 12, 12, 16},
                                                   {5, 80, 200, 200, 200, 80},
                                                   {15, 10, 25, 25, 25, 10},
                                                   {31, 16, 8, 8, 8, 16},
                                                   {8, 30, 16, 16, 16, 30},
                                                   {12, 24, 44, 44, 44, 24},
                                                   {17, 32, 20, 21, 20, 32},
                                                   {15, 48, 40, 40, 40, 48},
                                                   {8, 40, 52, 52, 52, 40}})
    shapes.push_back(s);
  return shapes;
}

// Panel strides: the minimum, or one panel row more on some shapes.
size_t F32Ldp(const RowsShape& s) { return kernels::kPanelChannels * (s.k + s.m % 2); }
size_t I8Ldp(const RowsShape& s) { return kernels::kPanelChannels * 4 * (kernels::I8PanelQuads(s.k) + s.m % 2); }

// fp32 rows are also read as runs (a conv's kernel rows in its padded
// input): `runs` holds A's rows as runs of `segment` values `stride` apart,
// the gaps NaN (a read of one would show in the outputs).
struct F32Case {
  RowsShape s;
  Buffer a, w, bias, packed;
  size_t segment, stride, ld_runs;
  Buffer runs;
};

size_t SegmentOf(size_t k) { return k % 5 == 0 ? k / 5 : (k % 3 == 0 ? k / 3 : k); }

F32Case RandomF32Case(Rng& rng, const RowsShape& s) {
  const size_t panels = kernels::PanelCount(s.n), segment = SegmentOf(s.k), stride = segment + 3;
  const size_t ld_runs = s.k / segment * stride + 1;
  F32Case c{s, Buffer(s.m * s.lda, 1), Buffer(s.n * s.ldw, 3), Buffer(s.n, 2), Buffer(panels * F32Ldp(s), 1),
            segment, stride, ld_runs, Buffer(s.m * ld_runs, 2, __builtin_nanf(""))};
  c.a.FillUniform(rng);
  for (size_t i = 0; i < s.m; ++i)
    for (size_t p = 0; p < s.k; ++p) c.runs[i * ld_runs + p / segment * stride + p % segment] = c.a[i * s.lda + p];
  c.w.FillUniform(rng);
  c.bias.FillUniform(rng);
  std::vector<float> tight(kernels::F32PanelFloats(s.n, s.k));
  kernels::PackF32Panels(s.n, s.k, c.w.data(), s.ldw, tight.data());
  for (size_t q = 0; q < panels; ++q)
    for (size_t i = 0; i < s.k * kernels::kPanelChannels; ++i)
      c.packed[q * F32Ldp(s) + i] = tight[q * s.k * kernels::kPanelChannels + i];
  return c;
}

float Hi(const RowsShape& s) { return 0.3f * float(s.k > 4 ? s.k / 4 : 1); }
Buffer F32Output(const RowsShape& s) { return Buffer(s.m * s.ldc, 2, -7.0f); }
float AbsTolerance(const RowsShape& s) { return 4e-7f * float(s.k) + 1e-6f; }

// runs: A read from c.runs as runs, else as plain rows.
void RunF32Panels(const F32Case& c, Buffer* out, bool runs = false) {
  kernels::F32PanelRows(c.s.m, c.s.n, c.s.k, runs ? c.runs.data() : c.a.data(), runs ? c.ld_runs : c.s.lda,
                        runs ? c.segment : c.s.k, runs ? c.stride : c.s.k, c.packed.data(), F32Ldp(c.s),
                        c.bias.data(), -0.5f, Hi(c.s), out->data(), c.s.ldc);
}

TEST(F32PanelRowsTest, ScalarMatchesDenseRowsOnUnpackedWeights) {
  ScopedBackend scalar(Backend::kScalar);
  Rng rng(21);
  for (const RowsShape& s : PanelShapes()) {
    SCOPED_TRACE(Describe(s));
    const F32Case c = RandomF32Case(rng, s);
    Buffer want = F32Output(s), got = F32Output(s);
    kernels::F32DenseRows(s.m, s.n, s.k, c.a.data(), s.lda, c.w.data(), s.ldw, c.bias.data(), -0.5f, Hi(s),
                          want.data(), s.ldc);
    for (const bool runs : {false, true}) {
      SCOPED_TRACE(runs ? "runs" : "rows");
      RunF32Panels(c, &got, runs);
      ASSERT_TRUE(got.GuardIntact());
      ASSERT_TRUE(AllNear(want, got, 1e-6f, AbsTolerance(s)));
    }
  }
}

TEST(F32PanelRowsTest, EverySimdPathMatchesScalar) {
  Rng rng(22);
  for (const RowsShape& s : PanelShapes()) {
    const F32Case c = RandomF32Case(rng, s);
    Buffer want = F32Output(s);
    {
      ScopedBackend scalar(Backend::kScalar);
      RunF32Panels(c, &want);
    }
    for (const auto& bc : SimdCases()) {
      SCOPED_TRACE(bc.name + " " + Describe(s));
      ScopedBackend backend(bc);
      for (const bool runs : {false, true}) {
        Buffer got = F32Output(s);
        RunF32Panels(c, &got, runs);
        ASSERT_TRUE(got.GuardIntact());
        ASSERT_TRUE(AllNear(want, got, 1e-6f, AbsTolerance(s))) << (runs ? "runs" : "rows");
      }
    }
  }
}

// int8 A is also read as runs (SegmentOf: whole 4-byte groups on some
// shapes, the in-place fast path; not on others, the reference loop) in
// blocks of rows: row i of `runs` at (i / row_width) * row_stride +
// (i % row_width) * ld_runs, the gaps random (a read of one would change an
// output).
struct I8Case {
  RowsShape s;
  I8Buffer a, w, packed;
  std::vector<int32_t> bias, multiplier, shift;
  kernels::I8Requant rq;
  size_t segment, stride, ld_runs, row_width, row_stride;
  I8Buffer runs;
};

// c->packed from c->w, panels I8Ldp apart.
void PackI8(I8Case* c) {
  const RowsShape& s = c->s;
  std::vector<int8_t> tight(kernels::I8PanelBytes(s.n, s.k));
  kernels::PackI8Panels(s.n, s.k, c->w.data(), s.ldw, tight.data());
  const size_t panel_bytes = kernels::I8PanelQuads(s.k) * kernels::kPanelChannels * 4;
  for (size_t q = 0; q < kernels::PanelCount(s.n); ++q)
    for (size_t i = 0; i < panel_bytes; ++i) c->packed[q * I8Ldp(s) + i] = tight[q * panel_bytes + i];
}

// c->runs from c->a (the gaps untouched).
void CopyRuns(I8Case* c) {
  for (size_t i = 0; i < c->s.m; ++i)
    for (size_t p = 0; p < c->s.k; ++p)
      c->runs[(i / c->row_width) * c->row_stride + (i % c->row_width) * c->ld_runs + p / c->segment * c->stride +
              p % c->segment] = c->a[i * c->s.lda + p];
}

// Requantization per channel: multipliers in [2^30, 2^31), shifts scaling a
// k-long dot product to about the int8 range, some at shift 1 / 62 and the
// multiplier's ends.
I8Case RandomI8Case(Rng& rng, const RowsShape& s) {
  const size_t panels = kernels::PanelCount(s.n);
  const size_t segment = SegmentOf(s.k), stride = segment + 3, ld_runs = s.k / segment * stride + 1;
  const size_t row_width = s.m % 5 + 2, row_stride = row_width * ld_runs + 5;
  I8Case c{s,       I8Buffer(s.m * s.lda, 1),
           I8Buffer(s.n * s.ldw, 3),         I8Buffer(panels * I8Ldp(s), 1),
           {},      {},
           {},      {},
           segment, stride,
           ld_runs, row_width,
           row_stride, I8Buffer(((s.m - 1) / row_width + 1) * row_stride, 2)};
  c.a.FillUniform(rng, -128, 127);
  c.runs.FillUniform(rng, -128, 127);
  CopyRuns(&c);
  c.w.FillUniform(rng, -128, 127);
  PackI8(&c);
  int32_t log_k = 0;
  while ((size_t(1) << log_k) < s.k) ++log_k;
  for (size_t j = 0; j < s.n; ++j) {
    c.bias.push_back(int32_t(rng.Below(200001)) - 100000);
    c.multiplier.push_back(j % 5 == 2 ? INT32_MAX : (int32_t(1) << 30) + int32_t(rng.Below(1u << 30)));
    c.shift.push_back(j % 7 == 3 ? 1 : (j % 7 == 5 ? 62 : 38 + log_k / 2 + int32_t(rng.Below(5))));
  }
  const int32_t zp = int32_t(rng.Below(41)) - 20;
  c.rq = {c.bias.data(), c.multiplier.data(), c.shift.data(), zp, s.n % 2 ? -128 : zp, 127};
  return c;
}

I8Buffer I8Output(const RowsShape& s) { return I8Buffer(s.m * s.ldc, 2, int8_t(-77)); }

// runs: A read from c.runs, else as plain rows.
void RunI8Panels(const I8Case& c, I8Buffer* out, bool runs = false) {
  if (runs)
    kernels::I8PanelRows(c.s.m, c.s.n, c.s.k, c.runs.data(), c.ld_runs, c.segment, c.stride, c.row_width,
                         c.row_stride, c.packed.data(), I8Ldp(c.s), c.rq, out->data(), c.s.ldc);
  else
    kernels::I8PanelRows(c.s.m, c.s.n, c.s.k, c.a.data(), c.s.lda, c.s.k, c.s.k, c.s.m, 0, c.packed.data(),
                         I8Ldp(c.s), c.rq, out->data(), c.s.ldc);
}

// Each channel's sum of its k weights (I8Requant::weight_sums).
std::vector<int32_t> WeightSums(const I8Case& c) {
  std::vector<int32_t> sums(c.s.n, 0);
  for (size_t j = 0; j < c.s.n; ++j)
    for (size_t p = 0; p < c.s.k; ++p) sums[j] += c.w[j * c.s.ldw + p];
  return sums;
}

// The same call with the weight sums given (the VNNI variant then sums none
// itself) and, with `skipped`, part of the bias moved into skipped taps'
// products (I8Requant::skipped_weight_sums: random sums times -9): the same
// outputs.
void RunI8PanelsWithSums(I8Case c, I8Buffer* out, bool runs, bool skipped = false) {
  const std::vector<int32_t> sums = WeightSums(c);
  c.rq.weight_sums = sums.data();
  std::vector<int32_t> skipped_sums(c.s.n), bias(c.bias);
  if (skipped) {
    for (size_t j = 0; j < c.s.n; ++j) {
      skipped_sums[j] = int32_t(j * 7919 % 2001) - 1000;
      bias[j] -= -9 * skipped_sums[j];
    }
    c.rq.bias = bias.data();
    c.rq.skipped_weight_sums = skipped_sums.data();
    c.rq.skipped_input = -9;
  }
  RunI8Panels(c, out, runs);
}

void ExpectSameBytes(const I8Buffer& want, const I8Buffer& got) {
  ASSERT_TRUE(got.GuardIntact());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(int(got[i]), int(want[i])) << "element " << i;
}

TEST(I8PanelRowsTest, ScalarMatchesDenseRowsBitForBit) {
  ScopedBackend scalar(Backend::kScalar);
  Rng rng(23);
  for (const RowsShape& s : PanelShapes()) {
    SCOPED_TRACE(Describe(s));
    const I8Case c = RandomI8Case(rng, s);
    I8Buffer want = I8Output(s), got = I8Output(s);
    kernels::I8DenseRows(s.m, s.n, s.k, c.a.data(), s.lda, c.w.data(), s.ldw, c.rq, want.data(), s.ldc);
    for (const bool runs : {false, true}) {
      SCOPED_TRACE(runs ? "runs" : "rows");
      RunI8Panels(c, &got, runs);
      ExpectSameBytes(want, got);
      RunI8PanelsWithSums(c, &got, runs, true);  // the reference with skipped taps' sums
      ExpectSameBytes(want, got);
    }
  }
}

TEST(I8PanelRowsTest, EverySimdPathMatchesScalarBitForBit) {
  Rng rng(24);
  for (const RowsShape& s : PanelShapes()) {
    const I8Case c = RandomI8Case(rng, s);
    I8Buffer want = I8Output(s);
    {
      ScopedBackend scalar(Backend::kScalar);
      RunI8Panels(c, &want);
    }
    for (const auto& bc : SimdCases()) {
      SCOPED_TRACE(bc.name + " " + Describe(s));
      ScopedBackend backend(bc);
      for (const bool runs : {false, true})
      for (const int given : {0, 1, 2}) {  // nothing, the weight sums, and skipped taps' sums
        SCOPED_TRACE(runs ? "runs" : "rows");
        SCOPED_TRACE(given == 0 ? "" : (given == 1 ? "weight sums given" : "weight sums and skipped taps given"));
        I8Buffer got = I8Output(s);
        given == 0 ? RunI8Panels(c, &got, runs) : RunI8PanelsWithSums(c, &got, runs, given == 2);
        ExpectSameBytes(want, got);
      }
    }
  }
}

// A conv's windows leaving the image sideways (I8PanelColumns): output
// column x reads the padding value outside kernel columns [begin[x],
// end[x]). Given the column sums, every backend (the VNNI one leaves those
// taps out where its tiles allow it) gives the scalar kernel's bytes
// without them: tiles down 7 blocks of 80 channels, in chunks of 6 columns
// and passes of 2 runs; too few blocks for column tiles (row tiles, each
// kernel column on a range of their rows: one or two blocks of 7, 14, 9
// and 11 pixels, and 3 pixels under a 5-wide kernel, whose middle kernel
// column reaches every pixel and each outer one a single pixel; a pixel
// whose columns break the ranges; 300 kernel columns, more than the row
// tiles index); 12 blocks of
// 3 panels; 3 blocks; 60 blocks, more sums than the stack holds (every run
// at once).
TEST(I8PanelRowsTest, PaddingColumnsLeftOutBitForBit) {
  struct Conv {
    size_t blocks, width, n, count, quads, runs;
    bool hole = false;  // a middle column of the input is the padding value too, and its pixel says so
  };
  for (const Conv& g : {Conv{7, 7, 80, 5, 10, 5}, Conv{5, 6, 66, 3, 2, 3}, Conv{12, 4, 40, 7, 1, 2},
                        Conv{3, 5, 70, 5, 3, 5}, Conv{60, 2, 80, 3, 1, 2}, Conv{1, 7, 80, 5, 10, 3},
                        Conv{2, 14, 48, 5, 2, 4}, Conv{1, 3, 64, 5, 1, 2}, Conv{2, 9, 33, 7, 3, 1},
                        Conv{1, 11, 50, 3, 4, 2}, Conv{1, 7, 80, 5, 10, 3, true}, Conv{2, 9, 33, 7, 3, 1, true},
                        Conv{1, 3, 48, 300, 1, 1}}) {
    const size_t cin = 4 * g.quads, segment = g.count * cin, k = segment * g.runs, m = g.blocks * g.width;
    const RowsShape s{m, g.n, k, k, k, g.n};
    SCOPED_TRACE(Describe(s));
    Rng rng(26);
    const I8Case c = RandomI8Case(rng, s);  // the weights and requantization
    // The padded input: rows of width + count - 1 pixels, count / 2 of
    // them padding on the left.
    const int8_t pad = -37;
    const size_t left = g.count / 2, pixels = g.width + g.count - 1, row_bytes = pixels * cin;
    I8Buffer image((g.blocks + g.runs - 1) * row_bytes, 1);
    image.FillUniform(rng, -128, 127);
    std::vector<uint8_t> begin(g.width), end(g.width);
    for (size_t y = 0; y < g.blocks + g.runs - 1; ++y)
      for (size_t px = 0; px < pixels; ++px)
        if (px < left || px >= left + g.width)
          for (size_t t = 0; t < cin; ++t) image[y * row_bytes + px * cin + t] = pad;
    for (size_t x = 0; x < g.width; ++x) {
      begin[x] = uint8_t(left > x ? left - x : 0);
      end[x] = uint8_t(std::min(g.count, left + g.width - x));
    }
    if (g.hole) {
      // Pixel x's first kernel column (padded input column x) holds the
      // padding value, and its columns say it starts at 1: begin no longer
      // falls with x along its row tile (0 2 4 6, or 0 2 4 6 8: begins 2 0 1 0,
      // 3 1 0 1 0), which then reads its padding instead.
      const size_t x = g.width - 3;
      for (size_t y = 0; y < g.blocks + g.runs - 1; ++y)
        for (size_t t = 0; t < cin; ++t) image[y * row_bytes + x * cin + t] = pad;
      begin[x] = std::max<uint8_t>(begin[x], 1);
    }
    // Column sums over the call's taps (upper; lower all 0) and all sums.
    std::vector<int32_t> upper((g.count + 1) * g.n, 0), lower((g.count + 1) * g.n, 0), sums(g.n, 0);
    for (size_t j = 0; j < g.n; ++j)
      for (size_t p = 0; p < k; ++p) {
        const int32_t v = c.w[j * s.ldw + p];
        sums[j] += v;
        for (size_t b = (p % segment) / cin + 1; b <= g.count; ++b) upper[b * g.n + j] += v;
      }
    const kernels::I8PanelColumns columns{g.count, g.quads, begin.data(), end.data(), upper.data(), lower.data()};
    const auto run = [&](const kernels::I8Requant& rq, I8Buffer* out) {
      kernels::I8PanelRows(m, g.n, k, image.data(), cin, segment, row_bytes, g.width, row_bytes, c.packed.data(),
                           I8Ldp(s), rq, out->data(), g.n);
    };
    I8Buffer want = I8Output(s);
    {
      ScopedBackend scalar(Backend::kScalar);
      run(c.rq, &want);
    }
    kernels::I8Requant rq = c.rq;
    rq.weight_sums = sums.data();
    rq.columns = &columns;
    rq.skipped_input = pad;
    for (const auto& bc : testing::AllCases()) {
      SCOPED_TRACE(bc.name);
      ScopedBackend backend(bc);
      I8Buffer got = I8Output(s);
      run(rq, &got);
      ExpectSameBytes(want, got);
    }
  }
}

// Windows a few bytes apart, as a conv with Cin * stride_w <= 4 reads its
// padded input (the VNNI variant puts pixels in lanes there: up to 16 of a
// row per vector, one 64-byte load spread by VPERMB): every backend gives
// the scalar kernel's bytes, with and without the weight sums and skipped
// taps given; blocks of 16 and fewer, rows split (17 as 9 + 8), calls
// ending mid-row, a single run ending in a partial quad, 1..16 channels
// (every register tile and its last partial group). The input is exactly
// what the windows read (a heap vector: the sanitizer sees any read past it).
TEST(I8PanelRowsTest, OverlappingWindowsBitForBit) {
  struct Windows {
    size_t lda, segment, runs, row_width, m, n;
  };
  for (const Windows& g : {Windows{2, 8, 5, 14, 196, 10}, Windows{1, 3, 1, 17, 40, 16}, Windows{3, 12, 3, 20, 47, 5},
                           Windows{4, 4, 1, 33, 66, 1}, Windows{2, 7, 1, 16, 35, 2}, Windows{1, 20, 2, 9, 30, 13},
                           Windows{2, 8, 3, 5, 23, 7}, Windows{4, 16, 2, 40, 41, 12}, Windows{3, 24, 4, 7, 70, 3},
                           Windows{1, 8, 5, 28, 28 * 3, 8}, Windows{2, 12, 2, 1, 9, 15}}) {
    const size_t k = g.segment * g.runs, segment_stride = g.lda * (g.row_width - 1) + g.segment + 5;
    const size_t row_stride = segment_stride * g.runs + 3;
    const RowsShape s{g.m, g.n, k, k, k, g.n};
    SCOPED_TRACE(Describe(s) + " lda " + std::to_string(g.lda) + " width " + std::to_string(g.row_width));
    Rng rng(27);
    const I8Case c = RandomI8Case(rng, s);  // the weights and requantization
    const size_t last = g.m - 1;
    std::vector<int8_t> input((last / g.row_width) * row_stride + (last % g.row_width) * g.lda +
                              (g.runs - 1) * segment_stride + g.segment);
    for (int8_t& v : input) v = int8_t(rng.Below(256));
    const auto run = [&](const kernels::I8Requant& rq, I8Buffer* out) {
      kernels::I8PanelRows(g.m, g.n, k, input.data(), g.lda, g.segment, segment_stride, g.row_width, row_stride,
                           c.packed.data(), I8Ldp(s), rq, out->data(), g.n);
    };
    I8Buffer want = I8Output(s);
    {
      ScopedBackend scalar(Backend::kScalar);
      run(c.rq, &want);
    }
    const std::vector<int32_t> sums = WeightSums(c);
    std::vector<int32_t> skipped_sums(g.n), bias(c.bias);
    for (size_t j = 0; j < g.n; ++j) {
      skipped_sums[j] = int32_t(j * 7919 % 2001) - 1000;
      bias[j] -= -9 * skipped_sums[j];
    }
    for (const auto& bc : testing::AllCases()) {
      SCOPED_TRACE(bc.name);
      ScopedBackend backend(bc);
      for (const int given : {0, 1, 2}) {  // nothing, the weight sums, and skipped taps' sums
        SCOPED_TRACE(given);
        kernels::I8Requant rq = c.rq;
        if (given > 0) rq.weight_sums = sums.data();
        if (given > 1) {
          rq.bias = bias.data();
          rq.skipped_weight_sums = skipped_sums.data();
          rq.skipped_input = -9;
        }
        I8Buffer got = I8Output(s);
        run(rq, &got);
        ExpectSameBytes(want, got);
      }
    }
  }
}

// A conv's padded input (I8PadImage): every backend writes the scalar
// kernel's bytes and nothing past the buffer, on rows shorter and longer
// than a vector, with and without a partial last vector, input rows cut by
// the padded height, and bytes after the last row. The input is exactly the
// bytes read (a heap vector: the sanitizer sees a read past it).
TEST(I8PadImageTest, EveryBackendMatchesScalar) {
  struct Pad {
    size_t in_rows, copy_bytes, x_stride, top, left, rows, row_bytes, extra;
  };
  for (const Pad& g : {Pad{28, 28, 28, 1, 1, 31, 31, 3}, Pad{14, 140, 140, 1, 10, 17, 170, 2},
                       Pad{7, 280, 280, 2, 80, 11, 440, 0}, Pad{5, 64, 70, 0, 0, 5, 64, 0},
                       Pad{9, 65, 65, 3, 7, 10, 129, 5}, Pad{3, 1, 2, 0, 2, 4, 3, 1}, Pad{6, 63, 64, 2, 1, 6, 64, 64}}) {
    SCOPED_TRACE(std::to_string(g.copy_bytes) + " bytes x " + std::to_string(g.in_rows) + " rows into " +
                 std::to_string(g.rows) + " x " + std::to_string(g.row_bytes));
    Rng rng(28);
    std::vector<int8_t> x((g.in_rows - 1) * g.x_stride + g.copy_bytes);
    for (int8_t& v : x) v = int8_t(rng.Below(256));
    const size_t bytes = g.rows * g.row_bytes + g.extra;
    const auto run = [&](I8Buffer* out) {
      kernels::I8PadImage(x.data(), g.x_stride, g.in_rows, g.copy_bytes, int8_t(-99), g.top, g.left, out->data(),
                          g.rows, g.row_bytes, g.extra);
    };
    I8Buffer want(bytes, 1, int8_t(5));
    {
      ScopedBackend scalar(Backend::kScalar);
      run(&want);
    }
    // The input's first byte lands where the geometry says (the reference
    // checked too).
    ASSERT_EQ(int(want[g.top * g.row_bytes + g.left]), int(x[0]));
    ASSERT_EQ(int(want[bytes - 1]), g.top + g.in_rows >= g.rows && g.extra == 0 && g.left + g.copy_bytes == g.row_bytes
                                         ? int(x[(g.rows - 1 - g.top) * g.x_stride + g.copy_bytes - 1])
                                         : -99);
    for (const auto& bc : testing::AllCases()) {
      SCOPED_TRACE(bc.name);
      ScopedBackend backend(bc);
      for (size_t misalign : {1, 3}) {
        I8Buffer got(bytes, misalign, int8_t(5));
        run(&got);
        ExpectSameBytes(want, got);
      }
    }
  }
}

// Extreme inputs: every activation -128 and every weight -128 or 127, the
// sums the offset-by-128 trick must still get exactly.
TEST(I8PanelRowsTest, ExtremeValuesEverySimdPathExact) {
  // k = 1005: a partial last quad, runs of 201 taps (the reference loop);
  // k = 1000: runs of 200 (read in place).
  for (const RowsShape& s : {RowsShape{5, 35, 1005, 1005, 1005, 35}, RowsShape{6, 35, 1000, 1000, 1000, 35}}) {
    SCOPED_TRACE(Describe(s));
    Rng rng(25);
    I8Case c = RandomI8Case(rng, s);
    for (size_t i = 0; i < c.a.size(); ++i) c.a[i] = -128;
    CopyRuns(&c);
    for (size_t j = 0; j < s.n; ++j)
      for (size_t p = 0; p < s.k; ++p) c.w[j * s.ldw + p] = j % 2 ? int8_t(127) : int8_t(-128);
    PackI8(&c);
    I8Buffer want = I8Output(s);
    {
      ScopedBackend scalar(Backend::kScalar);
      kernels::I8DenseRows(s.m, s.n, s.k, c.a.data(), s.lda, c.w.data(), s.ldw, c.rq, want.data(), s.ldc);
    }
    for (const auto& bc : testing::AllCases()) {
      SCOPED_TRACE(bc.name);
      ScopedBackend backend(bc);
      for (const bool runs : {false, true})
      for (const int given : {0, 1, 2}) {
        I8Buffer got = I8Output(s);
        given == 0 ? RunI8Panels(c, &got, runs) : RunI8PanelsWithSums(c, &got, runs, given == 2);
        ExpectSameBytes(want, got);
      }
    }
  }
}

}  // namespace
}  // namespace mote
