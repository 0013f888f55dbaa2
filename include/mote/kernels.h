// The kernel layer: pure functions on raw pointers and sizes.
//
// Every kernel has a portable scalar reference (also the MCU path) and SIMD
// versions for Google Highway (runtime dispatch over the CPU's targets) and
// xsimd (one build per instruction set, the best one the CPU has picked at run
// time). The functions below call the active backend, chosen in one place
// (src/kernels/config.cc) and switchable at run time with SetBackend() or the
// MOTE_BACKEND environment variable (scalar|hwy|xsimd).
//
// The kernels themselves are declared, and documented, in one list:
// include/mote/kernel_list.inc (this header declares them from it); below
// are the types they take.
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

// ---- geometry of convolutions, im2col and pooling (NHWC) ---------------------
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
// 64-bit positions: with 32-bit size_t / long (Cortex-M, i686) the last
// window's origin o * stride can pass 2^31 (and o * stride 2^32).
inline KernelTaps KernelTapsInside(int64_t origin, size_t kernel, size_t in) {
  const int64_t k = int64_t(kernel);
  int64_t begin = -origin, end = int64_t(in) - origin;
  begin = begin < 0 ? 0 : (begin > k ? k : begin);
  end = end > k ? k : (end < begin ? begin : end);
  return {size_t(begin), size_t(end)};
}
// The run of output positions [first, out_end) along one axis (of `out`,
// first < out) whose windows (stride, pad_before) all keep the same taps
// inside the input. One call of taps_at per position (inlined once).
struct KernelTapsRun {
  size_t out_end;
  KernelTaps taps;
};
inline KernelTapsRun KernelTapsRunFrom(size_t first, size_t out, size_t in, size_t kernel, size_t stride,
                                      size_t pad_before) {
  const auto taps_at = [&](size_t o) {
    return KernelTapsInside(int64_t(o) * int64_t(stride) - int64_t(pad_before), kernel, in);
  };
  KernelTaps taps{};
  size_t end = first;
  for (; end < out; ++end) {
    const KernelTaps next = taps_at(end);
    if (end > first && (next.begin != taps.begin || next.end != taps.end)) break;
    taps = next;
  }
  return {end, taps};
}

struct Pool2DGeometry {
  size_t batch, in_h, in_w, channels;
  size_t pool_h, pool_w;
  size_t stride_h, stride_w;  // stride < pool size gives overlapping windows
  size_t pad_top, pad_left;
  size_t out_h, out_w;
};

// ---- int8 requantization (include/mote/model_format.h has the arithmetic) -----------
// Per output channel j: bias[j] (int32, zero points already folded in),
// multiplier[j] in [2^30, 2^31) and shift[j] in [1, 62]; result plus
// out_zero_point clamped to [out_min, out_max] (all three int8 values).
struct I8PanelColumns;
struct I8Requant {
  const int32_t* bias;
  const int32_t* multiplier;
  const int32_t* shift;
  int32_t out_zero_point;
  int32_t out_min, out_max;
  // I8PanelRows and I8DenseRows, optional: weight_sums[j] = the sum of
  // channel j's weights over the k taps the call multiplies (wrapping int32),
  // which the VNNI variants would otherwise sum themselves (their activations
  // are offset by 128). Never changes a result; must be exact when given.
  const int32_t* weight_sums = nullptr;
  // I8PanelRows only, optional: the sums of channel j's weights over taps the
  // call skips whose input would be `skipped_input` (a conv's padding, read
  // as its zero point): the bias of the taps it multiplies is then bias[j] +
  // skipped_input * skipped_weight_sums[j] (wrapping int32).
  const int32_t* skipped_weight_sums = nullptr;
  int32_t skipped_input = 0;
  // I8PanelRows only, optional: where each output column's window leaves the
  // image sideways (I8PanelColumns). Never changes a result.
  const I8PanelColumns* columns = nullptr;
};
// A conv's runs (kernel rows) as `count` kernel columns of `quads` groups of 4
// taps each (segment == 4 * quads * count, the same for every run). Output
// column x = i % row_width of I8PanelRows reads `skipped_input` in every
// kernel column outside [begin[x], end[x]) (its left / right padding). The
// weight sums of channel j over the call's taps in kernel columns < b, b in
// [0, count], are upper[b * n + j] - lower[b * n + j] (wrapping int32; two
// rows of the conv's table of tap sums). A kernel may leave the padding's
// taps out and add their products from the sums (the VNNI one does when the
// call is whole blocks of rows, enough of them for tiles of one output
// column's pixels, so a window at the image's edge costs only its taps
// inside); the others read them.
struct I8PanelColumns {
  size_t count, quads;
  const uint8_t* begin;
  const uint8_t* end;
  const int32_t* upper;
  const int32_t* lower;
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

// Scratch bytes of I8ConvRows with which every variant runs at full speed
// for a conv of `rows` im2col rows: a pair of rows (one if rows < 2), each
// padded to 4 bytes (the DSP variant interleaves two rows word by word).
constexpr size_t I8ConvRowsColumnBytes(size_t patch, size_t rows) {
  return (rows < 2 ? rows : 2) * ((patch + 3) / 4 * 4);
}

// ---- weights packed in output-channel panels (F32PanelRows, I8PanelRows) ----------
// A host export's conv weights (MOTE_CONV2D_WEIGHTS_PANELS): output channels
// in panels of kPanelChannels, the last padded with zero channels; int8 taps
// in groups of 4 (k padded with zeros). Plain functions of the layout, the
// same on every backend (the model file holds it).
constexpr size_t kPanelChannels = 16;
constexpr size_t PanelCount(size_t n) { return (n + kPanelChannels - 1) / kPanelChannels; }
constexpr size_t F32PanelFloats(size_t n, size_t k) { return PanelCount(n) * kPanelChannels * k; }
constexpr size_t I8PanelQuads(size_t k) { return (k + 3) / 4; }
constexpr size_t I8PanelBytes(size_t n, size_t k) { return PanelCount(n) * kPanelChannels * 4 * I8PanelQuads(k); }
// w [n][k] (row j at w + j * ldw) -> packed (F32PanelFloats(n, k) floats /
// I8PanelBytes(n, k) bytes, panel stride 16 * k floats / 64 * I8PanelQuads(k) bytes).
void PackF32Panels(size_t n, size_t k, const float* w, size_t ldw, float* packed);
void PackI8Panels(size_t n, size_t k, const int8_t* w, size_t ldw, int8_t* packed);

// ---- int8 dense weights in channel blocks (I8DenseBlocks) --------------------------
// A host export's int8 dense weights (MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS): output
// channels in blocks of kDenseBlockChannels, each block's rows interleaved by
// chunks of kDenseBlockChunk taps, k padded to whole chunks and n to whole blocks
// with zeros: weight (j, p) at I8DenseBlockIndex(j, p, k). A pass over the
// weights then reads them in address order, one stream, instead of 4 rows k
// bytes apart (4 streams, which the prefetchers follow worse).
constexpr size_t kDenseBlockChannels = 4, kDenseBlockChunk = 64;
constexpr size_t I8DenseBlockCount(size_t n) { return (n + kDenseBlockChannels - 1) / kDenseBlockChannels; }
constexpr size_t I8DenseBlockChunks(size_t k) { return (k + kDenseBlockChunk - 1) / kDenseBlockChunk; }
constexpr size_t I8DenseBlockStride(size_t k) { return kDenseBlockChannels * kDenseBlockChunk * I8DenseBlockChunks(k); }
constexpr size_t I8DenseBlockBytes(size_t n, size_t k) { return I8DenseBlockCount(n) * I8DenseBlockStride(k); }
constexpr size_t I8DenseBlockIndex(size_t j, size_t p, size_t k) {
  return j / kDenseBlockChannels * I8DenseBlockStride(k) + p / kDenseBlockChunk * kDenseBlockChannels * kDenseBlockChunk +
         j % kDenseBlockChannels * kDenseBlockChunk + p % kDenseBlockChunk;
}
// w [n][k] (row j at w + j * ldw) -> packed (I8DenseBlockBytes(n, k) bytes).
void PackI8DenseBlocks(size_t n, size_t k, const int8_t* w, size_t ldw, int8_t* packed);

// A convolution of one image (g.batch ignored) against weights packed by
// PackF32Panels ([filters][kh][kw][C] as n = filters, k = g.patch_size()),
// without im2col: the input padded left and right into `padded`, then
// F32PanelRows per output row reads each pixel's kernel rows from it in place
// (the top / bottom padding's kernel rows left out). A 1x1, stride-1,
// unpadded conv reads x directly. y [out_h, out_w, filters] =
// clamp(conv + bias, lo, hi); bias may be null. The runtime's host-layout
// CONV2D and the training library's Predict on a few images (hosted builds).
inline bool F32ConvPanelsPointwise(const Conv2DGeometry& g) {
  return g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
         g.pad_left == 0 && g.out_h == g.in_h && g.out_w == g.in_w;
}
// Columns of the padded input: every window's (a strided conv's last input
// columns no window reaches are left out).
constexpr size_t F32ConvPanelsPaddedWidth(const Conv2DGeometry& g) { return (g.out_w - 1) * g.stride_w + g.kernel_w; }
// Input row `row` ([in_w][C]) as one row of the padded input, `width` pixels
// (F32ConvPanelsPaddedWidth): pad_left pixels of `pad`, the columns some
// window reaches, `pad` to the end. fp32 (zeros) and the runtime's int8 path
// (its zero point) alike.
template <typename T>
inline void PadConvInputRow(const Conv2DGeometry& g, size_t width, const T* row, T pad, T* dst) {
  const size_t columns = g.in_w < width - g.pad_left ? g.in_w : width - g.pad_left;
  // In locals: int8 stores may alias g, which the loops would reload after each.
  const size_t left = g.pad_left * g.in_c, inside = columns * g.in_c, total = width * g.in_c;
  for (size_t i = 0; i < left; ++i) dst[i] = pad;
  __builtin_memcpy(dst + left, row, inside * sizeof(T));
  for (size_t i = left + inside; i < total; ++i) dst[i] = pad;
}
// An int8 conv's I8PanelColumns on its padded input (Cin a multiple of 4,
// kernel_w < 256): each output column's kernel columns inside the image,
// begin and end [out_w] bytes each at `bytes` (I8ConvColumnsBytes); the sum
// tables are the caller's.
inline size_t I8ConvColumnsBytes(const Conv2DGeometry& g) { return 2 * g.out_w; }
inline I8PanelColumns I8ConvColumns(const Conv2DGeometry& g, uint8_t* bytes) {
  uint8_t* begin = bytes;
  uint8_t* end = bytes + g.out_w;
  for (size_t x = 0; x < g.out_w; ++x) {
    // Kernel column b reads padded column x * stride + b, inside the image
    // from pad_left to pad_left + in_w.
    const size_t first = x * g.stride_w, left = g.pad_left, right = g.pad_left + g.in_w;
    const size_t b0 = left > first ? (left - first < g.kernel_w ? left - first : g.kernel_w) : 0;
    const size_t b1 = right > first ? (right - first < g.kernel_w ? right - first : g.kernel_w) : 0;
    begin[x] = uint8_t(b0);
    end[x] = uint8_t(b1 > b0 ? b1 : b0);
  }
  return {g.kernel_w, g.in_c / 4, begin, end, nullptr, nullptr};
}
// Floats of `padded` (0 for a pointwise conv).
inline size_t F32ConvPanelsPaddedFloats(const Conv2DGeometry& g) {
  return F32ConvPanelsPointwise(g) ? 0 : g.in_h * F32ConvPanelsPaddedWidth(g) * g.in_c;
}
void F32ConvPanels(const Conv2DGeometry& g, const float* x, const float* packed, size_t filters, const float* bias,
                   float lo, float hi, float* padded, float* y);

// ---- Winograd convolution tiles (the f32-winograd kernels) ------------------
// F(m x m, r x r) (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016): m x m outputs of an r x r correlation from an alpha x
// alpha input tile, alpha = m + r - 1, with alpha^2 multiplies per channel
// pair instead of m^2 r^2. The transformed domain holds alpha^2 planes, plane
// xi = i * alpha + j.
struct WinogradTile {
  size_t m, r;
  constexpr size_t alpha() const { return m + r - 1; }
};
// The tiles the kernels implement: F(4x4, 3x3) (alpha 6) and F(4x4, 5x5)
// (alpha 8, the interpolation points 0, +-1, +-2, +-1/2 and infinity).
constexpr bool WinogradTileSupported(WinogradTile t) { return t.m == 4 && (t.r == 3 || t.r == 5); }
constexpr size_t kWinogradMaxAlpha = 8;

// ---- scratch sizes of the f32 GEMM ----------------------------------------------
// Floats of scratch any backend's F32Gemm needs for this shape.
size_t F32GemmWorkspaceFloats(size_t m, size_t n, size_t k);
// Floats of F32GemmPackB's packed B for this shape.
size_t F32GemmPackedBFloats(size_t n, size_t k);

// ---- register tile of the f32 GEMM (benchmarks and tests; host builds) ----------
// F32Gemm keeps a tile of C in registers; its shape (a family, e.g. "12x2")
// is chosen once per process from the CPU's vendor, family and model, or
// forced by the environment variable MOTE_GEMM_TILE=NAME or by this function
// (F32GemmTiles lists the active backend's families). Every family gives
// bit-identical results. Call it while no GEMM runs, and pack B again after it
// (F32GemmPackB's layout follows the family). null: the choice at start-up
// again (MOTE_GEMM_TILE's, else the CPU's default); "auto": the CPU's
// default; "calibrate": each target times its families at its first
// GEMM (a few hundred microseconds, once per process) and keeps the fastest.
// kInvalidArgument if the active backend has no such family.
Status SetF32GemmTile(const char* name);
// Why the family in use was chosen, e.g. "table: AMD Zen (family 0x1a)".
const char* F32GemmTileReason();

// ---- the kernels -------------------------------------------------------------
#define MOTE_KERNEL(ret, name, params, args) ret name params;
#include "mote/kernel_list.inc"

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
