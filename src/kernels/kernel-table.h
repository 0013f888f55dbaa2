// Internal: the per-backend kernel tables behind include/mote/kernels.h.
// Each backend implements every kernel in its own namespace; config.cc picks
// the table the public functions forward to.
#pragma once
#include "mote/kernels.h"

namespace mote {
namespace kernels {

// Declares every kernel with the public signatures (used once per backend namespace).
#define MOTE_DECLARE_KERNELS                                                                       \
  void F32Gemm(Transpose ta, Transpose tb, size_t m, size_t n, size_t k, const float* a,           \
               size_t lda, const float* b, size_t ldb, float* c, size_t ldc, bool accumulate,      \
               float* workspace);                                                                  \
  void F32GemmPackB(Transpose tb, size_t n, size_t k, const float* b, size_t ldb, float* packed);   \
  void F32GemmPackedB(Transpose ta, size_t m, size_t n, size_t k, const float* a, size_t lda,       \
                      const float* packed_b, float* c, size_t ldc, bool accumulate, float* workspace); \
  void F32Im2Col(const Conv2DGeometry& g, const float* input, size_t row_begin, size_t row_end,    \
                 float* columns);                                                                  \
  void F32Col2Im(const Conv2DGeometry& g, const float* columns, float* input_grad);                 \
  void F32Col2ImAccumulate(const Conv2DGeometry& g, const float* columns, size_t row_begin,         \
                           size_t row_end, float* input_grad);                                      \
  void F32ChannelAffineClamp(size_t rows, size_t channels, const float* x, const float* scale,     \
                             const float* shift, float lo, float hi, float* y);                    \
  void F32Add(size_t n, const float* a, const float* b, float* y);                                 \
  void F32Mul(size_t n, const float* a, const float* b, float* y);                                 \
  void F32Axpy(size_t n, float alpha, const float* x, float* y);                                   \
  void F32Scale(size_t n, float alpha, const float* x, float* y);                                  \
  void F32ClampBackward(size_t n, const float* y, const float* dy, float lo, float hi, float* dx);  \
  void F32Sigmoid(size_t n, const float* x, float* y);                                             \
  void F32Tanh(size_t n, const float* x, float* y);                                                \
  void F32ChannelSums(size_t rows, size_t channels, const float* x, float* sum, float* sum_sq);     \
  void F32BatchNormCenter(size_t rows, size_t channels, const float* x, const float* mean, float* y, \
                          float* sum, float* sum_sq);                                              \
  void F32BatchNormGradSums(size_t rows, size_t channels, const float* x, const float* dy,          \
                            const float* mean, const float* invstd, float* sum_dy, float* sum_dy_xhat); \
  void F32BatchNormInputGrad(size_t rows, size_t channels, const float* x, const float* dy,         \
                             const float* mean, const float* a, const float* b, const float* d, float* dx); \
  void F32Softmax(size_t rows, size_t cols, const float* x, float* y);                             \
  void F32LogSoftmax(size_t rows, size_t cols, const float* x, float* y);                          \
  void F32MaxPool(const Pool2DGeometry& g, const float* x, float* y);                              \
  void F32MaxPoolBackward(const Pool2DGeometry& g, const float* x, const float* dy, float* dx);     \
  void F32AvgPool(const Pool2DGeometry& g, const float* x, float* y);                              \
  void F32AvgPoolBackward(const Pool2DGeometry& g, const float* dy, float* dx);                    \
  void F32DenseRows(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* w,       \
                    size_t ldw, const float* bias, float lo, float hi, float* c, size_t ldc);       \
  void I8DenseRows(size_t m, size_t n, size_t k, const int8_t* a, size_t lda, const int8_t* w,      \
                   size_t ldw, const I8Requant& requant, int8_t* c, size_t ldc);                   \
  void F32DepthwiseConv2D(const Conv2DGeometry& g, const float* x, const float* w, const float* bias, \
                          float lo, float hi, float* y);                                            \
  void F32DepthwiseConv2DBackwardInput(const Conv2DGeometry& g, const float* dy, const float* w,     \
                                       float* dx);                                                  \
  void F32DepthwiseConv2DBackwardWeights(const Conv2DGeometry& g, const float* x, const float* dy,   \
                                         float* dw);

// Kernels with one (scalar) implementation that every backend's table uses:
// byte movement where SIMD gains little. Declared in scalar_backend only.
#define MOTE_DECLARE_SHARED_KERNELS                                                                \
  void I8Im2Col(const Conv2DGeometry& g, const int8_t* input, int8_t pad_value, size_t row_begin,   \
                size_t row_end, int8_t* columns);                                                  \
  void I8DepthwiseConv2D(const Conv2DGeometry& g, const int8_t* x, int8_t x_zero_point,             \
                         const int8_t* w, const I8Requant& requant, int8_t* y);

struct KernelTable {
  decltype(&F32Gemm) f32_gemm;
  decltype(&F32GemmPackB) f32_gemm_pack_b;
  decltype(&F32GemmPackedB) f32_gemm_packed_b;
  decltype(&F32Im2Col) f32_im2col;
  decltype(&F32Col2Im) f32_col2im;
  decltype(&F32Col2ImAccumulate) f32_col2im_accumulate;
  decltype(&F32ChannelAffineClamp) f32_channel_affine_clamp;
  decltype(&F32Add) f32_add;
  decltype(&F32Mul) f32_mul;
  decltype(&F32Axpy) f32_axpy;
  decltype(&F32Scale) f32_scale;
  decltype(&F32ClampBackward) f32_clamp_backward;
  decltype(&F32Sigmoid) f32_sigmoid;
  decltype(&F32Tanh) f32_tanh;
  decltype(&F32ChannelSums) f32_channel_sums;
  decltype(&F32BatchNormCenter) f32_batch_norm_center;
  decltype(&F32BatchNormGradSums) f32_batch_norm_grad_sums;
  decltype(&F32BatchNormInputGrad) f32_batch_norm_input_grad;
  decltype(&F32Softmax) f32_softmax;
  decltype(&F32LogSoftmax) f32_log_softmax;
  decltype(&F32MaxPool) f32_max_pool;
  decltype(&F32MaxPoolBackward) f32_max_pool_backward;
  decltype(&F32AvgPool) f32_avg_pool;
  decltype(&F32AvgPoolBackward) f32_avg_pool_backward;
  decltype(&F32DenseRows) f32_dense_rows;
  decltype(&I8DenseRows) i8_dense_rows;
  decltype(&I8Im2Col) i8_im2col;
  decltype(&F32DepthwiseConv2D) f32_depthwise_conv2d;
  decltype(&F32DepthwiseConv2DBackwardInput) f32_depthwise_conv2d_backward_input;
  decltype(&F32DepthwiseConv2DBackwardWeights) f32_depthwise_conv2d_backward_weights;
  decltype(&I8DepthwiseConv2D) i8_depthwise_conv2d;
  // Instruction set the table runs, e.g. "scalar", "avx512bw"; for Highway
  // the chosen target is asked at run time instead.
  const char* target;
};

// Builds a table from the kernels of backend namespace `ns`.
#define MOTE_KERNEL_TABLE(ns, target_name)                                                      \
  ::mote::kernels::KernelTable {                                                                \
    &ns::F32Gemm, &ns::F32GemmPackB, &ns::F32GemmPackedB, &ns::F32Im2Col, &ns::F32Col2Im, &ns::F32Col2ImAccumulate, &ns::F32ChannelAffineClamp, &ns::F32Add,       \
        &ns::F32Mul, &ns::F32Axpy, &ns::F32Scale, &ns::F32ClampBackward, &ns::F32Sigmoid, &ns::F32Tanh, &ns::F32ChannelSums, &ns::F32BatchNormCenter, &ns::F32BatchNormGradSums, &ns::F32BatchNormInputGrad, &ns::F32Softmax,          \
        &ns::F32LogSoftmax, &ns::F32MaxPool, &ns::F32MaxPoolBackward, &ns::F32AvgPool,           \
        &ns::F32AvgPoolBackward, &ns::F32DenseRows, &ns::I8DenseRows,                             \
        &::mote::kernels::scalar_backend::I8Im2Col, &ns::F32DepthwiseConv2D,                       \
        &ns::F32DepthwiseConv2DBackwardInput, &ns::F32DepthwiseConv2DBackwardWeights,             \
        &::mote::kernels::scalar_backend::I8DepthwiseConv2D, target_name                          \
  }

namespace scalar_backend {
MOTE_DECLARE_KERNELS
MOTE_DECLARE_SHARED_KERNELS
}
namespace hwy_backend {
MOTE_DECLARE_KERNELS
// Name of the Highway target the dispatcher picks now (e.g. "AVX3").
const char* ChosenTargetName();
}

// Table of a backend, or null when it is not built or the CPU lacks it.
const KernelTable* ScalarTable();
const KernelTable* HwyTable();
const KernelTable* XsimdTable();

// The table every public kernel forwards to.
const KernelTable& Active();

}  // namespace kernels
}  // namespace mote
