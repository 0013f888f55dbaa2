// An ONNX model as plain C++ values: what src/onnx/onnx_proto.cc reads out of
// the protobuf (the only file that includes the generated onnx-ml.pb.h), and
// all the importer's operator handlers see. Keeping protobuf in one
// translation unit keeps its headers out of everything else, and lets the
// importer build (and refuse with a clear message) without libonnx.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "mote/status.h"

namespace mote {
namespace onnx_import {

// TensorProto.DataType values the importer reads.
enum OnnxDataType : int32_t {
  kOnnxFloat = 1,
  kOnnxUint8 = 2,
  kOnnxInt8 = 3,
  kOnnxInt32 = 6,
  kOnnxInt64 = 7,
  kOnnxBool = 9,
  kOnnxDouble = 11,
};

// A constant: an initializer, or a Constant node's `value`.
struct OnnxTensor {
  std::string name;
  int32_t data_type = 0;
  std::vector<int64_t> dims;
  // The values, converted: floats for FLOAT / DOUBLE, ints for INT32 /
  // INT64 / INT8 / UINT8 / BOOL (the other one stays empty); tensors of
  // other types keep their type and dims but no values (a handler that
  // reads one refuses its type).
  std::vector<float> floats;
  std::vector<int64_t> ints;
  size_t elements() const;
};

// AttributeProto.AttributeType values the importer reads.
enum OnnxAttributeType : int32_t {
  kOnnxAttrFloat = 1,
  kOnnxAttrInt = 2,
  kOnnxAttrString = 3,
  kOnnxAttrTensor = 4,
  kOnnxAttrFloats = 6,
  kOnnxAttrInts = 7,
  kOnnxAttrStrings = 8,
};

struct OnnxAttribute {
  std::string name;
  int32_t type = 0;
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<OnnxTensor> tensor;  // 0 or 1 (a TENSOR attribute)
};

struct OnnxNode {
  std::string name, op_type, domain;
  std::vector<std::string> inputs, outputs;  // "" marks an omitted optional input / output
  std::vector<OnnxAttribute> attributes;
  const OnnxAttribute* Find(const char* attribute) const;
};

// A graph input or output: its element type and shape. A dimension that is
// symbolic (dim_param) or missing is -1; `has_shape` is false when the value
// has no shape at all.
struct OnnxValueInfo {
  std::string name;
  int32_t elem_type = 0;
  bool has_shape = false;
  std::vector<int64_t> dims;
  std::vector<std::string> dim_params;  // per dim: the symbol, "" for a fixed or missing one
};

struct OnnxGraph {
  int64_t ir_version = 0;
  // Opset of the default domain ("" / "ai.onnx"); 0 when not imported.
  int64_t opset = 0;
  std::string producer;  // producer_name and version
  std::vector<std::string> other_domains;  // every other imported domain
  std::vector<OnnxNode> nodes;
  std::vector<OnnxTensor> initializers;
  std::vector<OnnxValueInfo> inputs, outputs;
};

// Parses a serialized ModelProto (onnx_proto.cc, or a stub that returns
// kUnsupported when mote was built without libonnx / protobuf). Errors:
// kCorruptData (not a valid ModelProto, inconsistent tensor sizes), kUnsupported
// (external data, subgraphs, tensor types the importer does not read).
Status ParseOnnxModel(const uint8_t* data, size_t size, OnnxGraph* out);
// True when ParseOnnxModel is the real one.
bool OnnxParserAvailable();

}  // namespace onnx_import
}  // namespace mote
