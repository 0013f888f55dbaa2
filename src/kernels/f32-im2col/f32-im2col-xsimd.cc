// xsimd build of the im2col / col2im kernels (f32-im2col-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#define MOTE_IM2COL_INLINE MOTE_SIMD_INLINE  // GCC keeps the moves out of line otherwise
#include "src/kernels/f32-im2col/f32-im2col-loop.h"
