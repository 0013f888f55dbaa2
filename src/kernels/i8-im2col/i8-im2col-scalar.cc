// int8 im2col: the same walk as the f32 one (a byte copy per kernel tap), one
// implementation shared by every backend.
#include "src/kernels/im2col-rows.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void I8Im2Col(const Conv2DGeometry& g, const int8_t* input, int8_t pad_value, size_t row_begin, size_t row_end,
              int8_t* columns) {
  Im2ColRows(g, input, pad_value, row_begin, row_end, columns);
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
