// I8ConvRows: the reference against im2col + I8DenseRows spelled out, and
// every variant (src/kernels/i8-variant.h; the DSP one with the plain-C
// stand-ins of arm-dsp.h) against the reference bit for bit on random
// geometries (odd channel counts and patch sizes, padding, strides, row
// ranges starting anywhere), column buffers from one row to a pair and more,
// misaligned, shifts below, at and above 32, zero points and clamps of every
// kind. I8RowSums against its definition.
#include <cstdint>
#include <vector>

#include "kernel_test_util.h"
#include "mote/kernels.h"
#include "mote/rng.h"
#include "src/kernels/i8-variant.h"

namespace mote {
namespace {

using kernels::Conv2DGeometry;
using kernels::I8Requant;

struct ConvCase {
  Conv2DGeometry g{};
  size_t n = 0, row_begin = 0, row_end = 0;
  std::vector<int8_t> x, w;
  std::vector<int32_t> bias, multiplier, shift;
  I8Requant rq{};
};

// A random geometry with at least one output pixel.
ConvCase RandomConvCase(Rng& rng) {
  ConvCase c;
  Conv2DGeometry& g = c.g;
  for (;;) {
    g.batch = 1;
    g.in_h = 1 + rng.Below(9);
    g.in_w = 1 + rng.Below(9);
    g.in_c = 1 + rng.Below(13);
    g.kernel_h = 1 + rng.Below(5);
    g.kernel_w = 1 + rng.Below(5);
    g.stride_h = 1 + rng.Below(2);
    g.stride_w = 1 + rng.Below(2);
    g.pad_top = rng.Below(uint32_t(g.kernel_h));
    g.pad_left = rng.Below(uint32_t(g.kernel_w));
    if (g.in_h + 2 * g.pad_top >= g.kernel_h && g.in_w + 2 * g.pad_left >= g.kernel_w) break;
  }
  g.out_h = (g.in_h + 2 * g.pad_top - g.kernel_h) / g.stride_h + 1;
  g.out_w = (g.in_w + 2 * g.pad_left - g.kernel_w) / g.stride_w + 1;
  c.n = 1 + rng.Below(9);
  c.row_begin = rng.Below(uint32_t(g.rows()));
  c.row_end = c.row_begin + 1 + rng.Below(uint32_t(g.rows() - c.row_begin));
  c.x.resize(g.in_h * g.in_w * g.in_c);
  c.w.resize(c.n * g.patch_size());
  for (int8_t& v : c.x) v = int8_t(rng.NextU32());
  for (int8_t& v : c.w) v = int8_t(rng.NextU32());
  static const int32_t kShifts[] = {1, 20, 31, 32, 33, 38, 40, 62};
  for (size_t j = 0; j < c.n; ++j) {
    c.bias.push_back(int32_t(rng.Below(2001)) - 1000);
    c.multiplier.push_back(rng.Below(3) == 0 ? INT32_MAX : int32_t((1u << 30) + rng.Below(1u << 29)));
    c.shift.push_back(kShifts[rng.Below(8)]);
  }
  // Zero point and clamp: small, ReLU-like, narrow, inverted, and zero
  // points at and past the DSP requantization's 16-bit limit.
  static const int32_t kClamps[][3] = {{0, -128, 127},       {-128, -128, 127}, {5, 5, 127},       {-3, -20, 30},
                                       {32640, -128, 127}, {-32640, -128, 127}, {40000, -128, 127}, {-7, 100, -100}};
  const int32_t* clamp = kClamps[rng.Below(8)];
  c.rq = {c.bias.data(), c.multiplier.data(), c.shift.data(), clamp[0] + int32_t(rng.Below(21)) - 10, clamp[1],
          clamp[2]};
  return c;
}

using ConvRows = void (*)(const Conv2DGeometry&, const int8_t*, int8_t, size_t, size_t, const int8_t*, size_t,
                          size_t, const I8Requant&, int8_t*, size_t, int8_t*, size_t);

// Output rows of ldc = n + 2, the gap prefilled to catch stray writes.
std::vector<int8_t> RunConvRows(ConvRows f, const ConvCase& c, size_t columns_bytes, size_t misalign) {
  const size_t ldc = c.n + 2;
  std::vector<int8_t> y((c.row_end - c.row_begin) * ldc, int8_t(-77));
  std::vector<int8_t> columns(columns_bytes + misalign);
  f(c.g, c.x.data(), int8_t(-5), c.row_begin, c.row_end, c.w.data(), c.g.patch_size(), c.n, c.rq,
    columns.data() + misalign, columns_bytes, y.data(), ldc);
  return y;
}

TEST(I8ConvRowsTest, ReferenceIsIm2ColThenDenseRows) {
  Rng rng(21);
  for (int trial = 0; trial < 100; ++trial) {
    const ConvCase c = RandomConvCase(rng);
    const size_t k = c.g.patch_size(), rows = c.row_end - c.row_begin, ldc = c.n + 2;
    std::vector<int8_t> cols(rows * k), want(rows * ldc, int8_t(-77));
    kernels::I8Im2Col(c.g, c.x.data(), -5, c.row_begin, c.row_end, cols.data());
    kernels::i8_reference::I8DenseRows(rows, c.n, k, cols.data(), k, c.w.data(), k, c.rq, want.data(), ldc);
    EXPECT_EQ(RunConvRows(&kernels::i8_reference::I8ConvRows, c, k + rng.Below(uint32_t(3 * k)), 0), want) << trial;
  }
}

TEST(I8ConvRowsTest, EveryVariantMatchesReferenceBitForBit) {
  struct Variant {
    const char* name;
    ConvRows f;
  } variants[] = {{"dsp", &kernels::i8_dsp::I8ConvRows}, {"selected", &kernels::I8ConvRows}};
  Rng rng(22);
  for (int trial = 0; trial < 400; ++trial) {
    const ConvCase c = RandomConvCase(rng);
    const size_t k = c.g.patch_size();
    // One row, a padded pair (I8ConvRowsColumnBytes), or anything between / above.
    const size_t pair = kernels::I8ConvRowsColumnBytes(k, 2);
    const size_t sizes[] = {k, pair, k + rng.Below(uint32_t(2 * pair))};
    const size_t columns_bytes = sizes[trial % 3];
    const std::vector<int8_t> want = RunConvRows(&kernels::i8_reference::I8ConvRows, c, columns_bytes, 0);
    for (const Variant& v : variants)
      for (size_t misalign : {0, 1, 3})
        ASSERT_EQ(RunConvRows(v.f, c, columns_bytes, misalign), want)
            << v.name << " trial " << trial << " patch " << k << " n " << c.n << " rows " << c.row_begin << ".."
            << c.row_end << " columns " << columns_bytes << " misaligned by " << misalign;
  }
}

TEST(I8RowSumsTest, EveryVariantMatchesDefinition) {
  Rng rng(23);
  for (size_t k : {0, 1, 3, 4, 5, 63, 400, 1001}) {
    const size_t n = 7, ldw = k + 3;
    std::vector<int8_t> w(n * ldw);
    for (int8_t& v : w) v = int8_t(rng.NextU32());
    for (size_t j = 0; j < n; ++j) w[j * ldw] = j % 2 ? -128 : 127;  // the extremes
    std::vector<int32_t> want(n), ref(n, 5), dsp(n, 5), selected(n, 5);  // adds to what is there
    for (size_t j = 0; j < n; ++j) {
      want[j] = 5;
      for (size_t p = 0; p < k; ++p) want[j] += w[j * ldw + p];
    }
    kernels::i8_reference::I8RowSums(n, k, w.data(), ldw, ref.data());
    kernels::i8_dsp::I8RowSums(n, k, w.data(), ldw, dsp.data());
    kernels::I8RowSums(n, k, w.data(), ldw, selected.data());
    EXPECT_EQ(ref, want) << "k " << k;
    EXPECT_EQ(dsp, want) << "k " << k;
    EXPECT_EQ(selected, want) << "k " << k;
  }
}

}  // namespace
}  // namespace mote
