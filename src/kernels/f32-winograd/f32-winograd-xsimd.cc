// xsimd build of the Winograd transforms (f32-winograd-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/f32-winograd/f32-winograd-loop.h"
