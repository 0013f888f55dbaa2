// Plan shared by the layers whose output has the input's shape (activations,
// softmax): one input of rank >= min_rank with no zero dimension.
#pragma once
#include <stddef.h>

#include "mote/layer.h"

namespace mote {

// Plan's error messages, per layer type (Status messages are static).
struct SameShapeMessages {
  const char* one_input;
  const char* rank;
  const char* zero_dimension;
};

inline Status PlanSameShape(PlanContext& ctx, const SameShapeMessages& m, int min_rank, Shape* output_shape,
                            size_t* per_item) {
  if (ctx.input_count() != 1) return InvalidArgument(m.one_input);
  const Shape& in = ctx.input_shape(0);
  if (in.rank() < min_rank) return ShapeMismatch(m.rank);
  size_t elements = 0;
  MOTE_TRY(in.CheckedElements(&elements));
  if (elements == 0) return InvalidArgument(m.zero_dimension);
  *per_item = in.per_item();
  *output_shape = in;
  return Status::Ok();
}

}  // namespace mote
