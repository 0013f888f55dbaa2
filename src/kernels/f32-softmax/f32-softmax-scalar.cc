#include "mote/math.h"
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {
namespace {

float RowMax(size_t cols, const float* x) {
  float m = x[0];
  for (size_t j = 1; j < cols; ++j) m = x[j] > m ? x[j] : m;
  return m;
}

}  // namespace

void F32Softmax(size_t rows, size_t cols, const float* x, float* y) {
  if (cols == 0) return;
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    const float m = RowMax(cols, xr);
    float sum = 0.0f;
    for (size_t j = 0; j < cols; ++j) {
      yr[j] = ExpF(xr[j] - m);
      sum += yr[j];
    }
    const float inv = 1.0f / sum;
    for (size_t j = 0; j < cols; ++j) yr[j] *= inv;
  }
}

void F32LogSoftmax(size_t rows, size_t cols, const float* x, float* y) {
  if (cols == 0) return;
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    const float m = RowMax(cols, xr);
    float sum = 0.0f;
    for (size_t j = 0; j < cols; ++j) sum += ExpF(xr[j] - m);
    const float shift = m + LogF(sum);
    for (size_t j = 0; j < cols; ++j) yr[j] = xr[j] - shift;
  }
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
