// Common prelude of every xsimd kernel file. Each such file is compiled once
// per instruction set (src/meson.build), with MOTE_XSIMD_ARCH naming the xsimd
// arch type and MOTE_XSIMD_NS the namespace its kernels land in.
#pragma once
// GCC 12.2 flags _mm512_undefined_*() inside its own AVX-512 intrinsics as
// (maybe) uninitialized when xsimd inlines them (GCC bug 105593, fixed in
// 12.3). Diagnostic pragmas apply by source location, so this silences only
// the headers included here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include "src/kernels/kernel-table.h"

#ifndef MOTE_XSIMD_ARCH
#define MOTE_XSIMD_ARCH xsimd::default_arch
#define MOTE_XSIMD_NS xsimd_default
#endif

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
using Arch = MOTE_XSIMD_ARCH;
using Batch = xsimd::batch<float, Arch>;
inline constexpr size_t kLanes = Batch::size;
// The kernels an xsimd build implements: all but the scalar-only ones.
#define MOTE_KERNEL(ret, name, params, args) ret name params;
#define MOTE_SCALAR_ONLY_KERNEL(ret, name, params, args)
#include "mote/kernel_list.inc"
const KernelTable* Table();
}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
