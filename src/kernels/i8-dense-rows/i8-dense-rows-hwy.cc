// Highway build of I8DenseRows (i8-dense-rows-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/i8-dense-rows/i8-dense-rows-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/dense-rows-hwy-inl.h"
#include "src/kernels/i8-dense-rows/i8-dense-rows-vnni-hwy-inl.h"
#include "src/kernels/i8-dense-rows/i8-dense-rows-loop.h"

#define MOTE_KERNEL_FAMILY_IS_i8_dense_rows 1
#include "src/kernels/hwy-dispatch.inc"
