// Shape and TensorView: non-owning views of NHWC float tensors.
// Rank 1..4. For rank 4 the dims are [N, H, W, C]; a rank-2 tensor is [N, C]
// (rows x features). The last dim is contiguous. A TensorView never owns its
// data; the model's arena does.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "mote/status.h"

namespace mote {

inline constexpr int kMaxRank = 4;

class Shape {
 public:
  constexpr Shape() = default;
  constexpr Shape(size_t d0) : rank_(1), dims_{d0, 1, 1, 1} {}
  constexpr Shape(size_t d0, size_t d1) : rank_(2), dims_{d0, d1, 1, 1} {}
  constexpr Shape(size_t d0, size_t d1, size_t d2) : rank_(3), dims_{d0, d1, d2, 1} {}
  constexpr Shape(size_t n, size_t h, size_t w, size_t c) : rank_(4), dims_{n, h, w, c} {}

  constexpr int rank() const { return rank_; }
  // Dim i for 0 <= i < rank(); 1 otherwise, so trailing dims act as size 1.
  constexpr size_t dim(int i) const { return (i >= 0 && i < rank_) ? dims_[i] : 1; }
  // NHWC accessors, meaningful for rank 4 ([N, C] also answers n() and c()).
  constexpr size_t n() const { return dim(0); }
  constexpr size_t h() const { return rank_ == 4 ? dims_[1] : 1; }
  constexpr size_t w() const { return rank_ == 4 ? dims_[2] : 1; }
  constexpr size_t c() const { return rank_ > 0 ? dims_[rank_ - 1] : 1; }

  // Product of all dims (1 for rank 0). Use CheckedElements for untrusted shapes.
  constexpr size_t elements() const {
    size_t e = 1;
    for (int i = 0; i < rank_; ++i) e *= dims_[i];
    return e;
  }
  // Product of all dims, or kOutOfRange when it does not fit size_t.
  Status CheckedElements(size_t* out) const;
  // Elements per batch item (product of dims 1..rank-1).
  constexpr size_t per_item() const { return rank_ == 0 ? 1 : elements() / (dims_[0] ? dims_[0] : 1); }

  constexpr bool operator==(const Shape& o) const {
    if (rank_ != o.rank_) return false;
    for (int i = 0; i < rank_; ++i)
      if (dims_[i] != o.dims_[i]) return false;
    return true;
  }
  constexpr bool operator!=(const Shape& o) const { return !(*this == o); }

 private:
  int rank_ = 0;
  size_t dims_[kMaxRank] = {1, 1, 1, 1};
};

template <typename T>
struct TensorView {
  T* data = nullptr;
  Shape shape;

  constexpr size_t elements() const { return shape.elements(); }
  // Element at (n, h, w, c) of a rank-4 tensor (no bounds check).
  constexpr T& at(size_t n, size_t h, size_t w, size_t c) const {
    return data[((n * shape.h() + h) * shape.w() + w) * shape.c() + c];
  }
  // Element at (row, col) of a rank-2 tensor (no bounds check).
  constexpr T& at(size_t row, size_t col) const { return data[row * shape.c() + col]; }
};

using FloatView = TensorView<float>;
using ConstFloatView = TensorView<const float>;

}  // namespace mote
