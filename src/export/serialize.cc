// SerializeGraph and ExportModel (include/mote/export.h): the planned graph
// through the runtime's model writer (include/mote/model_writer.h).
#include <cmath>

#include "mote/export.h"
#include "mote/model_writer.h"
#include "src/export/graph_util.h"

namespace mote {

Status SerializeGraph(const ExportGraph& graph, std::vector<uint8_t>* bytes) {
  if (bytes == nullptr) return InvalidArgument("export: null output");
  if (graph.tensors.size() >= MOTE_MODEL_NO_TENSOR) return OutOfRange("export: more tensors than the format holds");
  if (!export_internal::FloatConstantsFinite(graph))
    return InvalidArgument("export: a weight or bias is NaN or infinite (training diverged?); not exported");
  ModelWriter w;
  std::vector<uint16_t> ids(graph.tensors.size());
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const ExportTensor& x = graph.tensors[t];
    if (x.kind == MOTE_TENSOR_CONSTANT) {
      if (x.data.size() != x.bytes()) return InvalidArgument("export: a constant whose data disagrees with its shape");
      MOTE_TRY(w.AddConstant(x.dtype, x.dims, x.data.data(), x.data.size(), &ids[t]));
    } else {
      MOTE_TRY(w.AddActivation(x.dtype, x.dims, x.offset, x.scale, x.zero_point, &ids[t]));
    }
  }
  for (const ExportOp& op : graph.ops) {
    if (op.inputs.size() > 4) return InvalidArgument("export: an op with more than 4 inputs");
    MoteOpRecord r = ModelWriter::Op(op.type, {}, ids[size_t(op.output)]);
    r.input_count = uint8_t(op.inputs.size());
    for (size_t i = 0; i < op.inputs.size(); ++i) r.inputs[i] = ids[size_t(op.inputs[i])];
    r.activation = uint8_t(op.activation);
    r.act_min = op.act_min;
    r.act_max = op.act_max;
    r.scratch_offset = op.scratch_offset;
    r.scratch_bytes = op.scratch_bytes;
    for (int i = 0; i < 8; ++i) r.params[i] = op.params[i];
    MOTE_TRY(w.AddOp(r));
  }
  for (int t : graph.inputs) MOTE_TRY(w.AddInput(ids[size_t(t)]));
  for (int t : graph.outputs) MOTE_TRY(w.AddOutput(ids[size_t(t)]));
  w.SetArenaBytes(graph.arena_bytes);
  w.SetFlags(graph.int8 ? MOTE_MODEL_FLAG_INT8 : 0u);
  for (const ExportOp& op : graph.ops)
    if (op.trainable) w.SetTrainRecord(graph.train);
  return w.Finish(bytes);
}

Status MarkTrainableTail(const ExportTraining& t, ExportGraph* graph) {
  if (graph == nullptr) return InvalidArgument("export: null graph");
  if (t.trainable_layers == 0) return Status::Ok();
  if (t.trainable_layers > 2)
    return Unsupported("export: at most the last two dense layers can be trainable (trainable layers <= 2)");
  if (graph->int8) return InvalidArgument("export: mark the trainable tail before quantizing");
  auto in_unit = [](float v) { return v >= 0.0f && v < 1.0f; };
  if (!(t.learning_rate >= 0.0f) || !std::isfinite(t.learning_rate) || !in_unit(t.label_smoothing))
    return InvalidArgument("export: the learning rate must be finite and >= 0, label smoothing in [0, 1)");
  MoteTrainRecord r{};
  r.loss = MOTE_LOSS_SOFTMAX_CROSS_ENTROPY;
  r.optimizer = uint8_t(t.optimizer);
  r.learning_rate = t.learning_rate;
  r.label_smoothing = t.label_smoothing;
  switch (t.optimizer) {
    case MOTE_OPTIMIZER_SGD:
      break;
    case MOTE_OPTIMIZER_MOMENTUM:
    case MOTE_OPTIMIZER_NESTEROV:
      if (!in_unit(t.momentum)) return InvalidArgument("export: momentum must be in [0, 1)");
      r.hyper[0] = t.momentum;
      break;
    case MOTE_OPTIMIZER_ADAM:
      if (!in_unit(t.rho1) || !in_unit(t.rho2) || !(t.delta > 0.0f) || !std::isfinite(t.delta))
        return InvalidArgument("export: Adam needs rho1, rho2 in [0, 1) and delta > 0");
      r.hyper[0] = t.rho1;
      r.hyper[1] = t.rho2;
      r.hyper[2] = t.delta;
      break;
    default:
      return InvalidArgument("export: unknown optimizer");
  }
  if (graph->outputs.empty()) return InvalidArgument("export: a graph without outputs");
  ExportOp* tail = nullptr;
  for (ExportOp& op : graph->ops)
    if (op.output == graph->outputs[0]) tail = &op;
  if (tail == nullptr || tail->type != MOTE_OP_DENSE || tail->inputs.size() != 3)
    return Unsupported("export: the trainable tail must be a dense layer writing the model's output (the logits)");
  if (!(tail->act_min == -INFINITY && tail->act_max == INFINITY))
    return Unsupported("export: the trainable dense layer must have no activation (softmax goes into the loss)");
  if (t.bias_layers > 1)
    return Unsupported("export: bias-only updates of one earlier layer so far (bias layers = 1)");
  if (t.bias_layers == 1 || t.trainable_layers == 2) {
    // The dense op whose output the tail reads: its bias trains too, and
    // its weights with two trainable layers.
    ExportOp* feeding = nullptr;
    for (ExportOp& op : graph->ops)
      if (op.output == tail->inputs[0]) feeding = &op;
    if (feeding == nullptr || feeding->type != MOTE_OP_DENSE || feeding->inputs.size() != 3)
      return Unsupported("export: bias-only updates and a second trainable layer need a dense layer right before "
                         "the trainable tail");
    feeding->bias_trainable = true;
    feeding->weights_trainable = t.trainable_layers == 2;
  }
  tail->trainable = true;
  graph->train = r;
  return Status::Ok();
}

Status ExportModel(Model& model, const ExportOptions& options, std::vector<uint8_t>* bytes, ExportReport* report) {
  if (bytes == nullptr) return InvalidArgument("export: null output");
  bytes->clear();
  ExportGraph graph;
  MOTE_TRY(LowerModel(model, &graph, report));
  MOTE_TRY(MarkTrainableTail(options.training, &graph));
  if (options.int8) {
    std::vector<std::pair<float, float>> ranges;
    const bool fixed = !options.fixed_quantization.empty();
    if (!fixed || options.calibration_count > 0)
      MOTE_TRY(CalibrateRanges(model, graph, options.calibration, options.calibration_count, &ranges));
    MOTE_TRY(fixed ? QuantizeGraph(ranges, options.fixed_quantization, model, &graph) : QuantizeGraph(ranges, &graph));
  }
  if (options.host_layout) MarkHostLayout(&graph);
  MOTE_TRY(PlanMemory(&graph, options.max_tile_bytes));
  if (options.host_layout) MOTE_TRY(PackHostLayout(&graph));
  MOTE_TRY(SerializeGraph(graph, bytes));
  if (report != nullptr) {
    report->model_bytes = uint32_t(bytes->size());
    report->arena_bytes = graph.arena_bytes;
  }
  return Status::Ok();
}

}  // namespace mote
