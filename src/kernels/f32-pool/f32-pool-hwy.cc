// Highway build of the pooling kernels (f32-pool-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-pool/f32-pool-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-pool/f32-pool-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_pool 1
#include "src/kernels/hwy-dispatch.inc"
