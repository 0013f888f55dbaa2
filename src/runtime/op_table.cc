// The op dispatch table, indexed by MoteOpType. A null entry is an op this
// runtime does not know (MOTE_RT_UNKNOWN_OP). Constant-initialised. Ops left
// out with the meson option runtime_ops (src/runtime/op.h) have null entries,
// so nothing references their code and --gc-sections / the archive leave it out.
#include "src/runtime/op.h"


namespace mote {
namespace rt {
namespace {

// {Validate<name>, Run<name>} when `enabled`, else the unknown-op entry.
#define MOTE_RT_ENTRY(enabled, name) \
  OpKind { (enabled) ? Validate##name : nullptr, (enabled) ? Run##name : nullptr }

constexpr OpKind kOps[MOTE_OP_TYPE_END] = {
    OpKind{nullptr, nullptr},  // 0: no op
    MOTE_RT_ENTRY(MOTE_RT_OP_CONV2D, Conv2D),
    MOTE_RT_ENTRY(MOTE_RT_OP_DEPTHWISE_CONV2D, DepthwiseConv2D),
    MOTE_RT_ENTRY(MOTE_RT_OP_DENSE, Dense),
    MOTE_RT_ENTRY(MOTE_RT_OP_MAX_POOL2D, MaxPool2D),
    MOTE_RT_ENTRY(MOTE_RT_OP_AVG_POOL2D, AvgPool2D),
    MOTE_RT_ENTRY(MOTE_RT_OP_GLOBAL_AVG_POOL, GlobalAvgPool),
    MOTE_RT_ENTRY(MOTE_RT_OP_ADD, Add),
    MOTE_RT_ENTRY(MOTE_RT_OP_SOFTMAX, Softmax),
    MOTE_RT_ENTRY(MOTE_RT_OP_RESHAPE, Reshape),
    MOTE_RT_ENTRY(MOTE_RT_OP_QUANTIZE, Quantize),
    MOTE_RT_ENTRY(MOTE_RT_OP_DEQUANTIZE, Dequantize),
    MOTE_RT_ENTRY(MOTE_RT_OP_CHANNEL_AFFINE, ChannelAffine),
    MOTE_RT_ENTRY(MOTE_RT_OP_SIMPLE_RNN, Recurrent),  // src/runtime/op_recurrent.cc, all three
    MOTE_RT_ENTRY(MOTE_RT_OP_LSTM, Recurrent),
    MOTE_RT_ENTRY(MOTE_RT_OP_GRU, Recurrent),
};

#undef MOTE_RT_ENTRY

}  // namespace

const OpKind* FindOp(uint32_t type) {
  if (type >= MOTE_OP_TYPE_END || kOps[type].validate == nullptr) return nullptr;
  return &kOps[type];
}

}  // namespace rt
}  // namespace mote
