// STUB: forwards to the scalar reference until the hwy version lands.
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace hwy_backend {

void F32ChannelAffineClamp(size_t rows, size_t channels, const float* x, const float* scale, const float* shift, float lo, float hi, float* y) { scalar_backend::F32ChannelAffineClamp(rows, channels, x, scale, shift, lo, hi, y); }

}  // namespace hwy_backend
}  // namespace kernels
}  // namespace mote
