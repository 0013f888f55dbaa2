// Helpers shared by the export steps (src/export): constant tensors to and
// from their little-endian bytes (every host mote builds for is little-endian).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "mote/export.h"

namespace mote {
namespace export_internal {

size_t DTypeBytes(MoteDType dtype);
ExportTensor FloatConstant(const std::string& name, const std::vector<uint32_t>& dims,
                           const std::vector<float>& values);
ExportTensor Int8Constant(const std::string& name, const std::vector<uint32_t>& dims,
                          const std::vector<int8_t>& values);
ExportTensor Int32Constant(const std::string& name, const std::vector<uint32_t>& dims,
                           const std::vector<int32_t>& values);
void ReadFloats(const float* data, size_t count, std::vector<float>* out);
// A float constant's values.
void ReadFloats(const ExportTensor& t, std::vector<float>* out);
// True when every value of every float constant (weights, biases) is finite:
// NaN or infinity means training diverged, and int8 quantization of them is
// undefined.
bool FloatConstantsFinite(const ExportGraph& graph);
// Removes tensors no op, input or output refers to (e.g. the float weights
// quantization replaced), renumbering the rest in order.
void DropUnusedTensors(ExportGraph* graph);

// What lowering a layer needs, for rules kept in their own file (e.g. a
// recurrent layer's): LowerModel (src/export/lower.cc) implements it.
class LoweringContext {
 public:
  virtual const Model& model() const = 0;
  // The tensor holding `node`'s output (a node already lowered).
  virtual int ValueOf(NodeId node) const = 0;
  virtual int AddFloatConstant(const std::string& name, const std::vector<uint32_t>& dims,
                               const std::vector<float>& values) = 0;
  // A new op writing a new float activation of `node`'s shape (named after
  // it, calibrated from its output); *op stays valid until the next Emit.
  virtual Status Emit(NodeId node, MoteOpType type, std::vector<int> inputs, ExportOp** op) = 0;

 protected:
  ~LoweringContext() = default;
};

// SimpleRNN / LSTM / GRU (src/export/lower_recurrent.cc): the op type of a
// recurrent layer type name (MOTE_OP_TYPE_END for any other), and its rule.
MoteOpType RecurrentOpType(const char* layer_type);
Status LowerRecurrent(LoweringContext& ctx, NodeId node, MoteOpType type);

}  // namespace export_internal
}  // namespace mote
