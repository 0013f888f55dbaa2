// Highway build of the softmax kernels (f32-softmax-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-softmax/f32-softmax-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-softmax/f32-softmax-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_softmax 1
#include "src/kernels/hwy-dispatch.inc"
