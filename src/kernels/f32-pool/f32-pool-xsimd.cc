// STUB: forwards to the scalar reference until the xsimd version lands.
#include "src/kernels/xsimd-arch.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {

void F32MaxPool(const Pool2DGeometry& g, const float* x, float* y) { scalar_backend::F32MaxPool(g, x, y); }
void F32MaxPoolBackward(const Pool2DGeometry& g, const float* x, const float* dy, float* dx) { scalar_backend::F32MaxPoolBackward(g, x, dy, dx); }
void F32AvgPool(const Pool2DGeometry& g, const float* x, float* y) { scalar_backend::F32AvgPool(g, x, y); }
void F32AvgPoolBackward(const Pool2DGeometry& g, const float* dy, float* dx) { scalar_backend::F32AvgPoolBackward(g, dy, dx); }

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
