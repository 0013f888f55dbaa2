// STUB: forwards to the scalar reference until the xsimd version lands.
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {

void F32ChannelSums(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq) { scalar_backend::F32ChannelSums(rows, channels, x, sum, sum_sq); }

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
