// int8 quantization parameters fixed beforehand rather than calibrated: what
// a quantized ONNX model carries (src/onnx reads them, include/mote/export.h's
// ExportOptions::fixed_quantization applies them). Plain values named after
// the model's nodes, so the importer (which builds a Model) and the exporter
// (which lowers it) share them without depending on each other.
#pragma once
#include <stdint.h>

#include <string>
#include <vector>

namespace mote {

struct FixedQuantization {
  // The output of model node `node` as int8: real = scale * (q - zero_point),
  // zero_point in [-128, 127] (an imported ONNX model's input node is
  // "input").
  struct Activation {
    std::string node;
    float scale = 0.0f;
    int32_t zero_point = 0;
  };
  // The kernel of layer `node` (conv2d, depthwise_conv2d, dense): one scale
  // per output channel, zero point 0, so that every weight is scale[c] times
  // an integer in [-128, 127] (the export checks it and refuses otherwise).
  struct Weights {
    std::string node;
    std::vector<float> scales;
  };
  std::vector<Activation> activations;
  std::vector<Weights> weights;
  bool empty() const { return activations.empty() && weights.empty(); }
};

}  // namespace mote
