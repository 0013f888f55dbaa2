// Highway build of the batchnorm kernels (f32-batchnorm-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-batchnorm/f32-batchnorm-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-batchnorm/f32-batchnorm-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_batchnorm 1
#include "src/kernels/hwy-dispatch.inc"
