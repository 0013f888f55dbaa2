// Highway build of F32DenseRows (f32-dense-rows-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-dense-rows/f32-dense-rows-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/dense-rows-hwy-inl.h"
#include "src/kernels/f32-dense-rows/f32-dense-rows-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_dense_rows 1
#include "src/kernels/hwy-dispatch.inc"
