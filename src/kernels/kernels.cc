// Public kernel entry points, one per entry of the kernel list
// (include/mote/kernel_list.inc), each checking its preconditions (debug
// builds) and forwarding to the active backend.
#include "src/kernels/f32-gemm/f32-gemm-blocking.h"
#include "src/kernels/kernel-preconditions.h"
#include "src/kernels/kernel-table.h"
#include "src/kernels/target-backend.h"

// Hosted builds call through the active backend's table. Freestanding builds
// (MCUs) call their kernels directly, the scalar ones or the variant for the
// target's instruction set (target-backend.h): the linker then drops every
// kernel a firmware does not use (a table would keep them all).
#if MOTE_HOSTED
#define MOTE_KERNEL_TARGET(name) Active().name
#else
#define MOTE_KERNEL_TARGET(name) target_backend::name
#endif

namespace mote {
namespace kernels {

size_t F32GemmWorkspaceFloats(size_t m, size_t n, size_t k) { return gemm::WorkspaceFloats(m, n, k); }
size_t F32GemmPackedBFloats(size_t n, size_t k) { return gemm::PackedBFloats(n, k); }

void PackF32Panels(size_t n, size_t k, const float* w, size_t ldw, float* packed) {
  for (size_t q = 0; q < PanelCount(n); ++q)
    for (size_t p = 0; p < k; ++p)
      for (size_t c = 0; c < kPanelChannels; ++c) {
        const size_t j = q * kPanelChannels + c;
        packed[(q * k + p) * kPanelChannels + c] = j < n ? w[j * ldw + p] : 0.0f;
      }
}

#if MOTE_HOSTED  // its users, the runtime's host layout and the library, are hosted
void F32ConvPanels(const Conv2DGeometry& g, const float* x, const float* packed, size_t filters, const float* bias,
                   float lo, float hi, float* padded, float* y) {
  const size_t patch = g.patch_size(), panel_floats = patch * kPanelChannels;
  if (F32ConvPanelsPointwise(g))
    return F32PanelRows(g.in_h * g.in_w, filters, patch, x, patch, patch, patch, packed, panel_floats, bias, lo, hi,
                        y, filters);
  const size_t width = F32ConvPanelsPaddedWidth(g), row_floats = g.kernel_w * g.in_c;
  for (size_t iy = 0; iy < g.in_h; ++iy)
    PadConvInputRow(g, width, x + iy * g.in_w * g.in_c, 0.0f, padded + iy * width * g.in_c);
  // Runs of output rows whose windows keep the same kernel rows [ky0, ky0 +
  // kh) inside the image; a pixel's taps are those kernel rows' runs of
  // kw * C values, one padded input row apart.
  for (size_t oy0 = 0; oy0 < g.out_h;) {
    const KernelTapsRun run = KernelTapsRunFrom(oy0, g.out_h, g.in_h, g.kernel_h, g.stride_h, g.pad_top);
    // A window wholly in the padding (kernel larger than pad + input) has no taps.
    const bool inside = run.taps.end > run.taps.begin;
    const size_t ky0 = inside ? run.taps.begin : 0, kh = inside ? run.taps.end - run.taps.begin : 0;
    for (size_t oy = oy0; oy < run.out_end; ++oy) {
      const size_t iy = inside ? oy * g.stride_h + ky0 - g.pad_top : 0;
      F32PanelRows(g.out_w, filters, kh * row_floats, padded + iy * width * g.in_c, g.stride_w * g.in_c, row_floats,
                   width * g.in_c, packed + ky0 * row_floats * kPanelChannels, panel_floats, bias, lo, hi,
                   y + oy * g.out_w * filters, filters);
    }
    oy0 = run.out_end;
  }
}
#endif  // MOTE_HOSTED

void PackI8Panels(size_t n, size_t k, const int8_t* w, size_t ldw, int8_t* packed) {
  const size_t quads = I8PanelQuads(k);
  for (size_t q = 0; q < PanelCount(n); ++q)
    for (size_t g = 0; g < quads; ++g)
      for (size_t c = 0; c < kPanelChannels; ++c)
        for (size_t t = 0; t < 4; ++t) {
          const size_t j = q * kPanelChannels + c, p = g * 4 + t;
          packed[((q * quads + g) * kPanelChannels + c) * 4 + t] = j < n && p < k ? w[j * ldw + p] : int8_t(0);
        }
}

void PackI8DenseBlocks(size_t n, size_t k, const int8_t* w, size_t ldw, int8_t* packed) {
  for (size_t j = 0; j < I8DenseBlockCount(n) * kDenseBlockChannels; ++j)
    for (size_t p = 0; p < I8DenseBlockChunks(k) * kDenseBlockChunk; ++p)
      packed[I8DenseBlockIndex(j, p, k)] = j < n && p < k ? w[j * ldw + p] : int8_t(0);
}

#define MOTE_KERNEL(ret, name, params, args)                                                  \
  static_assert(ArgumentsNameParameters(#params, #args),                                      \
                "kernel_list.inc: the arguments of " #name " must name its parameters in order"); \
  ret name params {                                                                            \
    Preconditions<&name>::Check args;                                                         \
    return MOTE_KERNEL_TARGET(name) args;                                                     \
  }
#include "mote/kernel_list.inc"

}  // namespace kernels
}  // namespace mote
