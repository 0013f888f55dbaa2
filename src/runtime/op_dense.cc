// DENSE: the input read flat [F] against weights [Cout][F], fused clamp (f32)
// or requantization (int8); hosted fp32 also the host layout's weights [F][Cout]
// (MOTE_DENSE_WEIGHTS_INPUT_MAJOR), which skips the rows of zero inputs, and
// hosted int8 the weight sums after the bias (MOTE_DENSE_WEIGHT_SUMS), the
// weights either [Cout][F] or in channel blocks (MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS).
#include "mote/kernels.h"
#include "src/runtime/op.h"

namespace mote {
namespace rt {

namespace {

#if MOTE_HOSTED
bool WeightSums(const MoteOpRecord& op) {
  return (op.params[0] & ~MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS) == MOTE_DENSE_WEIGHT_SUMS;
}
bool ChannelBlocks(const MoteOpRecord& op) {
  return op.params[0] == (MOTE_DENSE_WEIGHT_SUMS | MOTE_DENSE_WEIGHTS_CHANNEL_BLOCKS);
}

// Row 1 of the bias against the weights: each channel's sum.
mote_rt_status CheckWeightSums(const mote_rt_model& m, const MoteOpRecord& op, uint32_t cout, uint32_t features) {
  const int8_t* w = InI8(m, op, 1);
  const int32_t* sums = InI32(m, op, 2) + cout;
  const bool blocks = ChannelBlocks(op);
  for (uint32_t j = 0; j < cout; ++j) {
    uint32_t sum = 0;
    for (uint32_t p = 0; p < features; ++p)
      sum += uint32_t(int32_t(w[blocks ? kernels::I8DenseBlockIndex(j, p, features) : size_t(j) * features + p]));
    if (sum != uint32_t(sums[j])) return MOTE_RT_BAD_PARAMS;
  }
  return MOTE_RT_OK;
}
#else
// A microcontroller's runtime refuses them.
constexpr bool WeightSums(const MoteOpRecord&) { return false; }
constexpr bool ChannelBlocks(const MoteOpRecord&) { return false; }
#endif

// The weights' dims in the op's layout.
bool WeightDimsOk(const MoteTensorRecord& w, const MoteOpRecord& op, uint32_t features, uint32_t cout,
                  bool input_major) {
  if (ChannelBlocks(op))
    return w.rank == 4 && w.dims[0] == kernels::I8DenseBlockCount(cout) &&
           w.dims[1] == kernels::I8DenseBlockChunks(features) && w.dims[2] == kernels::kDenseBlockChannels &&
           w.dims[3] == kernels::kDenseBlockChunk;
  return w.rank == 2 && w.dims[0] == (input_major ? features : cout) && w.dims[1] == (input_major ? cout : features);
}

}  // namespace

mote_rt_status ValidateDense(const mote_rt_model& m, const MoteOpRecord& op) {
  MOTE_RT_TRY(CheckWeightedOpInputs(m, op));
  const bool i8 = ComputesI8(In(m, op, 0));
#if MOTE_HOSTED
  const bool input_major = op.params[0] == MOTE_DENSE_WEIGHTS_INPUT_MAJOR && !i8;
#else
  constexpr bool input_major = false;  // a microcontroller's runtime refuses the host layout
#endif
  const bool sums = WeightSums(op) && i8;
  MOTE_RT_TRY(CheckUnusedParams(op, input_major || sums ? 1 : 0));
  const MoteTensorRecord& w = In(m, op, 1);
  const uint32_t features = ElementsOf(In(m, op, 0)), cout = ElementsOf(Out(m, op));
  if (!WeightDimsOk(w, op, features, cout, input_major)) return MOTE_RT_BAD_SHAPE;
  MOTE_RT_TRY(CheckBiasAndRequant(m, op, cout, features, sums ? 2 : 1));
#if MOTE_HOSTED
  if (sums) return CheckWeightSums(m, op, cout, features);
#endif
  return MOTE_RT_OK;
}

void RunDense(const mote_rt_model& m, const MoteOpRecord& op) {
  const size_t features = ElementsOf(In(m, op, 0)), cout = ElementsOf(Out(m, op));
  if (RunsI8(In(m, op, 0))) {
    kernels::I8Requant rq = I8RequantOf(m, op, uint32_t(cout));
    if (WeightSums(op)) rq.weight_sums = InI32(m, op, 2) + cout;
    if (ChannelBlocks(op))
      return kernels::I8DenseBlocks(cout, features, InI8(m, op, 0), InI8(m, op, 1), rq, OutI8(m, op));
    kernels::I8DenseRows(1, cout, features, InI8(m, op, 0), features, InI8(m, op, 1), features, rq, OutI8(m, op),
                         cout);
    return;
  }
#if MOTE_HOSTED
  if (op.params[0] == MOTE_DENSE_WEIGHTS_INPUT_MAJOR)
    return kernels::F32DenseInputMajor(cout, features, InF32(m, op, 0), InF32(m, op, 1), cout, InF32(m, op, 2),
                                       op.act_min, op.act_max, OutF32(m, op));
#endif
  kernels::F32DenseRows(1, cout, features, InF32(m, op, 0), features, InF32(m, op, 1), features, InF32(m, op, 2),
                        op.act_min, op.act_max, OutF32(m, op), cout);
}

}  // namespace rt
}  // namespace mote
