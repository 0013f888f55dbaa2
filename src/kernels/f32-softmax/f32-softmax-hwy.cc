// STUB: forwards to the scalar reference until the hwy version lands.
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace hwy_backend {

void F32Softmax(size_t rows, size_t cols, const float* x, float* y) { scalar_backend::F32Softmax(rows, cols, x, y); }
void F32LogSoftmax(size_t rows, size_t cols, const float* x, float* y) { scalar_backend::F32LogSoftmax(rows, cols, x, y); }

}  // namespace hwy_backend
}  // namespace kernels
}  // namespace mote
