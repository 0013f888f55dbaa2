// xsimd build of F32DenseRows (f32-dense-rows-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/dense-rows-xsimd.h"
#include "src/kernels/f32-dense-rows/f32-dense-rows-loop.h"
