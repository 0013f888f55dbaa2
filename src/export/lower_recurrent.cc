// Export of SimpleRNN / LSTM / GRU: one SIMPLE_RNN / LSTM / GRU op with the
// layer's parameters, which are already in the format's layout and gate order
// (include/mote/layers/recurrent.h); the op's scratch size is the runtime's
// (src/runtime/op_recurrent.h), so PlanMemory only places it.
#include <cstring>

#include "mote/layers/recurrent.h"
#include "src/export/graph_util.h"
#include "src/runtime/op_recurrent.h"

namespace mote {
namespace export_internal {

MoteOpType RecurrentOpType(const char* layer_type) {
  if (std::strcmp(layer_type, "SimpleRNN") == 0) return MOTE_OP_SIMPLE_RNN;
  if (std::strcmp(layer_type, "LSTM") == 0) return MOTE_OP_LSTM;
  if (std::strcmp(layer_type, "GRU") == 0) return MOTE_OP_GRU;
  return MOTE_OP_TYPE_END;
}

Status LowerRecurrent(LoweringContext& ctx, NodeId node, MoteOpType type) {
  const Model& model = ctx.model();
  const auto& rnn = static_cast<const Recurrent&>(*model.layer(node));
  const NodeId input = model.node_inputs(node)[0];
  const Shape in = model.node_shape(input);
  if (in.rank() != 2) return ShapeMismatch("export: a recurrent layer needs a [steps, features] input");
  const uint32_t units = uint32_t(rnn.units()), rows = uint32_t(rnn.gate_count() * rnn.units());
  const uint32_t features = uint32_t(in.dim(1));
  const float* kernel = model.node_param(node, "kernel");
  const float* recurrent = model.node_param(node, "recurrent_kernel");
  if (kernel == nullptr || recurrent == nullptr)
    return InvalidArgument("export: a recurrent layer without its kernels (model not prepared?)");
  std::vector<float> w, u, b(rows, 0.0f);
  ReadFloats(kernel, size_t(rows) * features, &w);
  ReadFloats(recurrent, size_t(rows) * units, &u);
  if (const float* bias = model.node_param(node, "bias")) ReadFloats(bias, rows, &b);
  const std::string& name = model.node_name(node);
  const int wt = ctx.AddFloatConstant(name + "/kernel", {rows, features}, w);
  const int ut = ctx.AddFloatConstant(name + "/recurrent_kernel", {rows, units}, u);
  const int bt = ctx.AddFloatConstant(name + "/bias", {rows}, b);
  ExportOp* op;
  MOTE_TRY(ctx.Emit(node, type, {ctx.ValueOf(input), wt, ut, bt}, &op));
  op->params[0] = int32_t(units);
  op->params[1] = rnn.return_sequences() ? 1 : 0;
  const uint64_t scratch = rt::RecurrentScratchFloats(type, units) * sizeof(float);
  if (scratch > 0xFFFFFFFFu) return OutOfRange("export: recurrent scratch beyond 4 GiB");
  op->scratch_bytes = uint32_t(scratch);
  return Status::Ok();
}

}  // namespace export_internal
}  // namespace mote
