// xsimd build of the activation kernels (f32-activation-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/f32-activation/f32-activation-loop.h"
