// The freestanding build's kernels, chosen at compile time (kernels.cc
// forwards to target_backend): the scalar backend, except the families that
// have a variant for the instruction set the compiler targets. (The int8
// dense and conv rows choose theirs in src/kernels/i8-variant.h, for the
// scalar backend too, with a reference of their own; target_backend names
// that choice directly.) A variant
// lives next to its family's scalar reference, named after the instruction
// set (src/kernels/f32-dense-rows/f32-dense-rows-fpu.cc) and built only
// there (its whole file is under the macro below); the board self-test
// (ports/cortex-m/kernel_selftest.cc) checks each against
// scalar_backend, int8 bit for bit. Internal.
#pragma once
#include "src/kernels/i8-variant.h"
#include "src/kernels/kernel-table.h"

// Cortex-M with MVE (Helium, Armv8.1-M: M55, M85); __ARM_FEATURE_MVE bit 1 is
// the floating-point half (-mcpu=cortex-m55 enables both).
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define MOTE_KERNELS_I8_MVE 1
#endif
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 2)
#define MOTE_KERNELS_F32_MVE 1
#elif defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M' && defined(__ARM_FP) && (__ARM_FP & 4) && \
    defined(__ARM_FEATURE_FMA) && defined(__ARM_PCS_VFP)
// Cortex-M single-precision FPU with fused multiply-add, hard-float ABI: FPv4
// (M4F), FPv5 (M7, M33).
#define MOTE_KERNELS_F32_FPU 1
#endif

// Families with a variant on this target (MOTE_KERNEL_FAMILY picks them from
// the kernel list; an undefined name is 0).
#define MOTE_TARGET_VARIANT_f32_dense_rows (MOTE_KERNELS_F32_FPU || MOTE_KERNELS_F32_MVE)
#define MOTE_TARGET_VARIANT_f32_depthwise MOTE_KERNELS_F32_MVE
#define MOTE_TARGET_VARIANT_i8_depthwise MOTE_KERNELS_I8_MVE

namespace mote {
namespace kernels {
namespace target_backend {
// Qualified lookup (target_backend::Name) finds a variant declared here and
// only otherwise follows this directive to the scalar reference.
using namespace scalar_backend;
#define MOTE_KERNEL(ret, name, params, args) ret name params;
#define MOTE_KERNEL_FAMILY(family) MOTE_TARGET_VARIANT_##family
#include "mote/kernel_list.inc"
// The int8 families' variant directly (scalar_backend's forwarders to it would
// add one more jump per call).
using MOTE_I8_VARIANT::I8ConvRows;
using MOTE_I8_VARIANT::I8DenseRows;
using MOTE_I8_VARIANT::I8RowSums;
}  // namespace target_backend
}  // namespace kernels
}  // namespace mote
