#include "mote/layers/recurrent.h"

#include <string.h>

#include <limits>

#include "mote/describe.h"
#include "mote/kernels.h"
#include "mote/lowering.h"

namespace mote {

namespace {
using kernels::Transpose;
inline size_t RoundUp16(size_t v) { return (v + 15) / 16 * 16; }
inline size_t Max(size_t a, size_t b) { return a > b ? a : b; }
// a * b, false when it overflows.
inline bool Mul(size_t a, size_t b, size_t* out) {
  if (a != 0 && b > std::numeric_limits<size_t>::max() / a) return false;
  *out = a * b;
  return true;
}
}  // namespace

Recurrent::Recurrent(size_t units, size_t gate_count, const RecurrentOptions& options)
    : units_(units), gates_(gate_count), options_(options) {}

Status Recurrent::PlanCell(PlanContext&, size_t, size_t, size_t* cell_scratch_floats) {
  *cell_scratch_floats = 0;
  return Status::Ok();
}
void Recurrent::BindCell(const BindContext&) {}
InitSpec Recurrent::BiasInit() const { return InitSpec{InitKind::kZeros}; }
void Recurrent::BeginBackward(size_t, float*) {}

Status Recurrent::Plan(PlanContext& ctx, Shape* output_shape) {
  if (ctx.input_count() != 1) return InvalidArgument("recurrent layer: takes exactly one input");
  if (units_ == 0) return InvalidArgument("recurrent layer: units must be > 0");
  const Shape& in = ctx.input_shape(0);
  if (in.rank() != 3) return ShapeMismatch("recurrent layer: input must have rank 3 [N, T, features]");
  const size_t n = in.dim(0);
  steps_ = in.dim(1);
  features_ = in.dim(2);
  if (n == 0 || steps_ == 0 || features_ == 0) return InvalidArgument("recurrent layer: input has a zero dimension");
  const size_t h = units_;
  size_t gh = 0, rows = 0, gate_floats = 0, state_floats = 0, weights = 0, recurrent = 0;
  if (!Mul(gates_, h, &gh) || !Mul(n, steps_, &rows) || !Mul(rows, gh, &gate_floats) ||
      !Mul(rows, h, &state_floats) || !Mul(gh, features_, &weights) || !Mul(gh, h, &recurrent) ||
      gate_floats > std::numeric_limits<size_t>::max() / 8)
    return OutOfRange("recurrent layer: sizes too large");

  kernel_h_ = ctx.AddParam("kernel", Shape(gh, features_), ParamRole::kWeight, options_.kernel_init, features_, gh);
  recurrent_h_ = ctx.AddParam("recurrent_kernel", Shape(gh, h), ParamRole::kWeight, options_.recurrent_init, h, gh);
  if (options_.use_bias) bias_h_ = ctx.AddParam("bias", Shape(gh), ParamRole::kBias, BiasInit(), 1, gh);
  gates_buffer_h_ = ctx.AddBuffer(gate_floats);
  states_h_ = ctx.AddBuffer(state_floats);
  size_t cell_floats = 0;
  MOTE_TRY(PlanCell(ctx, n, steps_, &cell_floats));

  // Scratch: [gate grads N*T*G*H] [dh N*H] [dh_prev N*H] [bias sums G*H] [cell] [GEMM workspace].
  dh_offset_ = RoundUp16(gate_floats);
  dh_prev_offset_ = dh_offset_ + RoundUp16(n * h);
  sums_offset_ = dh_prev_offset_ + RoundUp16(n * h);
  cell_offset_ = sums_offset_ + RoundUp16(gh);
  workspace_offset_ = cell_offset_ + RoundUp16(cell_floats);
  size_t ws = kernels::F32GemmWorkspaceFloats(rows, gh, features_);  // input projections
  ws = Max(ws, kernels::F32GemmWorkspaceFloats(n, gh, h));           // recurrent product
  ws = Max(ws, kernels::F32GemmWorkspaceFloats(n, h, gh));           // dh_prev
  ws = Max(ws, kernels::F32GemmWorkspaceFloats(gh, h, n));           // recurrent kernel grad
  ws = Max(ws, kernels::F32GemmWorkspaceFloats(gh, features_, rows));  // kernel grad
  ws = Max(ws, kernels::F32GemmWorkspaceFloats(rows, features_, gh));  // input grad
  ctx.RequestScratch(workspace_offset_ + ws);
  *output_shape = options_.return_sequences ? Shape(n, steps_, h) : Shape(n, h);
  return Status::Ok();
}

void Recurrent::Bind(const BindContext& ctx) {
  kernel_ = ctx.param(kernel_h_);
  kernel_grad_ = ctx.grad(kernel_h_);
  recurrent_ = ctx.param(recurrent_h_);
  recurrent_grad_ = ctx.grad(recurrent_h_);
  if (options_.use_bias) {
    bias_ = ctx.param(bias_h_);
    bias_grad_ = ctx.grad(bias_h_);
  }
  gates_buffer_ = ctx.buffer(gates_buffer_h_);
  states_ = ctx.buffer(states_h_);
  BindCell(ctx);
}

void Recurrent::AddRecurrentProduct(const Step& s, size_t first, size_t count, const float* h, size_t h_ld) const {
  const size_t hu = units_;
  kernels::F32Gemm(Transpose::kNo, Transpose::kYes, s.batch, count * hu, hu, h, h_ld, recurrent_ + first * hu * hu,
                   hu, s.gates + first * hu, s.gate_ld, true, s.workspace);
}

void Recurrent::BackpropRecurrentProduct(const Step& s, size_t first, size_t count, const float* h, size_t h_ld,
                                         float* dh_prev, bool accumulate) const {
  const size_t hu = units_;
  const float* da = s.gate_grads + first * hu;
  kernels::F32Gemm(Transpose::kNo, Transpose::kNo, s.batch, hu, count * hu, da, s.gate_ld,
                   recurrent_ + first * hu * hu, hu, dh_prev, hu, accumulate, s.workspace);
  if (h)
    kernels::F32Gemm(Transpose::kYes, Transpose::kNo, count * hu, hu, s.batch, da, s.gate_ld, h, h_ld,
                     recurrent_grad_ + first * hu * hu, hu, true, s.workspace);
}

void Recurrent::ApplyToGates(const Step& s, size_t first, size_t count,
                             void (*f)(size_t, const float*, float*)) const {
  for (size_t b = 0; b < s.batch; ++b) {
    float* g = s.gates + b * s.gate_ld + first * units_;
    f(count * units_, g, g);
  }
}

void Recurrent::Forward(const ForwardArgs& args) {
  const size_t n = args.batch, t_count = steps_, hu = units_, gh = gates_ * units_;
  float* ws = args.scratch + workspace_offset_;
  // Input projections of every timestep at once: [N*T, G*H] = [N*T, F] x kernel^T (+ bias).
  kernels::F32Gemm(Transpose::kNo, Transpose::kYes, n * t_count, gh, features_, args.inputs[0], features_, kernel_,
                   features_, gates_buffer_, gh, false, ws);
  if (options_.use_bias) {
    const float inf = std::numeric_limits<float>::infinity();
    kernels::F32ChannelAffineClamp(n * t_count, gh, gates_buffer_, nullptr, bias_, -inf, inf, gates_buffer_);
  }
  Step s{};
  s.batch = n;
  s.gate_ld = t_count * gh;
  s.state_ld = t_count * hu;
  s.cell_scratch = args.scratch + cell_offset_;
  s.workspace = ws;
  for (size_t t = 0; t < t_count; ++t) {
    s.t = t;
    s.gates = gates_buffer_ + t * gh;
    s.h = states_ + t * hu;
    s.h_prev = t > 0 ? states_ + (t - 1) * hu : nullptr;
    StepForward(s);
  }
  if (options_.return_sequences) {
    memcpy(args.output, states_, n * t_count * hu * sizeof(float));
  } else {
    for (size_t b = 0; b < n; ++b)
      memcpy(args.output + b * hu, states_ + (b * t_count + t_count - 1) * hu, hu * sizeof(float));
  }
}

void Recurrent::Backward(const BackwardArgs& args) {
  const size_t n = args.batch, t_count = steps_, hu = units_, gh = gates_ * units_;
  float* ws = args.scratch + workspace_offset_;
  float* gate_grads = args.scratch;
  float* dh = args.scratch + dh_offset_;
  float* dh_prev = args.scratch + dh_prev_offset_;
  const float* dy = args.output_grad;
  memset(dh, 0, n * hu * sizeof(float));
  BeginBackward(n, args.scratch + cell_offset_);
  Step s{};
  s.batch = n;
  s.gate_ld = t_count * gh;
  s.state_ld = t_count * hu;
  s.cell_scratch = args.scratch + cell_offset_;
  s.workspace = ws;
  for (size_t t = t_count; t-- > 0;) {
    // d loss / d h_t: from the future steps (dh) plus this step's output.
    if (options_.return_sequences) {
      for (size_t b = 0; b < n; ++b) kernels::F32Add(hu, dh + b * hu, dy + (b * t_count + t) * hu, dh + b * hu);
    } else if (t == t_count - 1) {
      memcpy(dh, dy, n * hu * sizeof(float));
    }
    s.t = t;
    s.gates = gates_buffer_ + t * gh;
    s.gate_grads = gate_grads + t * gh;
    s.h = states_ + t * hu;
    s.h_prev = t > 0 ? states_ + (t - 1) * hu : nullptr;
    s.dh = dh;
    s.dh_prev = dh_prev;
    StepBackward(s);
    float* swap = dh;
    dh = dh_prev;
    dh_prev = swap;
  }
  // Over all timesteps at once: kernel grad, bias grad, input grad.
  kernels::F32Gemm(Transpose::kYes, Transpose::kNo, gh, features_, n * t_count, gate_grads, gh, args.inputs[0],
                   features_, kernel_grad_, features_, true, ws);
  if (options_.use_bias) {
    float* sums = args.scratch + sums_offset_;
    kernels::F32ChannelSums(n * t_count, gh, gate_grads, sums, nullptr);
    kernels::F32Add(gh, bias_grad_, sums, bias_grad_);
  }
  if (float* dx = args.input_grads[0])
    kernels::F32Gemm(Transpose::kNo, Transpose::kNo, n * t_count, features_, gh, gate_grads, gh, kernel_, features_,
                     dx, features_, false, ws);
}

// One SIMPLE_RNN / LSTM / GRU op with the layer's parameters, already in the
// format's layout and gate order; its scratch is the format's rule
// (mote_recurrent_scratch_floats), so the memory planner only places it.
Status Recurrent::Lower(LoweringContext& ctx) const {
  const Shape in = ctx.input_shape(0);
  if (in.rank() != 2) return ShapeMismatch("export: a recurrent layer needs a [steps, features] input");
  const uint32_t units = uint32_t(units_), rows = uint32_t(gates_ * units_);
  const uint32_t features = uint32_t(in.dim(1));
  const float* kernel = ctx.param("kernel");
  const float* recurrent = ctx.param("recurrent_kernel");
  if (kernel == nullptr || recurrent == nullptr)
    return InvalidArgument("export: a recurrent layer without its kernels (model not prepared?)");
  const std::vector<float> w(kernel, kernel + size_t(rows) * features), u(recurrent, recurrent + size_t(rows) * units);
  std::vector<float> b(rows, 0.0f);
  if (const float* bias = ctx.param("bias")) b.assign(bias, bias + rows);
  const std::string& name = ctx.node_name();
  const int wt = ctx.AddFloatConstant(name + "/kernel", {rows, features}, w);
  const int ut = ctx.AddFloatConstant(name + "/recurrent_kernel", {rows, units}, u);
  const int bt = ctx.AddFloatConstant(name + "/bias", {rows}, b);
  ExportOp* op;
  MOTE_TRY(ctx.Emit(runtime_op(), {ctx.input(0), wt, ut, bt}, &op));
  op->params[0] = int32_t(units);
  op->params[1] = options_.return_sequences ? 1 : 0;
  const uint64_t scratch = mote_recurrent_scratch_floats(runtime_op(), units) * sizeof(float);
  if (scratch > 0xFFFFFFFFu) return OutOfRange("export: recurrent scratch beyond 4 GiB");
  op->scratch_bytes = uint32_t(scratch);
  return Status::Ok();
}

void Recurrent::DescribeRecurrent(OptionWriter& out) const {
  out.Integer("units", units_);
  out.Boolean("return_sequences", options_.return_sequences);
  out.Boolean("use_bias", options_.use_bias);
  out.Init("kernel_init", options_.kernel_init);
  out.Init("recurrent_init", options_.recurrent_init);
}

}  // namespace mote
