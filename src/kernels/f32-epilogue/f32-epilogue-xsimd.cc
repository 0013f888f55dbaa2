// xsimd per-channel affine + clamp over rows x channels (channel-rows-xsimd.h:
// vector code for any channel count, rows of fewer channels than lanes run as
// one flat array). Mul and add stay separate (no fma) and the clamp uses the
// reference's comparisons (NaN passes through), so results match the scalar
// reference bit for bit. Each element is read before it is written, so y == x
// is safe.
#include "src/kernels/channel-rows-xsimd.h"

namespace mote {
namespace kernels {
namespace MOTE_XSIMD_NS {
namespace {

// y = clamp(x * scale + shift, lo, hi); scale/shift presence is hoisted into
// the template arguments.
template <bool kScale, bool kShift>
struct AffineClampOp : channel_rows::OpBase {
  static constexpr int kInputs = 1;
  static constexpr unsigned kParams = (kScale ? 1u : 0u) | (kShift ? 2u : 0u);
  static constexpr bool kOutput = true;
  float lo, hi;
  Batch Apply(Batch v, Batch /*b*/, Batch scale, Batch shift, Batch /*p2*/, Batch /*p3*/) const {
    const Batch vlo(lo), vhi(hi);
    if (kScale) v = v * scale;
    if (kShift) v = v + shift;
    v = xsimd::select(v < vlo, vlo, v);
    return xsimd::select(v > vhi, vhi, v);
  }
};

template <bool kScale, bool kShift>
void EpilogueRows(size_t rows, size_t channels, const float* x, const float* scale, const float* shift,
                  float lo, float hi, float* y) {
  channel_rows::MapChannelRows(AffineClampOp<kScale, kShift>{{x, nullptr, {scale, shift}, y}, lo, hi}, rows, channels);
}

}  // namespace

void F32ChannelAffineClamp(size_t rows, size_t channels, const float* x, const float* scale,
                           const float* shift, float lo, float hi, float* y) {
  if (scale && shift)
    EpilogueRows<true, true>(rows, channels, x, scale, shift, lo, hi, y);
  else if (scale)
    EpilogueRows<true, false>(rows, channels, x, scale, shift, lo, hi, y);
  else if (shift)
    EpilogueRows<false, true>(rows, channels, x, scale, shift, lo, hi, y);
  else
    EpilogueRows<false, false>(rows, channels, x, scale, shift, lo, hi, y);
}

}  // namespace MOTE_XSIMD_NS
}  // namespace kernels
}  // namespace mote
