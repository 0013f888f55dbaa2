// Highway build of the Winograd transforms (f32-winograd-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-winograd/f32-winograd-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-winograd/f32-winograd-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_winograd 1
#include "src/kernels/hwy-dispatch.inc"
