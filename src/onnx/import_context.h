// What the ONNX operator handlers share (src/onnx/import_*.cc): the values
// of the graph as mote nodes with their layout, attribute and input access
// with messages that name the node, and the weights to copy once the model
// is prepared. One handler per op type; the table is in onnx_import.cc.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mote/layer.h"
#include "mote/model.h"
#include "mote/onnx_import.h"
#include "mote/status.h"
#include "mote/tensor.h"
#include "src/onnx/onnx_graph.h"

namespace mote {
namespace onnx_import {

// How mote holds the values of an ONNX tensor (batch 1: ONNX's batch axis
// has size 1 and mote's per-example shape leaves it out).
enum class Layout : uint8_t {
  kSameOrder,          // the same values in the same order
  kChannelsFirst,      // ONNX [1, C, H, W]; mote holds [H, W, C]
  kFlatChannelsFirst,  // ONNX [1, C*H*W] in (c, h, w) order; mote holds (h, w, c) order
};

struct Value {
  NodeId node = -1;                     // the mote node computing it; -1 for a constant
  const OnnxTensor* constant = nullptr;  // a constant's values
  std::vector<int64_t> dims;            // ONNX's shape, batch included
  Shape shape;                          // mote's, per example
  Layout layout = Layout::kSameOrder;
  int64_t c = 0, h = 0, w = 0;          // kFlatChannelsFirst: the NCHW tensor flattened
  // An ONNX int8 / uint8 tensor (QuantizeLinear's or QLinearConv's output):
  // mote's node computes its real values, scale * (q - zero_point), and the
  // int8 export runs it with these (uint8 zero points shifted by -128).
  bool quantized = false;
  float q_scale = 0.0f;
  int32_t q_zero_point = 0;
  bool is_constant() const { return constant != nullptr; }
};

class ImportContext {
 public:
  // Values of more than max_elements per example are refused.
  ImportContext(const OnnxGraph& graph, Model* model, OnnxImportReport* report, size_t max_elements);

  const OnnxGraph& graph() const { return graph_; }
  int64_t opset() const { return graph_.opset; }
  Model& model() { return *model_; }

  // An error about `node`: "node 'NAME' (OP): what" (printf format); the
  // report records the node.
#if defined(__GNUC__)
  __attribute__((format(printf, 4, 5)))
#endif
  Status Fail(const OnnxNode& node, StatusCode code, const char* format, ...);
  // A note for the report (printf format).
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  void Note(const char* format, ...);

  // ---- values ----
  bool HasInput(const OnnxNode& node, size_t i) const { return i < node.inputs.size() && !node.inputs[i].empty(); }
  // Input i, which must be present and defined (and not quantized: only the
  // handlers of import_quantized.cc take those, through Find).
  Status Input(const OnnxNode& node, size_t i, const Value** out);
  // Input i, which must be computed (not a constant).
  Status Activation(const OnnxNode& node, size_t i, const Value** out);
  // Input i, which must be a constant (initializer or Constant node) of
  // floats (`want_floats`) or integers.
  Status Constant(const OnnxNode& node, size_t i, bool want_floats, const OnnxTensor** out);
  void Define(const std::string& name, const Value& value) { values_[name] = value; }
  const Value* Find(const std::string& name) const;
  // Output 0 of `node` is `value` (its other outputs must be unused; its
  // size within the limit).
  Status DefineOutput(const OnnxNode& node, const Value& value);
  // Keeps a tensor alive for the import (a constant a handler computes).
  const OnnxTensor* Keep(OnnxTensor tensor);
  // The nodes that read `value` (graph outputs not included), and whether
  // it is a graph output.
  std::vector<const OnnxNode*> Consumers(const std::string& value) const;
  bool IsGraphOutput(const std::string& value) const;
  // `node` is folded into another handler's layer: the import skips it.
  void Fold(const OnnxNode& node) { folded_.push_back(&node); }
  bool IsFolded(const OnnxNode& node) const;

  // ---- attributes (defaults when absent; a wrong type is an error) ----
  Status Int(const OnnxNode& node, const char* name, int64_t fallback, int64_t* out);
  Status Float(const OnnxNode& node, const char* name, float fallback, float* out);
  Status Ints(const OnnxNode& node, const char* name, std::vector<int64_t>* out);  // empty when absent
  Status String(const OnnxNode& node, const char* name, const char* fallback, std::string* out);
  // Fails when the node has an attribute outside `known` (a null-terminated
  // list): an attribute mote would ignore must not pass silently.
  Status OnlyAttributes(const OnnxNode& node, const char* const* known);

  // ---- layers ----
  // Adds `layer` fed by `inputs`, named after the node (made unique and
  // TOML-friendly). Fails when the model rejects it.
  Status AddLayer(const OnnxNode& node, std::unique_ptr<Layer> layer, const std::vector<NodeId>& inputs,
                  NodeId* out);
  // Values for a parameter ("kernel") or state ("moving_mean") of a layer,
  // copied after Prepare.
  void SetParam(NodeId node, const char* name, std::vector<float> values);
  void SetState(NodeId node, const char* name, std::vector<float> values);
  Status CopyWeights();
  size_t layers() const { return layers_; }

  // ---- quantization (import_quantized.cc) ----
  // `dequantized` (a kept constant) is a DequantizeLinear of int8 / uint8
  // weights with these scales (one, or one per index of `axis`).
  void SetWeightScales(const OnnxTensor* dequantized, std::vector<float> scales, int64_t axis);
  // The weights `w` of `layer` (output channels along `output_axis` of its
  // `outputs`, multiplied by `alpha`): when they were dequantized, their
  // scales become the layer's fixed int8 weight scales.
  Status RecordWeightScales(const OnnxNode& node, const OnnxTensor* w, int64_t output_axis, size_t outputs,
                            float alpha, NodeId layer);
  // The output of mote node `target` is int8 with these parameters.
  Status RecordActivation(const OnnxNode& node, NodeId target, float scale, int32_t zero_point);

 private:
  struct Pending {
    NodeId node;
    std::string name;
    bool state;
    std::vector<float> values;
  };
  const OnnxGraph& graph_;
  Model* model_;
  OnnxImportReport* report_;
  size_t max_elements_;
  std::map<std::string, Value> values_;
  std::vector<std::unique_ptr<OnnxTensor>> kept_;
  std::vector<const OnnxNode*> folded_;
  std::vector<Pending> pending_;
  size_t layers_ = 0;
  struct WeightScales {
    std::vector<float> scales;
    int64_t axis;
  };
  std::map<const OnnxTensor*, WeightScales> weight_scales_;
};

// One handler per op type (import_*.cc); onnx_import.cc keys them by op type.
using OpHandler = Status (*)(ImportContext& ctx, const OnnxNode& node);

// ---- handlers -----------------------------------------------------------
// import_conv.cc
Status ImportConv(ImportContext& ctx, const OnnxNode& node);
Status ImportMaxPool(ImportContext& ctx, const OnnxNode& node);
Status ImportAveragePool(ImportContext& ctx, const OnnxNode& node);
Status ImportGlobalAveragePool(ImportContext& ctx, const OnnxNode& node);
Status ImportBatchNormalization(ImportContext& ctx, const OnnxNode& node);
// import_dense.cc
Status ImportGemm(ImportContext& ctx, const OnnxNode& node);
Status ImportMatMul(ImportContext& ctx, const OnnxNode& node);
Status ImportAdd(ImportContext& ctx, const OnnxNode& node);
// import_activation.cc
Status ImportRelu(ImportContext& ctx, const OnnxNode& node);
Status ImportClip(ImportContext& ctx, const OnnxNode& node);
Status ImportLeakyRelu(ImportContext& ctx, const OnnxNode& node);
Status ImportSigmoid(ImportContext& ctx, const OnnxNode& node);
Status ImportTanh(ImportContext& ctx, const OnnxNode& node);
Status ImportSoftmax(ImportContext& ctx, const OnnxNode& node);
// import_shape.cc
Status ImportFlatten(ImportContext& ctx, const OnnxNode& node);
Status ImportReshape(ImportContext& ctx, const OnnxNode& node);
Status ImportIdentity(ImportContext& ctx, const OnnxNode& node);
Status ImportDropout(ImportContext& ctx, const OnnxNode& node);
Status ImportConstant(ImportContext& ctx, const OnnxNode& node);
Status ImportPad(ImportContext& ctx, const OnnxNode& node);
Status ImportTranspose(ImportContext& ctx, const OnnxNode& node);
// import_constant.cc
Status ImportShape(ImportContext& ctx, const OnnxNode& node);
Status ImportGather(ImportContext& ctx, const OnnxNode& node);
Status ImportUnsqueeze(ImportContext& ctx, const OnnxNode& node);
Status ImportSqueeze(ImportContext& ctx, const OnnxNode& node);
Status ImportConcat(ImportContext& ctx, const OnnxNode& node);
Status ImportExpand(ImportContext& ctx, const OnnxNode& node);
// import_recurrent.cc
Status ImportLstm(ImportContext& ctx, const OnnxNode& node);
Status ImportGru(ImportContext& ctx, const OnnxNode& node);
// import_quantized.cc
Status ImportQuantizeLinear(ImportContext& ctx, const OnnxNode& node);
Status ImportDequantizeLinear(ImportContext& ctx, const OnnxNode& node);
Status ImportQLinearConv(ImportContext& ctx, const OnnxNode& node);
Status ImportQLinearMatMul(ImportContext& ctx, const OnnxNode& node);
Status ImportQGemm(ImportContext& ctx, const OnnxNode& node);  // com.microsoft (onnxruntime's QOperator format)
// Flatten, Reshape, MaxPool, Identity on a quantized tensor: `handler` on its
// real values, the output quantized as the input (exact: these only move or
// select values); on a float tensor just `handler`.
Status ImportQuantizedPassThrough(ImportContext& ctx, const OnnxNode& node, OpHandler handler);

// a * b for sizes: -1 when either is negative, INT64_MAX when it overflows
// (dimensions come from the file: they may be anything).
int64_t SaturatingMultiply(int64_t a, int64_t b);
// Product of dims (0 for none), saturating as SaturatingMultiply.
int64_t Elements(const std::vector<int64_t>& dims);

}  // namespace onnx_import
}  // namespace mote
