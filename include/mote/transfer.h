// Transfer learning: copy pretrained parameters and layer state
// (batchnorm moving averages) from one model into another by layer name,
// then Model::Freeze the copied layers and fine-tune the rest.
#pragma once
#include <stddef.h>

#include <string>
#include <vector>

#include "mote/model.h"

namespace mote {

// Copies every parameter and state tensor of the named layers (all layers
// that exist in both models when `layers` is empty) from `source` into
// `target`; both must be prepared. Errors, checked before anything is
// copied: kInvalidArgument (a named layer missing from either model, or a
// model not prepared), kShapeMismatch (a tensor of the same name with
// another size). `copied` (may be null) receives the number of tensors copied.
Status CopyWeightsByName(Model& source, Model& target, const std::vector<std::string>& layers,
                         size_t* copied = nullptr);

}  // namespace mote
