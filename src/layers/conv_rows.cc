#include "src/layers/conv_rows.h"

#include "mote/threads.h"

namespace mote {
namespace conv_rows {

void Epilogue::ChannelAffine(size_t c, double* scale, double* shift) const {
  if (epilogue_.affine == nullptr || !epilogue_.affine->InferenceChannelAffine(c, scale, shift)) {
    *scale = 1.0;
    *shift = 0.0;
  }
}

void PanelWeights::Bind(float* buffer, size_t filters, size_t patch) {
  panels_ = buffer;
  filters_ = filters;
  patch_ = patch;
  epilogue_.Clear();
}

void PanelWeights::Refresh(uint64_t version, const float* w, const float* bias) {
  if (!epilogue_.Stale(version)) return;
  kernels::PackF32Panels(filters_, patch_, w, patch_, panels_);
  float* padded_bias = panels_ + kernels::F32PanelFloats(filters_, patch_);
  for (size_t j = 0; j < kernels::F32PanelFloats(filters_, 1); ++j) padded_bias[j] = 0.0f;
  for (size_t j = 0; j < filters_; ++j) {
    double scale, shift;
    epilogue_.ChannelAffine(j, &scale, &shift);
    const double b = bias != nullptr ? double(bias[j]) : 0.0;
    padded_bias[j] = float(b * scale + shift);
    if (scale == 1.0) continue;
    // Channel j's weights in its panel: 16 floats apart.
    float* column = panels_ + (j / kernels::kPanelChannels) * patch_ * kernels::kPanelChannels +
                    j % kernels::kPanelChannels;
    for (size_t p = 0; p < patch_; ++p)
      column[p * kernels::kPanelChannels] = float(double(column[p * kernels::kPanelChannels]) * scale);
  }
}

void PanelWeights::Conv(const ForwardArgs& args, const kernels::Conv2DGeometry& geometry, float lo,
                        float hi) const {
  kernels::Conv2DGeometry g = geometry;
  g.batch = 1;
  const float* bias = panels_ + kernels::F32PanelFloats(filters_, patch_);
  const size_t image_in = g.in_h * g.in_w * g.in_c, image_out = g.out_h * g.out_w * filters_;
  if (args.pool == nullptr || args.batch == 1) {
    for (size_t n = 0; n < args.batch; ++n)
      kernels::F32ConvPanels(g, args.inputs[0] + n * image_in, panels_, filters_, bias, lo, hi, args.scratch,
                             args.output + n * image_out);
    return;
  }
  // One image per chunk, computed as on one thread.
  ForEachChunk(args.pool, args.batch, [&](size_t n, size_t worker) {
    kernels::F32ConvPanels(g, args.inputs[0] + n * image_in, panels_, filters_, bias, lo, hi,
                           args.worker_scratch + worker * args.worker_stride, args.output + n * image_out);
  });
}

void InputMajorWeights::Refresh(uint64_t version, const float* w, const float* bias) {
  if (!epilogue_.Stale(version)) return;
  float* folded_bias = weights_ + features_ * units_;
  for (size_t j = 0; j < units_; ++j) {
    double scale, shift;
    epilogue_.ChannelAffine(j, &scale, &shift);
    folded_bias[j] = float((bias != nullptr ? double(bias[j]) : 0.0) * scale + shift);
  }
  // In blocks of inputs, so the block's rows of the copy stay in L1 while
  // every unit's column is written.
  constexpr size_t kBlock = 64;
  for (size_t p0 = 0; p0 < features_; p0 += kBlock) {
    const size_t p1 = features_ - p0 < kBlock ? features_ : p0 + kBlock;
    for (size_t j = 0; j < units_; ++j) {
      double scale, shift;
      epilogue_.ChannelAffine(j, &scale, &shift);
      const float* row = w + j * features_;
      float* column = weights_ + j;  // unit j's weight for input p at p * units_
      if (scale == 1.0) {
        for (size_t p = p0; p < p1; ++p) column[p * units_] = row[p];
      } else {
        for (size_t p = p0; p < p1; ++p) column[p * units_] = float(double(row[p]) * scale);
      }
    }
  }
}

void InputMajorWeights::Dense(const ForwardArgs& args, float lo, float hi) const {
  const float* bias = weights_ + features_ * units_;
  auto row = [&](size_t n) {
    kernels::F32DenseInputMajor(units_, features_, args.inputs[0] + n * features_, weights_, units_, bias, lo, hi,
                                args.output + n * units_);
  };
  if (args.pool == nullptr || args.batch == 1) {
    for (size_t n = 0; n < args.batch; ++n) row(n);
    return;
  }
  ForEachChunk(args.pool, args.batch, [&](size_t n, size_t) { row(n); });
}

void UnitAffine::Refresh(uint64_t version, const float* bias) {
  if (!epilogue_.Stale(version)) return;
  float* shift = scale_ + units_;
  for (size_t j = 0; j < units_; ++j) {
    double s, h;
    epilogue_.ChannelAffine(j, &s, &h);
    scale_[j] = float(s);
    shift[j] = float((bias != nullptr ? double(bias[j]) : 0.0) * s + h);
  }
}

void UnitAffine::Apply(size_t rows, float* y) const {
  kernels::F32ChannelAffineClamp(rows, units_, y, scale_, scale_ + units_, epilogue_.lo(), epilogue_.hi(), y);
}

}  // namespace conv_rows
}  // namespace mote
