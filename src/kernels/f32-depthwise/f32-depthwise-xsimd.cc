// xsimd build of the depthwise kernels (f32-depthwise-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/f32-depthwise/f32-depthwise-loop.h"
