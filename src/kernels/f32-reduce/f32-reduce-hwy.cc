// STUB: forwards to the scalar reference until the hwy version lands.
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace hwy_backend {

void F32ChannelSums(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq) { scalar_backend::F32ChannelSums(rows, channels, x, sum, sum_sq); }

}  // namespace hwy_backend
}  // namespace kernels
}  // namespace mote
