// Highway build of the depthwise kernels (f32-depthwise-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-depthwise/f32-depthwise-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-depthwise/f32-depthwise-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_depthwise 1
#include "src/kernels/hwy-dispatch.inc"
