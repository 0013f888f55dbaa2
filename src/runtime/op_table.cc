// The op dispatch table, indexed by MoteOpType. A null entry is an op this
// runtime does not know (MOTE_RT_UNKNOWN_OP). Constant-initialised.
#include "src/runtime/op.h"

namespace mote {
namespace rt {
namespace {

constexpr OpKind kOps[MOTE_OP_TYPE_END] = {
    {nullptr, nullptr},  // 0: no op
    {ValidateConv2D, RunConv2D},
    {ValidateDepthwiseConv2D, RunDepthwiseConv2D},
    {ValidateDense, RunDense},
    {ValidateMaxPool2D, RunMaxPool2D},
    {ValidateAvgPool2D, RunAvgPool2D},
    {ValidateGlobalAvgPool, RunGlobalAvgPool},
    {ValidateAdd, RunAdd},
    {ValidateSoftmax, RunSoftmax},
    {ValidateReshape, RunReshape},
    {ValidateQuantize, RunQuantize},
    {ValidateDequantize, RunDequantize},
    {ValidateChannelAffine, RunChannelAffine},
    {nullptr, nullptr},  // MOTE_OP_SIMPLE_RNN: src/runtime/op_recurrent.cc (not yet)
    {nullptr, nullptr},  // MOTE_OP_LSTM
    {nullptr, nullptr},  // MOTE_OP_GRU
};

}  // namespace

const OpKind* FindOp(uint32_t type) {
  if (type >= MOTE_OP_TYPE_END || kOps[type].validate == nullptr) return nullptr;
  return &kOps[type];
}

}  // namespace rt
}  // namespace mote
