// xsimd build of the softmax kernels (f32-softmax-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/f32-softmax/f32-softmax-loop.h"
