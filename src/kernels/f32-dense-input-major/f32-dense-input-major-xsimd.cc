// xsimd build of F32DenseInputMajor (f32-dense-input-major-loop.h); the
// nonzero inputs' indices by a branch-free scalar loop (xsimd has no
// compress).
#include "src/kernels/simd-adapter-xsimd.h"

MOTE_SIMD_BEGIN
namespace input_major {

inline size_t NonzeroIndices(const float* x, size_t begin, size_t end, uint32_t* idx) {
  size_t count = 0;
  for (size_t p = begin; p < end; ++p) {
    idx[count] = uint32_t(p);
    count += x[p] != 0.0f;
  }
  return count;
}

}  // namespace input_major
MOTE_SIMD_END

#include "src/kernels/f32-dense-input-major/f32-dense-input-major-loop.h"
