// STUB: forwards to the scalar reference until the xsimd version lands.
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {

void F32ChannelAffineClamp(size_t rows, size_t channels, const float* x, const float* scale, const float* shift, float lo, float hi, float* y) { scalar_backend::F32ChannelAffineClamp(rows, channels, x, scale, shift, lo, hi, y); }

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
