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
