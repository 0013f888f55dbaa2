// Firmware self-test of the freestanding runtime subset on every Cortex-M port:
// runs real kernels and core classes through the public API on known values,
// and the port layer's fmaf (fmaf.c), prints one line per check over the
// port's console and exits with the number of failed checks (0 = all passed).
// No heap, no libc, no printf.
//
// Run (the board is the port's: qemu_machine in ports/<port>/cross.ini):
//   qemu-system-arm -M mps2-an386 -nographic
//     -semihosting-config enable=on,target=native -kernel kernel_selftest.elf
#include <stddef.h>
#include <stdint.h>

#include "mote/arena.h"
#include "mote/kernels.h"
#include "mote/math.h"
#include "mote/rng.h"
#include "mote/status.h"
#include "console_line.h"
#include "mote_port.h"
#include "src/kernels/i8-variant.h"      // i8_reference and this core's int8 variant
#include "src/kernels/kernel-table.h"    // scalar_backend: the reference of the others
#include "src/kernels/target-backend.h"  // which other variants this core builds

extern "C" float fmaf(float x, float y, float z);  // ports/cortex-m/fmaf.c

namespace {

using mote::kernels::Transpose;

int g_checks = 0;
int g_failures = 0;
const char* g_section = "";

bool Check(bool ok, const char* what) {
  ++g_checks;
  if (!ok) {
    ++g_failures;
    Line() << "  FAIL [" << g_section << "] " << what;
  }
  return ok;
}

float Abs(float x) { return x < 0 ? -x : x; }
double AbsD(double x) { return x < 0 ? -x : x; }

bool Near(float got, float want, float tol) {
  const float err = Abs(got - want);
  return err <= tol * (1.0f + Abs(want));
}

// Checks that every element of got[0..n) equals want[0..n) within tol.
bool CheckArray(const float* got, const float* want, size_t n, float tol, const char* what) {
  for (size_t i = 0; i < n; ++i) {
    if (!Near(got[i], want[i], tol)) {
      Line() << "  [" << g_section << "] " << what << ": element " << i << " is " << got[i]
             << ", want " << want[i];
      return Check(false, what);
    }
  }
  return Check(true, what);
}

void Section(const char* name) {
  g_section = name;
  Line() << "-- " << name;
}

// Scratch for every test: one static arena, reset per test.
alignas(16) uint8_t g_scratch[96 * 1024];

// ---- F32Gemm -----------------------------------------------------------------
// op(A) [3 x 7] * op(B) [7 x 5], integers, so every backend must be exact.
constexpr size_t kM = 3, kN = 5, kK = 7;
constexpr float kA[kM][kK] = {
    {-5, -2, 1, 4, -4, -1, 2}, {2, 5, -3, 0, 3, -5, -2}, {-2, 1, 4, -4, -1, 2, 5}};
constexpr float kB[kK][kN] = {{-4, -2, 0, 2, 4},  {1, 3, -4, -2, 0}, {-3, -1, 1, 3, -4},
                              {2, 4, -3, -1, 1},  {-2, 0, 2, 4, -3}, {3, -4, -2, 0, 2},
                              {-1, 1, 3, -4, -2}};
// Computed by hand (and checked in Python): C = A * B.
constexpr float kC[kM][kN] = {
    {26, 25, -3, -31, -14}, {-13, 32, -13, 5, 5}, {-8, -16, 21, -14, -31}};

void TestGemm(mote::Arena& arena) {
  Section("F32Gemm");
  // Leading dimensions larger than the rows, so padding columns must be ignored.
  constexpr size_t lda_n = kK + 2, lda_t = kM + 1, ldb_n = kN + 3, ldb_t = kK + 1, ldc = kN + 2;
  float a_n[kM * lda_n], a_t[kK * lda_t], b_n[kK * ldb_n], b_t[kN * ldb_t];
  for (size_t i = 0; i < kM * lda_n; ++i) a_n[i] = 1e30f;  // poison the padding
  for (size_t i = 0; i < kK * lda_t; ++i) a_t[i] = 1e30f;
  for (size_t i = 0; i < kK * ldb_n; ++i) b_n[i] = 1e30f;
  for (size_t i = 0; i < kN * ldb_t; ++i) b_t[i] = 1e30f;
  for (size_t i = 0; i < kM; ++i)
    for (size_t p = 0; p < kK; ++p) a_n[i * lda_n + p] = a_t[p * lda_t + i] = kA[i][p];
  for (size_t p = 0; p < kK; ++p)
    for (size_t j = 0; j < kN; ++j) b_n[p * ldb_n + j] = b_t[j * ldb_t + p] = kB[p][j];

  float* ws = nullptr;
  const size_t ws_floats = mote::kernels::F32GemmWorkspaceFloats(kM, kN, kK);
  if (!Check(arena.AllocateArray(ws_floats, &ws).ok(), "workspace fits the arena")) return;

  float want[kM * ldc], c[kM * ldc];
  for (size_t i = 0; i < kM * ldc; ++i) want[i] = -7.0f;  // columns past n stay untouched
  for (size_t i = 0; i < kM; ++i)
    for (size_t j = 0; j < kN; ++j) want[i * ldc + j] = kC[i][j];

  struct Case {
    Transpose ta, tb;
    const char* name;
  } cases[] = {{Transpose::kNo, Transpose::kNo, "A*B"},
               {Transpose::kYes, Transpose::kNo, "A^T*B"},
               {Transpose::kNo, Transpose::kYes, "A*B^T"},
               {Transpose::kYes, Transpose::kYes, "A^T*B^T"}};
  for (const Case& t : cases) {
    for (size_t i = 0; i < kM * ldc; ++i) c[i] = -7.0f;
    const bool at = t.ta == Transpose::kYes, bt = t.tb == Transpose::kYes;
    mote::kernels::F32Gemm(t.ta, t.tb, kM, kN, kK, at ? a_t : a_n, at ? lda_t : lda_n,
                           bt ? b_t : b_n, bt ? ldb_t : ldb_n, c, ldc, false, ws);
    CheckArray(c, want, kM * ldc, 0.0f, t.name);
  }
  // accumulate: C += A * B on top of the previous result.
  for (size_t i = 0; i < kM * ldc; ++i) c[i] = want[i];
  mote::kernels::F32Gemm(Transpose::kNo, Transpose::kNo, kM, kN, kK, a_n, lda_n, b_n, ldb_n, c, ldc,
                         true, ws);
  float twice[kM * ldc];
  for (size_t i = 0; i < kM * ldc; ++i) twice[i] = want[i];
  for (size_t i = 0; i < kM; ++i)
    for (size_t j = 0; j < kN; ++j) twice[i * ldc + j] = 2.0f * kC[i][j];
  CheckArray(c, twice, kM * ldc, 0.0f, "accumulate");
  // k == 0 zeroes C.
  for (size_t i = 0; i < kM * ldc; ++i) c[i] = 3.0f;
  mote::kernels::F32Gemm(Transpose::kNo, Transpose::kNo, kM, kN, 0, a_n, lda_n, b_n, ldb_n, c, ldc,
                         false, ws);
  bool zero = true;
  for (size_t i = 0; i < kM; ++i)
    for (size_t j = 0; j < kN; ++j) zero = zero && c[i * ldc + j] == 0.0f;
  Check(zero, "k == 0 sets C to 0");

  // A bigger odd shape against a naive triple loop (covers the blocking edges).
  constexpr size_t m = 13, n = 17, k = 19;
  float* big_a;
  float* big_b;
  float* big_c;
  float* ref;
  float* ws2;
  if (!Check(arena.AllocateArray(m * k, &big_a).ok() && arena.AllocateArray(n * k, &big_b).ok() &&
                 arena.AllocateArray(m * n, &big_c).ok() && arena.AllocateArray(m * n, &ref).ok() &&
                 arena.AllocateArray(mote::kernels::F32GemmWorkspaceFloats(m, n, k), &ws2).ok(),
             "13x17x19 buffers fit"))
    return;
  for (size_t i = 0; i < m * k; ++i) big_a[i] = float(int((i * 7) % 13) - 6) * 0.5f;  // [m x k]
  for (size_t i = 0; i < n * k; ++i) big_b[i] = float(int((i * 5) % 11) - 5) * 0.25f;  // [n x k]: B^T
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < n; ++j) {
      float s = 0.0f;
      for (size_t p = 0; p < k; ++p) s += big_a[i * k + p] * big_b[j * k + p];
      ref[i * n + j] = s;
    }
  mote::kernels::F32Gemm(Transpose::kNo, Transpose::kYes, m, n, k, big_a, k, big_b, k, big_c, n,
                         false, ws2);
  CheckArray(big_c, ref, m * n, 0.0f, "13x17x19 A*B^T vs naive loop");
}

// ---- F32Im2Col -----------------------------------------------------------------
void TestIm2Col() {
  Section("F32Im2Col");
  // input [1, 3, 3, 2]: pixel (y, x) channel c = 10 * (3y + x + 1) + c.
  float input[18];
  for (size_t y = 0; y < 3; ++y)
    for (size_t x = 0; x < 3; ++x)
      for (size_t ch = 0; ch < 2; ++ch) input[(y * 3 + x) * 2 + ch] = float(10 * (3 * y + x + 1) + ch);
  // 3x3 kernel, stride 1, padding 1 ("same"): 9 rows of 18 columns.
  const mote::kernels::Conv2DGeometry g{1, 3, 3, 2, 3, 3, 1, 1, 1, 1, 3, 3};
  Check(g.patch_size() == 18 && g.rows() == 9, "geometry sizes");
  float cols[9 * 18];
  for (float& v : cols) v = -1.0f;
  mote::kernels::F32Im2Col(g, input, 0, g.rows(), cols);
  // Row 0 = output pixel (0, 0): window rows -1..1, cols -1..1.
  const float row0[18] = {0, 0, 0, 0, 0, 0,  0, 0, 10, 11, 20, 21,  0, 0, 40, 41, 50, 51};
  CheckArray(cols, row0, 18, 0.0f, "top-left row (padding)");
  // Row 4 = centre pixel: the whole image.
  CheckArray(cols + 4 * 18, input, 18, 0.0f, "centre row (no padding)");
  // Row 8 = bottom-right pixel.
  const float row8[18] = {50, 51, 60, 61, 0, 0,  80, 81, 90, 91, 0, 0,  0, 0, 0, 0, 0, 0};
  CheckArray(cols + 8 * 18, row8, 18, 0.0f, "bottom-right row (padding)");
  // A row range [5, 7) writes just those rows, starting at columns[0].
  float part[2 * 18 + 1];
  part[36] = 12345.0f;
  mote::kernels::F32Im2Col(g, input, 5, 7, part);
  CheckArray(part, cols + 5 * 18, 36, 0.0f, "row range [5, 7)");
  Check(part[36] == 12345.0f, "row range writes nothing past its end");
  // Stride 2, 2x2 kernel, no padding, on the 3x3 image: a single output pixel.
  const mote::kernels::Conv2DGeometry s2{1, 3, 3, 2, 2, 2, 2, 2, 0, 0, 1, 1};
  float one[8];
  mote::kernels::F32Im2Col(s2, input, 0, 1, one);
  const float want_one[8] = {10, 11, 20, 21, 40, 41, 50, 51};
  CheckArray(one, want_one, 8, 0.0f, "stride 2, 2x2 kernel");
}

// ---- the runtime's workspace-free kernels ---------------------------------------
void TestDenseRows() {
  Section("F32DenseRows / I8DenseRows / I8Im2Col / depthwise");
  // Rows (1, 2, 3), (-1, 0, 2) against weight rows (1, 0, 1), (0.5, -1, 0),
  // (2, 2, 2), (0, 0, 1), (1, 1, 0); bias, then clamp to [0, 3]; ldc 6.
  const float a[6] = {1, 2, 3, -1, 0, 2};
  const float w[15] = {1, 0, 1, 0.5f, -1, 0, 2, 2, 2, 0, 0, 1, 1, 1, 0};
  const float bias[5] = {0.5f, 0, -10, 1, 0};
  float c[12];
  c[5] = c[11] = 12345.0f;
  mote::kernels::F32DenseRows(2, 5, 3, a, 3, w, 3, bias, 0.0f, 3.0f, c, 6);
  const float want[12] = {3, 0, 2, 3, 3, 12345.0f, 1.5f, 0, 0, 3, 0, 12345.0f};
  CheckArray(c, want, 12, 0.0f, "f32 bias + clamp, ldc gap untouched");
  // int8: the same products; requantization (libgcc's 64-bit shift on this
  // core) with scale 1/2 and 1/4 exercises the half-up ties, also negative.
  const int8_t qa[6] = {1, 2, 3, -1, 0, 2};
  const int8_t qw[9] = {1, 0, 1, 2, 2, 2, -3, -3, -3};  // dots: 4, 12, -18 and 1, 2, -3
  const int32_t qbias[3] = {1, -1, 0}, multiplier[3] = {1 << 30, 1 << 30, 0x7fffffff}, shift[3] = {31, 32, 62};
  const mote::kernels::I8Requant rq{qbias, multiplier, shift, -2, -128, 127};
  int8_t q[6];
  mote::kernels::I8DenseRows(2, 3, 3, qa, 3, qw, 3, rq, q, 3);
  // 5/2 -> 3, 11/4 -> 3, -18 * ~2^-31 -> 0; 2/2 -> 1, 1/4 -> 0, ~0 -> 0; each - 2.
  const int8_t qwant[6] = {1, 1, -2, -1, -2, -2};
  bool same = true;
  for (int i = 0; i < 6; ++i) same = same && q[i] == qwant[i];
  Check(same, "int8 requantization, ties half up");
  // 2x2 image, 2x2 kernel, padding 1 top/left, pad value -9: 4 output rows.
  const int8_t img[4] = {1, 2, 3, 4};
  const mote::kernels::Conv2DGeometry g{1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 2, 2};
  int8_t cols[16];
  mote::kernels::I8Im2Col(g, img, -9, 0, g.rows(), cols);
  const int8_t cwant[16] = {-9, -9, -9, 1, -9, -9, 1, 2, -9, 1, -9, 3, 1, 2, 3, 4};
  same = true;
  for (int i = 0; i < 16; ++i) same = same && cols[i] == cwant[i];
  Check(same, "int8 im2col, padding reads the pad value");
  // Depthwise 3x3 "same" on a 2x2 image: every window holds the 4 pixels and
  // 5 padding taps. f32: padding is 0; int8: the zero point -10.
  const mote::kernels::Conv2DGeometry dg{1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 2, 2};
  const float fx[4] = {1, 2, 3, 4}, fw[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, fb[1] = {0.5f};
  float fy[4];
  mote::kernels::F32DepthwiseConv2D(dg, fx, fw, fb, -100.0f, 100.0f, fy);
  const float fwant[4] = {10.5f, 10.5f, 10.5f, 10.5f};
  CheckArray(fy, fwant, 4, 0.0f, "f32 depthwise 3x3 same");
  const int8_t dx[4] = {1, 2, 3, 4}, dw[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  const int32_t dbias[1] = {7}, dmul[1] = {1 << 30}, dshift[1] = {31};
  const mote::kernels::I8Requant drq{dbias, dmul, dshift, 3, -128, 127};
  int8_t dy[4];
  mote::kernels::I8DepthwiseConv2D(dg, dx, -10, dw, drq, dy);
  // (7 + 10 - 50) / 2 = -16.5 -> -16 (half up), + 3.
  same = true;
  for (int i = 0; i < 4; ++i) same = same && dy[i] == -13;
  Check(same, "int8 depthwise, padding reads the zero point");
}

// ---- int8 variants -------------------------------------------------------------
// Every int8 variant (src/kernels/i8-variant.h; on this core the DSP one runs
// the real SXTB16 / SMLAD) against the portable reference, bit for bit, on
// odd sizes: row and channel tails, patches that are no multiple of 4,
// columns from one row to several pairs, misaligned, shifts below / at /
// above 32, zero points and clamps of every kind.
void TestI8Variants() {
  Section("int8 variants vs reference (I8DenseRows, I8ConvRows, I8RowSums)");
  mote::Rng rng(15u);
  static int8_t x[9 * 9 * 13], w[11 * 5 * 5 * 13], cols[3 * 5 * 5 * 13 + 8];
  static int8_t want[81 * 13], got[81 * 13];
  int32_t bias[11], mul[11], shift[11];
  const int32_t kShifts[] = {1, 20, 31, 32, 33, 38, 40, 62};
  bool dense_same = true, conv_same = true, selected_same = true, sums_same = true;
  for (int trial = 0; trial < 60; ++trial) {
    // Every other trial tiny values: sums that the shifts near 31 map
    // inside the int8 range instead of onto the clamp.
    const bool tiny = trial % 2 != 0;
    for (int8_t& v : x) v = int8_t(tiny ? int32_t(rng.Below(3)) - 1 : int32_t(rng.NextU32()));
    for (int8_t& v : w) v = int8_t(tiny ? int32_t(rng.Below(3)) - 1 : int32_t(rng.NextU32()));
    for (int j = 0; j < 11; ++j) {
      bias[j] = tiny ? int32_t(rng.Below(41)) - 20 : int32_t(rng.Below(2001)) - 1000;
      mul[j] = rng.Below(3) == 0 ? INT32_MAX : int32_t((1u << 30) + rng.Below(1u << 29));
      shift[j] = kShifts[rng.Below(8)];
    }
    // Zero point and clamp: small, ReLU-like, narrow, inverted, and zero
    // points at and past the DSP requantization's 16-bit limit.
    const int32_t kClamps[][3] = {{0, -128, 127},       {-128, -128, 127}, {5, 5, 127},       {-3, -20, 30},
                                  {32640, -128, 127}, {-32640, -128, 127}, {40000, -128, 127}, {-7, 100, -100}};
    const int32_t* clamp = kClamps[trial % 8];
    const int32_t zero_point = clamp[0] + (trial % 8 == 0 ? int32_t(rng.Below(21)) - 10 : 0);
    const mote::kernels::I8Requant rq{bias, mul, shift, zero_point, clamp[1], clamp[2]};
    // Dense rows: m x n outputs of k taps.
    const size_t m = 1 + rng.Below(3), n = 1 + rng.Below(11), k = 1 + rng.Below(300);
    mote::kernels::i8_reference::I8DenseRows(m, n, k, x, k, w, k, rq, want, n);
    mote::kernels::i8_dsp::I8DenseRows(m, n, k, x, k, w, k, rq, got, n);
    for (size_t i = 0; i < m * n; ++i) dense_same = dense_same && got[i] == want[i];
    // Conv rows on a random geometry.
    mote::kernels::Conv2DGeometry g{};
    g.batch = 1;
    g.in_h = 1 + rng.Below(9), g.in_w = 1 + rng.Below(9), g.in_c = 1 + rng.Below(13);
    g.kernel_h = 1 + rng.Below(5), g.kernel_w = 1 + rng.Below(5);
    g.stride_h = 1 + rng.Below(2), g.stride_w = 1 + rng.Below(2);
    g.pad_top = rng.Below(uint32_t(g.kernel_h)), g.pad_left = rng.Below(uint32_t(g.kernel_w));
    if (g.in_h + 2 * g.pad_top < g.kernel_h || g.in_w + 2 * g.pad_left < g.kernel_w) continue;
    g.out_h = (g.in_h + 2 * g.pad_top - g.kernel_h) / g.stride_h + 1;
    g.out_w = (g.in_w + 2 * g.pad_left - g.kernel_w) / g.stride_w + 1;
    const size_t patch = g.patch_size(), rows = g.rows();
    const size_t begin = rng.Below(uint32_t(rows)), end = begin + 1 + rng.Below(uint32_t(rows - begin));
    const size_t pair = mote::kernels::I8ConvRowsColumnBytes(patch, 2);
    const size_t bytes = trial % 3 == 0 ? patch : (trial % 3 == 1 ? pair : patch + rng.Below(uint32_t(pair)));
    const size_t misalign = rng.Below(4);
    mote::kernels::i8_reference::I8ConvRows(g, x, -5, begin, end, w, patch, n, rq, cols, bytes, want, n);
    mote::kernels::i8_dsp::I8ConvRows(g, x, -5, begin, end, w, patch, n, rq, cols + misalign, bytes, got, n);
    for (size_t i = 0; i < (end - begin) * n; ++i) conv_same = conv_same && got[i] == want[i];
    mote::kernels::I8ConvRows(g, x, -5, begin, end, w, patch, n, rq, cols + misalign, bytes, got, n);
    for (size_t i = 0; i < (end - begin) * n; ++i) selected_same = selected_same && got[i] == want[i];
    int32_t sums_ref[11] = {}, sums_dsp[11] = {};
    mote::kernels::i8_reference::I8RowSums(n, k, w + misalign, k + 1, sums_ref);
    mote::kernels::i8_dsp::I8RowSums(n, k, w + misalign, k + 1, sums_dsp);
    for (size_t j = 0; j < n; ++j) sums_same = sums_same && sums_ref[j] == sums_dsp[j];
  }
  Check(dense_same, "i8_dsp::I8DenseRows == reference");
  Check(conv_same, "i8_dsp::I8ConvRows == reference");
  Check(selected_same, "I8ConvRows (the selected variant) == reference");
  Check(sums_same, "i8_dsp::I8RowSums == reference");
}

// ---- compile-time variants against the scalar reference ----------------------
// The public kernels run this core's variant where it has one
// (src/kernels/target-backend.h, src/kernels/i8-variant.h); scalar_backend
// and i8_reference are the references: random data on odd sizes, every
// block and tail of the variants (k not a multiple of 4 or 16, odd m and n,
// leading dimensions past the rows), int8 bit for bit.
//
// fp32: both sum each output's k products, the reference rounding every
// product and sum, a variant fusing them (one rounding per step) and, with
// MVE, in 4 partial sums. Each result is within gamma_k * sum_p |a_p w_p| of
// the exact dot product (Higham, Accuracy and Stability of Numerical
// Algorithms, 2002, section 3.1: any summation order, gamma_k = k u / (1 - k u),
// u = 2^-24), so they differ by at most twice that (doubled again for the
// k u denominator and the bias addition); bias and clamp only shrink it.
void TestTargetVariants(mote::Arena& arena) {
  Section("variants vs scalar reference");
  const char* f32_variant = "scalar";
#define MOTE_SELFTEST_NAME(ns) #ns
#define MOTE_SELFTEST_VARIANT(ns) MOTE_SELFTEST_NAME(ns)
  const char* i8_variant = MOTE_SELFTEST_VARIANT(MOTE_I8_VARIANT);
  const char* i8_depthwise_variant = "scalar";
  const char* f32_depthwise_variant = "scalar";
#if MOTE_KERNELS_F32_FPU
  f32_variant = "fpu (VLDM + VFMA)";
#elif MOTE_KERNELS_F32_MVE
  f32_variant = "mve (float vectors)";
#endif
#if MOTE_KERNELS_I8_MVE
  i8_depthwise_variant = "mve";
#endif
#if MOTE_KERNELS_F32_MVE
  f32_depthwise_variant = "mve";
#endif
  Line() << "  f32 dense rows: " << f32_variant << "; i8 dense / conv rows: " << i8_variant
         << "; depthwise f32: " << f32_depthwise_variant << ", i8: " << i8_depthwise_variant;
  mote::Rng rng(15);
  constexpr size_t kMaxM = 5, kMaxN = 9, kMaxK = 53, kPad = 3;
  const size_t ms[] = {1, 2, 3, 5}, ns[] = {1, 2, 3, 4, 5, 9}, ks[] = {1, 3, 4, 5, 8, 15, 16, 17, 33, 53};
  const size_t lda = kMaxK + kPad, ldc = kMaxN + kPad;
  float *a, *w, *bias, *got, *want;
  int8_t *qa, *qw, *qgot, *qwant;
  int32_t *qbias, *mult, *shift;
  arena.Reset();
  if (!Check(arena.AllocateArray(kMaxM * lda, &a).ok() && arena.AllocateArray(kMaxN * lda, &w).ok() &&
                 arena.AllocateArray(kMaxN, &bias).ok() && arena.AllocateArray(kMaxM * ldc, &got).ok() &&
                 arena.AllocateArray(kMaxM * ldc, &want).ok() && arena.AllocateArray(kMaxM * lda, &qa).ok() &&
                 arena.AllocateArray(kMaxN * lda, &qw).ok() && arena.AllocateArray(kMaxM * ldc, &qgot).ok() &&
                 arena.AllocateArray(kMaxM * ldc, &qwant).ok() && arena.AllocateArray(kMaxN, &qbias).ok() &&
                 arena.AllocateArray(kMaxN, &mult).ok() && arena.AllocateArray(kMaxN, &shift).ok(),
             "buffers fit"))
    return;
  for (size_t i = 0; i < kMaxM * lda; ++i) {
    a[i] = rng.Uniform(-1.0f, 1.0f);
    qa[i] = int8_t(int(rng.Below(256)) - 128);
  }
  for (size_t i = 0; i < kMaxN * lda; ++i) {
    w[i] = rng.Uniform(-1.0f, 1.0f);
    qw[i] = int8_t(int(rng.Below(256)) - 128);
  }
  for (size_t j = 0; j < kMaxN; ++j) {
    bias[j] = rng.Uniform(-0.5f, 0.5f);
    qbias[j] = int32_t(rng.Below(20001)) - 10000;
    mult[j] = int32_t((1u << 30) + rng.Below(1u << 30));
    shift[j] = 38 + int32_t(rng.Below(6));  // scales 2^-7 .. 2^-13: outputs span the int8 range
  }
  const mote::kernels::I8Requant rq{qbias, mult, shift, -5, -128, 127};
  bool f32_ok = true, i8_ok = true, gaps_ok = true;
  float worst = 0.0f;  // largest difference as a share of its bound
  for (size_t m : ms)
    for (size_t n : ns)
      for (size_t k : ks) {
        for (size_t i = 0; i < kMaxM * ldc; ++i) {
          got[i] = want[i] = 777.0f;
          qgot[i] = qwant[i] = 77;
        }
        // Clamp [-1, 1] on the even k only, so both halves see unclamped values.
        const float lo = k % 2 ? -1e30f : -1.0f, hi = k % 2 ? 1e30f : 1.0f;
        mote::kernels::F32DenseRows(m, n, k, a, lda, w, lda, bias, lo, hi, got, ldc);
        mote::kernels::scalar_backend::F32DenseRows(m, n, k, a, lda, w, lda, bias, lo, hi, want, ldc);
        mote::kernels::I8DenseRows(m, n, k, qa, lda, qw, lda, rq, qgot, ldc);
        mote::kernels::i8_reference::I8DenseRows(m, n, k, qa, lda, qw, lda, rq, qwant, ldc);
        for (size_t i = 0; i < m; ++i)
          for (size_t j = 0; j < ldc; ++j) {
            const size_t at = i * ldc + j;
            if (j >= n) {
              gaps_ok = gaps_ok && got[at] == 777.0f && qgot[at] == 77;
              continue;
            }
            float magnitude = Abs(bias[j]);
            for (size_t p = 0; p < k; ++p) magnitude += Abs(a[i * lda + p] * w[j * lda + p]);
            const float bound = 4.0f * float(k + 1) * 0x1p-24f * magnitude;
            const float diff = Abs(got[at] - want[at]);
            if (diff > bound && f32_ok) {
              Line() << "  f32 m " << uint32_t(m) << " n " << uint32_t(n) << " k " << uint32_t(k) << " [" << uint32_t(i)
                     << "][" << uint32_t(j) << "]: " << got[at] << ", reference " << want[at];
              f32_ok = false;
            }
            if (bound > 0 && diff / bound > worst) worst = diff / bound;
            if (qgot[at] != qwant[at] && i8_ok) {
              Line() << "  i8 m " << uint32_t(m) << " n " << uint32_t(n) << " k " << uint32_t(k) << " [" << uint32_t(i)
                     << "][" << uint32_t(j) << "]: " << int(qgot[at]) << ", reference " << int(qwant[at]);
              i8_ok = false;
            }
          }
      }
  Line() << "  f32 dense rows: largest difference " << worst << " of the bound";
  Check(f32_ok, "F32DenseRows within the rounding bound of the reference (240 shapes)");
  Check(i8_ok, "I8DenseRows bit-identical to the reference (240 shapes)");
  Check(gaps_ok, "outputs past n untouched");

  // Depthwise: channel counts around the 4-channel vectors, padded windows
  // (also windows wholly inside the padding), strides 1 and 2.
  const size_t channels[] = {1, 3, 4, 5, 9};
  struct Shape {
    size_t in_h, in_w, kernel, stride, pad, out_h, out_w;
  } shapes[] = {{5, 4, 3, 1, 1, 5, 4}, {6, 7, 3, 2, 1, 3, 4}, {3, 3, 5, 1, 2, 3, 3}, {2, 2, 3, 1, 3, 6, 6}};
  bool dw_ok = true;
  int8_t dx[6 * 7 * 9], dgot[6 * 6 * 9], dwant[6 * 6 * 9];
  for (size_t i = 0; i < sizeof(dx); ++i) dx[i] = int8_t(int(rng.Below(256)) - 128);
  for (size_t c : channels)
    for (const Shape& s : shapes) {
      const mote::kernels::Conv2DGeometry g{1, s.in_h, s.in_w, c, s.kernel, s.kernel, s.stride, s.stride,
                                            s.pad, s.pad, s.out_h, s.out_w};
      mote::kernels::I8DepthwiseConv2D(g, dx, -7, qw, rq, dgot);  // weights: the first kernel^2 * c of qw
      mote::kernels::scalar_backend::I8DepthwiseConv2D(g, dx, -7, qw, rq, dwant);
      for (size_t i = 0; i < g.out_h * g.out_w * c; ++i) dw_ok = dw_ok && dgot[i] == dwant[i];
    }
  Check(dw_ok, "I8DepthwiseConv2D bit-identical to the reference (20 shapes)");

  // f32 depthwise, same shapes, clamp [-1, 1]: within the bound above, taken
  // per output over its in-bounds taps (the bias counts as one more term).
  float *fdx, *fgot, *fwant;
  if (!Check(arena.AllocateArray(sizeof(dx), &fdx).ok() && arena.AllocateArray(sizeof(dgot), &fgot).ok() &&
                 arena.AllocateArray(sizeof(dgot), &fwant).ok(),
             "f32 depthwise buffers fit"))
    return;
  for (size_t i = 0; i < sizeof(dx); ++i) fdx[i] = rng.Uniform(-1.0f, 1.0f);
  bool fdw_ok = true;
  for (size_t c : channels)
    for (const Shape& s : shapes) {
      const mote::kernels::Conv2DGeometry g{1, s.in_h, s.in_w, c, s.kernel, s.kernel, s.stride, s.stride,
                                            s.pad, s.pad, s.out_h, s.out_w};
      mote::kernels::F32DepthwiseConv2D(g, fdx, w, bias, -1.0f, 1.0f, fgot);
      mote::kernels::scalar_backend::F32DepthwiseConv2D(g, fdx, w, bias, -1.0f, 1.0f, fwant);
      for (size_t oy = 0; oy < g.out_h; ++oy)
        for (size_t ox = 0; ox < g.out_w; ++ox)
          for (size_t ch = 0; ch < c; ++ch) {
            float magnitude = Abs(bias[ch]);
            for (size_t ky = 0; ky < g.kernel_h; ++ky)
              for (size_t kx = 0; kx < g.kernel_w; ++kx) {
                const long iy = long(oy * g.stride_h + ky) - long(g.pad_top);
                const long ix = long(ox * g.stride_w + kx) - long(g.pad_left);
                if (iy >= 0 && ix >= 0 && iy < long(g.in_h) && ix < long(g.in_w))
                  magnitude += Abs(fdx[(size_t(iy) * g.in_w + size_t(ix)) * c + ch] * w[(ky * g.kernel_w + kx) * c + ch]);
              }
            const size_t at = (oy * g.out_w + ox) * c + ch;
            const float bound = 4.0f * float(g.kernel_h * g.kernel_w + 1) * 0x1p-24f * magnitude;
            fdw_ok = fdw_ok && Abs(fgot[at] - fwant[at]) <= bound;
          }
    }
  Check(fdw_ok, "F32DepthwiseConv2D within the rounding bound of the reference (20 shapes)");

  // Conv rows (im2col + dense rows): the same shapes with 1 to 9 output
  // channels, every row, and a run of rows starting at an odd row; columns
  // as the planner gives them (I8ConvRowsColumnBytes) and bigger.
  bool conv_ok = true;
  int8_t columns[4 * 228], cgot[36 * 9], cwant[36 * 9];  // 228: the largest patch (225) padded to 4
  int8_t* cw;
  if (!Check(arena.AllocateArray(9 * 225, &cw).ok(), "conv weights fit")) return;
  for (size_t i = 0; i < 9 * 225; ++i) cw[i] = int8_t(int(rng.Below(256)) - 128);
  const size_t outs[] = {1, 5, 9};
  for (size_t c : channels)
    for (const Shape& s : shapes)
      for (size_t n : outs) {
        const mote::kernels::Conv2DGeometry g{1, s.in_h, s.in_w, c, s.kernel, s.kernel, s.stride, s.stride,
                                              s.pad, s.pad, s.out_h, s.out_w};
        const size_t rows = g.rows(), patch = g.patch_size(), first = rows > 2 ? 1 : 0;
        const size_t column_bytes[] = {mote::kernels::I8ConvRowsColumnBytes(patch, rows), sizeof(columns)};
        for (size_t bytes : column_bytes) {
          mote::kernels::I8ConvRows(g, dx, -7, first, rows, cw, patch, n, rq, columns, bytes, cgot, n);
          mote::kernels::i8_reference::I8ConvRows(g, dx, -7, first, rows, cw, patch, n, rq, columns, bytes, cwant,
                                                  n);
          for (size_t i = 0; i < (rows - first) * n; ++i) conv_ok = conv_ok && cgot[i] == cwant[i];
        }
      }
  Check(conv_ok, "I8ConvRows bit-identical to the reference (60 shapes, 2 column sizes)");
  arena.Reset();
}

// ---- F32ChannelAffineClamp -----------------------------------------------------
void TestAffine() {
  Section("F32ChannelAffineClamp");
  const float x[2 * 3] = {1.0f, -2.0f, 3.0f, 4.0f, 0.5f, -6.0f};
  const float scale[3] = {2.0f, -1.0f, 0.5f};
  const float shift[3] = {0.5f, 1.0f, -1.0f};
  float y[6];
  // ReLU6 after scale/shift.
  mote::kernels::F32ChannelAffineClamp(2, 3, x, scale, shift, 0.0f, 6.0f, y);
  const float relu6[6] = {2.5f, 3.0f, 0.5f, 6.0f, 0.5f, 0.0f};
  CheckArray(y, relu6, 6, 0.0f, "scale, shift, ReLU6");
  // No scale, no clamp: a bias add.
  const float inf = __builtin_inff();
  mote::kernels::F32ChannelAffineClamp(2, 3, x, nullptr, shift, -inf, inf, y);
  const float bias[6] = {1.5f, -1.0f, 2.0f, 4.5f, 1.5f, -7.0f};
  CheckArray(y, bias, 6, 0.0f, "shift only, no clamp");
  // In place, scale only.
  float z[6];
  for (int i = 0; i < 6; ++i) z[i] = x[i];
  mote::kernels::F32ChannelAffineClamp(2, 3, z, scale, nullptr, -inf, inf, z);
  const float scaled[6] = {2.0f, 2.0f, 1.5f, 8.0f, -0.5f, -3.0f};
  CheckArray(z, scaled, 6, 0.0f, "scale only, in place");
}

// ---- F32Softmax / F32LogSoftmax --------------------------------------------------
void TestSoftmax() {
  Section("F32Softmax");
  const float x[3 * 3] = {1.0f, 2.0f, 3.0f,  1000.0f, 1000.0f, -1000.0f,  -5.0f, -5.0f, -5.0f};
  float y[9];
  mote::kernels::F32Softmax(3, 3, x, y);
  const float want[9] = {0.090030573f, 0.24472847f, 0.66524096f,  0.5f, 0.5f, 0.0f,
                         1.0f / 3, 1.0f / 3, 1.0f / 3};
  CheckArray(y, want, 9, 1e-6f, "softmax rows (incl. +-1000: max subtracted)");
  float log_y[9];
  mote::kernels::F32LogSoftmax(1, 3, x, log_y);
  const float want_log[3] = {-2.4076059f, -1.4076059f, -0.40760596f};
  CheckArray(log_y, want_log, 3, 1e-6f, "log-softmax [1, 2, 3]");
  float in_place[3] = {1.0f, 2.0f, 3.0f};
  mote::kernels::F32Softmax(1, 3, in_place, in_place);
  CheckArray(in_place, want, 3, 1e-6f, "softmax in place");
}

// ---- F32Sigmoid / F32Tanh (the recurrent ops' gates) ------------------------------
void TestActivation() {
  Section("F32Sigmoid/F32Tanh");
  const float x[7] = {-20.0f, -3.0f, -0.5f, 0.0f, 0.3f, 2.0f, 12.0f};
  const float want_sigmoid[7] = {2.0611536e-09f, 0.047425873f, 0.37754067f, 0.5f, 0.57444252f, 0.88079708f,
                                 0.99999386f};
  const float want_tanh[7] = {-1.0f, -0.99505475f, -0.46211716f, 0.0f, 0.29131261f, 0.96402758f, 1.0f};
  float y[7];
  mote::kernels::F32Sigmoid(7, x, y);
  CheckArray(y, want_sigmoid, 7, 3e-7f, "sigmoid");
  mote::kernels::F32Tanh(7, x, y);
  CheckArray(y, want_tanh, 7, 3e-7f, "tanh");
}

// ---- pooling -------------------------------------------------------------------
void TestPool() {
  Section("F32MaxPool/F32AvgPool");
  // [1, 4, 4, 1] = 1..16 row-major; 2x2 max pool, stride 2.
  float x[16];
  for (int i = 0; i < 16; ++i) x[i] = float(i + 1);
  const mote::kernels::Pool2DGeometry g{1, 4, 4, 1, 2, 2, 2, 2, 0, 0, 2, 2};
  float y[4];
  mote::kernels::F32MaxPool(g, x, y);
  const float want_max[4] = {6, 8, 14, 16};
  CheckArray(y, want_max, 4, 0.0f, "max 2x2 stride 2");
  mote::kernels::F32AvgPool(g, x, y);
  const float want_avg[4] = {3.5f, 5.5f, 11.5f, 13.5f};
  CheckArray(y, want_avg, 4, 0.0f, "avg 2x2 stride 2");
  // 3x3 windows, stride 1, padding 1 on [1, 3, 3, 1] = 1..9: the average
  // counts only in-bounds pixels, the max never sees a padded 0.
  const mote::kernels::Pool2DGeometry p{1, 3, 3, 1, 3, 3, 1, 1, 1, 1, 3, 3};
  float avg[9];
  mote::kernels::F32AvgPool(p, x, avg);
  const float want_pavg[9] = {3.0f, 3.5f, 4.0f, 4.5f, 5.0f, 5.5f, 6.0f, 6.5f, 7.0f};
  CheckArray(avg, want_pavg, 9, 1e-6f, "avg 3x3 padding 1 (padding not counted)");
  float neg[9], mx[9];
  for (int i = 0; i < 9; ++i) neg[i] = -float(i + 1);
  mote::kernels::F32MaxPool(p, neg, mx);
  const float want_pmax[9] = {-1, -1, -2, -1, -1, -2, -4, -4, -5};
  CheckArray(mx, want_pmax, 9, 0.0f, "max 3x3 padding 1 on negatives");
  // Backward of the 2x2 max pool routes each gradient to its maximum.
  const float dy[4] = {1, 2, 3, 4};
  float dx[16];
  mote::kernels::F32MaxPoolBackward(g, x, dy, dx);
  float want_dx[16] = {};
  want_dx[5] = 1;
  want_dx[7] = 2;
  want_dx[13] = 3;
  want_dx[15] = 4;
  CheckArray(dx, want_dx, 16, 0.0f, "max-pool backward");
}

// ---- Arena -----------------------------------------------------------------------
void TestArena() {
  Section("Arena");
  alignas(64) static uint8_t buffer[256];
  mote::Arena arena(buffer, sizeof(buffer));
  void* a = nullptr;
  Check(arena.Allocate(200, 16, &a).ok() && a == buffer, "200 of 256 bytes");
  void* b = &arena;
  const mote::Status oom = arena.Allocate(100, 16, &b);
  Check(oom.code() == mote::StatusCode::kOutOfMemory, "101st-256th byte: out of memory");
  Check(b == &arena && arena.used() == 200, "failed allocation changes nothing");
  float* f = nullptr;
  Check(arena.AllocateArray(8, &f, 16).ok() && reinterpret_cast<uintptr_t>(f) % 16 == 0 &&
            arena.used() == 240,
        "aligned array in what is left");
  Check(arena.AllocateArray<float>(SIZE_MAX / 2, &f).code() == mote::StatusCode::kOutOfRange,
        "byte-count overflow: out of range");
  Check(arena.Allocate(1, 3, &a).code() == mote::StatusCode::kInvalidArgument, "alignment 3 rejected");
  arena.Reset();
  Check(arena.used() == 0 && arena.peak() == 240, "Reset keeps the peak");
  mote::Arena measure;
  Check(measure.Allocate(100, 64, &a).ok() && a == nullptr && measure.used() >= 100,
        "measuring arena counts bytes only");
  Line() << "  oom message: " << oom.message();
}

// ---- Rng -------------------------------------------------------------------------
void TestRng() {
  Section("Rng");
  // PCG32 reference sequence (pcg32-demo: seed 42, stream 54).
  mote::Rng r(42u, 54u);
  const uint32_t want[6] = {0xa15c02b7u, 0x7b47f409u, 0xba1d3330u,
                            0x83d2f293u, 0xbfa4784bu, 0xcbed606eu};
  bool same = true;
  for (uint32_t w : want) same = same && r.NextU32() == w;
  Check(same, "PCG32 reference sequence");
  // Normal() draws as on x86-64 (bit patterns from the host build).
  mote::Rng n(2024u, 7u);
  const uint32_t want_normal[6] = {0x3f055e13u, 0x3e24f9cfu, 0x3d9827b4u,
                                   0xbe5f7d93u, 0xbfa8d2fau, 0xbf80633cu};
  bool normal_ok = true;
  for (uint32_t w : want_normal) {
    const float f = n.Normal();
    uint32_t bits;
    __builtin_memcpy(&bits, &f, 4);
    if (bits != w) {
      Line l;
      l << "  normal draw ";
      l.Hex(bits);
      l << " want ";
      l.Hex(w);
      normal_ok = false;
    }
  }
  Check(normal_ok, "Normal() bit-identical to the host");
  mote::Rng b(7u);
  const uint32_t want_below[8] = {3, 9, 4, 2, 8, 5, 1, 2};
  bool below_ok = true;
  for (uint32_t w : want_below) below_ok = below_ok && b.Below(10) == w;
  Check(below_ok, "Below(10) sequence");
  // Save/Restore continues the same sequence; same seed, same stream.
  mote::Rng c(99u);
  (void)c.Normal();  // leaves a cached normal in the state
  const mote::Rng::State s = c.Save();
  const float n1 = c.Normal(), u1 = c.Uniform();
  c.Restore(s);
  Check(c.Normal() == n1 && c.Uniform() == u1, "Save/Restore replays");
  mote::Rng d1(5u), d2(5u);
  bool uniform_ok = true;
  for (int i = 0; i < 1000; ++i) {
    const float u = d1.Uniform();
    uniform_ok = uniform_ok && u == d2.Uniform() && u >= 0.0f && u < 1.0f;
  }
  Check(uniform_ok, "Uniform() reproducible and in [0, 1)");
}

// ---- ExpF / LogF -------------------------------------------------------------------
void TestMath() {
  Section("ExpF/LogF");
  struct Ref {
    float x;
    double y;
  };
  // Reference values: Python math.exp / math.log in double precision.
  const Ref exp_ref[] = {
      {-80.0f, 1.8048513878454153e-35}, {-20.5f, 1.2501528663867426e-09},
      {-10.0f, 4.5399929762484854e-05}, {-3.375f, 0.034218118311666032},
      {-1.0f, 0.36787944117144233},     {-0.5f, 0.60653065971263342},
      {-0.125f, 0.88249690258459546},   {0.0f, 1.0},
      {0.0625f, 1.0644944589178593},    {0.25f, 1.2840254166877414},
      {0.693359375f, 2.0004244339097745}, {1.0f, 2.7182818284590451},
      {2.5f, 12.182493960703473},       {5.75f, 314.19066028569421},
      {10.0f, 22026.465794806718},      {20.25f, 622964442.19844544},
      {40.0f, 2.3538526683702e+17},     {80.0f, 5.5406223843935098e+34},
  };
  double worst = 0.0;
  for (const Ref& r : exp_ref) {
    const double rel = AbsD(double(mote::ExpF(r.x)) - r.y) / r.y;
    if (rel > worst) worst = rel;
  }
  Line() << "  ExpF max relative error " << worst;
  Check(worst < 2e-7, "ExpF relative error < 2e-7");
  Check(mote::ExpF(-100.0f) == 0.0f, "ExpF(-100) == 0");
  Check(mote::ExpF(100.0f) == __builtin_inff(), "ExpF(100) == inf");

  struct LogRef {
    uint32_t x_bits;
    double y;
  };
  const LogRef log_ref[] = {
      {0x0da24260u, -69.077552786650287},  {0x3a83126fu, -6.9077552314846873},
      {0x3dcccccdu, -2.3025850780928847},  {0x3f000000u, -0.69314718055994529},
      {0x3f400000u, -0.2876820724517809},  {0x3fc00000u, 0.40546510810816438},
      {0x40000000u, 0.69314718055994529},  {0x40400000u, 1.0986122886681098},
      {0x41200000u, 2.3025850929940459},   {0x42c80000u, 4.6051701859880918},
      {0x4640e600u, 9.4210469031867099},   {0x7149f2cau, 69.07755280486883},
      {0x7f7fc99eu, 88.72200895132066},
  };
  worst = 0.0;
  for (const LogRef& r : log_ref) {
    float x;
    __builtin_memcpy(&x, &r.x_bits, 4);
    const double rel = AbsD(double(mote::LogF(x)) - r.y) / AbsD(r.y);
    if (rel > worst) worst = rel;
  }
  Line() << "  LogF max relative error " << worst;
  Check(worst < 2e-7, "LogF relative error < 2e-7");
  Check(mote::LogF(1.0f) == 0.0f, "LogF(1) == 0");
  Check(mote::LogF(0.0f) == -__builtin_inff(), "LogF(0) == -inf");
  const float nan = mote::LogF(-1.0f);
  Check(nan != nan, "LogF(-1) is NaN");
  // Round trip over a sweep.
  float worst_rt = 0.0f;
  for (int i = -400; i <= 400; ++i) {
    const float x = float(i) * 0.05f;
    const float err = Abs(mote::LogF(mote::ExpF(x)) - x);
    if (err > worst_rt) worst_rt = err;
  }
  Line() << "  LogF(ExpF(x)) - x max abs error on [-20, 20] " << worst_rt;
  Check(worst_rt < 4e-6f, "LogF(ExpF(x)) ~ x");
}

// ---- fmaf (ports/cortex-m/fmaf.c) ---------------------------------------------------
uint32_t Bits(float x) {
  uint32_t b;
  __builtin_memcpy(&b, &x, 4);
  return b;
}

float FromBits(uint32_t b) {
  float x;
  __builtin_memcpy(&x, &b, 4);
  return x;
}

void TestFmaf() {
  Section("fmaf (port layer)");
  // Through a volatile pointer: the port's function itself, never folded or
  // replaced by the FPU's VFMA.
  float (*volatile soft_fma)(float, float, float) = fmaf;
  const float inf = __builtin_inff(), max = 3.40282347e38f;
  struct Case {
    float x, y, z, want;
    const char* what;
  };
  // Exact results worked out by hand (binary expansions in the comments).
  const Case cases[] = {
      {2.0f, 3.0f, 4.0f, 10.0f, "2 * 3 + 4"},
      // 0.1f = 13421773 * 2^-27: 0.1f * 10 = 1 + 2^-26 exactly (the float
      // product alone rounds to 1, so an unfused x * y + z gives 0).
      {0.1f, 10.0f, -1.0f, 0x1p-26f, "0.1f * 10 - 1 = 2^-26 (one rounding)"},
      // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: a tie between two floats.
      {1 + 0x1p-12f, 1 + 0x1p-12f, 0.0f, 1 + 0x1p-11f, "tie rounds to even (down)"},
      // + 2^-54: above the tie. In double the 2^-54 (a quarter ulp) is lost
      // and the tie rounds down: the double-rounding trap.
      {1 + 0x1p-12f, 1 + 0x1p-12f, 0x1p-54f, 1 + 0x1p-11f + 0x1p-23f, "just above a tie rounds up"},
      {1 + 0x1p-12f, 1 + 0x1p-12f, -0x1p-54f, 1 + 0x1p-11f, "just below a tie rounds down"},
      // (1 + 2^-12)(1 + 2^-11 + 2^-12) = 1 + 2^-10 + 2^-23 + 2^-24: a tie with
      // an odd lower neighbour.
      {1 + 0x1p-12f, 1 + 0x1.8p-11f, 0.0f, 1 + 0x1p-10f + 0x1p-22f, "tie rounds to even (up)"},
      {1 + 0x1p-12f, 1 + 0x1.8p-11f, -0x1p-54f, 1 + 0x1p-10f + 0x1p-23f, "just below an odd tie rounds down"},
      {-(1 + 0x1p-12f), 1 + 0x1.8p-11f, 0x1p-54f, -(1 + 0x1p-10f + 0x1p-23f), "negative, just above a tie"},
      // Subnormal results (smallest float 2^-149).
      {0x1p-75f, 0x1p-75f, 0.0f, 0.0f, "2^-150 ties to even: +0"},
      {0x1.8p-75f, 0x1p-75f, 0.0f, 0x1p-149f, "1.5 * 2^-150 rounds up to 2^-149"},
      {(1 + 0x1p-23f) * 0x1p-75f, 0x1p-75f, 0.0f, 0x1p-149f, "just above 2^-150 rounds up"},
      {0x1p-70f, 0x1p-70f, -0x1p-140f * 0x1p-1f, 0x1p-141f, "2^-140 - 2^-141 (subnormal, exact)"},
      // Range: the product overflows float but not the exact result.
      {max, 2.0f, -max, max, "FLT_MAX * 2 - FLT_MAX = FLT_MAX"},
      {inf, 2.0f, -1.0f, inf, "inf * 2 - 1 = inf"},
      {2.0f, 3.0f, -inf, -inf, "2 * 3 - inf = -inf"},
  };
  bool all = true;
  for (const Case& c : cases) {
    const float got = soft_fma(c.x, c.y, c.z);
    if (Bits(got) != Bits(c.want)) {
      Line() << "  " << c.what << ": got " << got << ", want " << c.want;
      all = false;
    }
  }
  Check(all, "fmaf on known values (ties, double-rounding traps, subnormals, overflow, inf)");
  const float n1 = soft_fma(inf, 0.0f, 1.0f), n2 = soft_fma(inf, 1.0f, -inf), n3 = soft_fma(1.0f, 2.0f, -__builtin_nanf(""));
  Check(n1 != n1 && n2 != n2 && n3 != n3, "fmaf: inf * 0, inf - inf and NaN operands give NaN");
  Check(Bits(soft_fma(-1.0f, 0.0f, 0.0f)) == 0u && Bits(soft_fma(-1.0f, 0.0f, -0.0f)) == 0x80000000u &&
            Bits(soft_fma(1.0f, 1.0f, -1.0f)) == 0u,
        "fmaf: signed zeros (-0 + 0 = +0, -0 + -0 = -0, 1 - 1 = +0)");
#if defined(__ARM_FEATURE_FMA)
  // With an FPU FMA instruction (VFMA, one rounding in hardware): the two
  // agree bit for bit on many pseudo-random triples built to hit ties and
  // cancellation, in the normal and the subnormal range.
  uint32_t state = 0x9e3779b9u, mismatches = 0;
  auto next = [&state]() {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  };
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    const uint32_t r = next(), kind = r & 3u;
    // Significands of 14 bits (products of <= 28 bits) make exact ties
    // frequent; the others are full 24-bit ones.
    const uint32_t mask = (r & 4u) ? 0x7ffc00u : 0x7fffffu;
    const float sign = (r & 8u) ? -1.0f : 1.0f;
    const int ex = int((r >> 8) % 64u) - 32;
    // Half of the y are tiny: products down to 2^-152, subnormal or zero.
    const int ey = int((r >> 16) % 64u) - ((r & 16u) ? 32 : 120);
    const float x = sign * FromBits((uint32_t(ex + 127) << 23) | (next() & mask));
    const float y = FromBits((uint32_t(ey + 127) << 23) | (next() & mask));
    const float p = x * y;  // the rounded product
    const float zsign = (next() & 1u) ? -1.0f : 1.0f;
    float z;
    if (kind == 0) {
      z = -p;  // cancellation: the result is the product's rounding error
    } else if (kind == 1) {
      // An addend 2^-24 .. 2^-39 of the product: near-ties, lost in double.
      z = zsign * p * FromBits(uint32_t(127 - 24 - int(next() % 16u)) << 23);
    } else if (kind == 2) {
      z = zsign * p * FromBits(0x3f000000u + next() % 0x1000000u);  // same scale, [0.5, 2) times
    } else {
      z = zsign * FromBits(next() & 0x007fffffu);  // a subnormal addend
    }
    const float hw = __builtin_fmaf(x, y, z), sw = soft_fma(x, y, z);
    if (Bits(hw) != Bits(sw) && !(hw != hw && sw != sw)) {
      if (mismatches++ < 5) {
        Line line;
        line << "  fmaf(";
        line.Hex(Bits(x));
        line << ", ";
        line.Hex(Bits(y));
        line << ", ";
        line.Hex(Bits(z));
        line << "): port ";
        line.Hex(Bits(sw));
        line << ", VFMA ";
        line.Hex(Bits(hw));
      }
    }
  }
  Line() << "  " << uint32_t(n) << " random triples against VFMA: " << mismatches << " mismatches";
  Check(mismatches == 0, "fmaf equals the FPU's VFMA bit for bit");
#else
  Line() << "  no FPU FMA instruction on this core: __builtin_fmaf calls this fmaf";
  Check(Bits(__builtin_fmaf(0.1f, 10.0f, -1.0f)) == Bits(0x1p-26f), "__builtin_fmaf is fused (calls fmaf)");
#endif
}

// ---- backend selection -----------------------------------------------------------
void TestBackend() {
  Section("backend");
  Check(mote::ActiveBackend() == mote::Backend::kScalar, "scalar backend active");
  Check(!mote::BackendAvailable(mote::Backend::kHwy) && !mote::BackendAvailable(mote::Backend::kXsimd),
        "no SIMD backends in the MCU build");
  Check(mote::SetBackend(mote::Backend::kHwy).code() == mote::StatusCode::kUnsupported,
        "SetBackend(hwy) unsupported");
  mote::Backend parsed;
  Check(mote::ParseBackend("scalar", &parsed).ok() && parsed == mote::Backend::kScalar,
        "ParseBackend(\"scalar\")");
  Line() << "  target: " << mote::BackendTarget(mote::Backend::kScalar);
}

}  // namespace

int main() {
  mote_port_init();
  Line() << "mote kernel self-test (" MOTE_PORT_NAME ", freestanding runtime subset)";
  const uint64_t t0 = mote_port_time_us();
  mote::Arena arena(g_scratch, sizeof(g_scratch));

  TestBackend();
  TestGemm(arena);
  TestIm2Col();
  TestDenseRows();
  TestI8Variants();
  TestTargetVariants(arena);
  TestAffine();
  TestSoftmax();
  TestActivation();
  TestPool();
  TestArena();
  TestRng();
  TestMath();
  TestFmaf();

  const uint64_t t1 = mote_port_time_us();
  Line() << "arena peak " << arena.peak() << " bytes; " << uint32_t(t1 - t0) << " us (emulated clock)";
  Line() << "kernel_selftest: " << g_checks << " checks, " << g_failures << " failed";
  return g_failures;
}
