// Model::Add for the layer specs of include/mote/build.h.
#include "mote/build.h"

namespace mote {

NodeId Model::Add(const LayerSpec& spec, std::vector<NodeId> inputs) {
  return Add(spec.Make(), std::move(inputs), spec.layer_name());
}

}  // namespace mote
