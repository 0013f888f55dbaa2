// Highway build of the im2col / col2im kernels (f32-im2col-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-im2col/f32-im2col-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-im2col/f32-im2col-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_im2col 1
#include "src/kernels/hwy-dispatch.inc"
