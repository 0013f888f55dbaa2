// CONV2D against naive loops: f32 (fused clamp) and int8 (zero-point padding,
// per-channel requantization), over kernel/stride/padding/tile choices
// including the 1x1 path without im2col and fp32 kernel-row tiles, in both
// weight layouts ([Cout][K] and the host's output-channel panels).
#include <gtest/gtest.h>

#include "mote/kernels.h"
#include "op_test_util.h"

namespace mote {
namespace testing {
namespace {

struct ConvCase {
  uint32_t h, w, cin, cout, kh, kw, sh, sw, pt, pl, oh, ow, tile;
};

const ConvCase kCases[] = {
    {5, 5, 2, 3, 3, 3, 1, 1, 1, 1, 5, 5, 4},     // same padding, tiles of 4 rows (last one short)
    {7, 6, 3, 4, 3, 2, 2, 2, 1, 0, 4, 3, 1},     // stride 2, asymmetric, one row per tile
    {9, 9, 1, 2, 5, 3, 2, 1, 2, 1, 5, 9, 100},  // tile larger than the rows
    {4, 4, 3, 5, 1, 1, 1, 1, 0, 0, 4, 4, 1},     // 1x1: read in place, no scratch
    {6, 5, 2, 3, 1, 1, 2, 2, 0, 0, 3, 3, 2},     // 1x1 strided: im2col
    {3, 3, 4, 2, 3, 3, 1, 1, 0, 0, 1, 1, 1},     // valid, single pixel
    {6, 4, 2, 3, 3, 2, 1, 1, 2, 1, 8, 5, 3},     // rows with 1, 2 and 3 kernel rows inside the image
    {6, 5, 3, 37, 3, 3, 1, 1, 1, 1, 6, 5, 4},    // 37 output channels: int8 border rows in chunks of 32
    {7, 7, 16, 20, 5, 5, 1, 1, 2, 2, 7, 7, 4},   // the seed network's last conv, smaller
    {14, 13, 17, 5, 5, 3, 2, 2, 1, 1, 7, 7, 3},  // stride 2, odd channels, a 5x3 kernel
    {4, 4, 16, 3, 3, 3, 1, 1, 2, 2, 6, 6, 2},    // windows with 1 of 3 kernel columns inside the image
    // Kernel rows of whole 4-byte groups (kw * Cin): the host layout's int8
    // input read in place when the scratch holds it padded.
    {9, 8, 4, 19, 3, 3, 2, 1, 1, 1, 5, 8, 3},    // stride 2 down, rows in blocks of 8
    {7, 7, 8, 33, 5, 5, 1, 1, 2, 2, 7, 7, 4},    // the seed network's conv3, smaller: 3 panels, one partial
    {8, 8, 4, 3, 3, 3, 2, 2, 0, 0, 3, 3, 2},     // the last input row and column reached by no window
    {3, 3, 8, 20, 5, 5, 1, 1, 2, 2, 3, 3, 4},    // every output row a border row
    {2, 4, 4, 3, 5, 3, 1, 1, 2, 1, 2, 4, 2},     // a kernel taller than the input: 2 of 5 rows inside
    {11, 6, 12, 5, 5, 5, 2, 1, 2, 2, 6, 6, 3},   // stride 2 down, 5 row classes, odd output rows
};

// Value at input pixel (y, x) or the padding value outside.
template <class T>
T At(const std::vector<T>& in, const ConvCase& c, long y, long x, uint32_t ci, T pad) {
  if (y < 0 || x < 0 || y >= long(c.h) || x >= long(c.w)) return pad;
  return in[(size_t(y) * c.w + size_t(x)) * c.cin + ci];
}

// acc[oy][ox][co] = bias + sum over the window (T = float or int32 for int8).
template <class Acc, class T>
std::vector<Acc> NaiveConv(const ConvCase& c, const std::vector<T>& x, const std::vector<T>& w,
                           const std::vector<Acc>& bias, T pad) {
  std::vector<Acc> y(size_t(c.oh) * c.ow * c.cout);
  for (uint32_t oy = 0; oy < c.oh; ++oy)
    for (uint32_t ox = 0; ox < c.ow; ++ox)
      for (uint32_t co = 0; co < c.cout; ++co) {
        Acc acc = bias[co];
        for (uint32_t ky = 0; ky < c.kh; ++ky)
          for (uint32_t kx = 0; kx < c.kw; ++kx)
            for (uint32_t ci = 0; ci < c.cin; ++ci)
              acc += Acc(At(x, c, long(oy * c.sh + ky) - long(c.pt), long(ox * c.sw + kx) - long(c.pl), ci, pad)) *
                     Acc(w[((co * c.kh + ky) * c.kw + kx) * c.cin + ci]);
        y[(oy * c.ow + ox) * c.cout + co] = acc;
      }
  return y;
}

// Sets the conv's params and scratch (none for the in-place 1x1 case);
// kernel_rows: fp32 MOTE_CONV2D_KERNEL_ROW_TILES, one kernel row of scratch.
void SetConv(GraphBuilder& g, MoteOpRecord& op, const ConvCase& c, uint32_t elem_bytes, bool kernel_rows = false) {
  const int32_t p[] = {int32_t(c.kh), int32_t(c.kw), int32_t(c.sh), int32_t(c.sw),
                       int32_t(c.pt), int32_t(c.pl), kernel_rows ? MOTE_CONV2D_KERNEL_ROW_TILES : int32_t(c.tile)};
  memcpy(op.params, p, sizeof(p));
  const bool direct = c.kh == 1 && c.kw == 1 && c.sh == 1 && c.sw == 1 && c.oh == c.h && c.ow == c.w;
  if (direct) return;
  const uint32_t rows = c.oh * c.ow, tile = c.tile < rows ? c.tile : rows;
  op.scratch_bytes = kernel_rows ? c.kw * c.cin * elem_bytes : tile * c.kh * c.kw * c.cin * elem_bytes;
  op.scratch_offset = g.Reserve(op.scratch_bytes);
}

// The weights in the host layout (MOTE_CONV2D_WEIGHTS_PANELS) or as given.
uint16_t ConvWeights(GraphBuilder& g, const ConvCase& c, const std::vector<float>& w, bool panels) {
  if (!panels) return g.ConstF32({c.cout, c.kh, c.kw, c.cin}, w);
  const size_t k = size_t(c.kh) * c.kw * c.cin;
  std::vector<float> packed(kernels::F32PanelFloats(c.cout, k));
  kernels::PackF32Panels(c.cout, k, w.data(), k, packed.data());
  return g.ConstF32({uint32_t(kernels::PanelCount(c.cout)), uint32_t(k), 16, 1}, packed);
}
// padded_rows: MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS, each kernel row's taps
// zero-padded to whole groups of 4.
uint16_t ConvWeights(GraphBuilder& g, const ConvCase& c, const std::vector<int8_t>& w, bool panels,
                     bool padded_rows = false) {
  if (!panels) return g.ConstI8({c.cout, c.kh, c.kw, c.cin}, w);
  const size_t run = size_t(c.kw) * c.cin, padded_run = padded_rows ? (run + 3) / 4 * 4 : run;
  const size_t k = c.kh * padded_run;
  std::vector<int8_t> rows(c.cout * k, 0);
  for (size_t j = 0; j < c.cout; ++j)
    for (size_t ky = 0; ky < c.kh; ++ky)
      for (size_t t = 0; t < run; ++t) rows[j * k + ky * padded_run + t] = w[(j * c.kh + ky) * run + t];
  std::vector<int8_t> packed(kernels::I8PanelBytes(c.cout, k));
  kernels::PackI8Panels(c.cout, k, rows.data(), k, packed.data());
  return g.ConstI8({uint32_t(kernels::PanelCount(c.cout)), uint32_t(kernels::I8PanelQuads(k)), 16, 4}, packed);
}

// MOTE_CONV2D_WEIGHTS_TAP_SUMS: the bias, then the 2-D prefix sums of the
// weights' taps, S[a][b][co] = sum over ky < a, kx < b, ci.
std::vector<int32_t> BiasWithTapSums(const ConvCase& c, const std::vector<int8_t>& w, const std::vector<int32_t>& bias) {
  std::vector<int32_t> out(bias);
  out.resize((1 + (c.kh + 1) * (c.kw + 1)) * c.cout, 0);
  for (uint32_t a = 0; a <= c.kh; ++a)
    for (uint32_t b = 0; b <= c.kw; ++b)
      for (uint32_t co = 0; co < c.cout; ++co) {
        int32_t sum = 0;
        for (uint32_t ky = 0; ky < a; ++ky)
          for (uint32_t kx = 0; kx < b; ++kx)
            for (uint32_t ci = 0; ci < c.cin; ++ci) sum += w[((co * c.kh + ky) * c.kw + kx) * c.cin + ci];
        out[(1 + a * (c.kw + 1) + b) * c.cout + co] = sum;
      }
  return out;
}

// panels: the host layout (F32PanelRows), whose tiles are always whole rows.
TEST(OpConv2DTest, F32MatchesNaiveLoops) {
  for (const ConvCase& c : kCases)
    for (const bool panels : {false, true})
    for (const bool kernel_rows : {false, true})
    for (const float lo : {-kInf, 0.0f}) {
      if (panels && kernel_rows) continue;
      SCOPED_TRACE(panels ? "host layout" : "[Cout][K] layout");
      const auto x = RandomF32(c.h * c.w * c.cin, 1);
      const auto w = RandomF32(c.cout * c.kh * c.kw * c.cin, 2);
      const auto bias = RandomF32(c.cout, 3);
      GraphBuilder g;
      const uint16_t xi = g.Act(MOTE_DTYPE_F32, {c.h, c.w, c.cin});
      const uint16_t yi = g.Act(MOTE_DTYPE_F32, {c.oh, c.ow, c.cout});
      MoteOpRecord& op = g.Op(MOTE_OP_CONV2D,
                              {xi, ConvWeights(g, c, w, panels), g.ConstF32({c.cout}, bias)}, yi);
      op.act_min = lo;
      op.act_max = 0.5f;
      SetConv(g, op, c, 4, kernel_rows);
      if (panels) {  // the scratch holds the input padded left and right
        op.params[7] = MOTE_CONV2D_WEIGHTS_PANELS;
        if (op.scratch_bytes != 0) {
          op.scratch_bytes = c.h * ((c.ow - 1) * c.sw + c.kw) * c.cin * 4;
          op.scratch_offset = g.Reserve(op.scratch_bytes);
        }
      }
      std::vector<float> got;
      ASSERT_NO_FATAL_FAILURE(RunOnce(g.Build({xi}, {yi}), x, &got));
      auto want = NaiveConv<float>(c, x, w, bias, 0.0f);
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) {
        const float v = std::min(std::max(want[i], lo), 0.5f);
        ASSERT_NEAR(got[i], v, 1e-5f) << "case h=" << c.h << " k=" << c.kh << " i=" << i
                                      << (kernel_rows ? " (kernel-row tiles)" : "");
      }
    }
}

// Every backend: the scalar one skips the padding taps (row classes, bias
// adjusted), the SIMD ones multiply them as the zero point; both exact, in
// either weight layout (the host one: I8PanelRows).
TEST(OpConv2DTest, Int8MatchesIntegerReference) {
  const Backend before = ActiveBackend();
  for (const Backend backend : {Backend::kScalar, Backend::kHwy, Backend::kXsimd}) {
    if (!SetBackend(backend).ok()) continue;
    SCOPED_TRACE(BackendName(backend));
    // [Cout][K]; host; host with the input padded in the scratch; host with
    // padded kernel rows (and the input padded in the scratch).
    // Each host layout also with tap sums (padded input: only the kernel
    // rows inside the image multiplied).
    for (const int layout : {0, 1, 2, 3})
    for (const bool tap_sums : {false, true})
    for (const ConvCase& c : kCases) {
      const bool panels = layout > 0, padded_rows = layout == 3;
      if (tap_sums && !panels) continue;
      SCOPED_TRACE(layout == 0 ? "[Cout][K] layout" : (layout == 1 ? "host layout" : "host layout, padded input"));
      SCOPED_TRACE(padded_rows ? "padded kernel rows" : "");
      SCOPED_TRACE(tap_sums ? "tap sums" : "");
      const int32_t zp_in = -7, zp_out = 4, lo = -20, hi = 127;
      const auto x = RandomI8(c.h * c.w * c.cin, 4);
      const auto w = RandomI8(c.cout * c.kh * c.kw * c.cin, 5, -127, 127);
      std::vector<int32_t> bias(c.cout), requant(2 * c.cout);
      for (uint32_t co = 0; co < c.cout; ++co) {
        bias[co] = int32_t(co * 1000) - 1500;
        QuantizeMultiplier(0.002 + 0.001 * co, &requant[co], &requant[c.cout + co]);
      }
      GraphBuilder g;
      const uint16_t xi = g.Act(MOTE_DTYPE_I8, {c.h, c.w, c.cin}, 0.1f, zp_in);
      const uint16_t yi = g.Act(MOTE_DTYPE_I8, {c.oh, c.ow, c.cout}, 0.2f, zp_out);
      MoteOpRecord& op = g.OpI8(MOTE_OP_CONV2D,
                                {xi, ConvWeights(g, c, w, panels, padded_rows),
                                 tap_sums ? g.ConstI32({1 + (c.kh + 1) * (c.kw + 1), c.cout}, BiasWithTapSums(c, w, bias))
                                          : g.ConstI32({c.cout}, bias),
                                 g.ConstI32({2 * c.cout}, requant)},
                                yi);
      op.act_min = float(lo);
      op.act_max = float(hi);
      SetConv(g, op, c, 1);
      if (panels)
        op.params[7] = (padded_rows ? MOTE_CONV2D_WEIGHTS_PANELS_PADDED_ROWS : MOTE_CONV2D_WEIGHTS_PANELS) |
                       (tap_sums ? MOTE_CONV2D_WEIGHTS_TAP_SUMS : 0);
      if (layout >= 2 && op.scratch_bytes != 0) {
        const uint32_t run = c.kw * c.cin, read = padded_rows ? (run + 3) / 4 * 4 : run;
        uint32_t padded = ((c.oh - 1) * c.sh + c.kh) * ((c.ow - 1) * c.sw + c.kw) * c.cin + read - run;
        if (tap_sums) padded = (padded + 15) / 16 * 16 + 8 * c.cout;  // and a row class's bias and sums
        op.scratch_bytes = padded_rows ? padded : std::max(op.scratch_bytes, padded);
        op.scratch_offset = g.Reserve(op.scratch_bytes);
      }
      std::vector<int8_t> got;
      ASSERT_NO_FATAL_FAILURE(RunOnce(g.Build({xi}, {yi}), x, &got));
      const auto acc = NaiveConv<int32_t>(c, x, w, bias, int8_t(zp_in));
      int distinct_clamped = 0;
      for (size_t i = 0; i < acc.size(); ++i) {
        const uint32_t co = uint32_t(i % c.cout);
        const int32_t want = ReferenceRequant(acc[i], requant[co], requant[c.cout + co], zp_out, lo, hi);
        distinct_clamped += want == lo;
        ASSERT_EQ(got[i], want) << "case h=" << c.h << " k=" << c.kh << " i=" << i;
      }
      EXPECT_LT(distinct_clamped, int(acc.size()));  // not everything saturated
    }
  }
  ASSERT_TRUE(SetBackend(before).ok());
}

}  // namespace
}  // namespace testing
}  // namespace mote
