// STUB: forwards to the scalar reference until the xsimd version lands.
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {

void F32Softmax(size_t rows, size_t cols, const float* x, float* y) { scalar_backend::F32Softmax(rows, cols, x, y); }
void F32LogSoftmax(size_t rows, size_t cols, const float* x, float* y) { scalar_backend::F32LogSoftmax(rows, cols, x, y); }

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
