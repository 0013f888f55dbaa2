// xsimd build of the batchnorm kernels (f32-batchnorm-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/f32-batchnorm/f32-batchnorm-loop.h"
