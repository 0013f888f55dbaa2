// xsimd build of the pool kernels (f32-pool-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/f32-pool/f32-pool-loop.h"
