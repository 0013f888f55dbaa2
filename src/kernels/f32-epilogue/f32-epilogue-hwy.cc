// Highway build of the epilogue kernels (f32-epilogue-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-epilogue/f32-epilogue-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-epilogue/f32-epilogue-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_epilogue 1
#include "src/kernels/hwy-dispatch.inc"
