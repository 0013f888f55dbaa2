#include "mote/transfer.h"

#include <cstring>

namespace mote {
namespace {

// "<layer>/<tensor>" -> "<layer>"
std::string LayerOf(const std::string& tensor) { return tensor.substr(0, tensor.find('/')); }

bool Wanted(const std::vector<std::string>& layers, const std::string& layer, Model& source) {
  if (layers.empty()) return source.find(layer) >= 0;
  for (const std::string& l : layers)
    if (l == layer) return true;
  return false;
}

struct Copy {
  const float* from;
  float* to;
  size_t size;
};

}  // namespace

Status CopyWeightsByName(Model& source, Model& target, const std::vector<std::string>& layers, size_t* copied) {
  if (!source.prepared() || !target.prepared()) return InvalidArgument("transfer: Prepare both models first");
  for (const std::string& l : layers)
    if (source.find(l) < 0 || target.find(l) < 0) return InvalidArgument("transfer: a named layer is missing");
  std::vector<Copy> copies;
  // Parameters, then layer state, matched by full tensor name.
  auto match = [&](const auto& target_infos, const auto& source_infos, float* target_base,
                   const float* source_base) -> Status {
    for (const auto& t : target_infos) {
      if (!Wanted(layers, LayerOf(t.name), source)) continue;
      for (const auto& s : source_infos) {
        if (s.name != t.name) continue;
        if (s.size != t.size) return ShapeMismatch("transfer: a tensor has another size in the source model");
        copies.push_back({source_base + s.offset, target_base + t.offset, t.size});
      }
    }
    return Status::Ok();
  };
  const Model::Writer params = target.mutable_params(), state = target.mutable_state();
  MOTE_TRY(match(target.param_infos(), source.param_infos(), params.data(), source.params()));
  MOTE_TRY(match(target.state_infos(), source.state_infos(), state.data(), source.state()));
  for (const Copy& c : copies) std::memcpy(c.to, c.from, c.size * sizeof(float));
  if (copied) *copied = copies.size();
  return Status::Ok();
}

}  // namespace mote
