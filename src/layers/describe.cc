// The model-file names of the enums layers describe themselves with
// (include/mote/describe.h); the parser (src/train/model_file_layers.cc)
// reads the same names back.
#include "mote/describe.h"

#include "mote/layer.h"
#include "mote/layers/conv2d.h"
#include "mote/layers/padding.h"

namespace mote {

const char* PaddingName(Padding padding) {
  switch (padding) {
    case Padding::kValid: return "valid";
    case Padding::kSame: return "same";
    case Padding::kExplicit: return "explicit";
  }
  return nullptr;
}

const char* InitKindName(InitKind kind) {
  switch (kind) {
    case InitKind::kZeros: return "zeros";
    case InitKind::kOnes: return "ones";
    case InitKind::kConstant: return "constant";
    case InitKind::kUniformFanIn: return "uniform_fan_in";
    case InitKind::kGlorotUniform: return "glorot_uniform";
    case InitKind::kGlorotNormal: return "glorot_normal";
    case InitKind::kHeUniform: return "he_uniform";
    case InitKind::kHeNormal: return "he_normal";
    case InitKind::kScaledNormal: return "scaled_normal";
    case InitKind::kOrthogonal: return "orthogonal";
    case InitKind::kSparse: return "sparse";
    case InitKind::kConstantBlock: return "constant_block";
  }
  return nullptr;
}

void DescribeConvOptions(OptionWriter& out, const Conv2DOptions& options) {
  out.Pair("strides", options.stride_h, options.stride_w);
  out.String("padding", PaddingName(options.padding));
  if (options.padding == Padding::kExplicit) out.Pair("pad", options.pad_h, options.pad_w);
  out.Boolean("use_bias", options.use_bias);
  out.Init("init", options.init);
}

}  // namespace mote
