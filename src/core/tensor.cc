#include "mote/tensor.h"

namespace mote {

Status Shape::CheckedElements(size_t* out) const {
  size_t e = 1;
  for (int i = 0; i < rank_; ++i) {
    if (dims_[i] != 0 && e > SIZE_MAX / dims_[i]) return OutOfRange("shape: element count overflows size_t");
    e *= dims_[i];
  }
  *out = e;
  return Status::Ok();
}

}  // namespace mote
