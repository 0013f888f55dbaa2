// Padding rules shared by Conv2D and the 2-D pooling layers (one spatial axis
// at a time; H and W are resolved independently).
//  - kValid:    no padding; out = (in - window) / stride + 1, needs in >= window.
//  - kSame:     TensorFlow's rule: out = ceil(in / stride),
//               pad_total = max((out - 1) * stride + window - in, 0),
//               pad_before = pad_total / 2 (the extra pixel goes after).
//  - kExplicit: `pad` zeros before and after; out = (in + 2 pad - window) / stride + 1,
//               needs in + 2 pad >= window.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace mote {

enum class Padding : uint8_t { kValid, kSame, kExplicit };

struct PaddedAxis {
  size_t out = 0;         // output length along the axis
  size_t pad_before = 0;  // zeros before the first input pixel (top / left)
};

// Resolves one axis. in, window and stride must be > 0 (callers check).
// Returns false when the window does not fit the (padded) input.
inline bool ResolvePaddedAxis(size_t in, size_t window, size_t stride, Padding padding, size_t pad,
                              PaddedAxis* axis) {
  switch (padding) {
    case Padding::kValid:
      if (in < window) return false;
      axis->out = (in - window) / stride + 1;
      axis->pad_before = 0;
      return true;
    case Padding::kSame: {
      axis->out = (in + stride - 1) / stride;
      const size_t needed = (axis->out - 1) * stride + window;
      axis->pad_before = needed > in ? (needed - in) / 2 : 0;
      return true;
    }
    case Padding::kExplicit:
      if (in + 2 * pad < window) return false;
      axis->out = (in + 2 * pad - window) / stride + 1;
      axis->pad_before = pad;
      return true;
  }
  return false;
}

}  // namespace mote
