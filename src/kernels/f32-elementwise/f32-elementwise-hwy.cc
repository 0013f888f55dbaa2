// Highway build of the elementwise kernels (f32-elementwise-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-elementwise/f32-elementwise-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-elementwise/f32-elementwise-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_elementwise 1
#include "src/kernels/hwy-dispatch.inc"
