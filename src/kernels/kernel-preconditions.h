// Debug-build preconditions of the public kernels (the contracts documented
// in include/mote/kernel_list.inc), checked by the forwarders of kernels.cc
// before any backend runs: Preconditions<&Kernel>::Check(arguments). A kernel
// without a specialisation checks nothing; with NDEBUG every check compiles
// to nothing, so release forwarders are unchanged.
#pragma once
#include "mote/dcheck.h"
#include "mote/kernels.h"

namespace mote {
namespace kernels {

template <auto kernel>
struct Preconditions {
  template <typename... Args>
  static void Check(const Args&...) {}
};

// A rows x cols matrix with leading dimension ld: empty, or rows of cols fit.
constexpr bool FitsRows(size_t rows, size_t cols, size_t ld) { return rows == 0 || cols == 0 || ld >= cols; }

template <>
struct Preconditions<&F32Gemm> {
  static void Check(Transpose ta, Transpose tb, size_t m, size_t n, size_t k, const float*, size_t lda, const float*,
                    size_t ldb, float*, size_t ldc, bool, float*) {
    MOTE_DCHECK(ta == Transpose::kNo ? FitsRows(m, k, lda) : FitsRows(k, m, lda));
    MOTE_DCHECK(tb == Transpose::kNo ? FitsRows(k, n, ldb) : FitsRows(n, k, ldb));
    MOTE_DCHECK(FitsRows(m, n, ldc));
  }
};

template <>
struct Preconditions<&F32GemmPackedB> {
  static void Check(Transpose ta, size_t m, size_t n, size_t k, const float*, size_t lda, const float*, float*,
                    size_t ldc, bool, float*) {
    MOTE_DCHECK(ta == Transpose::kNo ? FitsRows(m, k, lda) : FitsRows(k, m, lda));
    MOTE_DCHECK(FitsRows(m, n, ldc));
  }
};

template <>
struct Preconditions<&F32Im2Col> {
  static void Check(const Conv2DGeometry& g, const float*, size_t row_begin, size_t row_end, float*) {
    MOTE_DCHECK(row_begin <= row_end && row_end <= g.rows());
  }
};

template <>
struct Preconditions<&F32Col2ImAccumulate> {
  static void Check(const Conv2DGeometry& g, const float*, size_t row_begin, size_t row_end, float*) {
    MOTE_DCHECK(row_begin <= row_end && row_end <= g.rows());
  }
};

template <>
struct Preconditions<&I8Im2Col> {
  static void Check(const Conv2DGeometry& g, const int8_t*, int8_t, size_t row_begin, size_t row_end, int8_t*) {
    MOTE_DCHECK(row_begin <= row_end && row_end <= g.rows());
  }
};

template <>
struct Preconditions<&F32DenseRows> {
  static void Check(size_t m, size_t n, size_t k, const float*, size_t lda, const float*, size_t ldw, const float*,
                    float, float, float*, size_t ldc) {
    MOTE_DCHECK(FitsRows(m, k, lda));
    MOTE_DCHECK(FitsRows(n, k, ldw));
    MOTE_DCHECK(FitsRows(m, n, ldc));
  }
};

template <>
struct Preconditions<&F32DenseInputMajor> {
  static void Check(size_t n, size_t k, const float*, const float*, size_t ldw, const float*, float, float, float*) {
    MOTE_DCHECK(FitsRows(k, n, ldw));
  }
};

template <>
struct Preconditions<&F32PanelRows> {
  static void Check(size_t m, size_t n, size_t k, const float*, size_t, size_t segment, size_t, const float*,
                    size_t ldp, const float*, float, float, float*, size_t ldc) {
    MOTE_DCHECK(segment >= 1 && k % segment == 0);
    MOTE_DCHECK(ldp >= k * kPanelChannels);
    MOTE_DCHECK(FitsRows(m, n, ldc));
  }
};

template <>
struct Preconditions<&I8PanelRows> {
  static void Check(size_t m, size_t n, size_t k, const int8_t*, size_t, size_t segment, size_t, size_t row_width,
                    size_t, const int8_t*, size_t ldp, const I8Requant&, int8_t*, size_t ldc) {
    MOTE_DCHECK(segment >= 1 && k % segment == 0 && row_width >= 1);
    MOTE_DCHECK(ldp >= I8PanelQuads(k) * kPanelChannels * 4);
    MOTE_DCHECK(FitsRows(m, n, ldc));
  }
};

template <>
struct Preconditions<&I8DenseRows> {
  static void Check(size_t m, size_t n, size_t k, const int8_t*, size_t lda, const int8_t*, size_t ldw,
                    const I8Requant&, int8_t*, size_t ldc) {
    MOTE_DCHECK(FitsRows(m, k, lda));
    MOTE_DCHECK(FitsRows(n, k, ldw));
    MOTE_DCHECK(FitsRows(m, n, ldc));
  }
};

template <>
struct Preconditions<&I8ConvRows> {
  static void Check(const Conv2DGeometry& g, const int8_t*, int8_t, size_t row_begin, size_t row_end, const int8_t*,
                    size_t ldw, size_t n, const I8Requant&, int8_t*, size_t columns_bytes, int8_t*, size_t ldc) {
    MOTE_DCHECK(row_begin <= row_end && row_end <= g.rows());
    MOTE_DCHECK(row_begin == row_end || columns_bytes >= g.patch_size());
    MOTE_DCHECK(FitsRows(n, g.patch_size(), ldw));
    MOTE_DCHECK(FitsRows(row_end - row_begin, n, ldc));
  }
};

template <>
struct Preconditions<&I8RowSums> {
  static void Check(size_t n, size_t k, const int8_t*, size_t ldw, int32_t*) { MOTE_DCHECK(FitsRows(n, k, ldw)); }
};

// Winograd: a supported tile; planes that do not overlap.
template <>
struct Preconditions<&F32WinogradFilter> {
  static void Check(WinogradTile t, bool, size_t a_count, size_t b_count, const float*, size_t, size_t, float*,
                    size_t plane, size_t u_stride) {
    MOTE_DCHECK(WinogradTileSupported(t));
    MOTE_DCHECK(a_count == 0 || b_count == 0 || plane >= (a_count - 1) * u_stride + b_count);
  }
};
template <>
struct Preconditions<&F32WinogradInput> {
  static void Check(WinogradTile t, const float*, size_t, size_t, size_t c, int64_t, int64_t, float*, size_t plane) {
    MOTE_DCHECK(WinogradTileSupported(t));
    MOTE_DCHECK(plane >= c);
  }
};
template <>
struct Preconditions<&F32WinogradOutput> {
  static void Check(WinogradTile t, const float*, size_t plane, size_t c, float*, size_t, size_t, size_t, size_t,
                    bool) {
    MOTE_DCHECK(WinogradTileSupported(t));
    MOTE_DCHECK(plane >= c);
  }
};

}  // namespace kernels
}  // namespace mote
