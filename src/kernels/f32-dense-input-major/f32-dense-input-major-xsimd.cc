// xsimd build of F32DenseInputMajor (f32-dense-input-major-loop.h); the
// nonzero inputs' indices by a branch-free scalar loop (xsimd has no
// compress).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/f32-dense-input-major/nonzero-indices.h"

MOTE_SIMD_BEGIN
namespace input_major {

inline size_t NonzeroIndices(const float* x, size_t begin, size_t end, uint32_t* idx) {
  return ::mote::kernels::input_major::AppendNonzeroIndices(x, begin, end, idx, 0);
}

}  // namespace input_major
MOTE_SIMD_END

#include "src/kernels/f32-dense-input-major/f32-dense-input-major-loop.h"
