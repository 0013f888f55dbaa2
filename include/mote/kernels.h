// The kernel layer: pure functions on raw pointers and sizes.
//
// Every kernel has a portable scalar reference (also the MCU path) and SIMD
// versions for Google Highway (runtime dispatch over the CPU's targets) and
// xsimd (one build per instruction set, the best one the CPU has picked at run
// time). The functions below call the active backend, chosen in one place
// (src/kernels/config.cc) and switchable at run time with SetBackend() or the
// MOTE_BACKEND environment variable (scalar|hwy|xsimd).
//
// Contract for all kernels: sizes are element counts; pointers need no
// particular alignment; output buffers must not overlap inputs unless a kernel
// says "in place allowed". Kernels do not validate arguments (callers do that
// at Plan time) and never allocate: scratch memory comes from the caller,
// sized by the matching *WorkspaceFloats query.
//
// Layouts: activations NHWC; a GEMM matrix is row-major with a leading
// dimension (distance between rows, in elements).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {

enum class Backend : uint8_t { kScalar = 0, kHwy = 1, kXsimd = 2 };
inline constexpr int kBackendCount = 3;

// "scalar", "hwy", "xsimd".
const char* BackendName(Backend backend);
// Parses a backend name; kInvalidArgument for an unknown name.
Status ParseBackend(const char* name, Backend* out);
// Whether this build contains the backend (and the CPU can run it).
bool BackendAvailable(Backend backend);
// Makes `backend` the one every kernel call uses; kUnsupported if unavailable.
Status SetBackend(Backend backend);
Backend ActiveBackend();
// The instruction set a backend runs right now, e.g. "AVX3" (Highway target),
// "avx512bw" (xsimd arch), "scalar".
const char* BackendTarget(Backend backend);

namespace kernels {

enum class Transpose : uint8_t { kNo = 0, kYes = 1 };

// ---- f32 GEMM ---------------------------------------------------------------
// C[m x n] = op(A) * op(B)  (or C += ... when `accumulate`), where
// op(A) is [m x k]: A is [m x lda>=k] if ta == kNo, else A is [k x lda>=m];
// op(B) is [k x n]: B is [k x ldb>=n] if tb == kNo, else B is [n x ldb>=k].
// C is [m x ldc>=n]. `workspace` holds at least F32GemmWorkspaceFloats(m, n, k)
// floats (packed panels); any alignment. m, n or k may be 0 (k == 0 sets C to
// 0 unless accumulating).
void F32Gemm(Transpose ta, Transpose tb, size_t m, size_t n, size_t k, const float* a, size_t lda,
             const float* b, size_t ldb, float* c, size_t ldc, bool accumulate, float* workspace);
// Floats of scratch any backend's F32Gemm needs for this shape.
size_t F32GemmWorkspaceFloats(size_t m, size_t n, size_t k);

// GEMM with B packed once, for one B multiplied by many A (a layer's weights
// against tiles of activations): F32GemmPackB packs op(B) [k x n] (tb, ldb as
// in F32Gemm) into `packed` (F32GemmPackedBFloats(n, k) floats, any
// alignment); F32GemmPackedB then computes C = op(A) * op(B) (or C += ...)
// like F32Gemm without reading B. The packed layout belongs to the backend
// (and Highway target) active when packing: pack again after SetBackend.
size_t F32GemmPackedBFloats(size_t n, size_t k);
void F32GemmPackB(Transpose tb, size_t n, size_t k, const float* b, size_t ldb, float* packed);
void F32GemmPackedB(Transpose ta, size_t m, size_t n, size_t k, const float* a, size_t lda, const float* packed_b,
                    float* c, size_t ldc, bool accumulate, float* workspace);

// ---- im2col / col2im (NHWC) -------------------------------------------------
struct Conv2DGeometry {
  size_t batch, in_h, in_w, in_c;
  size_t kernel_h, kernel_w;
  size_t stride_h, stride_w;
  size_t pad_top, pad_left;  // bottom/right padding follows from out_h/out_w
  size_t out_h, out_w;
  // Columns of the im2col matrix: kernel_h * kernel_w * in_c, ordered
  // (ky, kx, c) to match conv weights [C_out][ky][kx][C_in].
  constexpr size_t patch_size() const { return kernel_h * kernel_w * in_c; }
  // Rows of the im2col matrix: one per output pixel.
  constexpr size_t rows() const { return batch * out_h * out_w; }
};
// Taps [begin, end) of a kernel of `kernel` taps whose window starts at input
// position `origin` (negative inside the leading padding) that fall inside an
// input of `in` positions (begin == end: the window lies in the padding).
struct KernelTaps {
  size_t begin, end;
};
inline KernelTaps KernelTapsInside(long origin, size_t kernel, size_t in) {
  const long k = long(kernel);
  long begin = -origin, end = long(in) - origin;
  begin = begin < 0 ? 0 : (begin > k ? k : begin);
  end = end > k ? k : (end < begin ? begin : end);
  return {size_t(begin), size_t(end)};
}
// The run of output positions [first, out_end) along one axis (of `out`)
// whose windows (stride, pad_before) all keep the same taps inside the input.
struct KernelTapsRun {
  size_t out_end;
  KernelTaps taps;
};
inline KernelTapsRun KernelTapsRunFrom(size_t first, size_t out, size_t in, size_t kernel, size_t stride,
                                      size_t pad_before) {
  const auto taps_at = [&](size_t o) { return KernelTapsInside(long(o * stride) - long(pad_before), kernel, in); };
  const KernelTaps taps = taps_at(first);
  size_t end = first + 1;
  while (end < out && taps_at(end).begin == taps.begin && taps_at(end).end == taps.end) ++end;
  return {end, taps};
}
// Writes rows [row_begin, row_end) of the im2col matrix, row r at
// columns[(r - row_begin) * patch_size()]; padding reads as 0. Tiled callers
// (the runtime) pass a row range, layers pass [0, rows()).
void F32Im2Col(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end,
               float* columns);
// Adjoint of im2col: input_grad [batch, in_h, in_w, in_c] = sum of every
// column entry into the pixel it was read from (overwrites input_grad).
void F32Col2Im(const Conv2DGeometry& g, const float* columns, float* input_grad);
// Tiled adjoint: ADDS rows [row_begin, row_end) of the column matrix (row r at
// columns[(r - row_begin) * patch_size()]) into input_grad, which the caller
// zeroes once before the first tile.
void F32Col2ImAccumulate(const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
                         float* input_grad);

// ---- fused per-channel epilogue ---------------------------------------------
// y[r, c] = clamp(x[r, c] * scale[c] + shift[c], lo, hi) over rows x channels
// (row stride = channels). scale == nullptr means 1, shift == nullptr means 0.
// ReLU is lo = 0, hi = +inf; no activation is lo = -inf, hi = +inf.
// In place allowed (y == x).
void F32ChannelAffineClamp(size_t rows, size_t channels, const float* x, const float* scale,
                           const float* shift, float lo, float hi, float* y);

// ---- elementwise (in place allowed: y may equal an input) ------------------
void F32Add(size_t n, const float* a, const float* b, float* y);    // y = a + b
void F32Mul(size_t n, const float* a, const float* b, float* y);    // y = a * b
void F32Axpy(size_t n, float alpha, const float* x, float* y);      // y += alpha * x
void F32Scale(size_t n, float alpha, const float* x, float* y);     // y = alpha * x
// Gradient of y = clamp(x, lo, hi) from its output: dx = dy where lo < y < hi,
// else 0 (ReLU: lo = 0, hi = +inf). In place allowed (dx == dy).
void F32ClampBackward(size_t n, const float* y, const float* dy, float lo, float hi, float* dx);

// ---- activations (in place allowed) -----------------------------------------
// y = 1 / (1 + e^-x) and y = tanh(x), elementwise. Every backend computes
// mote's SigmoidF / TanhF (include/mote/math.h) lane by lane, so SIMD results
// equal the scalar ones (within an ulp on xsimd/neon64).
void F32Sigmoid(size_t n, const float* x, float* y);
void F32Tanh(size_t n, const float* x, float* y);

// ---- reductions -------------------------------------------------------------
// sum[c] = sum over r of x[r, c]; sum_sq[c] = sum over r of x[r, c]^2
// (x is rows x channels, row stride = channels). Overwrites sum and sum_sq;
// sum_sq may be null.
void F32ChannelSums(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq);

// ---- batch normalization (training) ------------------------------------------
// Over rows x channels (row stride = channels) with per-channel mean, invstd,
// a, b, d. Sums accumulate per channel in row order, the same operations in
// the same order on every backend: results are identical across backends.
// Centring and the variance's statistics in one pass: y = x - mean,
// sum[c] = sum over r of y[r, c], sum_sq[c] = sum over r of y[r, c]^2.
// Overwrites sum and sum_sq; y must not overlap x.
void F32BatchNormCenter(size_t rows, size_t channels, const float* x, const float* mean, float* y, float* sum,
                        float* sum_sq);
// Backward statistics: sum_dy[c] = sum over r of dy[r, c] and
// sum_dy_xhat[c] = sum over r of dy[r, c] * ((x[r, c] - mean[c]) * invstd[c]).
// Overwrites both.
void F32BatchNormGradSums(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                          const float* invstd, float* sum_dy, float* sum_dy_xhat);
// Input gradient: dx[r, c] = a[c] * dy[r, c] + b[c] * (x[r, c] - mean[c]) + d[c].
// In place allowed (dx == dy or dx == x).
void F32BatchNormInputGrad(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                           const float* a, const float* b, const float* d, float* dx);

// ---- softmax ----------------------------------------------------------------
// Per row of a rows x cols matrix, numerically stable (max subtracted).
// In place allowed.
void F32Softmax(size_t rows, size_t cols, const float* x, float* y);
void F32LogSoftmax(size_t rows, size_t cols, const float* x, float* y);

// ---- pooling (NHWC) ---------------------------------------------------------
struct Pool2DGeometry {
  size_t batch, in_h, in_w, channels;
  size_t pool_h, pool_w;
  size_t stride_h, stride_w;  // stride < pool size gives overlapping windows
  size_t pad_top, pad_left;
  size_t out_h, out_w;
};
// Max over each window's in-bounds pixels (padding is ignored, never 0).
void F32MaxPool(const Pool2DGeometry& g, const float* x, float* y);
// dx (overwritten) receives dy at the first maximal pixel of each window
// (recomputed from x); overlapping windows accumulate.
void F32MaxPoolBackward(const Pool2DGeometry& g, const float* x, const float* dy, float* dx);
// Mean over each window's in-bounds pixels (padding is not counted).
void F32AvgPool(const Pool2DGeometry& g, const float* x, float* y);
// dx (overwritten) = adjoint of F32AvgPool applied to dy.
void F32AvgPoolBackward(const Pool2DGeometry& g, const float* dy, float* dx);

// ---- rows against weight rows (the runtime's conv and dense) -------------------
// No workspace and no packing, so the arena a model needs does not depend on
// the backend: c[i * ldc + j] = clamp(bias[j] + sum_p a[i * lda + p] *
// w[j * ldw + p], lo, hi) for i < m, j < n (w is [n][k] row-major, i.e. conv
// weights [C_out][ky][kx][C_in] against im2col rows). bias may be null (0).
void F32DenseRows(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* w, size_t ldw,
                  const float* bias, float lo, float hi, float* c, size_t ldc);

// ---- int8 (include/mote/model_format.h has the arithmetic) ------------------------
// Per output channel j: bias[j] (int32, zero points already folded in),
// multiplier[j] in [2^30, 2^31) and shift[j] in [1, 62]; result clamped to
// [out_min, out_max] (int8 values).
struct I8Requant {
  const int32_t* bias;
  const int32_t* multiplier;
  const int32_t* shift;
  int32_t out_zero_point;
  int32_t out_min, out_max;
};
// The exact requantization every backend must reproduce bit for bit.
inline int32_t I8RequantizeOne(int32_t acc, int32_t multiplier, int32_t shift, int32_t zero_point, int32_t lo,
                               int32_t hi) {
  const int64_t rounded = (int64_t(acc) * multiplier + (int64_t(1) << (shift - 1))) >> shift;
  int64_t q = rounded + zero_point;
  q = q < lo ? lo : q;
  q = q > hi ? hi : q;
  return int32_t(q);
}
// c[i * ldc + j] = requant(bias[j] + sum_p a[i * lda + p] * w[j * ldw + p]) for
// i < m, j < n, int32 accumulation: exact while |bias[j]| + k * 2^14 < 2^31
// (each product is at most 128 * 128; the runtime's loader enforces this).
void I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                 const I8Requant& requant, int8_t* c, size_t ldc);
// im2col of an int8 NHWC input; padding reads as `pad_value` (the input zero point).
void I8Im2Col(const Conv2DGeometry& g, const int8_t* input, int8_t pad_value, size_t row_begin, size_t row_end,
              int8_t* columns);

// ---- depthwise convolution (NHWC, depth multiplier 1) ------------------------
// g.in_c = C channels, each convolved with its own kh x kw filter; weights
// [kh][kw][C] (channel-contiguous, TFLite's [1][kh][kw][C]); output
// [batch, out_h, out_w, C]. Padding reads as 0.
// y[n, oy, ox, c] = clamp(bias[c] + sum over (ky, kx) of
//   x[n, oy * stride_h - pad_top + ky, ox * stride_w - pad_left + kx, c] * w[ky, kx, c], lo, hi);
// bias may be null (0).
void F32DepthwiseConv2D(const Conv2DGeometry& g, const float* x, const float* w, const float* bias, float lo,
                        float hi, float* y);
// Input gradient (the adjoint of the unclamped convolution): dx
// [batch, in_h, in_w, C] (overwritten) = sum over every output pixel and tap
// of dy * w into the input pixel the tap read.
void F32DepthwiseConv2DBackwardInput(const Conv2DGeometry& g, const float* dy, const float* w, float* dx);
// Weight gradient, ADDED to dw [kh][kw][C]: dw[ky, kx, c] += sum over output
// pixels of dy[n, oy, ox, c] * x[tap pixel, c] (padding contributes 0).
// The bias gradient is F32ChannelSums of dy.
void F32DepthwiseConv2DBackwardWeights(const Conv2DGeometry& g, const float* x, const float* dy, float* dw);
// int8 depthwise convolution: acc = bias[c] + sum over taps of q_x * q_w with
// padding reading as x_zero_point, then requant (channel c) as I8DenseRows.
void I8DepthwiseConv2D(const Conv2DGeometry& g, const int8_t* x, int8_t x_zero_point, const int8_t* w,
                       const I8Requant& requant, int8_t* y);

}  // namespace kernels
}  // namespace mote

namespace mote {
// ---- Highway target control (for benchmarks and tests) ----------------------
// Targets are Highway's HWY_* bits (e.g. HWY_AVX3). Empty/no-ops without Highway.

// Writes up to `capacity` targets compiled into this binary that the CPU can
// run, best first; returns how many exist.
size_t HwyAvailableTargets(int64_t* targets, size_t capacity);
// Highway's name for one target bit, e.g. "AVX2".
const char* HwyTargetName(int64_t target);
// Lets the Highway dispatcher use only `targets` (a mask of available target
// bits); 0 restores every available target. kUnsupported if none of the bits
// is available.
Status RestrictHwyTargets(int64_t targets);

// ---- xsimd builds (for benchmarks and tests) ---------------------------------
// xsimd kernels are compiled once per instruction set (x86: avx512bw, avx2,
// sse2; aarch64: neon64). Writes up to `capacity` names of builds the CPU can
// run, best first; returns how many exist (0 without xsimd).
size_t XsimdAvailableArchs(const char** names, size_t capacity);
// Makes Backend::kXsimd use the named build (null: the best one again);
// kUnsupported if that build is absent or the CPU cannot run it.
Status SelectXsimdArch(const char* name);
}  // namespace mote
