// xsimd build of the epilogue kernels (f32-epilogue-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/f32-epilogue/f32-epilogue-loop.h"
