// I8ConvRows and I8RowSums: the portable references (I8ConvRows: im2col of
// as many rows as the columns hold, then the reference I8DenseRows), and the
// scalar backend's kernels, the variants chosen for the target
// (src/kernels/i8-variant.h).
#include "src/kernels/i8-variant.h"
#include "src/kernels/im2col-rows.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {

void i8_reference::I8ConvRows(const Conv2DGeometry& g, const int8_t* input, int8_t pad_value, size_t row_begin,
                              size_t row_end, const int8_t* w, size_t ldw, size_t n, const I8Requant& requant,
                              int8_t* columns, size_t columns_bytes, int8_t* c, size_t ldc) {
  const size_t k = g.patch_size();
  const size_t tile = k == 0 ? row_end - row_begin : columns_bytes / k;
  for (size_t r = row_begin; r < row_end; r += tile) {
    const size_t end = row_end - r < tile ? row_end : r + tile;
    Im2ColRows(g, input, pad_value, r, end, columns);
    i8_reference::I8DenseRows(end - r, n, k, columns, k, w, ldw, requant, c + (r - row_begin) * ldc, ldc);
  }
}

void i8_reference::I8RowSums(size_t n, size_t k, const int8_t* w, size_t ldw, int32_t* sums) {
  for (size_t j = 0; j < n; ++j) {
    int32_t s = 0;
    for (size_t p = 0; p < k; ++p) s += w[j * ldw + p];
    sums[j] += s;
  }
}

void scalar_backend::I8RowSums(size_t n, size_t k, const int8_t* w, size_t ldw, int32_t* sums) {
  MOTE_I8_VARIANT::I8RowSums(n, k, w, ldw, sums);
}

void scalar_backend::I8ConvRows(const Conv2DGeometry& g, const int8_t* input, int8_t pad_value, size_t row_begin,
                                size_t row_end, const int8_t* w, size_t ldw, size_t n, const I8Requant& requant,
                                int8_t* columns, size_t columns_bytes, int8_t* c, size_t ldc) {
  MOTE_I8_VARIANT::I8ConvRows(g, input, pad_value, row_begin, row_end, w, ldw, n, requant, columns, columns_bytes, c,
                              ldc);
}

}  // namespace kernels
}  // namespace mote
