#include "src/kernels/im2col-rows.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void F32Im2Col(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end,
               float* columns) {
  Im2ColRows(g, input, 0.0f, row_begin, row_end, columns);
}

void F32Col2ImAccumulate(const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
                         float* input_grad) {
  const size_t c = g.in_c;
  const float* col = columns;
  for (size_t r = row_begin; r < row_end; ++r) {
    const Im2ColWindow w = Im2ColWindowOf(g, r);
    for (size_t ky = 0; ky < g.kernel_h; ++ky) {
      const long y = w.y0 + long(ky);
      for (size_t kx = 0; kx < g.kernel_w; ++kx) {
        const long x = w.x0 + long(kx);
        if (y >= 0 && y < long(g.in_h) && x >= 0 && x < long(g.in_w)) {
          float* dst = input_grad + ((w.n * g.in_h + size_t(y)) * g.in_w + size_t(x)) * c;
          for (size_t ci = 0; ci < c; ++ci) dst[ci] += col[ci];
        }
        col += c;
      }
    }
  }
}

void F32Col2Im(const Conv2DGeometry& g, const float* columns, float* input_grad) {
  const size_t total = g.batch * g.in_h * g.in_w * g.in_c;
  for (size_t i = 0; i < total; ++i) input_grad[i] = 0.0f;
  scalar_backend::F32Col2ImAccumulate(g, columns, 0, g.rows(), input_grad);
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
