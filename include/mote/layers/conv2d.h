// Conv2D: 2-D convolution as im2col + GEMM.
//
// Input:  [N, H, W, C] (rank 4, NHWC).
// Output: [N, OH, OW, filters]; OH / OW from the padding rule (mote/layers/padding.h):
//         kValid, kSame (TensorFlow: OH = ceil(H / stride_h), extra pad at the
//         bottom / right) or kExplicit (pad_h / pad_w zeros on each side).
// Params: "kernel" {filters, kernel_h, kernel_w, C}, i.e. [C_out][ky][kx][C_in]
//         (ParamRole::kWeight, fan_in kh*kw*C, fan_out filters*kh*kw, `init`,
//         default He normal); "bias" {filters} (ParamRole::kBias, zeros) when use_bias.
// Padding: output pixels are grouped into classes whose windows keep the
//         same kernel taps inside the image (runs of output rows times, when a
//         kernel row has >= 64 floats, runs of output columns); each class
//         multiplies only those taps (for a 5x5 "same" conv on 7x7, 30 % of
//         the multiply-adds would read zero padding).
// Memory: im2col runs class by class in L2-sized tiles of rows (about 512 KiB
//         of columns) in scratch, and Backward rebuilds each tile from the
//         input instead of keeping the whole column matrix; when the columns
//         of the whole batch fit in 1 MiB they are a per-model buffer that
//         Backward reuses (so each Backward needs its Forward just before, as
//         the Model runs them). A 1x1, stride-1 convolution without padding
//         multiplies the input directly. Scratch: the tile, the weights (W^T
//         once per Forward when filters x patch <= 256K floats, read in place;
//         else packed once per class), GEMM workspace, the output / gradient
//         rows of a tile when a class is not one contiguous run of rows.
// Winograd: stride-1 square 3x3 / 5x5 convolutions may run their forward pass
//         and input gradient as Winograd F(4x4, r x r) instead
//         (Conv2DOptions::algorithm, src/layers/conv2d_winograd.h); the weight
//         gradient is always im2col's.
// Predict (ForwardArgs::predict) on up to 4 images with a SIMD backend: the
//         runtime's way instead (src/layers/conv_rows.h): per run of output
//         rows keeping the same kernel rows, their im2col against the weights
//         as stored (F32DenseRows; patches under 64 floats: one GEMM with W^T
//         transposed per call), no per-call weight transpose or GEMM packing.
// Errors (Plan): kShapeMismatch for an input that is not rank 4 or a kernel
// larger than the padded input; kInvalidArgument for zero filters, kernel
// size, stride or input dimension, or not exactly one input; kOutOfRange
// when the buffers would not fit size_t.
#pragma once
#include <stddef.h>

#include <vector>

#include "mote/kernels.h"
#include <memory>

#include "mote/layer.h"
#include "mote/layers/padding.h"

namespace mote {

namespace conv_rows {
class PanelWeights;  // src/layers/conv_rows.h
}
namespace conv_winograd {
class WinogradConv;  // src/layers/conv2d_winograd.h
}

// How Conv2D computes its forward pass and input gradient (the weight
// gradient is always im2col + GEMM): kAuto picks per direction, by a cost
// estimate, Winograd F(4x4, 3x3) / F(4x4, 5x5) where it applies (stride 1,
// square 3x3 or 5x5 kernel) and pays, else im2col; the environment variable
// MOTE_CONV_ALGO (auto, im2col, winograd) replaces kAuto for experiments.
// kWinograd takes Winograd wherever it applies. Predict on a few images
// (ForwardRows) keeps the runtime's way whatever the choice.
enum class ConvAlgorithm { kAuto, kIm2col, kWinograd };
// Their names in model files, Describe and MOTE_CONV_ALGO, in enum order,
// then nullptr.
extern const char* const kConvAlgorithmNames[4];

struct Conv2DOptions {
  size_t stride_h = 1, stride_w = 1;
  Padding padding = Padding::kValid;
  size_t pad_h = 0, pad_w = 0;  // kExplicit only: zeros on each side
  bool use_bias = true;
  InitSpec init = InitSpec{InitKind::kHeNormal};
  ConvAlgorithm algorithm = ConvAlgorithm::kAuto;  // Conv2D only
};

class Conv2D final : public Layer {
 public:
  Conv2D(size_t filters, size_t kernel_h, size_t kernel_w, Conv2DOptions options = Conv2DOptions{});
  ~Conv2D() override;

  const char* type() const override { return "Conv2D"; }
  Status Describe(OptionWriter& out) const override;
  Status Plan(PlanContext& ctx, Shape* output_shape) override;
  void Bind(const BindContext& ctx) override;
  void Forward(const ForwardArgs& args) override;
  void Backward(const BackwardArgs& args) override;
  Status Lower(LoweringContext& ctx) const override;
  // Predict fuses a following BatchNorm and ReLU (PredictEpilogue).
  bool SetPredictEpilogue(const PredictEpilogue& epilogue) override;
  bool ForwardFused(const ForwardArgs& args) override;

  size_t filters() const { return filters_; }
  const Conv2DOptions& options() const { return options_; }
  // Geometry for the planned maximum batch (valid after Plan).
  const kernels::Conv2DGeometry& geometry() const { return geometry_; }
  // Whether the forward pass / the input gradient run as Winograd (after Plan).
  bool winograd_forward() const;
  bool winograd_input_grad() const;

  // Output positions [out_begin, out_end) along one axis whose windows keep
  // kernel taps [k_begin, k_end) inside the input.
  struct AxisRun {
    size_t out_begin, out_end, k_begin, k_end;
  };
  // Output pixels (every image) of output rows y x output columns x: their
  // windows keep the same taps inside the image.
  struct RowClass {
    AxisRun y, x;
    bool column_border;  // x drops kernel columns: GEMMs go one kernel row at a time
    size_t tile_rows;    // rows (output pixels) of this class per im2col tile
    size_t rows_before;  // per image, rows of the classes before this one (class order)
    // Rows (output pixels) of this class in a batch.
    size_t rows(size_t batch) const { return batch * (y.out_end - y.out_begin) * (x.out_end - x.out_begin); }
  };

 private:
  size_t filters_, kernel_h_, kernel_w_;
  Conv2DOptions options_;
  kernels::Conv2DGeometry geometry_{};
  // Geometry for the rows of class c: only its taps, same windows.
  kernels::Conv2DGeometry ClassGeometry(const RowClass& c, size_t batch) const;
  // im2col of rows [q0, q1) of class c (geometry gc) into tile.
  void ClassColumns(const RowClass& c, const kernels::Conv2DGeometry& gc, const float* input, size_t q0, size_t q1,
                    float* tile) const;

  // With a thread pool (ForwardArgs::pool), for convs whose GEMMs read the
  // weights in place: Forward in chunks of one im2col tile each; Backward's
  // weight gradient in chunks of kernel taps (each owns its columns of dW and
  // adds the tiles in the serial order) and its input gradient in chunks of
  // whole images (each owns its images of dx). Results equal the serial
  // path's for every thread count.
  void ForwardParallel(const ForwardArgs& args);
  // Predict (ForwardArgs::predict) on a few images: the runtime's host-layout
  // convolution (kernels::F32ConvPanels) against the weights packed in
  // output-channel panels (any PredictEpilogue folded in), kept in a per-model
  // buffer (conv_rows::PanelWeights::Floats) and repacked when
  // ForwardArgs::params_version says the parameters changed since (or is 0:
  // unknown).
  void ForwardRows(const ForwardArgs& args, float lo, float hi);
  BufferHandle panels_handle_;
  std::unique_ptr<conv_rows::PanelWeights> panels_;
  // The Winograd path of the forward pass and the input gradient, when chosen
  // (Conv2DOptions::algorithm); Backward then runs its weight gradient alone
  // first (BackwardWinograd).
  std::unique_ptr<conv_winograd::WinogradConv> winograd_;
  void BackwardWinograd(const BackwardArgs& args);
  void BackwardParallel(const BackwardArgs& args);
  // A weight-gradient chunk of BackwardParallel: the columns of dW of kernel
  // rows [ky_begin, ky_end) x kernel columns [kx_begin, kx_end).
  struct WeightChunk {
    size_t ky_begin, ky_end, kx_begin, kx_end;
  };
  // BackwardParallel's chunks: dW of one WeightChunk and dx of images
  // [n0, n1), reading the output gradient in class order (`class_dy`: each
  // class's rows one after the other, ClassOrderedDy), with the worker's
  // scratch `mine`.
  void WeightGradTaps(const BackwardArgs& args, const WeightChunk& chunk, const float* class_dy, float* mine) const;
  void InputGradImages(const BackwardArgs& args, size_t n0, size_t n1, const float* class_dy, float* mine) const;
  size_t InputImagesPerChunk(size_t batch, size_t target) const;
  // The output gradient in class order, for the weight chunks of taps: its
  // rows class by class copied into scratch on the pool, or the output
  // gradient itself when there is one class.
  const float* ClassOrderedDy(const BackwardArgs& args) const;
  // The bias gradient, as every backward path adds it.
  void AddBiasGradient(const BackwardArgs& args) const;
  std::vector<WeightChunk> weight_chunks_;  // largest first
  bool parallel_ = false;
  size_t input_images_per_chunk_ = 1;  // dx chunks: this many images each, the last one fewer
  size_t class_dy_offset_ = 0;  // into scratch: the output gradient in class order
  // Narrow kernel rows: dW by chunks of weight_images_per_chunk_ images, each
  // into a partial dW at partials_offset_ in scratch, added in chunk order
  // (AddWeightPartials) with any thread count.
  bool images_split_weight_grad_ = false;
  size_t weight_images_per_chunk_ = 1, partials_offset_ = 0;
  void ImagesBackward(const BackwardArgs& args, size_t n0, size_t n1, float* partial, bool input_grad,
                      float* tile_scratch, float* gathered, float* ws) const;
  void AddWeightPartials(ThreadPool* pool, const float* partials, size_t chunks);
  // Into each worker's scratch (floats): column tile, gathered rows, GEMM workspace.
  size_t worker_rows_offset_ = 0, worker_ws_offset_ = 0;

  bool direct_ = false;  // 1x1, stride 1, no padding: the input is the im2col matrix
  bool direct_weights_ = false;  // GEMMs read W / W^T in place (small weights) instead of packing them
  std::vector<RowClass> classes_;
  bool keep_columns_ = false;  // the whole batch's columns kept in columns_ for Backward
  BufferHandle columns_handle_;
  float* columns_ = nullptr;
  // Into scratch (floats): bias sums, column tile, packed weights, GEMM
  // workspace, gathered output / gradient rows, W^T.
  size_t bias_sums_offset_ = 0, tile_offset_ = 0, packed_offset_ = 0, workspace_offset_ = 0, rows_offset_ = 0,
         transposed_offset_ = 0;
  ParamHandle kernel_param_, bias_param_;
  float* kernel_ = nullptr;
  float* kernel_grad_ = nullptr;
  float* bias_ = nullptr;
  float* bias_grad_ = nullptr;
};

}  // namespace mote
