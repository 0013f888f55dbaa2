// xsimd build of the elementwise kernels (f32-elementwise-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/f32-elementwise/f32-elementwise-loop.h"
