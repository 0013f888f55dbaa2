// Highway build of F32PanelRows (f32-panel-rows-loop.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/kernels/f32-panel-rows/f32-panel-rows-hwy.cc"
#include "hwy/foreach_target.h"  // must precede highway.h
#include "src/kernels/simd-adapter-hwy-inl.h"
#include "src/kernels/f32-panel-rows/f32-panel-rows-loop.h"

#define MOTE_KERNEL_FAMILY_IS_f32_panel_rows 1
#include "src/kernels/hwy-dispatch.inc"
