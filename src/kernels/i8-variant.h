// The int8 kernel variants and the one compile-time choice between them.
//
// Every int8 family with variants has a portable reference (namespace
// i8_reference, in its -scalar.cc) and one file per architecture class next to
// it (i8-dense-rows-dsp.cc, ...). The scalar backend's kernel (what a
// freestanding build calls) is the variant selected here for the target the
// compiler builds for; the reference stays built, and tests (test/kernels/,
// ports/cortex-m/kernel_selftest.cc) check every variant against it bit for
// bit. A variant whose instructions the target lacks is still built with
// plain-C stand-ins (src/kernels/arm-dsp.h), so it is tested natively too.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/kernels.h"
#include "src/kernels/arm-dsp.h"

// The selection: one line per architecture class, first match wins.
#if defined(__ARM_FEATURE_MVE)  // Armv8.1-M with MVE (Helium): Cortex-M55, M85
#define MOTE_I8_VARIANT i8_mve
#elif MOTE_ARM_DSP_INSTRUCTIONS  // Armv7E-M / Armv8-M.main with DSP: Cortex-M4, M7, M33
#define MOTE_I8_VARIANT i8_dsp
#else
#define MOTE_I8_VARIANT i8_reference
#endif

namespace mote {
namespace kernels {

// The kernels with variants, declared once per variant namespace.
#define MOTE_I8_VARIANT_KERNELS                                                                                 \
  void I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,     \
                   const I8Requant& requant, int8_t* c, size_t ldc);                                          \
  void I8ConvRows(const Conv2DGeometry& g, const int8_t* input, int8_t pad_value, size_t row_begin,           \
                  size_t row_end, const int8_t* w, size_t ldw, size_t n, const I8Requant& requant,            \
                  int8_t* columns, size_t columns_bytes, int8_t* c, size_t ldc);                                \
  void I8RowSums(size_t n, size_t k, const int8_t* w, size_t ldw, int32_t* sums);

namespace i8_reference {
MOTE_I8_VARIANT_KERNELS
}  // namespace i8_reference

// SXTB16 + SMLAD dual 16-bit multiply-adds, register-blocked
// (i8-dense-rows-dsp.cc, i8-conv-rows-dsp.cc).
namespace i8_dsp {
MOTE_I8_VARIANT_KERNELS
}  // namespace i8_dsp

// MVE vectors, VMLADAVA: 16 multiply-adds into an int32 sum
// (i8-dense-rows-mve.cc, i8-conv-rows-mve.cc; built only for MVE targets).
namespace i8_mve {
MOTE_I8_VARIANT_KERNELS
}  // namespace i8_mve

#undef MOTE_I8_VARIANT_KERNELS

}  // namespace kernels
}  // namespace mote
