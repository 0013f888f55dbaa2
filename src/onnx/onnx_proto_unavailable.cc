// ParseOnnxModel when mote is built without libonnx / protobuf (meson option
// `onnx`): every import is refused with the reason.
#include "src/onnx/onnx_graph.h"

namespace mote {
namespace onnx_import {

bool OnnxParserAvailable() { return false; }

Status ParseOnnxModel(const uint8_t*, size_t, OnnxGraph*) {
  return Unsupported(
      "this mote was built without ONNX support (install libonnx-dev and libprotobuf-dev, then reconfigure "
      "with -Donnx=enabled)");
}

}  // namespace onnx_import
}  // namespace mote
