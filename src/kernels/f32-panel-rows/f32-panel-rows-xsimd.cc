// xsimd build of F32PanelRows (f32-panel-rows-loop.h).
#include "src/kernels/simd-adapter-xsimd.h"
#include "src/kernels/f32-panel-rows/f32-panel-rows-loop.h"
