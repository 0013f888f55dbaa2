// Scalar im2col rows for any element type (f32 and int8 share the walk; only
// the padding value differs). Internal linkage: included by scalar kernels.
#pragma once
#include <stddef.h>

#include "mote/kernels.h"
#include "src/kernels/f32-im2col/f32-im2col-span.h"

namespace mote {
namespace kernels {
namespace {

#if MOTE_HOSTED
// Short runs copied inline in fixed-size, possibly overlapping pieces (a
// memcpy / memset call per run costs more than the copy for the short kernel
// rows of small convs; the plain loops become such calls, or do not vectorize
// for int8, whose rows the compiler must assume alias).
inline void CopyBytes(unsigned char* dst, const unsigned char* src, size_t n) {
  if (n >= 16) {
    for (size_t i = 0; i + 16 < n; i += 16) __builtin_memcpy(dst + i, src + i, 16);
    __builtin_memcpy(dst + n - 16, src + n - 16, 16);
  } else if (n >= 8) {
    __builtin_memcpy(dst, src, 8);
    __builtin_memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    __builtin_memcpy(dst, src, 4);
    __builtin_memcpy(dst + n - 4, src + n - 4, 4);
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}
template <typename T>
inline void CopyRun(T* dst, const T* src, size_t n) {
  CopyBytes(reinterpret_cast<unsigned char*>(dst), reinterpret_cast<const unsigned char*>(src), n * sizeof(T));
}
template <typename T>
inline void FillRun(T* dst, T value, size_t n) {
  if (sizeof(T) != 1) {
    for (size_t i = 0; i < n; ++i) dst[i] = value;
    return;
  }
  unsigned char pattern[16];
  __builtin_memset(pattern, int(value), 16);
  unsigned char* out = reinterpret_cast<unsigned char*>(dst);
  for (size_t i = 0; i < n; i += 16) CopyBytes(out + i, pattern, n - i < 16 ? n - i : 16);
}
#endif

// Writes im2col rows [row_begin, row_end) of an NHWC input to `columns`;
// taps outside the image read as `pad`. The in-bounds taps of one kernel row
// are contiguous in the input (kernel_w * in_c elements at most): one run each.
template <typename T>
void Im2ColRows(const Conv2DGeometry& g, const T* input, T pad, size_t row_begin, size_t row_end, T* columns) {
  const size_t c = g.in_c, row_len = g.kernel_w * c;
  T* out = columns;
  for (size_t r = row_begin; r < row_end; ++r) {
    const Im2ColWindow w = Im2ColWindowOf(g, r);
    const Im2ColSpan span = Im2ColColumns(g, w.x0);
    const size_t inside_begin = span.begin * c, inside_end = span.end > span.begin ? span.end * c : inside_begin;
    for (size_t ky = 0; ky < g.kernel_h; ++ky, out += row_len) {
      const long y = w.y0 + long(ky);
      if (y < 0 || y >= long(g.in_h) || inside_end == inside_begin) {
        for (size_t i = 0; i < row_len; ++i) out[i] = pad;
        continue;
      }
      // Input column x0 + span.begin: inside the image (x0 may be negative).
      const T* src = input + ((w.n * g.in_h + size_t(y)) * g.in_w + size_t(w.x0 + long(span.begin))) * c;
#if MOTE_HOSTED
      // Restrict-qualified runs vectorize (the plain loops below do not for
      // int8: the compiler must assume the rows alias) and stay inline (a
      // memcpy call per run costs more than the copy for short kernel rows).
      // Microcontrollers keep the plain loops, whose code size and
      // instruction counts are measured.
      FillRun(out, pad, inside_begin);
      CopyRun(out + inside_begin, src, inside_end - inside_begin);
      FillRun(out + inside_end, pad, row_len - inside_end);
      continue;
#endif
      for (size_t i = 0; i < inside_begin; ++i) out[i] = pad;
      for (size_t i = inside_begin; i < inside_end; ++i) out[i] = src[i - inside_begin];
      for (size_t i = inside_end; i < row_len; ++i) out[i] = pad;
    }
  }
}

}  // namespace
}  // namespace kernels
}  // namespace mote
