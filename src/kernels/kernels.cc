// Public kernel entry points: forward to the active backend's table.
#include "src/kernels/f32-gemm/f32-gemm-blocking.h"
#include "src/kernels/kernel-table.h"

// Hosted builds call through the active backend's table. Freestanding builds
// (MCUs) have only the scalar backend: calling it directly lets the linker
// drop every kernel a firmware does not use (a table would keep them all).
#if MOTE_HOSTED
#define MOTE_KERNEL(member, function) Active().member
#else
#define MOTE_KERNEL(member, function) scalar_backend::function
#endif

namespace mote {
namespace kernels {

void F32Gemm(Transpose ta, Transpose tb, size_t m, size_t n, size_t k, const float* a, size_t lda,
             const float* b, size_t ldb, float* c, size_t ldc, bool accumulate, float* workspace) {
  MOTE_KERNEL(f32_gemm, F32Gemm)(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace);
}
size_t F32GemmWorkspaceFloats(size_t m, size_t n, size_t k) { return gemm::WorkspaceFloats(m, n, k); }
size_t F32GemmPackedBFloats(size_t n, size_t k) { return gemm::PackedBFloats(n, k); }
void F32GemmPackB(Transpose tb, size_t n, size_t k, const float* b, size_t ldb, float* packed) {
  MOTE_KERNEL(f32_gemm_pack_b, F32GemmPackB)(tb, n, k, b, ldb, packed);
}
void F32GemmPackedB(Transpose ta, size_t m, size_t n, size_t k, const float* a, size_t lda, const float* packed_b,
                    float* c, size_t ldc, bool accumulate, float* workspace) {
  MOTE_KERNEL(f32_gemm_packed_b, F32GemmPackedB)(ta, m, n, k, a, lda, packed_b, c, ldc, accumulate, workspace);
}

void F32Im2Col(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end,
               float* columns) {
  MOTE_KERNEL(f32_im2col, F32Im2Col)(g, input, row_begin, row_end, columns);
}
void F32Col2Im(const Conv2DGeometry& g, const float* columns, float* input_grad) {
  MOTE_KERNEL(f32_col2im, F32Col2Im)(g, columns, input_grad);
}
void F32Col2ImAccumulate(const Conv2DGeometry& g, const float* columns, size_t row_begin, size_t row_end,
                         float* input_grad) {
  MOTE_KERNEL(f32_col2im_accumulate, F32Col2ImAccumulate)(g, columns, row_begin, row_end, input_grad);
}
void F32ChannelAffineClamp(size_t rows, size_t channels, const float* x, const float* scale,
                           const float* shift, float lo, float hi, float* y) {
  MOTE_KERNEL(f32_channel_affine_clamp, F32ChannelAffineClamp)(rows, channels, x, scale, shift, lo, hi, y);
}
void F32Add(size_t n, const float* a, const float* b, float* y) { MOTE_KERNEL(f32_add, F32Add)(n, a, b, y); }
void F32Mul(size_t n, const float* a, const float* b, float* y) { MOTE_KERNEL(f32_mul, F32Mul)(n, a, b, y); }
void F32Axpy(size_t n, float alpha, const float* x, float* y) { MOTE_KERNEL(f32_axpy, F32Axpy)(n, alpha, x, y); }
void F32Scale(size_t n, float alpha, const float* x, float* y) { MOTE_KERNEL(f32_scale, F32Scale)(n, alpha, x, y); }
void F32ClampBackward(size_t n, const float* y, const float* dy, float lo, float hi, float* dx) {
  MOTE_KERNEL(f32_clamp_backward, F32ClampBackward)(n, y, dy, lo, hi, dx);
}
void F32Sigmoid(size_t n, const float* x, float* y) { MOTE_KERNEL(f32_sigmoid, F32Sigmoid)(n, x, y); }
void F32Tanh(size_t n, const float* x, float* y) { MOTE_KERNEL(f32_tanh, F32Tanh)(n, x, y); }
void F32ChannelSums(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq) {
  MOTE_KERNEL(f32_channel_sums, F32ChannelSums)(rows, channels, x, sum, sum_sq);
}
void F32BatchNormCenter(size_t rows, size_t channels, const float* x, const float* mean, float* y, float* sum,
                        float* sum_sq) {
  MOTE_KERNEL(f32_batch_norm_center, F32BatchNormCenter)(rows, channels, x, mean, y, sum, sum_sq);
}
void F32BatchNormGradSums(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                          const float* invstd, float* sum_dy, float* sum_dy_xhat) {
  MOTE_KERNEL(f32_batch_norm_grad_sums, F32BatchNormGradSums)(rows, channels, x, dy, mean, invstd, sum_dy, sum_dy_xhat);
}
void F32BatchNormInputGrad(size_t rows, size_t channels, const float* x, const float* dy, const float* mean,
                           const float* a, const float* b, const float* d, float* dx) {
  MOTE_KERNEL(f32_batch_norm_input_grad, F32BatchNormInputGrad)(rows, channels, x, dy, mean, a, b, d, dx);
}
void F32Softmax(size_t rows, size_t cols, const float* x, float* y) { MOTE_KERNEL(f32_softmax, F32Softmax)(rows, cols, x, y); }
void F32LogSoftmax(size_t rows, size_t cols, const float* x, float* y) {
  MOTE_KERNEL(f32_log_softmax, F32LogSoftmax)(rows, cols, x, y);
}
void F32MaxPool(const Pool2DGeometry& g, const float* x, float* y) { MOTE_KERNEL(f32_max_pool, F32MaxPool)(g, x, y); }
void F32MaxPoolBackward(const Pool2DGeometry& g, const float* x, const float* dy, float* dx) {
  MOTE_KERNEL(f32_max_pool_backward, F32MaxPoolBackward)(g, x, dy, dx);
}
void F32AvgPool(const Pool2DGeometry& g, const float* x, float* y) { MOTE_KERNEL(f32_avg_pool, F32AvgPool)(g, x, y); }
void F32AvgPoolBackward(const Pool2DGeometry& g, const float* dy, float* dx) {
  MOTE_KERNEL(f32_avg_pool_backward, F32AvgPoolBackward)(g, dy, dx);
}

void F32DenseRows(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* w, size_t ldw,
                  const float* bias, float lo, float hi, float* c, size_t ldc) {
  MOTE_KERNEL(f32_dense_rows, F32DenseRows)(m, n, k, a, lda, w, ldw, bias, lo, hi, c, ldc);
}
void I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w, size_t ldw,
                 const I8Requant& requant, int8_t* c, size_t ldc) {
  MOTE_KERNEL(i8_dense_rows, I8DenseRows)(m, n, k, a, lda, w, ldw, requant, c, ldc);
}
void I8Im2Col(const Conv2DGeometry& g, const int8_t* input, int8_t pad_value, size_t row_begin, size_t row_end,
              int8_t* columns) {
  MOTE_KERNEL(i8_im2col, I8Im2Col)(g, input, pad_value, row_begin, row_end, columns);
}

void F32DepthwiseConv2D(const Conv2DGeometry& g, const float* x, const float* w, const float* bias, float lo,
                        float hi, float* y) {
  MOTE_KERNEL(f32_depthwise_conv2d, F32DepthwiseConv2D)(g, x, w, bias, lo, hi, y);
}
void F32DepthwiseConv2DBackwardInput(const Conv2DGeometry& g, const float* dy, const float* w, float* dx) {
  MOTE_KERNEL(f32_depthwise_conv2d_backward_input, F32DepthwiseConv2DBackwardInput)(g, dy, w, dx);
}
void F32DepthwiseConv2DBackwardWeights(const Conv2DGeometry& g, const float* x, const float* dy, float* dw) {
  MOTE_KERNEL(f32_depthwise_conv2d_backward_weights, F32DepthwiseConv2DBackwardWeights)(g, x, dy, dw);
}
void I8DepthwiseConv2D(const Conv2DGeometry& g, const int8_t* x, int8_t x_zero_point, const int8_t* w,
                       const I8Requant& requant, int8_t* y) {
  MOTE_KERNEL(i8_depthwise_conv2d, I8DepthwiseConv2D)(g, x, x_zero_point, w, requant, y);
}

}  // namespace kernels
}  // namespace mote
