// Highway build of the activation kernels (f32-activation-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-activation/f32-activation-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-activation/f32-activation-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_activation 1
#include "src/kernels/hwy-dispatch.inc"
