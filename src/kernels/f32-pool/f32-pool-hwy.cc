// STUB: forwards to the scalar reference until the hwy version lands.
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace hwy_backend {

void F32MaxPool(const Pool2DGeometry& g, const float* x, float* y) { scalar_backend::F32MaxPool(g, x, y); }
void F32MaxPoolBackward(const Pool2DGeometry& g, const float* x, const float* dy, float* dx) { scalar_backend::F32MaxPoolBackward(g, x, dy, dx); }
void F32AvgPool(const Pool2DGeometry& g, const float* x, float* y) { scalar_backend::F32AvgPool(g, x, y); }
void F32AvgPoolBackward(const Pool2DGeometry& g, const float* dy, float* dx) { scalar_backend::F32AvgPoolBackward(g, dy, dx); }

}  // namespace hwy_backend
}  // namespace kernels
}  // namespace mote
