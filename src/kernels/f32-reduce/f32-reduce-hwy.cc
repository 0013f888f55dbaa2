// Highway build of the reduce kernels (f32-reduce-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-reduce/f32-reduce-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-reduce/f32-reduce-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_reduce 1
#include "src/kernels/hwy-dispatch.inc"
