// A blocked matrix transpose for the layers' weight copies (Conv2D's W^T for
// GEMMs that read it in place, the Winograd filter transform's input).
// Internal to src/layers.
#pragma once
#include <stddef.h>

#include <algorithm>

namespace mote {

// Rows [col_begin, col_end) of t [cols x rows], the transpose of the
// row-major m [rows x cols]: a range of t's rows, so pieces of a parallel
// loop write disjoint parts.
inline void TransposeInto(const float* m, size_t rows, size_t cols, size_t col_begin, size_t col_end, float* t) {
  constexpr size_t kBlock = 16;
  for (size_t i0 = 0; i0 < rows; i0 += kBlock)
    for (size_t j0 = col_begin; j0 < col_end; j0 += kBlock)
      for (size_t i = i0; i < std::min(rows, i0 + kBlock); ++i)
        for (size_t j = j0; j < std::min(col_end, j0 + kBlock); ++j) t[j * rows + i] = m[i * cols + j];
}

}  // namespace mote
