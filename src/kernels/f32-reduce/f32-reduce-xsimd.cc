// xsimd build of the reduce kernels (f32-reduce-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/f32-reduce/f32-reduce-loop.h"
