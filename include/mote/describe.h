// Describe hooks: how a layer, loss or optimizer reports its type and its
// options by name, the names of the model file (docs/model-file.md), so a
// model built in C++ can be written as a model file (DescribeModel in
// include/mote/model_file.h) and rebuilt identically. Each class writes
// itself (Layer::Describe, Loss::Describe, Optimizer::Describe): nothing
// dispatches on type names. A contract between folders (docs/design.md):
// it needs nothing of mote, so layers, losses and optimizers include it
// alike. Host only.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace mote {

struct InitSpec;                  // include/mote/layer.h
enum class InitKind : uint8_t;    // include/mote/layer.h
enum class Padding : uint8_t;     // include/mote/layers/padding.h

class OptionWriter {
 public:
  // The model-file type name, e.g. "conv2d"; first, once.
  virtual void Type(const char* name) = 0;
  virtual void Number(const char* key, double value) = 0;
  virtual void Integer(const char* key, uint64_t value) = 0;
  virtual void Boolean(const char* key, bool value) = 0;
  virtual void String(const char* key, const char* value) = 0;
  // Two sizes, e.g. kernel = [5, 5] (height, width).
  virtual void Pair(const char* key, size_t first, size_t second) = 0;
  // An initializer: { kind = "he_normal", gain = ..., ... }.
  virtual void Init(const char* key, const InitSpec& init) = 0;

 protected:
  ~OptionWriter() = default;
};

// The model-file names of padding rules and initializer kinds (null for a
// value that has none), shared by the layers' Describe hooks and the parser
// (src/layers/describe.cc).
const char* PaddingName(Padding padding);
const char* InitKindName(InitKind kind);

struct Conv2DOptions;
// strides, padding, pad (explicit only), use_bias and init: the options
// Conv2D and DepthwiseConv2D share.
void DescribeConvOptions(OptionWriter& out, const Conv2DOptions& options);

}  // namespace mote
