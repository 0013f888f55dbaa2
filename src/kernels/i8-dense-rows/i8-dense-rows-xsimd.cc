// xsimd build of I8DenseRows (i8-dense-rows-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/dense-rows-xsimd.h"
#include "src/kernels/i8-dense-rows/i8-dense-rows-loop.h"
