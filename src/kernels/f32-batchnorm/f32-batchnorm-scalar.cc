// Batch-norm training kernels, scalar reference. The sums run over rows in
// row order per channel; the SIMD backends keep exactly these operations in
// this order (one lane per channel), so every backend returns the same bits.
#include "src/kernels/kernel-table.h"

namespace mote {
namespace kernels {
namespace scalar_backend {

void F32BatchNormCenter(size_t rows, size_t channels, const float* x, const float* mean, float* y, float* sum,
                        float* sum_sq) {
  for (size_t ch = 0; ch < channels; ++ch) sum[ch] = sum_sq[ch] = 0.0f;
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * channels;
    float* yr = y + r * channels;
    for (size_t ch = 0; ch < channels; ++ch) {
      const float v = xr[ch] - mean[ch];
      yr[ch] = v;
      sum[ch] += v;
      sum_sq[ch] += v * v;
    }
  }
}

void F32BatchNormGradSums(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                          const float* invstd, float* sum_dy, float* sum_dy_xhat) {
  for (size_t ch = 0; ch < channels; ++ch) sum_dy[ch] = sum_dy_xhat[ch] = 0.0f;
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * channels;
    const float* dyr = dy + r * channels;
    for (size_t ch = 0; ch < channels; ++ch) {
      sum_dy[ch] += dyr[ch];
      sum_dy_xhat[ch] += dyr[ch] * ((xr[ch] - mean[ch]) * invstd[ch]);
    }
  }
}

void F32BatchNormInputGrad(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                           const float* a, const float* b, const float* d, float* dx) {
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * channels;
    const float* dyr = dy + r * channels;
    float* dxr = dx + r * channels;
    for (size_t ch = 0; ch < channels; ++ch) dxr[ch] = a[ch] * dyr[ch] + b[ch] * (xr[ch] - mean[ch]) + d[ch];
  }
}

}  // namespace scalar_backend
}  // namespace kernels
}  // namespace mote
