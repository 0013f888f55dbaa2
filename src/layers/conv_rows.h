// Inference on a few images as rows: Conv2D runs each image as the runtime's
// host layout does (kernels::F32ConvPanels: weights packed in output-channel
// panels, no im2col), Dense as row dot products against its weights as
// stored, or, for layers with enough units on wide vectors
// (src/layers/dense.cc), against an input-major copy that skips the weights
// of zero inputs (InputMajorWeights). For small row
// counts these beat the layers' GEMM paths, which pack their operands for
// large batches. With a PredictEpilogue (the model fuses a following
// BatchNorm and ReLU, as the export does), the BatchNorm is folded into
// Conv2D's packed weights and bias and into Dense's input-major copy, or
// else into a per-unit affine after Dense's dot products; the clamp runs in
// the same pass.
// Internal to src/layers.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/kernels.h"
#include "mote/layer.h"

namespace mote {
namespace conv_rows {

// Whether a Forward runs as rows: Predict (ForwardArgs::predict) on up to
// kRowsMaxBatch examples with a SIMD backend. Bigger batches go through the
// GEMMs, and so does the scalar backend, whose strict-order dot products
// (one accumulator chain per output) are slower than its GEMM.
constexpr size_t kRowsMaxBatch = 4;
inline bool TakesRows(const ForwardArgs& args) {
  return args.predict && args.batch <= kRowsMaxBatch && ActiveBackend() != Backend::kScalar;
}

// A layer's epilogue for Predict: the PredictEpilogue it accepted and the
// params_version its folded copy was made at.
class Epilogue {
 public:
  // At Bind: no epilogue; the next Refresh remakes the copy.
  void Clear() {
    epilogue_ = PredictEpilogue{};
    fused_ = false;
    version_ = 0;
  }
  void Set(const PredictEpilogue& e) {
    epilogue_ = e;
    fused_ = true;
    version_ = 0;
  }
  bool fused() const { return fused_; }
  float lo() const { return epilogue_.lo; }
  float hi() const { return epilogue_.hi; }
  // Whether the copy is out of date for `version`: it is 0 (unknown) or
  // differs from the one the copy was made at. Records it as the copy's.
  bool Stale(uint64_t version) {
    const bool stale = version == 0 || version != version_;
    version_ = version;
    return stale;
  }
  // Channel c's scale and shift (1 and 0 without an affine).
  void ChannelAffine(size_t c, double* scale, double* shift) const;

 private:
  PredictEpilogue epilogue_;
  bool fused_ = false;
  uint64_t version_ = 0;
};

// Conv2D's weights [filters][patch] for Predict, packed in panels of 16 output
// channels (kernels::PackF32Panels) with the epilogue's affine folded in as
// the export folds it (w * scale and bias * scale + shift in double, rounded
// to float), then the bias padded to whole panels (F32PanelRows reads it in
// whole vectors).
class PanelWeights {
 public:
  static size_t Floats(size_t filters, size_t patch) {
    return kernels::F32PanelFloats(filters, patch) + kernels::F32PanelFloats(filters, 1);
  }
  // buffer: Floats(filters, patch) floats, kept between calls (AddBuffer).
  void Bind(float* buffer, size_t filters, size_t patch);
  Epilogue& epilogue() { return epilogue_; }
  // Repacks from w and bias (null: zeros) when the copy is stale.
  void Refresh(uint64_t version, const float* w, const float* bias);
  // y = clamp(conv(x) + bias) for each of args.batch images (geometry g), on
  // the caller (its scratch) or one image per chunk of args.pool (the
  // workers' scratch): kernels::F32ConvPanelsPaddedFloats(g) floats each.
  void Conv(const ForwardArgs& args, const kernels::Conv2DGeometry& g, float lo, float hi) const;

 private:
  Epilogue epilogue_;
  float* panels_ = nullptr;  // then the padded bias
  size_t filters_ = 0, patch_ = 0;
};

// Dense's weights [units][features] for Predict, input-major [features][units]
// (the export's host layout, MOTE_DENSE_WEIGHTS_INPUT_MAJOR) for
// kernels::F32DenseInputMajor, which skips the weight rows of zero inputs,
// with the epilogue's affine folded in as PanelWeights folds it; then the
// folded bias.
class InputMajorWeights {
 public:
  static size_t Floats(size_t units, size_t features) { return features * units + units; }
  // buffer: Floats(units, features) floats, kept between calls (AddBuffer).
  void Bind(float* buffer, size_t units, size_t features) {
    weights_ = buffer;
    units_ = units;
    features_ = features;
    epilogue_.Clear();
  }
  Epilogue& epilogue() { return epilogue_; }
  // Transposes w [units][features] and folds bias (null: zeros) when the
  // copy is stale.
  void Refresh(uint64_t version, const float* w, const float* bias);
  // y = clamp(x W^T + bias) for each of args.batch rows, on the caller or one
  // row per chunk of args.pool (each computed as on one thread).
  void Dense(const ForwardArgs& args, float lo, float hi) const;

 private:
  Epilogue epilogue_;
  float* weights_ = nullptr;  // then the bias
  size_t units_ = 0, features_ = 0;
};

// Dense's epilogue: y = clamp(y * scale + shift) per unit after the dot
// products, the bias folded into shift.
class UnitAffine {
 public:
  static size_t Floats(size_t units) { return 2 * units; }
  // buffer: Floats(units) floats, kept between calls (AddBuffer).
  void Bind(float* buffer, size_t units) {
    scale_ = buffer;
    units_ = units;
    epilogue_.Clear();
  }
  Epilogue& epilogue() { return epilogue_; }
  void Refresh(uint64_t version, const float* bias);
  // y [rows, units] in place.
  void Apply(size_t rows, float* y) const;

 private:
  Epilogue epilogue_;
  float* scale_ = nullptr;  // then shift
  size_t units_ = 0;
};

}  // namespace conv_rows
}  // namespace mote
