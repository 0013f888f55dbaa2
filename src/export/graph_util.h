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

}  // namespace export_internal
}  // namespace mote
