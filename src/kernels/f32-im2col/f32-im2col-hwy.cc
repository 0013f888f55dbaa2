// STUB: forwards to the scalar reference until the hwy version lands.
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace hwy_backend {

void F32Im2Col(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end, float* columns) { scalar_backend::F32Im2Col(g, input, row_begin, row_end, columns); }
void F32Col2Im(const Conv2DGeometry& g, const float* columns, float* input_grad) { scalar_backend::F32Col2Im(g, columns, input_grad); }

}  // namespace hwy_backend
}  // namespace kernels
}  // namespace mote
